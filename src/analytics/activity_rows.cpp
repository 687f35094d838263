#include "analytics/activity_rows.h"

#include <algorithm>
#include <cstring>

#include "common/spill_file.h"
#include "hunt/finding_spill.h"

namespace cloudsift::analytics {

static_assert(sizeof(ActivityRow) <= 168,
              "an ActivityRow grew: one is held per CloudTrail call the detectors read");

bool RowOrderLess(const ActivityRow& a, const ActivityRow& b) {
    if (a.ev.time != b.ev.time)
        return a.ev.time < b.ev.time;
    if (int c = a.ev.file.view().compare(b.ev.file.view()))
        return c < 0;
    return a.ev.line_or_index < b.ev.line_or_index;
}

namespace {

// A row as written: its evidence (PutEvidence), whether it was made through a service (one
// byte), then its own texts, numbered after the evidence's in the run's text table (the
// resource as it is, the others through the table).
template <typename Row, typename Fn> void ForEachRowText(Row& r, Fn fn) {
    fn(r.actor_type, 0);
    fn(r.error_code, 1);
    fn(r.mfa, 2);
    fn(r.resource, 3);
    fn(r.outcome, 4);
    fn(r.baseline, 5);
}
constexpr size_t kResourceText = 3;

void Serialize(const ActivityRow& r, spill::TextTableWriter& table, std::string& out) {
    PutEvidence(out, r.ev, table);
    out.push_back(r.via_service ? 1 : 0);
    ForEachRowText(r, [&](const SharedText& t, size_t i) {
        table.Put(out, t, kEvidenceTexts + i, i != kResourceText);
    });
}

// The permutation that puts rows in RowOrderLess order, equal rows keeping their order (the
// rows themselves are never moved: a row is 168 bytes, an index 4).
std::vector<uint32_t> RowOrder(const std::vector<ActivityRow>& rows) {
    return FindingOrderOf(rows, [](const ActivityRow& r) -> const Evidence& { return r.ev; });
}

} // namespace

ActivityRows::~ActivityRows() {
    for (auto& r : runs_)
        std::fclose(r.file);
}

void ActivityRows::Add(ActivityRow row) {
    if (max_in_memory_ && !spill_failed_ && mem_.size() >= max_in_memory_)
        Spill();
    if (max_in_memory_ && mem_.capacity() < max_in_memory_ && mem_.empty())
        mem_.reserve(max_in_memory_); // never regrown (and copied) on the way to the limit
    min_time_ = std::min(min_time_, row.ev.time);
    max_time_ = std::max(max_time_, row.ev.time);
    mem_.push_back(std::move(row));
    ++added_;
}

void ActivityRows::Spill() {
    // Table entries are known by identity: the rows (and so their texts) live until written.
    spill::TextTableWriter table;
    const std::vector<uint32_t> order = RowOrder(mem_);
    uint64_t bytes = 0;
    std::FILE* f = spill::WriteRunFile(
        order.size(), [&](size_t i, std::string& out) { Serialize(mem_[order[i]], table, out); },
        bytes);
    if (!f) {
        // No temporary file, or disk full: the rows stay in memory (sorted with the later ones
        // at the end), and no further run is tried.
        spill_failed_ = true;
        return;
    }
    runs_.push_back({f, uint64_t(mem_.size()), bytes});
    spilled_ += mem_.size();
    mem_.clear(); // the capacity is kept for the next rows
}

// A run on disk (read through its own buffer) or a collector's rows in memory.
struct RowMerger::Source {
    std::shared_ptr<const ActivityRow> head;
    // In memory: the rows and their order.
    const std::vector<ActivityRow>* mem = nullptr;
    std::vector<uint32_t> order;
    size_t next = 0;
    // On disk.
    std::unique_ptr<spill::RunReader> reader;
    uint64_t left = 0;
};

RowMerger::RowMerger(const std::vector<ActivityRows*>& collectors) {
    for (ActivityRows* c : collectors) {
        for (auto& run : c->runs_) {
            auto s = std::make_unique<Source>();
            s->reader = std::make_unique<spill::RunReader>(run.file, 0, run.bytes);
            s->left = run.rows;
            sources_.push_back(std::move(s));
        }
        auto s = std::make_unique<Source>();
        s->mem = &c->mem_;
        s->order = RowOrder(c->mem_);
        sources_.push_back(std::move(s));
    }
    for (size_t i = 0; i < sources_.size(); ++i)
        if (Advance(*sources_[i]))
            heap_.push_back(i);
    std::make_heap(heap_.begin(), heap_.end(), [this](size_t a, size_t b) { return After(a, b); });
}

bool RowMerger::After(size_t a, size_t b) const {
    // std heaps put the greatest first: ordering by "comes after" puts the least head on top.
    // Equal rows: the earlier source comes first.
    const ActivityRow &x = *sources_[a]->head, &y = *sources_[b]->head;
    if (RowOrderLess(y, x))
        return true;
    return !RowOrderLess(x, y) && a > b;
}

RowMerger::~RowMerger() = default;

bool RowMerger::Advance(Source& s) {
    s.head.reset();
    if (s.mem) {
        if (s.next == s.order.size())
            return false;
        // Not owned: the collector keeps it alive.
        s.head = std::shared_ptr<const ActivityRow>(std::shared_ptr<const ActivityRow>(),
                                                    &(*s.mem)[s.order[s.next++]]);
        return true;
    }
    if (s.left == 0)
        return false;
    auto row = std::make_shared<ActivityRow>();
    char via = 0;
    bool ok = ReadEvidence(*s.reader, row->ev) && s.reader->Read(&via, 1);
    row->via_service = via != 0;
    ForEachRowText(*row, [&](SharedText& t, size_t) { ok = ok && s.reader->ReadText(t); });
    if (!ok) {
        unread_ += s.left;
        s.left = 0;
        return false;
    }
    --s.left;
    s.head = std::move(row);
    return true;
}

std::shared_ptr<const ActivityRow> RowMerger::Next() {
    if (heap_.empty())
        return nullptr;
    auto after = [this](size_t a, size_t b) { return After(a, b); };
    std::pop_heap(heap_.begin(), heap_.end(), after);
    Source& s = *sources_[heap_.back()];
    std::shared_ptr<const ActivityRow> row = std::move(s.head);
    if (Advance(s))
        std::push_heap(heap_.begin(), heap_.end(), after);
    else
        heap_.pop_back();
    return row;
}

} // namespace cloudsift::analytics
