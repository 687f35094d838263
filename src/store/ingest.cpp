#include "store/ingest.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <thread>

#include "common/sanitize.h"
#include "store/writer.h"

namespace cloudsift::store {
namespace fs = std::filesystem;
namespace {

constexpr size_t kReadBlock = 1 << 20;
constexpr size_t kBatchBytes = 16u << 20;

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
    if (fd < 0)
        return Error{"io.open", "cannot open " + src + ": " + std::strerror(errno)};
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
    // One read buffer per thread for the whole run: a fresh zeroed megabyte per file cost more
    // than hashing the many small files of a log tree.
    thread_local const std::unique_ptr<char[]> block(new char[kReadBlock]);
    const std::span<char> buf(block.get(), kReadBlock);
    Error err;
    bool ok = true;
    while (true) {
        ssize_t n = read(fd, buf.data(), buf.size());
        if (n < 0) {
            if (errno == EINTR)
                continue;
            err = {"io.read", "cannot read " + src + ": " + std::strerror(errno)};
            ok = false;
            break;
        }
        if (n == 0)
            break;
        EVP_DigestUpdate(ctx, buf.data(), size_t(n));
        for (ssize_t off = 0; dst_fd >= 0 && off < n;) {
            ssize_t w = write(dst_fd, buf.data() + off, size_t(n - off));
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                err = {"io.write",
                       std::string("cannot write evidence copy: ") + std::strerror(errno)};
                ok = false;
                break;
            }
            off += w;
        }
        if (!ok)
            break;
    }
    close(fd);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    EVP_DigestFinal_ex(ctx, md, &len);
    EVP_MD_CTX_free(ctx);
    if (!ok)
        return err;
    return HexDigest(md, len);
}

// Runs fn(i) for i in [0, n) on up to threads threads.
template <typename Fn> void ParallelFor(size_t n, unsigned threads, Fn fn) {
    std::atomic<size_t> next{0};
    auto work = [&] {
        for (size_t i; (i = next.fetch_add(1)) < n;)
            fn(i);
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads && t < n; ++t)
        pool.emplace_back(work);
    work();
    for (auto& th : pool)
        th.join();
}

struct Candidate {
    std::string path; // as discovered
    std::string sha256;
    uint64_t size = 0;
    std::string evidence_rel; // relative to the case dir (copied) or absolute (in place)
    std::string scan_path;    // what Scan reads
    size_t report = 0;        // index into result.files
};

using Clock = std::chrono::steady_clock;

double Since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

// What the writing threads share: the files, their findings, the run's incidents, and the
// commit lock that orders commits (and with them the custody chain).
struct WriteShared {
    WriteShared(CaseStore& s, const IngestOptions& o, const std::map<std::string, size_t>& paths,
                const std::vector<Candidate>& files, const std::vector<std::vector<Finding>>& found,
                const std::vector<analytics::Incident>& incs, IngestResult& res)
        : store(s), options(o), by_path(paths), todo(files), findings(found), incidents(incs),
          result(res) {}
    CaseStore& store;
    const IngestOptions& options;
    const std::map<std::string, size_t>& by_path;
    const std::vector<Candidate>& todo;
    const std::vector<std::vector<Finding>>& findings;
    const std::vector<analytics::Incident>& incidents;
    IngestResult& result;
    int64_t kill_after = -1;
    std::mutex mu; // guards everything below and every commit
    int64_t committed = 0;
    bool incidents_done = false;
    double append = 0, commit = 0;
};

// One decoding thread's writer: it appends the records of its files into its own transaction
// (DuckDB appends of different connections run in parallel) and commits once the transaction
// holds enough events, always at a file boundary, so a file is either committed whole with its
// manifest row, findings and custody entry, or absent.
class IngestConsumer final : public RecordConsumer {
public:
    explicit IngestConsumer(WriteShared& shared) : sh_(shared) {}
    ~IngestConsumer() override { Commit(); }

    void BeginFile(const FileInfo& info, std::string_view) override {
        auto it = sh_.by_path.find(info.path);
        cur_ = it == sh_.by_path.end() ? SIZE_MAX : it->second;
        file_ok_ = cur_ != SIZE_MAX && Ensure();
    }
    void OnRecord(const Record& rec) override {
        if (!file_ok_)
            return;
        batch_.Add(rec);
        if (batch_.size() >= sh_.options.batch_rows || batch_.bytes() >= kBatchBytes)
            Flush();
    }
    void EndFile(const FileOutcome& o) override {
        if (cur_ == SIZE_MAX) {
            auto it = sh_.by_path.find(o.info.path);
            if (it == sh_.by_path.end())
                return;
            cur_ = it->second; // not decoded (unreadable): recorded like any other file
            file_ok_ = Ensure();
        }
        FinishFile(o);
        cur_ = SIZE_MAX;
        batch_.Clear();
    }

