// Small string helpers shared by every module.
#pragma once
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cloudsift {

//! ASCII lower-case of c (non-ASCII bytes unchanged).
inline char AsciiLower(char c) {
    return (c >= 'A' && c <= 'Z') ? char(c + 32) : c;
}

//! ASCII lower-case copy of s.
inline std::string ToLower(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        c = AsciiLower(c);
    return out;
}

//! Case-insensitive (ASCII) equality.
inline bool IEquals(std::string_view a, std::string_view b) {
    if (a.size() != b.size())
        return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (AsciiLower(a[i]) != AsciiLower(b[i]))
            return false;
    return true;
}

//! Whether s starts with prefix (case-sensitive).
inline bool StartsWith(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

//! Whether s ends with suffix (case-sensitive).
inline bool EndsWith(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

//! Whether c is a lower-case hexadecimal digit (0-9, a-f).
inline bool IsLowerHexDigit(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

//! Whether s is an EC2 instance id: "i-" and 8 or 17 lower-case hex digits.
inline bool IsInstanceId(std::string_view s) {
    if (!StartsWith(s, "i-") || (s.size() != 10 && s.size() != 19))
        return false;
    for (char c : s.substr(2))
        if (!IsLowerHexDigit(c))
            return false;
    return true;
}

//! Splits s on sep; empty pieces are kept.
inline std::vector<std::string_view> Split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    size_t start = 0;
    while (true) {
        size_t pos = s.find(sep, start);
        if (pos == std::string_view::npos) {
            out.push_back(s.substr(start));
            return out;
        }
        out.push_back(s.substr(start, pos - start));
        start = pos + 1;
    }
}

//! s without leading and trailing ASCII whitespace.
inline std::string_view Trim(std::string_view s) {
    while (!s.empty() &&
           (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
        s.remove_prefix(1);
    while (!s.empty() &&
           (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
        s.remove_suffix(1);
    return s;
}

//! Human-readable byte count ("12.3 MB").
std::string HumanBytes(uint64_t bytes);

} // namespace cloudsift
