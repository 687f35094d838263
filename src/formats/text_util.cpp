#include "formats/text_util.h"

#include <string>

#include "formats/format_base.h"

namespace cloudsift::formats {

bool Tokenizer::Next(std::string_view& tok) {
    while (pos_ < s_.size() && s_[pos_] == ' ') ++pos_;
    if (pos_ >= s_.size()) return false;
    char c = s_[pos_];
    if (c == '"') {
        size_t i = pos_ + 1;
        while (i < s_.size() && !(s_[i] == '"' && (i + 1 == s_.size() || s_[i + 1] == ' ')))
            i += (s_[i] == '\\' && i + 1 < s_.size()) ? 2 : 1;
        if (i >= s_.size()) {
            broken_ = true;
            tok = s_.substr(pos_ + 1);
            pos_ = s_.size();
        } else {
            tok = s_.substr(pos_ + 1, i - pos_ - 1);
            pos_ = i + 1;
        }
        quoted_ = true;
        return true;
    }
    if (c == '[' && brackets_) {
        size_t close = s_.find(']', pos_ + 1);
        if (close == std::string_view::npos) {
            broken_ = true;
            tok = s_.substr(pos_ + 1);
            pos_ = s_.size();
        } else {
            tok = s_.substr(pos_ + 1, close - pos_ - 1);
            pos_ = close + 1;
        }
        quoted_ = true;
        return true;
    }
    size_t sp = s_.find(' ', pos_);
    if (sp == std::string_view::npos) sp = s_.size();
    tok = s_.substr(pos_, sp - pos_);
    pos_ = sp;
    quoted_ = false;
    return true;
}

std::string_view Tokenizer::Rest() {
    while (pos_ < s_.size() && s_[pos_] == ' ') ++pos_;
    return s_.substr(pos_);
}

bool ParseUint(std::string_view s, uint64_t& out) {
    if (s.empty() || s.size() > 20) return false;
    uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
        uint64_t next = v * 10 + uint64_t(c - '0');
        if (next / 10 != v) return false;
        v = next;
    }
    out = v;
    return true;
}

bool ParseInt(std::string_view s, int64_t& out) {
    bool neg = !s.empty() && s[0] == '-';
    uint64_t u;
    if (!ParseUint(neg ? s.substr(1) : s, u) || u > uint64_t(INT64_MAX)) return false;
    out = neg ? -int64_t(u) : int64_t(u);
    return true;
}

bool AllDigits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

int MonthFromAbbrev(std::string_view s) {
    static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    if (s.size() != 3) return 0;
    for (int i = 0; i < 12; ++i)
        if (s == kMonths[i]) return i + 1;
    return 0;
}

