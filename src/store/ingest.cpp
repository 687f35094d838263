#include "store/ingest.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "store/writer.h"

namespace cloudsift::store {
namespace fs = std::filesystem;
namespace {

constexpr size_t kReadBlock = 1 << 20;
constexpr size_t kBatchBytes = 32u << 20;

std::string HexDigest(const unsigned char* md, unsigned len) {
    static const char* d = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < len; ++i) {
        out += d[md[i] >> 4];
        out += d[md[i] & 15];
    }
    return out;
}

// Hashes src; when dst_fd >= 0 also writes every byte there.
Result<std::string> HashStream(const std::string& src, int dst_fd) {
    int fd = open(src.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Error{"io.open", "cannot open " + src + ": " + std::strerror(errno)};
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
    std::string buf(kReadBlock, '\0');
    Error err;
    bool ok = true;
    while (true) {
        ssize_t n = read(fd, buf.data(), buf.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            err = {"io.read", "cannot read " + src + ": " + std::strerror(errno)};
            ok = false;
            break;
        }
        if (n == 0) break;
        EVP_DigestUpdate(ctx, buf.data(), size_t(n));
        for (ssize_t off = 0; dst_fd >= 0 && off < n;) {
            ssize_t w = write(dst_fd, buf.data() + off, size_t(n - off));
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) {
                err = {"io.write",
                       std::string("cannot write evidence copy: ") + std::strerror(errno)};
                ok = false;
                break;
            }
            off += w;
        }
        if (!ok) break;
    }
    close(fd);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    EVP_DigestFinal_ex(ctx, md, &len);
    EVP_MD_CTX_free(ctx);
    if (!ok) return err;
    return HexDigest(md, len);
}

// Runs fn(i) for i in [0, n) on up to threads threads.
template <typename Fn>
void ParallelFor(size_t n, unsigned threads, Fn fn) {
    std::atomic<size_t> next{0};
    auto work = [&] {
        for (size_t i; (i = next.fetch_add(1)) < n;) fn(i);
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads && t < n; ++t) pool.emplace_back(work);
    work();
    for (auto& th : pool) th.join();
}

// One unit of work for the writer thread.
struct Message {
    size_t file = 0;
    std::unique_ptr<EventBatch> batch;
    bool last = false;
    FileOutcome outcome;
    bool stop = false;
};

// Bounded multi-producer single-consumer queue: producers block when it is full.
class BoundedQueue {
public:
    explicit BoundedQueue(size_t capacity) : capacity_(capacity) {}
    void Push(Message m) {
        std::unique_lock lock(mu_);
        not_full_.wait(lock, [&] { return q_.size() < capacity_; });
        q_.push_back(std::move(m));
        not_empty_.notify_one();
    }
    Message Pop() {
        std::unique_lock lock(mu_);
        not_empty_.wait(lock, [&] { return !q_.empty(); });
        Message m = std::move(q_.front());
        q_.pop_front();
        not_full_.notify_one();
        return m;
    }

private:
    size_t capacity_;
    std::mutex mu_;
    std::condition_variable not_full_, not_empty_;
    std::deque<Message> q_;
};

struct Candidate {
    std::string path;          // as discovered
    std::string sha256;
    uint64_t size = 0;
    std::string evidence_rel;  // relative to the case dir (copied) or absolute (in place)
    std::string scan_path;     // what Scan reads
    size_t report = 0;         // index into result.files
};

class IngestConsumer final : public RecordConsumer {
public:
    IngestConsumer(const std::map<std::string, size_t>& by_path,
                   const std::vector<Candidate>& cands, BoundedQueue& queue,
                   std::unique_ptr<FindingMatcher> matcher, size_t batch_rows)
        : by_path_(by_path), cands_(cands), queue_(queue), matcher_(std::move(matcher)),
          batch_rows_(batch_rows) {}

