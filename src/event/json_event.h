// JsonEvent: an Event over a simdjson DOM element (CloudTrail, Route 53, WAF, findings …).
#pragma once
#include <simdjson.h>

#include <array>
#include <cstdint>

#include "event/event.h"

namespace cloudsift {

//! Where a decoder finds a record's original text when asked (the case store keeps it; rule
//! matching never asks, so decoders find it lazily).
class SourceText {
public:
    virtual ~SourceText() = default;
    //! The exact JSON text of record number i, or empty when it is not known.
    virtual std::string_view Text(uint64_t i) const = 0;
};

//! A SourceText that is one known text.
class FixedSourceText final : public SourceText {
public:
    explicit FixedSourceText(std::string_view text) : text_(text) {}
    std::string_view Text(uint64_t) const override { return text_; }

private:
    std::string_view text_;
};

//! Event view of a parsed JSON object; the DOM must outlive this view. source (may be null;
//! must outlive the view) gives the object's original text as its record number source_index.
class JsonEvent final : public Event {
public:
    explicit JsonEvent(simdjson::dom::element root, const SourceText* source = nullptr,
                       uint64_t source_index = 0)
        : root_(root), source_(source), source_index_(source_index) {}
    bool Find(const FieldPath& path, FunctionRef<bool(const Value&)> fn) const override;
    void ForEachLeaf(FunctionRef<bool(const Value&)> fn) const override;
    //! Appends the original text when the source knows it, else the object minified.
    void AppendJson(std::string& out) const override;
    bool AppendMemberJson(std::string_view key, std::string& out) const override;
    //! The top-level member key (the first one when repeated), through the same key index rule
    //! lookups use; false when the record is not an object or has no such member.
    bool Member(std::string_view key, simdjson::dom::element& out) const;
    //! The underlying DOM element.
    simdjson::dom::element root() const { return root_; }

private:
    // Top-level keys are looked up by hash: rules ask for eventSource, eventName … many times per
    // record, and a linear key scan per lookup dominated matching. Built on the first Find().
    struct Slot {
        uint32_t hash;
        std::string_view key;
        simdjson::dom::element value;
    };
    static constexpr size_t kSlots = 64;
    //! The top-level member named key (0 when absent); builds the index on first use.
    bool TopLevel(std::string_view key, simdjson::dom::element& out) const;
    simdjson::dom::element root_;
    const SourceText* source_ = nullptr;
    uint64_t source_index_ = 0;
    mutable int index_state_ =
        0;                      // 0 not built, 1 built, -1 not indexable (not an object / too big)
    mutable uint64_t used_ = 0; // occupied slots
    mutable std::array<Slot, kSlots> slots_;
};

//! Converts a DOM scalar to a Value (objects/arrays become markers).
Value ToValue(simdjson::dom::element e);

//! String at a nested path of object keys ("" when absent or not a string).
std::string_view JsonString(simdjson::dom::element e, std::initializer_list<std::string_view> path);

} // namespace cloudsift