std::optional<TimeMs> ParseClfTime(std::string_view s) {
    // dd/Mon/yyyy:HH:MM:SS[ +hhmm]
    if (s.size() < 20 || s[2] != '/' || s[6] != '/' || s[11] != ':' || s[14] != ':' ||
        s[17] != ':')
        return std::nullopt;
    uint64_t d, y, h, mi, se;
    int mo = MonthFromAbbrev(s.substr(3, 3));
    if (!mo || !ParseUint(s.substr(0, 2), d) || !ParseUint(s.substr(7, 4), y) ||
        !ParseUint(s.substr(12, 2), h) || !ParseUint(s.substr(15, 2), mi) ||
        !ParseUint(s.substr(18, 2), se) || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
        return std::nullopt;
    int64_t offset_min = 0;
    std::string_view rest = s.substr(20);
    if (!rest.empty()) {
        if (rest.size() != 6 || rest[0] != ' ' || (rest[1] != '+' && rest[1] != '-'))
            return std::nullopt;
        uint64_t oh, om;
        if (!ParseUint(rest.substr(2, 2), oh) || !ParseUint(rest.substr(4, 2), om))
            return std::nullopt;
        offset_min = int64_t(oh * 60 + om) * (rest[1] == '-' ? -1 : 1);
    }
    int64_t days = DaysFromCivil(int64_t(y), unsigned(mo), unsigned(d));
    int64_t secs = days * 86400 + int64_t(h * 3600 + mi * 60 + se) - offset_min * 60;
    return secs * 1000;
}

bool SplitHostPort(std::string_view s, std::string_view& host, std::string_view& port) {
    size_t colon = s.rfind(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == s.size()) return false;
    host = s.substr(0, colon);
    port = s.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    return AllDigits(port);
}

bool ArnRegionAccount(std::string_view arn, std::string_view& region, std::string_view& account) {
    if (arn.substr(0, 4) != "arn:") return false;
    size_t colon[5];
    size_t pos = 0;
    for (size_t& c : colon) {
        c = arn.find(':', pos);
        if (c == std::string_view::npos) return false;
        pos = c + 1;
    }
    region = arn.substr(colon[2] + 1, colon[3] - colon[2] - 1);
    account = arn.substr(colon[3] + 1, colon[4] - colon[3] - 1);
    return true;
}

std::string_view ProtocolName(std::string_view number) {
    if (number == "6") return "tcp";
    if (number == "17") return "udp";
    if (number == "1") return "icmp";
    if (number == "58") return "ipv6-icmp";
    if (number == "47") return "gre";
    if (number == "50") return "esp";
    return number;
}

void ForEachJsonDocument(std::string_view data, uint64_t max_bytes,
                         FunctionRef<void(std::string_view, uint64_t, bool)> fn) {
    size_t pos = 0;
    const size_t n = data.size();
    auto is_space = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
    while (pos < n) {
        while (pos < n && is_space(data[pos])) ++pos;
        if (pos >= n) break;
        char c = data[pos];
        if (c != '{' && c != '[') {
            // Garbage up to the next line that starts a value.
            size_t start = pos;
            while (pos < n) {
                size_t nl = data.find('\n', pos);
                if (nl == std::string_view::npos) {
                    pos = n;
                    break;
                }
                pos = nl + 1;
                size_t p = pos;
                while (p < n && (data[p] == ' ' || data[p] == '\t' || data[p] == '\r')) ++p;
                if (p < n && (data[p] == '{' || data[p] == '[')) break;
            }
            fn(data.substr(start, pos - start), start, true);
            continue;
        }
        size_t start = pos;
        int depth = 0;
        bool in_string = false;
        bool closed = false;
        for (; pos < n; ++pos) {
            char ch = data[pos];
            if (in_string) {
                if (ch == '\\') ++pos;
                else if (ch == '"') in_string = false;
                continue;
            }
            if (ch == '"') in_string = true;
            else if (ch == '{' || ch == '[') ++depth;
            else if (ch == '}' || ch == ']') {
                if (--depth == 0) {
                    ++pos;
                    closed = true;
                    break;
                }
            }
            if (pos - start > max_bytes) break;
        }
        if (pos > n) pos = n;
        if (!closed) {
            // Oversized or unterminated: report up to the next line that starts a value.
            size_t nl = data.find('\n', pos);
            pos = nl == std::string_view::npos ? n : nl + 1;
            fn(data.substr(start, pos - start), start, true);
            continue;
        }
        fn(data.substr(start, pos - start), start, false);
    }
}

std::string_view JStr(simdjson::dom::element obj, std::string_view key) {
    simdjson::dom::element e;
    if (!JGet(obj, key, e)) return {};
    std::string_view s;
    if (e.get_string().get(s) != simdjson::SUCCESS) return {};
    return s;
}

std::string_view JText(simdjson::dom::element obj, std::string_view key, std::string& buf) {
    simdjson::dom::element e;
    if (!JGet(obj, key, e)) return {};
    switch (e.type()) {
    case simdjson::dom::element_type::STRING: return e.get_string().value_unsafe();
    case simdjson::dom::element_type::INT64: buf = std::to_string(e.get_int64().value_unsafe()); break;
    case simdjson::dom::element_type::UINT64:
        buf = std::to_string(e.get_uint64().value_unsafe());
        break;
    case simdjson::dom::element_type::DOUBLE: {
        double d = e.get_double().value_unsafe();
        char tmp[32];
        int len = std::snprintf(tmp, sizeof tmp, "%g", d);
        buf.assign(tmp, size_t(len > 0 ? len : 0));
        break;
    }
    default: return {};
    }
    return buf;
}

bool JGet(simdjson::dom::element obj, std::string_view key, simdjson::dom::element& out) {
    simdjson::dom::object o;
    if (obj.get_object().get(o) != simdjson::SUCCESS) return false;
    return o.at_key(key).get(out) == simdjson::SUCCESS;
}

std::optional<TimeMs> JTimeMs(simdjson::dom::element e) {
    int64_t i;
    if (e.get_int64().get(i) == simdjson::SUCCESS) return i;
    double d;
    if (e.get_double().get(d) == simdjson::SUCCESS) {
        // Out of range (or NaN) would be undefined behaviour to convert: not a time.
        if (!(d > -9.2e18 && d < 9.2e18)) return std::nullopt;
        return TimeMs(d);
    }
    std::string_view s;
    if (e.get_string().get(s) != simdjson::SUCCESS) return std::nullopt;
    if (AllDigits(s) && ParseInt(s, i)) return s.size() <= 10 ? i * 1000 : i;
    return ParseIsoTime(s);
}

// ---- format_base.h ----

void LineDecoder::Feed(std::string_view data, uint64_t first_line, RecordFn emit,
                       DecodeReport& report) {
    ForEachLine(data, first_line, [&](std::string_view line, uint64_t no) {
        if (line.empty()) return;
        DecodeLine(line, no, emit, report);
    });
}

JsonLineDecoder::JsonLineDecoder(std::string_view name)
    : reason_json_(std::string(name) + ".json"), reason_object_(std::string(name) + ".not_object") {}

void JsonLineDecoder::DecodeLine(std::string_view line, uint64_t line_no, RecordFn emit,
                                 DecodeReport& report) {
    size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos) return;
    simdjson::dom::element root;
    if (parser_.parse(line.data(), line.size()).get(root) != simdjson::SUCCESS) {
        report.Bad(line_no, reason_json_, line);
        return;
    }
    if (root.type() != simdjson::dom::element_type::OBJECT) {
        report.Bad(line_no, reason_object_, line);
        return;
    }
    Reset();
    DecodeObject(root, line_no, emit, report);
}

