#include "event/flat_event.h"

#include "common/sanitize.h"

namespace cloudsift {

const Value* FlatEvent::Get(std::string_view name) const {
    for (const auto& [k, v] : fields_)
        if (k == name) return &v;
    return nullptr;
}

bool FlatEvent::Find(const FieldPath& path, FunctionRef<bool(const Value&)> fn) const {
    bool found = false;
    for (const auto& [k, v] : fields_) {
        if (k == path.full) {
            found = true;
            if (!fn(v)) break;
        }
    }
    return found;
}

void FlatEvent::ForEachLeaf(FunctionRef<bool(const Value&)> fn) const {
    for (const auto& [k, v] : fields_)
        if (!fn(v)) return;
}

void FlatEvent::AppendJson(std::string& out) const {
    out += '{';
    bool first = true;
    std::string buf;
    for (const auto& [k, v] : fields_) {
        if (!first) out += ',';
        first = false;
        AppendJsonString(out, k);
        out += ':';
        switch (v.type) {
        case ValueType::String: AppendJsonString(out, v.s); break;
        case ValueType::Null: out += "null"; break;
        default: out += v.Text(buf);
        }
    }
    out += '}';
}

} // namespace cloudsift
