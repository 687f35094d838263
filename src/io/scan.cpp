#include "io/scan.h"

#include <glob.h>
#include <sys/stat.h>
#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#include "common/strings.h"
#include "io/byte_reader.h"

namespace cloudsift {
namespace fs = std::filesystem;

namespace {

constexpr size_t kSniffBytes = 64 * 1024;  // read before sniffing
constexpr size_t kSniffHead = 16 * 1024;   // shown to each format's Sniff()
constexpr size_t kPadding = simdjson::SIMDJSON_PADDING;
constexpr size_t kChunkBytes = 4 << 20;

bool AllDigits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Streams one opened input through a decoder, counting lines and records.
class FileJob {
public:
    FileJob(const ScanOptions& options, FileOutcome& outcome, RecordConsumer& consumer)
        : options_(options), out_(outcome), consumer_(consumer) {}

    void Run(OpenedStream opened) {
        out_.compression = opened.compression;
        out_.bytes_read = opened.size_on_disk;
        ByteStream& stream = *opened.stream;

        // Fill the first chunk, enough to sniff.
        buffer_.reserve(kSniffBytes + kPadding);
        Status st = Fill(stream, kSniffBytes);
        const Format* format = nullptr;
        if (!options_.format.empty()) {
            format = FindFormat(options_.format);
        } else {
            format = SniffFormat(std::string_view(buffer_).substr(0, kSniffHead), out_.info);
        }
        for (const auto& custom : options_.custom_formats)
            if (format && custom->Name() == format->Name()) format = custom.get();
        if (!format) {
            out_.skipped = true;
            if (!st.ok()) {
                out_.error = st.error().code + ": " + st.error().message;
            } else if (buffer_.empty()) {
                out_.error = "empty file";
            } else {
                out_.error = IsBinary(buffer_) ? "unrecognized format (binary data)"
                                               : "unrecognized format";
            }
            return;
        }
        out_.format = std::string(format->Name());
        consumer_.BeginFile(out_.info, out_.format);
        auto decoder = format->Open(out_.info);
        auto emit = [&](const Record& rec) { OnRecord(rec); };
        if (format->LineOriented()) {
            RunLines(stream, st, *decoder, emit);
        } else if (st.ok()) {
            st = ReadRest(stream, options_.max_document_bytes);
            out_.bytes_decoded = buffer_.size();
            if (!st.ok()) Fail(st.error());
            // A broken stream still yields what arrived: the decoder salvages complete records.
            Pad();
            decoder->Feed(buffer_, 1, emit, out_.report);
        } else {
            Fail(st.error());
            Pad();
            decoder->Feed(buffer_, 1, emit, out_.report);
        }
        decoder->Finish(emit, out_.report);
    }

private:
    void OnRecord(const Record& rec) {
        TimeMs t = rec.norm.time;
        if (t != 0) {
            if ((options_.since && t < *options_.since) || (options_.until && t > *options_.until))
                return;
            if (out_.first_time == 0 || t < out_.first_time) out_.first_time = t;
            if (t > out_.last_time) out_.last_time = t;
        }
        ++out_.records;
        consumer_.OnRecord(rec);
    }

    void Fail(const Error& e) {
        if (out_.error.empty()) out_.error = e.code + ": " + e.message;
    }

    static bool IsBinary(std::string_view s) {
        size_t ctrl = 0, n = std::min<size_t>(s.size(), 4096);
        for (size_t i = 0; i < n; ++i) {
            unsigned char c = static_cast<unsigned char>(s[i]);
            if (c == 0 || (c < 0x20 && c != '\n' && c != '\r' && c != '\t')) ++ctrl;
        }
        return ctrl * 20 > n;
    }

    // Appends up to want bytes to buffer_ (fewer at end of stream).
    Status Fill(ByteStream& stream, size_t want) {
        size_t target = buffer_.size() + want;
        while (buffer_.size() < target) {
            size_t old = buffer_.size();
            buffer_.resize(target);
            auto r = stream.Read(buffer_.data() + old, target - old);
            if (!r.ok()) {
                buffer_.resize(old);
                eof_ = true;
                return r.error();
            }
            buffer_.resize(old + r.value());
            if (r.value() == 0) {
                eof_ = true;
                break;
            }
        }
        return Ok{};
    }

