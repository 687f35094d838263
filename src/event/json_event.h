// JsonEvent: an Event over a simdjson DOM element (CloudTrail, Route 53, WAF, findings …).
#pragma once
#include <simdjson.h>

#include "event/event.h"

namespace cloudsift {

//! Event view of a parsed JSON object; the DOM must outlive this view.
class JsonEvent final : public Event {
public:
    explicit JsonEvent(simdjson::dom::element root) : root_(root) {}
    bool Find(const FieldPath& path, FunctionRef<bool(const Value&)> fn) const override;
    void ForEachLeaf(FunctionRef<bool(const Value&)> fn) const override;
    void AppendJson(std::string& out) const override;
    //! The underlying DOM element.
    simdjson::dom::element root() const { return root_; }

private:
    simdjson::dom::element root_;
};

//! Converts a DOM scalar to a Value (objects/arrays become markers).
Value ToValue(simdjson::dom::element e);

//! String at a nested path of object keys ("" when absent or not a string).
std::string_view JsonString(simdjson::dom::element e, std::initializer_list<std::string_view> path);

} // namespace cloudsift
