#include "analytics/activity_rows.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <filesystem>
#include <unordered_map>

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

// The texts of a row in the order they are written. Unique ones (event ids, resources) are
// written as they are; the others through the run's text table: a text's first use in a run
// writes it and enters it in the table, later uses write its table number. Reading a row back
// then costs no hashing and its texts are shared by the rows of the run.
constexpr size_t kTexts = 17;
constexpr bool kTabled[kTexts] = {false, true, true, true, true, true,  true, true, true,
                                  true,  true, true, true, true, false, true, true};
// Entries of a run's text table (bounds the memory of reading many runs back at once); texts
// beyond it are written as they are.
constexpr uint32_t kTableMax = 1 << 14;

// A text's tag (a LEB128 number): 0 empty; low bits 01: the text follows (length = tag >> 2);
// 11: the same, and the text is the run's next table entry; 10: table entry tag >> 2.
constexpr uint64_t kLiteral = 1, kNewEntry = 3, kEntry = 2;

void PutVarint(std::string& out, uint64_t v) {
    while (v >= 0x80) {
        out.push_back(char(uint8_t(v) | 0x80));
        v >>= 7;
    }
    out.push_back(char(v));
}

template <typename Row, typename Fn> void ForEachText(Row& r, Fn fn) {
    auto& e = r.ev;
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
    fn(r.actor_type, 11);
    fn(r.error_code, 12);
    fn(r.mfa, 13);
    fn(r.resource, 14);
    fn(r.outcome, 15);
    fn(r.baseline, 16);
}

// Fixed part of a written row: time, position, finding id (8 bytes each), via_service (1).
constexpr size_t kHeadBytes = 8 + 8 + 8 + 1;

void PutRaw(std::string& out, const void* p, size_t n) {
    out.append(static_cast<const char*>(p), n);
}

// A run's text table as it is written: the number of each text entered, by identity, and
// each field's last text and number (neighbouring rows mostly share them: no hashing then).
struct TextTable {
    std::unordered_map<const void*, uint32_t> ids;
    std::array<std::pair<const void*, uint32_t>, kTexts> last{};
};

void Serialize(const ActivityRow& r, TextTable& table, std::string& out) {
    const int64_t time = r.ev.time;
    const uint64_t pos = r.ev.line_or_index, id = r.ev.finding_id.value();
    const uint8_t via = r.via_service ? 1 : 0;
    PutRaw(out, &time, 8);
    PutRaw(out, &pos, 8);
    PutRaw(out, &id, 8);
    PutRaw(out, &via, 1);
    ForEachText(r, [&](const SharedText& t, size_t i) {
        std::string_view v = t.view();
        if (v.empty()) {
            out.push_back(0);
            return;
        }
        if (kTabled[i]) {
            auto& last = table.last[i];
            if (last.first == t.identity()) {
                PutVarint(out, uint64_t(last.second) << 2 | kEntry);
                return;
            }
            auto it = table.ids.find(t.identity());
            if (it != table.ids.end()) {
                last = {t.identity(), it->second};
                PutVarint(out, uint64_t(it->second) << 2 | kEntry);
                return;
            }
            if (table.ids.size() < kTableMax) {
                last = {t.identity(), uint32_t(table.ids.size())};
                table.ids.emplace(t.identity(), uint32_t(table.ids.size()));
                PutVarint(out, uint64_t(v.size()) << 2 | kNewEntry);
                out.append(v);
                return;
            }
        }
        PutVarint(out, uint64_t(v.size()) << 2 | kLiteral);
        out.append(v);
    });
}

// The permutation that puts rows in RowOrderLess order, equal rows keeping their order (the
// rows themselves are never moved: a row is 168 bytes, an index 4).
std::vector<uint32_t> RowOrder(const std::vector<ActivityRow>& rows) {
    return FindingOrderOf(rows, [](const ActivityRow& r) -> const Evidence& { return r.ev; });
}

