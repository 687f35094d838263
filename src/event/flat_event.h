// FlatEvent: an Event over named text fields (VPC Flow, ALB, nginx, syslog …).
#pragma once
#include <string_view>
#include <utility>
#include <vector>

#include "event/event.h"

namespace cloudsift {

//! A record of name → value pairs; names may contain dots (matched against the whole path).
//! Storage of names and values belongs to the decoder.
class FlatEvent final : public Event {
public:
    //! Removes all fields (keeps capacity for reuse).
    void Clear() { fields_.clear(); }
    //! Adds a field; an empty string value is kept (use Skip to omit missing values).
    void Add(std::string_view name, Value value) { fields_.emplace_back(name, value); }
    //! Adds a string field.
    void AddString(std::string_view name, std::string_view value) {
        fields_.emplace_back(name, Value::Str(value));
    }
    //! The fields in insertion order.
    const std::vector<std::pair<std::string_view, Value>>& fields() const { return fields_; }
    //! The first value of a field, or nullptr.
    const Value* Get(std::string_view name) const;

    bool Find(const FieldPath& path, FunctionRef<bool(const Value&)> fn) const override;
    void ForEachLeaf(FunctionRef<bool(const Value&)> fn) const override;
    void AppendJson(std::string& out) const override;

private:
    std::vector<std::pair<std::string_view, Value>> fields_;
};

} // namespace cloudsift