    //! Commits the files appended so far (at a file boundary).
    void Commit() {
        if (!txn_ || group_.empty())
            return;
        auto t0 = Clock::now();
        if (auto st = txn_->Flush(); !st)
            return Fail(st.error().message, SIZE_MAX);
        append_ += Since(t0);
        std::lock_guard lock(sh_.mu);
        t0 = Clock::now();
        if (!sh_.incidents_done && !sh_.incidents.empty()) {
            if (auto st = txn_->PutIncidents(sh_.incidents); !st)
                return Fail(st.error().message, SIZE_MAX);
        }
        if (sh_.kill_after >= 0 && sh_.committed + int64_t(group_.size()) > sh_.kill_after)
            ::raise(SIGKILL);
        auto st = txn_->Commit();
        txn_.reset();
        sh_.commit += Since(t0);
        sh_.append += append_;
        append_ = 0;
        if (!st) {
            for (auto& [f, e] : group_) {
                Report(f).status = IngestFileReport::Status::Failed;
                Report(f).error = st.error().message;
            }
        } else {
            sh_.incidents_done = true;
            ++sh_.result.transactions;
            sh_.committed += int64_t(group_.size());
            for (auto& [f, e] : group_) {
                auto& rep = Report(f);
                rep.status = IngestFileReport::Status::Ingested;
                rep.format = e.format;
                rep.events = e.events;
                rep.bad_records = e.bad_records;
                rep.findings = sh_.findings[f].size();
                rep.error = e.error;
            }
        }
        group_.clear();
        group_events_ = 0;
    }

private:
    void FinishFile(const FileOutcome& o) {
        size_t f = cur_;
        if (!file_ok_)
            return;
        bool window = sh_.options.scan.since || sh_.options.scan.until;
        if (window && o.records == 0 && o.error.empty() && !o.skipped) {
            // Nothing of the file falls inside --since/--until: it is not recorded.
            Report(f).status = IngestFileReport::Status::OutsideWindow;
            return;
        }
        Flush();
        if (!file_ok_)
            return;
        const Candidate& c = sh_.todo[f];
        FileEntry e;
        e.sha256 = c.sha256;
        e.path = c.path;
        e.evidence_path = c.evidence_rel;
        e.copied = sh_.options.copy;
        e.size = c.size;
        e.format = o.format;
        e.compression = o.compression;
        e.events = o.records;
        e.bad_records = o.report.bad();
        e.first_event = o.first_time;
        e.last_event = o.last_time;
        e.error = o.error;
        auto t0 = Clock::now();
        Status st = txn_->AppendFindings(sh_.findings[f], c.sha256, c.path);
        if (st)
            st = txn_->AddFile(e);
        append_ += Since(t0);
        if (!st)
            return Fail(st.error().message, f);
        group_.push_back({f, std::move(e)});
        group_events_ += o.records;
        if (group_events_ >= sh_.options.commit_events ||
            group_.size() >= std::max<size_t>(1, sh_.options.commit_files))
            Commit();
    }

    IngestFileReport& Report(size_t f) { return sh_.result.files[sh_.todo[f].report]; }

    bool Ensure() {
        if (txn_)
            return true;
        auto t = IngestTxn::Begin(sh_.store);
        if (!t) {
            Fail(t.error().message, cur_);
            return false;
        }
        txn_ = std::move(t.value());
        return true;
    }

    void Flush() {
        if (batch_.size() == 0)
            return;
        auto t0 = Clock::now();
        auto st = txn_->Append(batch_, sh_.todo[cur_].sha256);
        append_ += Since(t0);
        batch_.Clear();
        if (!st)
            Fail(st.error().message, cur_);
    }

    // The transaction is lost: every file in it (and file f) failed.
    void Fail(const std::string& why, size_t f) {
        if (txn_)
            txn_->Rollback();
        txn_.reset();
        // Name the file that failed when it is known (an append), else the transaction (a
        // commit): a group of one file is not "rolled back with another file".
        const std::string with = f != SIZE_MAX ? "rolled back with " + sh_.todo[f].path + ": "
                                               : "its transaction failed: ";
        for (auto& [file, e] : group_) {
            Report(file).status = IngestFileReport::Status::Failed;
            Report(file).error = file == f ? why : with + why;
        }
        group_.clear();
        group_events_ = 0;
        if (f != SIZE_MAX) {
            Report(f).status = IngestFileReport::Status::Failed;
            Report(f).error = why;
        }
        file_ok_ = false;
        batch_.Clear();
    }