    Status ReadRest(ByteStream& stream, uint64_t max) {
        while (!eof_) {
            if (buffer_.size() > max)
                return Error{"input.too_large", "document exceeds " + std::to_string(max) +
                                                    " bytes after decompression"};
            // Grow geometrically from small: most delivery files are a few KiB to a few MiB, and
            // every byte Fill() reserves is zeroed first.
            Status st = Fill(stream, std::max<size_t>(kSniffBytes, buffer_.size()));
            if (!st.ok()) return st;
        }
        if (buffer_.size() > max)
            return Error{"input.too_large",
                         "document exceeds " + std::to_string(max) + " bytes after decompression"};
        return Ok{};
    }

    void Pad() {
        size_t n = buffer_.size();
        buffer_.resize(n + kPadding, '\0');
        buffer_.resize(n);
    }

    void RunLines(ByteStream& stream, Status st, FileDecoder& decoder, RecordFn emit) {
        uint64_t line = 1;
        bool skipping = false; // inside an over-long line, dropping bytes until its newline
        uint64_t total = 0;
        while (true) {
            if (!st.ok()) Fail(st.error());
            size_t last_nl = buffer_.rfind('\n');
            size_t usable;
            if (eof_) {
                usable = buffer_.size();
            } else if (last_nl != std::string::npos) {
                usable = last_nl + 1;
            } else {
                usable = 0;
            }
            Pad();
            std::string_view chunk(buffer_.data(), usable);
            if (skipping && !chunk.empty()) {
                size_t nl = chunk.find('\n');
                size_t drop = nl == std::string_view::npos ? chunk.size() : nl + 1;
                chunk.remove_prefix(drop);
                total += drop;
                if (nl != std::string_view::npos) {
                    skipping = false;
                    ++line;
                }
            }
            if (!chunk.empty()) {
                decoder.Feed(chunk, line, emit, out_.report);
                line += static_cast<uint64_t>(std::count(chunk.begin(), chunk.end(), '\n'));
                total += chunk.size();
            }
            buffer_.erase(0, usable);
            if (eof_) break;
            if (buffer_.size() >= options_.max_line_bytes) {
                if (!skipping)
                    out_.report.Bad(line, "line.too_long",
                                    std::string_view(buffer_).substr(0, 120));
                skipping = true;
                total += buffer_.size();
                buffer_.clear();
            }
            st = Fill(stream, kChunkBytes);
        }
        out_.bytes_decoded = total;
    }

    const ScanOptions& options_;
    FileOutcome& out_;
    RecordConsumer& consumer_;
    std::string buffer_;
    bool eof_ = false;
};

bool PrunedByPath(const PathHints& h, const ScanOptions& o) {
    if (h.day < 0) return false;
    // The path date is the delivery day; events may precede delivery by up to ~1 hour.
    TimeMs day_start = h.day * 86'400'000LL - 3'600'000LL;
    TimeMs day_end = (h.day + 1) * 86'400'000LL;
    if (o.since && day_end <= *o.since) return true;
    if (o.until && day_start > *o.until) return true;
    return false;
}

} // namespace

PathHints ParsePathHints(std::string_view path) {
    PathHints h;
    auto parts = Split(path, '/');
    for (size_t i = 0; i < parts.size(); ++i) {
        if (parts[i] != "AWSLogs") continue;
        size_t j = i + 1;
        if (j < parts.size() && StartsWith(parts[j], "o-")) h.org_id = std::string(parts[j++]);
        if (j < parts.size() && AllDigits(parts[j]) && parts[j].size() == 12)
            h.account = std::string(parts[j++]);
        else
            return h;
        if (j < parts.size()) h.service = std::string(parts[j++]);
        if (j < parts.size() && !AllDigits(parts[j])) h.region = std::string(parts[j++]);
        if (j + 2 < parts.size() && AllDigits(parts[j]) && AllDigits(parts[j + 1]) &&
            AllDigits(parts[j + 2]) && parts[j].size() == 4) {
            int y = std::stoi(std::string(parts[j]));
            int m = std::stoi(std::string(parts[j + 1]));
            int d = std::stoi(std::string(parts[j + 2]));
            if (m >= 1 && m <= 12 && d >= 1 && d <= 31)
                h.day = DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
        }
        return h;
    }
    return h;
}

std::vector<std::string> DiscoverFiles(const std::vector<std::string>& inputs,
                                       std::vector<std::string>& errors) {
    std::vector<std::string> files;
    std::set<std::string> seen;
    auto add = [&](const std::string& f) {
        if (seen.insert(f).second) files.push_back(f);
    };
    for (const auto& input : inputs) {
        if (input == "-") {
            add(input);
            continue;
        }
        std::error_code ec;
        auto st = fs::status(input, ec);
        if (!ec && fs::is_directory(st)) {
            std::vector<std::string> found;
            fs::recursive_directory_iterator it(
                input, fs::directory_options::skip_permission_denied, ec);
            if (ec) {
                errors.push_back(input + ": " + ec.message());
                continue;
            }
            for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
                if (ec) {
                    errors.push_back(input + ": " + ec.message());
                    break;
                }
                std::error_code ec2;
                if (it->is_regular_file(ec2)) found.push_back(it->path().string());
            }
            std::sort(found.begin(), found.end());
            if (found.empty()) errors.push_back(input + ": directory holds no files");
            for (auto& f : found) add(f);
            continue;
        }
        if (!ec && fs::exists(st)) {
            add(input);
            continue;
        }
        if (input.find_first_of("*?[") != std::string::npos) {
            glob_t g{};
            int rc = ::glob(input.c_str(), GLOB_NOSORT, nullptr, &g);
            std::vector<std::string> matches;
            if (rc == 0)
                for (size_t i = 0; i < g.gl_pathc; ++i) matches.emplace_back(g.gl_pathv[i]);
            globfree(&g);
            std::sort(matches.begin(), matches.end());
            if (matches.empty()) errors.push_back(input + ": no file matches this pattern");
            // A pattern may name directories too ("AWSLogs/*/CloudTrail"): walk them like inputs.
            for (auto& f : DiscoverFiles(matches, errors)) add(f);
            continue;
        }
        errors.push_back(input + ": no such file or directory");
    }
    return files;
}