// An unnamed, already unlinked temporary file in TMPDIR (or /tmp).
std::FILE* TemporaryFile() {
    std::error_code ec;
    auto dir = std::filesystem::temp_directory_path(ec);
#ifdef O_TMPFILE
    if (!ec) {
        int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
        if (fd >= 0) {
            if (std::FILE* f = ::fdopen(fd, "w+b"))
                return f;
            ::close(fd);
        }
    }
#endif
    return std::tmpfile();
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
    std::FILE* f = TemporaryFile();
    if (!f) {
        spill_failed_ = true;
        return;
    }
    constexpr size_t kChunk = 1 << 20;
    bool ok = true;
    buf_.clear();
    // Table entries are known by identity: the rows (and so their texts) live until written.
    TextTable table;
    for (uint32_t i : RowOrder(mem_)) {
        Serialize(mem_[i], table, buf_);
        if (buf_.size() >= kChunk) {
            ok = ok && std::fwrite(buf_.data(), 1, buf_.size(), f) == buf_.size();
            buf_.clear();
        }
    }
    ok = ok && std::fwrite(buf_.data(), 1, buf_.size(), f) == buf_.size();
    ok = ok && std::fflush(f) == 0;
    std::string().swap(buf_);
    if (!ok) {
        // Disk full or unwritable: the rows stay in memory (sorted with the later ones at the
        // end), and no further run is tried.
        std::fclose(f);
        spill_failed_ = true;
        return;
    }
    runs_.push_back({f, uint64_t(mem_.size())});
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
    std::FILE* file = nullptr;
    uint64_t left = 0;
    std::vector<char> buf;
    size_t pos = 0, end = 0;
    std::vector<SharedText> table; // the run's text table, as far as read

    bool ReadVarint(uint64_t& v) {
        v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            uint8_t b;
            if (!Read(&b, 1))
                return false;
            v |= uint64_t(b & 0x7f) << shift;
            if (!(b & 0x80))
                return true;
        }
        return false;
    }

    bool Read(void* into, size_t n) {
        char* out = static_cast<char*>(into);
        while (n > 0) {
            if (pos == end) {
                end = std::fread(buf.data(), 1, buf.size(), file);
                pos = 0;
                if (end == 0)
                    return false;
            }
            size_t take = std::min(n, end - pos);
            std::memcpy(out, buf.data() + pos, take);
            pos += take;
            out += take;
            n -= take;
        }
        return true;
    }
};

RowMerger::RowMerger(const std::vector<ActivityRows*>& collectors) {
    for (ActivityRows* c : collectors) {
        for (auto& run : c->runs_) {
            auto s = std::make_unique<Source>();
            s->file = run.file;
            s->left = run.rows;
            s->buf.resize(256 << 10);
            std::rewind(run.file);
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
    char head[kHeadBytes];
    bool ok = s.Read(head, kHeadBytes);
    if (ok) {
        int64_t time;
        uint64_t pos, id;
        std::memcpy(&time, head, 8);
        std::memcpy(&pos, head + 8, 8);
        std::memcpy(&id, head + 16, 8);
        row->ev.time = time;
        row->ev.line_or_index = pos;
        row->ev.finding_id = FindingId::FromValue(id);
        row->via_service = head[24] != 0;
        ForEachText(*row, [&](SharedText& t, size_t) {
            uint64_t tag = 0;
            if (!ok || !(ok = s.ReadVarint(tag)) || tag == 0)
                return;
            const uint64_t kind = tag & 3, n = tag >> 2;
            if (kind == kEntry) {
                if (!(ok = n < s.table.size()))
                    return;
                t = s.table[n];
                return;
            }
            if (!(ok = kind != 0 && n <= (uint64_t(1) << 31)))
                return;
            text_.resize(n);
            if (!(ok = s.Read(text_.data(), n)))
                return;
            t = SharedText(text_);
            if (kind == kNewEntry)
                s.table.push_back(t);
        });
    }
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
