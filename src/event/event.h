// Event: the native record of any log source, read through field paths.
// Decoders own the storage; an Event is valid only during the callback that receives it.
#pragma once
#include <string>

#include "common/function_ref.h"
#include "event/field_path.h"
#include "event/value.h"

namespace cloudsift {

//! Read-only access to one decoded record's native fields.
class Event {
public:
    virtual ~Event() = default;

    //! Calls fn with each value at path. Arrays met on the path (or at its end) are expanded:
    //! fn sees each element ("any element" semantics). Objects are reported as ValueType::Object.
    //! fn returns false to stop early. Returns whether the path exists at all.
    virtual bool Find(const FieldPath& path, FunctionRef<bool(const Value&)> fn) const = 0;

    //! Calls fn with every scalar leaf of the record (for Sigma keyword search); fn returns false
    //! to stop early.
    virtual void ForEachLeaf(FunctionRef<bool(const Value&)> fn) const = 0;

    //! Appends the native record to out as one JSON object.
    virtual void AppendJson(std::string& out) const = 0;

    //! Appends the top-level member key as minified JSON and returns true; false (out untouched)
    //! when the record has no such member, it is null, or the record is not JSON.
    virtual bool AppendMemberJson(std::string_view key, std::string& out) const {
        (void)key;
        (void)out;
        return false;
    }
};

} // namespace cloudsift