    WriteShared& sh_;
    size_t cur_ = SIZE_MAX;
    bool file_ok_ = false;
    EventBatch batch_;
    std::unique_ptr<IngestTxn> txn_;
    std::vector<std::pair<size_t, FileEntry>> group_;
    uint64_t group_events_ = 0;
    double append_ = 0;
};

// Removes an evidence copy made by this run for a file that is not recorded, and its
// evidence/<hash> directories when they are left empty.
void RemoveCopy(const std::string& case_dir, const std::string& rel) {
    fs::path p = fs::path(case_dir) / rel;
    std::error_code ec;
    fs::remove(p, ec);
    fs::path evidence = fs::path(case_dir) / "evidence";
    for (p = p.parent_path(); p != evidence && p.has_relative_path(); p = p.parent_path())
        if (!fs::remove(p, ec))
            break; // fails on a non-empty directory
}

// Copies src into the case (hashing again on the way), read-only, atomically renamed into place.
// The copy is not yet durable: SyncEvidence makes every copy of the run durable at once, before
// any of their files rows can commit.
Status CopyEvidence(const std::string& case_dir, const Candidate& c) {
    fs::path target = fs::path(case_dir) / c.evidence_rel;
    std::error_code ec;
    fs::create_directories(target.parent_path(), ec);
    if (ec)
        return Error{"evidence.mkdir", "cannot create " + target.parent_path().string()};
    std::string tmp = target.string() + ".partial";
    ::chmod(tmp.c_str(), 0600);
    ::unlink(tmp.c_str());
    int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return Error{"evidence.create", "cannot create " + tmp + ": " + std::strerror(errno)};
    auto h = HashStream(c.path, fd);
    bool closed = close(fd) == 0;
    if (!h.ok() || !closed || h.value() != c.sha256) {
        ::unlink(tmp.c_str());
        if (!h.ok())
            return h.error();
        if (!closed)
            return Error{"evidence.write", "cannot write " + tmp};
        return Error{"evidence.changed", c.path + " changed while it was being ingested"};
    }
    if (::chmod(tmp.c_str(), 0444) != 0 || ::rename(tmp.c_str(), target.c_str()) != 0) {
        ::unlink(tmp.c_str());
        return Error{"evidence.rename", "cannot place evidence copy " + target.string()};
    }
    return Ok{};
}

// Makes the evidence copies (contents, names and directories) of the case durable with one
// filesystem sync instead of one fsync per file (which dominated ingest of many small files).
Status SyncEvidence(const std::string& case_dir) {
    std::string dir = (fs::path(case_dir) / "evidence").string();
    int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return Error{"evidence.sync", "cannot open " + dir + ": " + std::strerror(errno)};
    bool ok = syncfs(fd) == 0;
    int err = errno;
    close(fd);
    if (!ok)
        return Error{"evidence.sync", "cannot flush " + dir + ": " + std::strerror(err)};
    return Ok{};
}

// Whether a setting's value can go into SET as a quoted literal: a number, optionally with a
// unit ("1", "19.5 GiB", "512MB").
bool PlainSettingValue(std::string_view v) {
    size_t i = 0;
    while (i < v.size() && (std::isdigit(static_cast<unsigned char>(v[i])) || v[i] == '.'))
        ++i;
    if (i == 0)
        return false;
    if (i < v.size() && v[i] == ' ')
        ++i;
    return std::all_of(v.begin() + long(i), v.end(),
                       [](unsigned char c) { return std::isalpha(c) != 0; });
}

// Sets a DuckDB setting (a number, optionally with a unit) for the life of the object, then
// back to what it was.
class ScopedSetting {
public:
    ScopedSetting(Connection& con, const std::string& name, const std::string& value)
        : con_(con), name_(name) {
        if (!PlainSettingValue(value))
            return;
        auto before = con_.Query("SELECT current_setting('" + name_ + "')");
        if (!before || before.value().rows.empty())
            return;
        previous_ = before.value().Cell(0, 0);
        if (!PlainSettingValue(previous_) || !con_.Exec("SET " + name_ + " = '" + value + "'"))
            previous_.clear();
    }
    ScopedSetting(Connection& con, const std::string& name, unsigned value)
        : ScopedSetting(con, name, std::to_string(value)) {}
    ~ScopedSetting() {
        if (previous_.empty())
            return;
        // Values are shown rounded ("18.7 GiB"): the default, when it was that, comes back
        // exactly through RESET.
        (void)con_.Exec("RESET " + name_);
        auto now = con_.Query("SELECT current_setting('" + name_ + "')");
        if (!now || now.value().rows.empty() || now.value().Cell(0, 0) != previous_)
            (void)con_.Exec("SET " + name_ + " = '" + previous_ + "'");
    }
    //! Whether the setting was changed.
    bool changed() const { return !previous_.empty(); }

private:
    Connection& con_;
    std::string name_;
    std::string previous_; // empty when nothing was changed
};

} // namespace

