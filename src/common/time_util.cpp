#include "common/time_util.h"

#include <chrono>
#include <cstdio>

namespace cloudsift {
namespace {

bool Digits(std::string_view s, size_t pos, size_t n, int& out) {
    if (pos + n > s.size())
        return false;
    int v = 0;
    for (size_t i = 0; i < n; ++i) {
        char c = s[pos + i];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    out = v;
    return true;
}

void CivilFromDays(int64_t z, int& y, unsigned& m, unsigned& d) {
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t yy = static_cast<int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y = static_cast<int>(yy + (m <= 2));
}

} // namespace

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

std::optional<TimeMs> ParseIsoTime(std::string_view s) {
    int y, mo, d, h = 0, mi = 0, se = 0;
    if (!Digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !Digits(s, 5, 2, mo) ||
        s[7] != '-' || !Digits(s, 8, 2, d))
        return std::nullopt;
    if (mo < 1 || mo > 12 || d < 1 || d > 31)
        return std::nullopt;
    size_t pos = 10;
    int64_t ms = 0;
    int64_t offset_min = 0;
    if (pos < s.size() && (s[pos] == 'T' || s[pos] == 't' || s[pos] == ' ')) {
        if (!Digits(s, pos + 1, 2, h) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
            !Digits(s, pos + 4, 2, mi))
            return std::nullopt;
        pos += 6;
        if (pos < s.size() && s[pos] == ':') {
            if (!Digits(s, pos + 1, 2, se))
                return std::nullopt;
            pos += 3;
        }
        if (h > 23 || mi > 59 || se > 60)
            return std::nullopt;
        if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
            ++pos;
            int digits = 0;
            int64_t frac = 0;
            while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
                if (digits < 3)
                    frac = frac * 10 + (s[pos] - '0');
                ++digits;
                ++pos;
            }
            if (digits == 0)
                return std::nullopt;
            for (int i = digits; i < 3; ++i)
                frac *= 10;
            ms = frac;
        }
        if (pos < s.size()) {
            char z = s[pos];
            if (z == 'Z' || z == 'z') {
                ++pos;
            } else if (z == '+' || z == '-') {
                int oh, om = 0;
                if (!Digits(s, pos + 1, 2, oh))
                    return std::nullopt;
                size_t p2 = pos + 3;
                if (p2 < s.size() && s[p2] == ':')
                    ++p2;
                if (p2 < s.size()) {
                    if (!Digits(s, p2, 2, om))
                        return std::nullopt;
                    p2 += 2;
                }
                offset_min = (oh * 60 + om) * (z == '+' ? 1 : -1);
                pos = p2;
            }
        }
    }
    if (pos != s.size())
        return std::nullopt;
    int64_t days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
    int64_t secs = days * 86400 + h * 3600 + mi * 60 + se - offset_min * 60;
    return secs * 1000 + ms;
}

std::optional<TimeMs> ParseTimeBound(std::string_view s, TimeMs now_ms) {
    if (s.size() >= 3 && s[0] == '-') {
        char unit = s.back();
        int64_t n = 0;
        for (size_t i = 1; i + 1 < s.size(); ++i) {
            if (s[i] < '0' || s[i] > '9')
                return ParseIsoTime(s);
            n = n * 10 + (s[i] - '0');
        }
        int64_t mult = unit == 'm'   ? 60'000
                       : unit == 'h' ? 3'600'000
                       : unit == 'd' ? 86'400'000
                                     : 0;
        if (mult == 0)
            return std::nullopt;
        return now_ms - n * mult;
    }
    return ParseIsoTime(s);
}

std::string FormatIsoTime(TimeMs t, bool with_ms) {
    int64_t secs = t >= 0 ? t / 1000 : (t - 999) / 1000;
    int ms = static_cast<int>(t - secs * 1000);
    int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
    int64_t rem = secs - days * 86400;
    int y;
    unsigned m, d;
    CivilFromDays(days, y, m, d);
    // Years 0000-9999 print in the fixed layout; others (never in logs) through snprintf.
    if (y < 0 || y > 9999) {
        char buf[48];
        std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", y, m, d,
                      static_cast<int>(rem / 3600), static_cast<int>(rem / 60 % 60),
                      static_cast<int>(rem % 60));
        return buf;
    }
    char buf[24] = "0000-00-00T00:00:00.000";
    auto put = [&](int pos, unsigned v, int digits) {
        for (int i = digits - 1; i >= 0; --i, v /= 10)
            buf[pos + i] = char('0' + v % 10);
    };
    put(0, unsigned(y), 4);
    put(5, m, 2);
    put(8, d, 2);
    put(11, unsigned(rem / 3600), 2);
    put(14, unsigned(rem / 60 % 60), 2);
    put(17, unsigned(rem % 60), 2);
    size_t len = 19;
    if (with_ms && ms != 0) {
        put(20, unsigned(ms), 3);
        len = 23;
    }
    std::string out(buf, len);
    out += 'Z';
    return out;
}

TimeMs NowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace cloudsift