FileOutcome DecodeBuffer(std::string_view data, const std::string& path, const std::string& format,
                         RecordConsumer& consumer, const ScanOptions& options) {
    FileOutcome out;
    out.info.path = path;
    out.info.hints = ParsePathHints(path);
    out.info.size = data.size();
    ScanOptions o = options;
    o.format = format;
    FileJob job(o, out, consumer);
    job.Run(OpenMemory(data));
    consumer.EndFile(out);
    return out;
}

ScanSummary Scan(const ScanOptions& options,
                 const std::function<std::unique_ptr<RecordConsumer>(unsigned)>& make_consumer) {
    auto start = std::chrono::steady_clock::now();
    ScanSummary summary;
    std::vector<std::string> files = DiscoverFiles(options.inputs, summary.input_errors);
    summary.files.resize(files.size());
    for (size_t i = 0; i < files.size(); ++i) {
        auto& f = summary.files[i];
        f.info.path = files[i];
        f.info.hints = ParsePathHints(files[i]);
        struct stat st{};
        if (files[i] != "-" && ::stat(files[i].c_str(), &st) == 0)
            f.info.mtime = static_cast<TimeMs>(st.st_mtim.tv_sec) * 1000 +
                           st.st_mtim.tv_nsec / 1'000'000;
    }
    unsigned threads = options.threads ? options.threads : std::thread::hardware_concurrency();
    threads = std::max(1u, std::min<unsigned>(threads, std::max<size_t>(1, files.size())));
    std::atomic<size_t> next{0};
    std::vector<std::unique_ptr<RecordConsumer>> consumers;
    for (unsigned t = 0; t < threads; ++t) consumers.push_back(make_consumer(t));
    auto worker = [&](unsigned t) {
        RecordConsumer& consumer = *consumers[t];
        while (true) {
            size_t i = next.fetch_add(1);
            if (i >= files.size()) break;
            FileOutcome& out = summary.files[i];
            if (PrunedByPath(out.info.hints, options)) {
                out.skipped = out.pruned = true;
                continue;
            }
            auto opened = OpenInput(files[i]);
            if (!opened.ok()) {
                out.skipped = true;
                out.error = opened.error().code + ": " + opened.error().message;
                consumer.EndFile(out);
                continue;
            }
            out.info.size = opened.value().size_on_disk;
            FileJob job(options, out, consumer);
            job.Run(std::move(opened.value()));
            consumer.EndFile(out);
        }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker, t);
    worker(0);
    for (auto& th : pool) th.join();
    for (const auto& f : summary.files) {
        summary.bytes_read += f.bytes_read;
        summary.bytes_decoded += f.bytes_decoded;
        summary.records += f.records;
        summary.bad_records += f.report.bad();
        if (f.pruned) ++summary.files_pruned;
        else if (f.skipped) ++summary.files_skipped;
        if (!f.skipped && (!f.error.empty() || f.report.bad() > 0)) ++summary.files_with_errors;
    }
    summary.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return summary;
}

} // namespace cloudsift
