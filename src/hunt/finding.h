// Finding: one rule match on one record, owned, ready for any sink (the DESIGN.md contract).
// Text fields are SharedText: findings of one rule share its title and tags, findings of one
// record or one principal share those strings, so millions of findings stay small.
#pragma once
#include <algorithm>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "common/shared_text.h"
#include "common/time_util.h"

namespace cloudsift {

//! A stable id: a 64-bit XXH3 hash shown as 16 lower-case hex digits. Held as the number, so
//! millions of findings carry no id text of their own; ordered as its digits are. Eight bytes:
//! 0 means "no id" (a key whose hash is 0 gets id 1).
class FindingId {
public:
    FindingId() = default;
    //! The id of key.
    static FindingId Of(std::string_view key);
    //! Whether no id is set.
    bool empty() const { return value_ == 0; }
    //! The 16 digits ("" when empty), held by value.
    struct Hex {
        char digits[16];
        uint8_t size;
        std::string_view view() const { return {digits, size}; }
        operator std::string_view() const { return view(); }
    };
    //! The digits as a small value (no allocation).
    Hex hex() const;
    //! The digits as a string.
    std::string str() const { return std::string(hex().view()); }
    //! The 64-bit value (0 when empty), and the id of such a value (to store ids in binary).
    uint64_t value() const { return value_; }
    static FindingId FromValue(uint64_t v) {
        FindingId id;
        id.value_ = v;
        return id;
    }
    auto operator<=>(const FindingId&) const = default;

private:
    uint64_t value_ = 0;
};

//! The record half of a finding: what happened, who, from where, and where it is written.
//! Analytics rows keep only this (112 bytes); a Finding adds the rule.
struct Evidence {
    TimeMs time = 0;
    SharedText event_id;
    SharedText event_name;
    SharedText event_source;
    SharedText source_type; //!< decoder name
    SharedText actor;       //!< principal ARN or name
    SharedText access_key;
    SharedText source_ip;
    SharedText user_agent;
    SharedText account;
    SharedText region;
    SharedText file;
    uint64_t line_or_index = 0; //!< line for line formats, record index otherwise
    FindingId finding_id;       //!< stable id: hash of rule id + file + position
};

//! The rule half of a finding: what detected it.
struct RuleFields {
    SharedText id;
    SharedText title;
    SharedText level;         //!< informational | low | medium | high | critical
    SharedStrings tags;       //!< as in the rule ("attack.t1098")
    SharedStrings tactics;    //!< "persistence"
    SharedStrings techniques; //!< "T1098"
};

//! RuleFields shared by reference count and copied on write, one pointer wide: the findings of
//! one rule share one (a finding is 120 bytes, not 160 with six fields of its own).
class SharedRule {
public:
    SharedRule() = default;
    explicit SharedRule(RuleFields fields) : rep_(new Rep{{1}, std::move(fields)}) {}
    //! The fields (all empty when none were set).
    const RuleFields& operator*() const { return rep_ ? rep_->fields : Empty(); }
    const RuleFields* operator->() const { return &**this; }
    //! The fields to change: this handle's own copy of them first, when they are shared.
    RuleFields& Mutable() {
        if (!rep_ || rep_->refs.load(std::memory_order_acquire) != 1)
            rep_ = detail::CountedRef<Rep>(new Rep{{1}, **this});
        return rep_->fields;
    }

private:
    struct Rep {
        std::atomic<uint32_t> refs;
        RuleFields fields;
        static void Free(Rep* r) { delete r; }
    };
    static const RuleFields& Empty() {
        static const RuleFields empty;
        return empty;
    }
    detail::CountedRef<Rep> rep_;
};

//! A detection on a record (from a Sigma rule, a behavioural analytic, or an imported finding).
struct Finding : Evidence {
    SharedRule rule; //!< the rule half, shared by the findings of one rule
    const SharedText& rule_id() const { return rule->id; }
    const SharedText& rule_title() const { return rule->title; }
    //! informational | low | medium | high | critical
    const SharedText& level() const { return rule->level; }
    const SharedStrings& tags() const { return rule->tags; }
    const SharedStrings& tactics() const { return rule->tactics; }
    const SharedStrings& techniques() const { return rule->techniques; }
    //! The rule fields to change (this finding's own copy when other findings share them).
    RuleFields& rule_fields() { return rule.Mutable(); }
};

//! The rule id of a finding; evidence has none (it sorts as the empty id).
inline const SharedText& RuleIdOf(const Finding& f) {
    return f.rule_id();
}
inline const SharedText& RuleIdOf(const Evidence&) {
    static const SharedText none;
    return none;
}

struct Record;

//! 16 lower-case hex digits of the 64-bit XXH3 hash of key (finding and incident ids).
std::string StableId(std::string_view key);

//! Fills the record half of f (time, event, actor, endpoints, account, region, position) from rec;
//! file is the record's file path. interner (may be null) shares repeated values between findings.
void FillEvidence(Evidence& f, const Record& rec, const SharedText& file, TextInterner* interner);

//! The permutation that orders items by their findings' time, file, position and rule id
//! (texts by text; equal keys keep their order): order[i] indexes the i-th item. finding(item)
//! gives an item's Finding (or Evidence: no rule id). Sorts small keys (the texts as ranks),
//! never the items.
template <typename Range, typename FindingOf>
std::vector<uint32_t> FindingOrderOf(const Range& items, FindingOf finding) {
    auto file_rank =
        TextRanks(items, [&](const auto& x) -> const SharedText& { return finding(x).file; });
    auto rule_rank =
        TextRanks(items, [&](const auto& x) -> const SharedText& { return RuleIdOf(finding(x)); });
    struct Key {
        TimeMs time;
        uint64_t pos;
        uint32_t file, rule, index;
        bool operator<(const Key& o) const {
            return std::tie(time, file, pos, rule, index) <
                   std::tie(o.time, o.file, o.pos, o.rule, o.index);
        }
    };
    // Neighbouring items mostly share their file (and often their rule): the last rank looked
    // up answers them without hashing.
    struct LastRank {
        bool set = false;
        const void* id = nullptr;
        uint32_t rank = 0;
        uint32_t Of(std::unordered_map<const void*, uint32_t>& ranks, const void* text) {
            if (!set || text != id) {
                set = true;
                id = text;
                rank = ranks[text];
            }
            return rank;
        }
    } last_file, last_rule;
    std::vector<Key> keys;
    keys.reserve(std::size(items));
    for (const auto& x : items) {
        const auto& f = finding(x);
        keys.push_back({f.time, f.line_or_index, last_file.Of(file_rank, f.file.identity()),
                        last_rule.Of(rule_rank, RuleIdOf(f).identity()), uint32_t(keys.size())});
    }
    std::sort(keys.begin(), keys.end());
    std::vector<uint32_t> order(keys.size());
    for (size_t i = 0; i < keys.size(); ++i)
        order[i] = keys[i].index;
    return order;
}

//! Moves items into the order order gives (order[i] indexes the item that goes i-th): each item
//! moves once, along the permutation's cycles. items: random access by index.
template <typename Items> void ApplyOrder(Items& items, const std::vector<uint32_t>& order) {
    std::vector<bool> placed(order.size(), false);
    for (size_t i = 0; i < order.size(); ++i) {
        if (placed[i] || order[i] == i) {
            placed[i] = true;
            continue;
        }
        auto held = std::move(items[i]);
        size_t j = i;
        while (true) {
            placed[j] = true;
            size_t from = order[j];
            if (from == i) {
                items[j] = std::move(held);
                break;
            }
            // The cycle jumps around memory: fetch the item after next while this one moves.
            const auto* ahead = &items[order[from]];
            __builtin_prefetch(ahead);
            __builtin_prefetch(reinterpret_cast<const char*>(ahead) + sizeof(*ahead) - 1);
            items[j] = std::move(items[from]);
            j = from;
        }
    }
}

//! Numeric rank of a level name (informational 0 … critical 4; unknown -1).
int LevelRank(std::string_view level);

//! Appends the finding as one JSON object (no newline) with the DESIGN.md field names.
void AppendFindingJson(std::string& out, const Finding& f);

} // namespace cloudsift
