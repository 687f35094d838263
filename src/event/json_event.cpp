#include "event/json_event.h"

#include <cstring>

namespace cloudsift {
namespace {

// Walks parts[idx..] from e; returns true when anything at the path was found; stop is set when
// fn asked to stop.
bool Walk(simdjson::dom::element e, const std::vector<std::string>& parts, size_t idx,
          FunctionRef<bool(const Value&)> fn, bool& stop) {
    using simdjson::dom::element_type;
    if (stop)
        return true;
    if (e.type() == element_type::ARRAY) {
        bool found = false;
        if (idx == parts.size()) {
            // The path ends on an array: each element is a candidate value.
            bool any = false;
            for (auto child : simdjson::dom::array(e)) {
                any = true;
                if (child.type() == element_type::ARRAY) {
                    Walk(child, parts, idx, fn, stop);
                } else if (!fn(ToValue(child))) {
                    stop = true;
                }
                if (stop)
                    break;
            }
            if (!any) {
                Value v;
                v.type = ValueType::Array;
                if (!fn(v))
                    stop = true;
            }
            return true;
        }
        for (auto child : simdjson::dom::array(e)) {
            found |= Walk(child, parts, idx, fn, stop);
            if (stop)
                break;
        }
        return found;
    }
    if (idx == parts.size()) {
        if (!fn(ToValue(e)))
            stop = true;
        return true;
    }
    if (e.type() != element_type::OBJECT)
        return false;
    simdjson::dom::element child;
    if (simdjson::dom::object(e).at_key(parts[idx]).get(child) != simdjson::SUCCESS)
        return false;
    return Walk(child, parts, idx + 1, fn, stop);
}

bool Leaves(simdjson::dom::element e, FunctionRef<bool(const Value&)> fn) {
    using simdjson::dom::element_type;
    switch (e.type()) {
    case element_type::OBJECT:
        for (auto field : simdjson::dom::object(e))
            if (!Leaves(field.value, fn))
                return false;
        return true;
    case element_type::ARRAY:
        for (auto child : simdjson::dom::array(e))
            if (!Leaves(child, fn))
                return false;
        return true;
    default:
        return fn(ToValue(e));
    }
}

} // namespace

Value ToValue(simdjson::dom::element e) {
    using simdjson::dom::element_type;
    Value v;
    switch (e.type()) {
    case element_type::STRING:
        v.type = ValueType::String;
        v.s = e.get_string().value_unsafe();
        break;
    case element_type::INT64:
        v.type = ValueType::Int;
        v.i = e.get_int64().value_unsafe();
        break;
    case element_type::UINT64:
        v.type = ValueType::UInt;
        v.u = e.get_uint64().value_unsafe();
        break;
    case element_type::DOUBLE:
        v.type = ValueType::Double;
        v.d = e.get_double().value_unsafe();
        break;
    case element_type::BOOL:
        v.type = ValueType::Bool;
        v.b = e.get_bool().value_unsafe();
        break;
    case element_type::NULL_VALUE:
        v.type = ValueType::Null;
        break;
    case element_type::OBJECT:
        v.type = ValueType::Object;
        break;
    case element_type::ARRAY:
        v.type = ValueType::Array;
        break;
    }
    return v;
}

std::string_view JsonString(simdjson::dom::element e,
                            std::initializer_list<std::string_view> path) {
    for (auto key : path) {
        simdjson::dom::object obj;
        if (e.get_object().get(obj) != simdjson::SUCCESS)
            return {};
        if (obj.at_key(key).get(e) != simdjson::SUCCESS)
            return {};
    }
    std::string_view s;
    if (e.get_string().get(s) != simdjson::SUCCESS)
        return {};
    return s;
}

namespace {
// Hash of a JSON key from its length and its first and last 8 bytes: a few instructions for
// any length (a byte-wise hash of every top-level key of every record cost more than the
// lookups it served). Keys that share those bytes only collide; the probe compares keys.
uint32_t KeyHash(std::string_view k) {
    uint64_t head = 0, tail = 0;
    if (k.size() >= 8) {
        std::memcpy(&head, k.data(), 8);
        std::memcpy(&tail, k.data() + k.size() - 8, 8);
    } else if (!k.empty()) {
        std::memcpy(&head, k.data(), k.size());
    }
    uint64_t h = (head * 0x9E3779B97F4A7C15ull) ^ (tail * 0xC2B2AE3D27D4EB4Full) ^ k.size();
    return uint32_t(h ^ (h >> 29) ^ (h >> 47));
}
} // namespace

bool JsonEvent::TopLevel(std::string_view key, simdjson::dom::element& out) const {
    if (index_state_ == 0) {
        index_state_ = -1;
        if (root_.type() != simdjson::dom::element_type::OBJECT)
            return false;
        simdjson::dom::object obj(root_);
        if (obj.size() > kSlots * 3 / 4)
            return false;
        for (auto field : obj) {
            uint32_t h = KeyHash(field.key);
            size_t i = h % kSlots;
            bool dup = false;
            while (used_ >> i & 1) {
                if (slots_[i].hash == h && slots_[i].key == field.key) {
                    dup = true; // the first occurrence wins, as with at_key
                    break;
                }
                i = (i + 1) % kSlots;
            }
            if (dup)
                continue;
            slots_[i] = {h, field.key, field.value};
            used_ |= uint64_t(1) << i;
        }
        index_state_ = 1;
    }
    if (index_state_ < 0)
        return false;
    uint32_t h = KeyHash(key);
    for (size_t i = h % kSlots; used_ >> i & 1; i = (i + 1) % kSlots)
        if (slots_[i].hash == h && slots_[i].key == key) {
            out = slots_[i].value;
            return true;
        }
    return false;
}

bool JsonEvent::Find(const FieldPath& path, FunctionRef<bool(const Value&)> fn) const {
    bool stop = false;
    if (!path.parts.empty() && index_state_ >= 0) {
        simdjson::dom::element child;
        if (TopLevel(path.parts[0], child))
            return Walk(child, path.parts, 1, fn, stop);
        if (index_state_ > 0)
            return false; // indexed object without that key
    }
    return Walk(root_, path.parts, 0, fn, stop);
}

void JsonEvent::ForEachLeaf(FunctionRef<bool(const Value&)> fn) const {
    Leaves(root_, fn);
}

void JsonEvent::AppendJson(std::string& out) const {
    if (source_) {
        std::string_view text = source_->Text(source_index_);
        if (!text.empty()) {
            out.append(text);
            return;
        }
    }
    out += simdjson::minify(root_);
}

bool JsonEvent::Member(std::string_view key, simdjson::dom::element& out) const {
    if (index_state_ >= 0 && TopLevel(key, out))
        return true;
    if (index_state_ > 0 || root_.type() != simdjson::dom::element_type::OBJECT)
        return false; // indexed without that key, or not an object
    return simdjson::dom::object(root_).at_key(key).get(out) == simdjson::SUCCESS;
}

bool JsonEvent::AppendMemberJson(std::string_view key, std::string& out) const {
    simdjson::dom::element child;
    if (!Member(key, child) || child.is_null())
        return false;
    out += simdjson::minify(child);
    return true;
}

} // namespace cloudsift
