#include "common/sanitize.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include <simdjson.h>

#include "common/strings.h"

namespace cloudsift {
namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 when the bytes there are not valid UTF-8.
size_t Utf8SeqLen(std::string_view s, size_t i) {
    auto b = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
    uint8_t c = b(i);
    if (c < 0x80)
        return 1;
    size_t len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
        len = 2;
        cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3;
        cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (i + len > s.size())
        return 0;
    for (size_t k = 1; k < len; ++k) {
        if ((b(i + k) & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (b(i + k) & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

void AppendHexByte(std::string& out, uint8_t c) {
    char buf[5];
    std::snprintf(buf, sizeof buf, "\\x%02x", c);
    out += buf;
}

// Whether the code point at s[i..i+len) is a C1 control (U+0080..U+009F), which some terminals
// interpret like ESC sequences.
bool IsC1(std::string_view s, size_t i, size_t len) {
    return len == 2 && static_cast<uint8_t>(s[i]) == 0xC2 && static_cast<uint8_t>(s[i + 1]) < 0xA0;
}

// Length of s's leading run of ASCII, found eight bytes at a time (to a multiple of eight).
size_t AsciiPrefix(std::string_view s) {
    size_t i = 0;
    for (uint64_t w; i + 8 <= s.size(); i += 8) {
        std::memcpy(&w, s.data() + i, 8);
        if (w & 0x8080808080808080ull)
            break;
    }
    return i;
}

} // namespace

bool IsValidUtf8(std::string_view s) {
    // Long texts by SIMD validation (the same rules as Utf8SeqLen: no overlong forms,
    // surrogates or code points beyond U+10FFFF); short ones, most cells, are done before its
    // call would be.
    if (s.size() >= 64)
        return simdjson::validate_utf8(s.data(), s.size());
    for (size_t i = AsciiPrefix(s); i < s.size();) {
        size_t n = Utf8SeqLen(s, i);
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

std::string_view ValidUtf8(std::string_view s, std::string& scratch) {
    if (IsValidUtf8(s))
        return s;
    size_t bad = AsciiPrefix(s);
    while (bad < s.size()) {
        size_t n = Utf8SeqLen(s, bad);
        if (n == 0)
            break;
        bad += n;
    }
    if (bad == s.size())
        return s;
    scratch.assign(s.data(), bad);
    for (size_t k = bad; k < s.size();) {
        size_t n = Utf8SeqLen(s, k);
        if (n == 0) {
            scratch += "\xEF\xBF\xBD";
            ++k;
        } else {
            scratch.append(s.data() + k, n);
            k += n;
        }
    }
    return scratch;
}

namespace {
// Length of the run of printable ASCII (0x20–0x7E) at the start of s: the bytes TerminalSafe
// keeps as they are without decoding them.
size_t PrintableAsciiPrefix(std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<uint8_t>(s[i]);
        if (c < 0x20 || c >= 0x7F)
            break;
        ++i;
    }
    return i;
}
} // namespace

std::string TerminalSafe(std::string_view s) {
    size_t plain = PrintableAsciiPrefix(s);
    if (plain == s.size())
        return std::string(s); // the common case: nothing to neutralize
    std::string out;
    out.reserve(s.size());
    out.append(s.substr(0, plain));
    for (size_t i = plain; i < s.size();) {
        if (size_t run = PrintableAsciiPrefix(s.substr(i)); run > 0) {
            out.append(s.substr(i, run));
            i += run;
            continue;
        }
        uint8_t c = static_cast<uint8_t>(s[i]);
        size_t n = Utf8SeqLen(s, i);
        if (n == 0) {
            AppendHexByte(out, c);
            ++i;
        } else if (n == 1 && (c < 0x20 || c == 0x7F)) {
            if (c == '\t')
                out += ' ';
            else
                AppendHexByte(out, c);
            ++i;
        } else if (IsC1(s, i, n)) {
            AppendHexByte(out, static_cast<uint8_t>(s[i + 1]));
            i += n;
        } else {
            out.append(s.substr(i, n));
            i += n;
        }
    }
    return out;
}

namespace {
// Whether a cell starting with c would be read as a formula by a spreadsheet.
bool FormulaTrigger(char c) {
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r' || c == '|' ||
           c == '%';
}
} // namespace

std::string CsvCell(std::string_view s) {
    std::string safe = TerminalSafe(s);
    if (!safe.empty() && FormulaTrigger(safe.front()))
        safe.insert(safe.begin(), '\'');
    bool quote = std::any_of(safe.begin(), safe.end(),
                             [](char c) { return c == ',' || c == '"' || c == '\n' || c == '\r'; });
    if (!quote)
        return safe;
    std::string out = "\"";
    for (char c : safe) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
    return out;
}

void AppendCsvCell(std::string& out, std::string_view s) {
    // Printable ASCII without a comma or a quote needs neither escaping nor quoting; only its
    // first byte can make it a formula.
    bool plain = true;
    for (char c : s) {
        const auto b = static_cast<uint8_t>(c);
        if (b < 0x20 || b >= 0x7F || c == ',' || c == '"') {
            plain = false;
            break;
        }
    }
    if (plain && !s.empty())
        plain = !FormulaTrigger(s.front());
    if (plain)
        out.append(s);
    else
        out += CsvCell(s);
}

std::string HtmlEscape(std::string_view s) {
    std::string out;
    for (char c : TerminalSafe(s)) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&#39;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

namespace {
// Whether any of the 8 bytes at p is a control, DEL, '"', '\\' or non-ASCII (SWAR test).
bool NeedsJsonEscapeOrUtf8Check(const char* p) {
    uint64_t x;
    std::memcpy(&x, p, 8);
    constexpr uint64_t kOnes = ~uint64_t(0) / 255, kHigh = kOnes * 0x80;
    auto has_zero = [&](uint64_t v) { return (v - kOnes) & ~v & kHigh; };
    uint64_t below_space = (x - kOnes * 0x20) & ~x & kHigh;
    return ((x & kHigh) | below_space | has_zero(x ^ (kOnes * '"')) | has_zero(x ^ (kOnes * '\\')) |
            has_zero(x ^ (kOnes * 0x7F))) != 0;
}
} // namespace

void AppendJsonString(std::string& out, std::string_view s) {
    out.reserve(out.size() + s.size() + 2);
    out += '"';
    size_t run = 0; // start of the pending run of bytes copied unchanged
    auto flush = [&](size_t end) {
        if (end > run)
            out.append(s.data() + run, end - run);
    };
    for (size_t i = 0; i < s.size();) {
        // Eight bytes at a time while all are printable ASCII other than '"' and '\\'.
        while (i + 8 <= s.size() && !NeedsJsonEscapeOrUtf8Check(s.data() + i))
            i += 8;
        if (i >= s.size())
            break;
        uint8_t c = static_cast<uint8_t>(s[i]);
        if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
            ++i; // printable ASCII: stays in the run
            continue;
        }
        size_t n = c < 0x80 ? 1 : Utf8SeqLen(s, i);
        if (n > 1) {
            i += n; // valid multi-byte sequence: stays in the run
            continue;
        }
        flush(i);
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (n == 0) {
                out += "\\ufffd";
            } else {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            }
        }
        run = ++i;
    }
    flush(s.size());
    out += '"';
}

std::string JsonString(std::string_view s) {
    std::string out;
    AppendJsonString(out, s);
    return out;
}

std::string HumanBytes(uint64_t bytes) {
    const char* units[] = {"B", "KB", "MB", "GB", "TB"};
    double v = static_cast<double>(bytes);
    int u = 0;
    while (v >= 1024 && u < 4) {
        v /= 1024;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
    return buf;
}

} // namespace cloudsift