JsonDocDecoder::JsonDocDecoder(std::string_view name) : reason_json_(std::string(name) + ".json") {}

void JsonDocDecoder::Feed(std::string_view data, uint64_t first_line, RecordFn emit,
                          DecodeReport& report) {
    uint64_t line = first_line;
    size_t counted = 0;
    ForEachJsonDocument(data, kMaxJsonDocument,
                        [&](std::string_view doc, uint64_t offset, bool garbage) {
        for (; counted < offset; ++counted)
            if (data[counted] == '\n') ++line;
        simdjson::dom::element root;
        if (garbage || parser_.parse(doc.data(), doc.size()).get(root) != simdjson::SUCCESS) {
            report.Bad(line, reason_json_, doc);
            return;
        }
        HandleDocument(root, line, emit, report);
    });
}

bool JsonPlusEvent::Find(const FieldPath& path, FunctionRef<bool(const Value&)> fn) const {
    if (extra_.Find(path, fn)) return true;
    return json_.Find(path, fn);
}

void JsonPlusEvent::ForEachLeaf(FunctionRef<bool(const Value&)> fn) const {
    bool stopped = false;
    json_.ForEachLeaf([&](const Value& v) {
        if (!fn(v)) {
            stopped = true;
            return false;
        }
        return true;
    });
    if (!stopped) extra_.ForEachLeaf(fn);
}

void JsonPlusEvent::AppendJson(std::string& out) const {
    size_t start = out.size();
    json_.AppendJson(out);
    if (extra_.fields().empty() || out.size() < start + 2 || out.back() != '}') return;
    std::string extra;
    extra_.AppendJson(extra); // {"k":"v",…}
    out.pop_back();
    if (out.size() > start + 1) out += ',';
    out.append(extra, 1, std::string::npos);
}

} // namespace cloudsift::formats