Result<std::string> Sha256File(const std::string& path) {
    return HashStream(path, -1);
}

std::string EvidenceRelPath(const std::string& original_path, const std::string& sha256) {
    std::string tail;
    size_t pos = original_path.rfind("AWSLogs/");
    if (pos != std::string::npos && (pos == 0 || original_path[pos - 1] == '/'))
        tail = original_path.substr(pos);
    else
        tail = fs::path(original_path).filename().string();
    // The copy's name is stored in the case as text: a name that is not UTF-8 is repaired first,
    // so the copy on disk and the row that names it agree.
    std::string repaired;
    tail = std::string(ValidUtf8(tail, repaired));
    // Never let a crafted name climb out of the evidence directory.
    std::string safe;
    for (auto part : fs::path(tail)) {
        std::string p = part.string();
        if (p.empty() || p == "." || p == ".." || p == "/")
            continue;
        if (!safe.empty())
            safe += '/';
        safe += p;
    }
    if (safe.empty())
        safe = "file";
    // The hash prefix goes on the name, not on a directory of its own: files of one delivery
    // day share their directories (creating eight directories per file cost ~8 ms a file).
    size_t slash = safe.rfind('/');
    std::string dir = slash == std::string::npos ? "" : safe.substr(0, slash + 1);
    std::string name = slash == std::string::npos ? safe : safe.substr(slash + 1);
    return "evidence/" + dir + sha256.substr(0, 16) + "-" + name;
}

