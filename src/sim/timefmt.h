// Fast UTC time formatting for the simulator's hot paths (no locale, no printf).
#pragma once
#include <cstdint>
#include <string>

#include "common/time_util.h"

namespace cloudsift::sim {

//! A UTC civil time split into fields.
struct Civil {
    int y, m, d, hh, mm, ss, ms;
};

//! Splits t (ms since the epoch, ≥ 0) into civil fields.
inline Civil ToCivil(TimeMs t) {
    int64_t days = t / 86400000;
    int64_t rem = t % 86400000;
    // Howard Hinnant's civil_from_days.
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = unsigned(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = int64_t(yoe) + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned d = doy - (153 * mp + 2) / 5 + 1;
    unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {int(y + (m <= 2)), int(m), int(d), int(rem / 3600000), int(rem / 60000 % 60),
            int(rem / 1000 % 60), int(rem % 1000)};
}

//! Appends v as exactly width decimal digits.
inline void AppendDigits(std::string& out, unsigned v, int width) {
    char buf[10];
    for (int i = width - 1; i >= 0; --i, v /= 10) buf[i] = char('0' + v % 10);
    out.append(buf, size_t(width));
}

//! Appends "YYYY-MM-DDTHH:MM:SSZ" (what FormatIsoTime(t) returns).
inline void AppendIsoSeconds(std::string& out, TimeMs t) {
    Civil c = ToCivil(t);
    AppendDigits(out, unsigned(c.y), 4);
    out += '-';
    AppendDigits(out, unsigned(c.m), 2);
    out += '-';
    AppendDigits(out, unsigned(c.d), 2);
    out += 'T';
    AppendDigits(out, unsigned(c.hh), 2);
    out += ':';
    AppendDigits(out, unsigned(c.mm), 2);
    out += ':';
    AppendDigits(out, unsigned(c.ss), 2);
    out += 'Z';
}

} // namespace cloudsift::sim
