#include "event/value.h"

#include <charconv>
#include <cstdlib>

namespace cloudsift {

bool Value::AsDouble(double& out) const {
    switch (type) {
    case ValueType::Int: out = static_cast<double>(i); return true;
    case ValueType::UInt: out = static_cast<double>(u); return true;
    case ValueType::Double: out = d; return true;
    case ValueType::String: {
        if (s.empty() || s.size() > 64) return false;
        const char* first = s.data();
        const char* last = s.data() + s.size();
        if (*first == '+') ++first;
        auto [p, ec] = std::from_chars(first, last, out);
        return ec == std::errc() && p == last;
    }
    default: return false;
    }
}

std::string_view Value::Text(std::string& buf) const {
    char tmp[64];
    switch (type) {
    case ValueType::String: return s;
    case ValueType::Bool: return b ? "true" : "false";
    case ValueType::Null: return "";
    case ValueType::Int: {
        auto r = std::to_chars(tmp, tmp + sizeof tmp, i);
        buf.assign(tmp, r.ptr);
        return buf;
    }
    case ValueType::UInt: {
        auto r = std::to_chars(tmp, tmp + sizeof tmp, u);
        buf.assign(tmp, r.ptr);
        return buf;
    }
    case ValueType::Double: {
        auto r = std::to_chars(tmp, tmp + sizeof tmp, d);
        buf.assign(tmp, r.ptr);
        return buf;
    }
    default: return "";
    }
}

} // namespace cloudsift
