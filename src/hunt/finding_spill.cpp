#include "hunt/finding_spill.h"

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "common/spill_file.h"
#include "hunt/hunter.h"

namespace cloudsift {
namespace {

// A finding as written: its evidence (PutEvidence), then its rule: the rule's number in the
// run's rule table, shifted left once, the low bit set when the rule's fields (id, title,
// level, then tags, tactics and techniques as counted lists) follow and enter the table.
constexpr size_t kHeadBytes = 8 + 8 + 8;
constexpr size_t kRuleField = kEvidenceTexts; // first text-table field of the rule texts

template <typename E, typename Fn> void ForEachEvidenceText(E& e, Fn fn) {
    fn(e.event_id, 0);
    fn(e.event_name, 1);
    fn(e.event_source, 2);
    fn(e.source_type, 3);
    fn(e.actor, 4);
    fn(e.access_key, 5);
    fn(e.source_ip, 6);
    fn(e.user_agent, 7);
    fn(e.account, 8);
    fn(e.region, 9);
    fn(e.file, 10);
}

} // namespace

void PutEvidence(std::string& out, const Evidence& e, spill::TextTableWriter& table) {
    const int64_t time = e.time;
    const uint64_t pos = e.line_or_index, id = e.finding_id.value();
    spill::PutRaw(out, &time, 8);
    spill::PutRaw(out, &pos, 8);
    spill::PutRaw(out, &id, 8);
    ForEachEvidenceText(e, [&](const SharedText& t, size_t i) { table.Put(out, t, i, i != 0); });
}

bool ReadEvidence(spill::RunReader& in, Evidence& e) {
    char raw[kHeadBytes];
    if (!in.Read(raw, kHeadBytes))
        return false;
    int64_t time;
    uint64_t pos, id;
    std::memcpy(&time, raw, 8);
    std::memcpy(&pos, raw + 8, 8);
    std::memcpy(&id, raw + 16, 8);
    e.time = time;
    e.line_or_index = pos;
    e.finding_id = FindingId::FromValue(id);
    bool ok = true;
    ForEachEvidenceText(e, [&](SharedText& t, size_t) { ok = ok && in.ReadText(t); });
    return ok;
}

namespace {

struct RunWriter {
    spill::TextTableWriter texts;
    std::unordered_map<const RuleFields*, uint32_t> rules;

    void Put(const Finding& f, std::string& out) {
        PutEvidence(out, f, texts);
        const RuleFields* rule = &*f.rule;
        auto [it, added] = rules.try_emplace(rule, uint32_t(rules.size()));
        spill::PutVarint(out, uint64_t(it->second) << 1 | (added ? 1 : 0));
        if (!added)
            return;
        texts.Put(out, rule->id, kRuleField, true);
        texts.Put(out, rule->title, kRuleField + 1, true);
        texts.Put(out, rule->level, kRuleField + 2, true);
        for (const SharedStrings* list : {&rule->tags, &rule->tactics, &rule->techniques}) {
            spill::PutVarint(out, list->size());
            for (const auto& s : *list) {
                spill::PutVarint(out, s.size());
                out.append(s);
            }
        }
    }
};

// A run being read back: its reader and rule table.
struct RunSource {
    spill::RunReader reader;
    uint64_t left;
    std::vector<SharedRule> rules;
    std::string text;

    RunSource(std::FILE* file, uint64_t findings, uint64_t bytes)
        : reader(file, 0, bytes), left(findings) {}

    // Reads the next finding into head; false at the end or on an error (ok says which).
    bool Next(Finding& head, bool& ok) {
        ok = true;
        if (left == 0)
            return false;
        ok = ReadEvidence(reader, head);
        uint64_t tag = 0;
        ok = ok && reader.ReadVarint(tag);
        if (ok && (tag & 1)) {
            RuleFields r;
            ok = reader.ReadText(r.id) && reader.ReadText(r.title) && reader.ReadText(r.level);
            for (SharedStrings* list : {&r.tags, &r.tactics, &r.techniques}) {
                uint64_t count = 0;
                ok = ok && reader.ReadVarint(count) && count < (1u << 20);
                SharedStrings::List items;
                for (uint64_t i = 0; ok && i < count; ++i) {
                    uint64_t n = 0;
                    ok = reader.ReadVarint(n) && n < (1u << 24);
                    if (ok) {
                        text.resize(n);
                        ok = reader.Read(text.data(), n);
                        items.push_back(text);
                    }
                }
                *list = SharedStrings(std::move(items));
            }
            if (ok && (tag >> 1) == rules.size())
                rules.emplace_back(std::move(r));
            else
                ok = false;
        }
        ok = ok && (tag >> 1) < rules.size();
        if (!ok)
            return false;
        head.rule = rules[tag >> 1];
        --left;
        return true;
    }
};

// Decodes the runs on disk ahead of the merge, on a thread of its own: each run's findings
// come in batches, up to kDepth decoded ahead of the one the merge reads; the merge hands a
// batch it has read back to be refilled (the old findings are released on the decoding thread).
class RunPrefetcher {
public:
    static constexpr size_t kBatch = 1024, kDepth = 2;