    void BeginFile(const FileInfo& info, std::string_view) override {
        cur_ = Lookup(info.path);
        original_ = info;
        if (cur_ < cands_.size()) original_.path = cands_[cur_].path;
        batch_ = std::make_unique<EventBatch>();
    }
    void OnRecord(const Record& rec) override {
        if (cur_ >= cands_.size()) return;
        batch_->Add(rec);
        if (matcher_) matcher_->Match(rec, original_, batch_->findings());
        if (batch_->size() >= batch_rows_ || batch_->bytes() >= kBatchBytes) {
            Message m;
            m.file = cur_;
            m.batch = std::move(batch_);
            queue_.Push(std::move(m));
            batch_ = std::make_unique<EventBatch>();
        }
    }
    void EndFile(const FileOutcome& outcome) override {
        size_t idx = cur_ < cands_.size() ? cur_ : Lookup(outcome.info.path);
        cur_ = SIZE_MAX;
        if (idx >= cands_.size()) return;
        Message m;
        m.file = idx;
        m.batch = batch_ ? std::move(batch_) : std::make_unique<EventBatch>();
        m.last = true;
        m.outcome = outcome;
        queue_.Push(std::move(m));
    }

private:
    size_t Lookup(const std::string& path) const {
        auto it = by_path_.find(path);
        return it == by_path_.end() ? SIZE_MAX : it->second;
    }
    const std::map<std::string, size_t>& by_path_;
    const std::vector<Candidate>& cands_;
    BoundedQueue& queue_;
    std::unique_ptr<FindingMatcher> matcher_;
    size_t batch_rows_;
    size_t cur_ = SIZE_MAX;
    FileInfo original_;
    std::unique_ptr<EventBatch> batch_;
};

// Copies src into the case (hashing again on the way), read-only, atomically renamed into place.
Status CopyEvidence(const std::string& case_dir, const Candidate& c) {
    fs::path target = fs::path(case_dir) / c.evidence_rel;
    std::error_code ec;
    fs::create_directories(target.parent_path(), ec);
    if (ec) return Error{"evidence.mkdir", "cannot create " + target.parent_path().string()};
    std::string tmp = target.string() + ".partial";
    ::chmod(tmp.c_str(), 0600);
    ::unlink(tmp.c_str());
    int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return Error{"evidence.create", "cannot create " + tmp + ": " + std::strerror(errno)};
    auto h = HashStream(c.path, fd);
    bool synced = fsync(fd) == 0;
    close(fd);
    if (!h.ok() || !synced || h.value() != c.sha256) {
        ::unlink(tmp.c_str());
        if (!h.ok()) return h.error();
        if (!synced) return Error{"evidence.sync", "cannot flush " + tmp};
        return Error{"evidence.changed", c.path + " changed while it was being ingested"};
    }
    if (::chmod(tmp.c_str(), 0444) != 0 || ::rename(tmp.c_str(), target.c_str()) != 0) {
        ::unlink(tmp.c_str());
        return Error{"evidence.rename", "cannot place evidence copy " + target.string()};
    }
    return Ok{};
}

} // namespace

Result<std::string> Sha256File(const std::string& path) { return HashStream(path, -1); }

std::string EvidenceRelPath(const std::string& original_path, const std::string& sha256) {
    std::string tail;
    size_t pos = original_path.rfind("AWSLogs/");
    if (pos != std::string::npos && (pos == 0 || original_path[pos - 1] == '/'))
        tail = original_path.substr(pos);
    else
        tail = fs::path(original_path).filename().string();
    // Never let a crafted name climb out of the evidence directory.
    std::string safe;
    for (auto part : fs::path(tail)) {
        std::string p = part.string();
        if (p.empty() || p == "." || p == ".." || p == "/") continue;
        if (!safe.empty()) safe += '/';
        safe += p;
    }
    if (safe.empty()) safe = "file";
    return "evidence/" + sha256.substr(0, 16) + "/" + safe;
}