Result<IngestResult> Ingest(CaseStore& store, const IngestOptions& options) {
    auto start = Clock::now();
    if (store.read_only())
        return Error{"case.read_only", "the case is open read-only"};
    // The memory limit is set before anything is written, so a refused one leaves no trace.
    std::optional<ScopedSetting> memory_limit;
    if (!options.memory_limit.empty()) {
        // ScopedSetting refuses a value that is not a plain size and one DuckDB refuses.
        memory_limit.emplace(store.conn(), "memory_limit", options.memory_limit);
        if (!memory_limit->changed())
            return Error{"ingest.memory_limit", "not a memory size DuckDB accepts: '" +
                                                    options.memory_limit +
                                                    "' (for example 2GB or 512MiB)"};
    }
    IngestResult result;
    std::vector<std::string> files = DiscoverFiles(options.scan.inputs, result.input_errors);
    // Never ingest the case into itself.
    std::error_code ec;
    fs::path case_abs = fs::weakly_canonical(store.dir(), ec);
    std::vector<std::string> kept;
    for (auto& f : files) {
        fs::path abs = fs::weakly_canonical(f, ec);
        auto rel = abs.lexically_relative(case_abs);
        if (!rel.empty() && *rel.begin() != "..")
            continue;
        kept.push_back(f);
    }
    files.swap(kept);
    unsigned threads =
        options.scan.threads ? options.scan.threads : std::thread::hardware_concurrency();
    threads = std::max(1u, threads);

    auto stage = Clock::now();
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
        struct stat st {};
        if (::stat(files[i].c_str(), &st) == 0)
            sizes[i] = uint64_t(st.st_size);
    });
    result.timings.hash = Since(stage);

    auto known = store.IngestedHashes();
    if (!known)
        return known.error();
    std::set<std::string> seen = known.value();
    std::vector<Candidate> cands;
    for (size_t i = 0; i < files.size(); ++i) {
        auto& r = result.files[i];
        if (r.sha256.empty())
            continue;
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
    stage = Clock::now();
    std::vector<std::string> copy_errors(cands.size());
    if (options.copy) {
        // A thread copies a whole directory's files: entries made in one directory by two
        // threads at once wait for each other on the directory's lock.
        std::map<std::string_view, std::vector<size_t>> by_dir;
        for (size_t i = 0; i < cands.size(); ++i) {
            std::string_view rel = cands[i].evidence_rel;
            by_dir[rel.substr(0, rel.rfind('/') + 1)].push_back(i);
        }
        std::vector<const std::vector<size_t>*> dirs;
        for (const auto& [dir, members] : by_dir)
            dirs.push_back(&members);
        ParallelFor(dirs.size(), threads, [&](size_t d) {
            for (size_t i : *dirs[d]) {
                auto st = CopyEvidence(store.dir(), cands[i]);
                if (!st)
                    copy_errors[i] = st.error().message;
            }
        });
    }
    if (options.copy && !cands.empty()) {
        if (auto st = SyncEvidence(store.dir()); !st) {
            for (size_t i = 0; i < cands.size(); ++i)
                if (copy_errors[i].empty()) {
                    copy_errors[i] = st.error().message;
                    RemoveCopy(store.dir(), cands[i].evidence_rel);
                }
        }
    }
    result.timings.copy = Since(stage);
    std::vector<Candidate> todo;
    for (size_t i = 0; i < cands.size(); ++i) {
        if (!copy_errors[i].empty()) {
            result.files[cands[i].report].error = copy_errors[i];
            continue;
        }
        todo.push_back(std::move(cands[i]));
    }

    std::map<std::string, size_t> by_path;
    ScanOptions scan = options.scan;
    scan.threads = threads;
    scan.inputs.clear();
    for (size_t i = 0; i < todo.size(); ++i) {
        by_path[todo[i].scan_path] = i;
        scan.inputs.push_back(todo[i].scan_path);
    }

    // Detection first: its findings are stored with their file, its incidents with the first
    // commit.
    std::vector<std::vector<Finding>> findings(todo.size());
    IngestHunt hunt;
    if (options.hunt && !todo.empty()) {
        stage = Clock::now();
        auto h = options.hunt(scan);
        if (!h)
            return h.error();
        hunt = std::move(h.value());
        for (auto& f : hunt.findings) {
            auto it = by_path.find(f.file);
            if (it != by_path.end())
                findings[it->second].push_back(std::move(f));
        }
        hunt.findings.clear();
        result.timings.hunt = Since(stage);
    }

    int64_t kill_after = options.kill_after_files;
    if (const char* env = std::getenv("CLOUDSIFT_TEST_KILL_AFTER_FILES"); env && *env)
        kill_after = std::atoll(env);

    // One DuckDB worker: each ingest connection does its own storage work on its own thread,
    // and DuckDB's workers would only compete with them for the cores (a task's caller spins
    // while it waits for a worker's task).
    ScopedSetting one_worker(store.conn(), "threads", 1);
    // No row-group vacuum in the checkpoints of this run: a checkpoint after a commit would
    // otherwise merge each transaction's last, partly filled row group with its full
    // neighbours, decompressing and compressing again rows that were written moments before
    // (up to 40 % of the ingest's time). Partly filled row groups stay as they are: at most
    // one per transaction.
    ScopedSetting no_vacuum(store.conn(), "max_vacuum_tasks", 0);
    WriteShared shared(store, options, by_path, todo, findings, hunt.incidents, result);
    shared.kill_after = kill_after;
    stage = Clock::now();
    ScanSummary summary = Scan(scan, [&](unsigned) -> std::unique_ptr<RecordConsumer> {
        return std::make_unique<IngestConsumer>(shared);
    });
    result.timings.decode = Since(stage);
    result.timings.append = shared.append;
    result.timings.commit = shared.commit;
    for (auto& e : summary.input_errors)
        result.input_errors.push_back(e);
    for (const auto& o : summary.files) {
        auto it = by_path.find(o.info.path);
        if (o.pruned && it != by_path.end())
            result.files[todo[it->second].report].status = IngestFileReport::Status::OutsideWindow;
    }
    // A file that is not recorded leaves no copy behind.
    if (options.copy)
        for (const auto& c : todo)
            if (result.files[c.report].status != IngestFileReport::Status::Ingested)
                RemoveCopy(store.dir(), c.evidence_rel);
    stage = Clock::now();
    if (result.transactions > 0)
        (void)store.conn().Exec("CHECKPOINT");
    result.timings.checkpoint = Since(stage);

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
        case IngestFileReport::Status::OutsideWindow:
            ++result.outside;
            break;
        case IngestFileReport::Status::Failed:
            ++result.failed;
            if (r.error.empty())
                r.error = "not decoded";
            break;
        }
    }
    if (result.ingested > 0)
        result.incidents = hunt.incidents.size();
    result.bytes = summary.bytes_read;
    result.seconds = Since(start);
    return result;
}

} // namespace cloudsift::store