    explicit RunPrefetcher(std::vector<std::unique_ptr<RunSource>> runs) {
        sources_.resize(runs.size());
        for (size_t i = 0; i < runs.size(); ++i)
            sources_[i].run = std::move(runs[i]);
        if (!sources_.empty())
            worker_ = std::thread([this] { Work(); });
    }
    ~RunPrefetcher() {
        {
            std::lock_guard<std::mutex> lock(mu_);
            stop_ = true;
        }
        work_.notify_all();
        if (worker_.joinable())
            worker_.join();
    }
    RunPrefetcher(const RunPrefetcher&) = delete;
    RunPrefetcher& operator=(const RunPrefetcher&) = delete;

    //! Swaps batch (read, or empty at the start) for run i's next one; false when the run has
    //! no more (unread: findings that could not be read back).
    bool NextBatch(size_t i, std::vector<Finding>& batch, uint64_t& unread) {
        Source& s = sources_[i];
        std::unique_lock<std::mutex> lock(mu_);
        if (batch.capacity() > 0)
            s.spare.push_back(std::move(batch));
        batch = {};
        work_.notify_one();
        ready_.wait(lock, [&] { return !s.full.empty() || s.ended; });
        if (s.full.empty()) {
            unread += s.unread;
            s.unread = 0;
            return false;
        }
        batch = std::move(s.full.front());
        s.full.pop_front();
        work_.notify_one();
        return true;
    }

private:
    struct Source {
        std::unique_ptr<RunSource> run; // read on the worker only
        std::deque<std::vector<Finding>> full;
        std::vector<std::vector<Finding>> spare;
        bool ended = false;
        uint64_t unread = 0;
    };

    void Work() {
        std::unique_lock<std::mutex> lock(mu_);
        while (!stop_) {
            // The run with the fewest batches ready goes first.
            Source* next = nullptr;
            for (auto& s : sources_)
                if (!s.ended && s.full.size() < kDepth &&
                    (!next || s.full.size() < next->full.size()))
                    next = &s;
            if (!next) {
                work_.wait(lock);
                continue;
            }
            std::vector<Finding> batch;
            if (!next->spare.empty()) {
                batch = std::move(next->spare.back());
                next->spare.pop_back();
            }
            lock.unlock();
            batch.clear();
            batch.reserve(kBatch);
            bool ok = true, more = true;
            while (batch.size() < kBatch) {
                batch.emplace_back();
                if (!(more = next->run->Next(batch.back(), ok))) {
                    batch.pop_back();
                    break;
                }
            }
            lock.lock();
            if (!batch.empty())
                next->full.push_back(std::move(batch));
            if (!more) {
                next->ended = true;
                next->unread = ok ? 0 : next->run->left;
            }
            ready_.notify_all();
        }
    }