Result<IngestResult> Ingest(CaseStore& store, const IngestOptions& options) {
    auto start = std::chrono::steady_clock::now();
    if (store.read_only()) return Error{"case.read_only", "the case is open read-only"};
    IngestResult result;
    std::vector<std::string> files = DiscoverFiles(options.inputs, result.input_errors);
    // Never ingest the case into itself.
    std::error_code ec;
    fs::path case_abs = fs::weakly_canonical(store.dir(), ec);
    std::vector<std::string> kept;
    for (auto& f : files) {
        fs::path abs = fs::weakly_canonical(f, ec);
        auto rel = abs.lexically_relative(case_abs);
        if (!rel.empty() && *rel.begin() != "..") continue;
        kept.push_back(f);
    }
    files.swap(kept);
    unsigned threads = options.threads ? options.threads : std::thread::hardware_concurrency();
    threads = std::max(1u, threads);

    result.files.resize(files.size());
    std::vector<uint64_t> sizes(files.size(), 0);
    ParallelFor(files.size(), threads, [&](size_t i) {
        auto& r = result.files[i];
        r.path = files[i];
        auto h = Sha256File(files[i]);
        if (!h.ok()) {
            r.error = h.error().message;
            return;
        }
        r.sha256 = h.value();
        struct stat st{};
        if (::stat(files[i].c_str(), &st) == 0) sizes[i] = uint64_t(st.st_size);
    });

    auto known = store.IngestedHashes();
    if (!known) return known.error();
    std::set<std::string> seen = known.value();
    std::vector<Candidate> cands;
    for (size_t i = 0; i < files.size(); ++i) {
        auto& r = result.files[i];
        if (r.sha256.empty()) continue;
        if (known.value().count(r.sha256)) {
            r.status = IngestFileReport::Status::AlreadyInCase;
            continue;
        }
        if (!seen.insert(r.sha256).second) {
            r.status = IngestFileReport::Status::Duplicate;
            continue;
        }
        Candidate c;
        c.path = files[i];
        c.sha256 = r.sha256;
        c.size = sizes[i];
        c.report = i;
        if (options.copy) {
            c.evidence_rel = EvidenceRelPath(files[i], r.sha256);
            c.scan_path = (fs::path(store.dir()) / c.evidence_rel).string();
        } else {
            c.evidence_rel = fs::absolute(files[i], ec).string();
            c.scan_path = files[i];
        }
        cands.push_back(std::move(c));
    }
    std::vector<std::string> copy_errors(cands.size());
    if (options.copy) {
        ParallelFor(cands.size(), threads, [&](size_t i) {
            auto st = CopyEvidence(store.dir(), cands[i]);
            if (!st) copy_errors[i] = st.error().message;
        });
    }
    std::vector<Candidate> todo;
    for (size_t i = 0; i < cands.size(); ++i) {
        if (!copy_errors[i].empty()) {
            result.files[cands[i].report].error = copy_errors[i];
            continue;
        }
        todo.push_back(std::move(cands[i]));
    }

    std::map<std::string, size_t> by_path;
    ScanOptions scan;
    scan.threads = threads;
    scan.format = options.format;
    for (size_t i = 0; i < todo.size(); ++i) {
        by_path[todo[i].scan_path] = i;
        scan.inputs.push_back(todo[i].scan_path);
    }

    int64_t kill_after = options.kill_after_files;
    if (const char* env = std::getenv("CLOUDSIFT_TEST_KILL_AFTER_FILES"); env && *env)
        kill_after = std::atoll(env);

    BoundedQueue queue(options.queue_batches ? options.queue_batches : 2 * threads + 2);
    std::thread writer([&] {
        std::map<size_t, std::unique_ptr<FileTxn>> open;
        std::map<size_t, std::string> failed;
        std::map<size_t, uint64_t> findings;
        int64_t committed = 0;
        while (true) {
            Message m = queue.Pop();
            if (m.stop) break;
            const Candidate& c = todo[m.file];
            auto& rep = result.files[c.report];
            if (!failed.count(m.file) && !open.count(m.file)) {
                auto t = FileTxn::Begin(store);
                if (t.ok()) open[m.file] = std::move(t.value());
                else failed[m.file] = t.error().message;
            }
            if (!failed.count(m.file) && m.batch) {
                findings[m.file] += m.batch->findings().size();
                auto st = open[m.file]->Append(*m.batch, c.sha256, c.path);
                if (!st) {
                    failed[m.file] = st.error().message;
                    open.erase(m.file);
                }
            }
            if (!m.last) continue;
            if (failed.count(m.file)) {
                rep.status = IngestFileReport::Status::Failed;
                rep.error = failed[m.file];
                continue;
            }
            FileEntry e;
            e.sha256 = c.sha256;
            e.path = c.path;
            e.evidence_path = c.evidence_rel;
            e.copied = options.copy;
            e.size = c.size;
            e.format = m.outcome.format;
            e.compression = m.outcome.compression;
            e.events = m.outcome.records;
            e.bad_records = m.outcome.report.bad();
            e.first_event = m.outcome.first_time;
            e.last_event = m.outcome.last_time;
            e.error = m.outcome.error;
            if (kill_after >= 0 && committed == kill_after) ::raise(SIGKILL);
            auto st = open[m.file]->Commit(e);
            open.erase(m.file);
            if (!st) {
                rep.status = IngestFileReport::Status::Failed;
                rep.error = st.error().message;
                continue;
            }
            ++committed;
            rep.status = IngestFileReport::Status::Ingested;
            rep.format = e.format;
            rep.events = e.events;
            rep.bad_records = e.bad_records;
            rep.findings = findings[m.file];
            rep.error = e.error;
        }
    });
    auto matcher_factory = options.make_matcher;
    ScanSummary summary = Scan(scan, [&](unsigned t) -> std::unique_ptr<RecordConsumer> {
        return std::make_unique<IngestConsumer>(
            by_path, todo, queue, matcher_factory ? matcher_factory(t) : nullptr,
            std::max<size_t>(1, options.batch_rows));
    });
    Message stop;
    stop.stop = true;
    queue.Push(std::move(stop));
    writer.join();
    for (auto& e : summary.input_errors) result.input_errors.push_back(e);

    for (auto& r : result.files) {
        switch (r.status) {
        case IngestFileReport::Status::Ingested:
            ++result.ingested;
            result.events += r.events;
            result.findings += r.findings;
            break;
        case IngestFileReport::Status::AlreadyInCase:
        case IngestFileReport::Status::Duplicate:
            ++result.skipped;
            break;
        case IngestFileReport::Status::Failed:
            ++result.failed;
            if (r.error.empty()) r.error = "not decoded";
            break;
        }
    }
    result.bytes = summary.bytes_read;
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
}

} // namespace cloudsift::store