    std::vector<Source> sources_;
    std::mutex mu_;
    std::condition_variable work_, ready_;
    bool stop_ = false;
    std::thread worker_;
};

} // namespace

FindingSpill::~FindingSpill() {
    Close();
}

void FindingSpill::Close() {
    for (auto& r : runs_)
        std::fclose(r.file);
    runs_.clear();
    findings_ = 0;
}

FindingSpill::FindingSpill(FindingSpill&& o) noexcept
    : runs_(std::move(o.runs_)), findings_(o.findings_) {
    o.runs_.clear();
    o.findings_ = 0;
}

FindingSpill& FindingSpill::operator=(FindingSpill&& o) noexcept {
    if (this != &o) {
        Close();
        runs_ = std::move(o.runs_);
        findings_ = o.findings_;
        o.runs_.clear();
        o.findings_ = 0;
    }
    return *this;
}

bool FindingSpill::Write(FindingRun& run) {
    if (run.empty())
        return true;
    // Table entries are known by identity: the findings (and so their texts) live until written.
    RunWriter writer;
    uint64_t bytes = 0;
    std::FILE* f = spill::WriteRunFile(
        run.size(), [&](size_t i, std::string& out) { writer.Put(run[i], out); }, bytes);
    if (!f)
        return false;
    runs_.push_back({f, uint64_t(run.size()), uint64_t(bytes)});
    findings_ += run.size();
    run.Clear();
    return true;
}

void SpilledFindings::Add(FindingSpill&& spill) {
    spills_.push_back(std::move(spill));
    const size_t s = spills_.size() - 1;
    for (size_t r = 0; r < spills_[s].runs_.size(); ++r)
        order_.push_back({0, s, r});
    size_ += spills_[s].size();
}

void SpilledFindings::Add(FindingRun&& run) {
    size_ += run.size();
    runs_.push_back(std::move(run));
    order_.push_back({1, runs_.size() - 1, 0});
}

void SpilledFindings::Add(std::vector<Finding>&& findings) {
    size_ += findings.size();
    vectors_.push_back(std::move(findings));
    order_.push_back({2, vectors_.size() - 1, 0});
}

uint64_t SpilledFindings::on_disk() const {
    uint64_t n = 0;
    for (const auto& s : spills_)
        n += s.size();
    return n;
}

uint64_t SpilledFindings::ForEach(FunctionRef<void(const Finding&)> fn) const {
    // A source's current finding: one of a disk run's decoded batch, or one in memory.
    struct Head {
        size_t disk = SIZE_MAX; // the run's number in the prefetcher
        std::vector<Finding> batch;
        const FindingRun* run = nullptr;
        const std::vector<Finding>* vec = nullptr;
        size_t next = 0;
        const Finding* cur = nullptr;
    };
    std::vector<Head> heads(order_.size());
    std::vector<std::unique_ptr<RunSource>> disk_runs;
    for (size_t i = 0; i < order_.size(); ++i) {
        const SourceRef& s = order_[i];
        if (s.kind == 0) {
            const auto& r = spills_[s.a].runs_[s.b];
            heads[i].disk = disk_runs.size();
            disk_runs.push_back(std::make_unique<RunSource>(r.file, r.findings, r.bytes));
        } else if (s.kind == 1) {
            heads[i].run = &runs_[s.a];
        } else {
            heads[i].vec = &vectors_[s.a];
        }
    }
    RunPrefetcher prefetch(std::move(disk_runs));
    uint64_t unread = 0;
    auto advance = [&](Head& h) {
        h.cur = nullptr;
        if (h.disk != SIZE_MAX) {
            if (h.next == h.batch.size()) {
                h.next = 0;
                if (!prefetch.NextBatch(h.disk, h.batch, unread))
                    h.batch.clear();
            }
            if (h.next < h.batch.size())
                h.cur = &h.batch[h.next++];
        } else if (h.run) {
            if (h.next < h.run->size())
                h.cur = &(*h.run)[h.next++];
        } else if (h.vec && h.next < h.vec->size()) {
            h.cur = &(*h.vec)[h.next++];
        }
        return h.cur != nullptr;
    };
    std::vector<size_t> heap;
    for (size_t i = 0; i < order_.size(); ++i)
        if (advance(heads[i]))
            heap.push_back(i);
    // A min-heap of sources by their current finding (equal findings: the earlier source
    // first). The least source's next finding replaces it at the top and sinks to its place:
    // one pass down the heap per finding instead of a pop and a push.
    auto before = [&](size_t a, size_t b) {
        const Finding &x = *heads[a].cur, &y = *heads[b].cur;
        if (x.time != y.time)
            return x.time < y.time;
        if (FindingOrderLess(x, y))
            return true;
        return !FindingOrderLess(y, x) && a < b;
    };
    auto sink = [&](size_t at) {
        const size_t n = heap.size();
        for (size_t child; (child = 2 * at + 1) < n; at = child) {
            if (child + 1 < n && before(heap[child + 1], heap[child]))
                ++child;
            if (!before(heap[child], heap[at]))
                break;
            std::swap(heap[at], heap[child]);
        }
    };
    for (size_t i = heap.size() / 2; i-- > 0;)
        sink(i);
    while (!heap.empty()) {
        Head& h = heads[heap.front()];
        fn(*h.cur);
        if (!advance(h)) {
            heap.front() = heap.back();
            heap.pop_back();
        }
        sink(0);
    }
    return unread;
}

} // namespace cloudsift
