// Timestamps: milliseconds since the Unix epoch, UTC, everywhere inside cloudsift.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cloudsift {

//! Milliseconds since 1970-01-01T00:00:00Z.
using TimeMs = int64_t;

//! Parses ISO 8601 / RFC 3339 ("2024-01-02T03:04:05Z", fractional seconds, "+hh:mm" offsets,
//! a space instead of 'T', date-only "2024-01-02"). nullopt when s is not such a time.
std::optional<TimeMs> ParseIsoTime(std::string_view s);

//! Parses a user-supplied bound: ISO 8601, or a relative "-2h"/"-3d"/"-30m" from now_ms.
std::optional<TimeMs> ParseTimeBound(std::string_view s, TimeMs now_ms);

//! Days since epoch for a civil date (proleptic Gregorian).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);

//! Formats t as "2024-01-02T03:04:05Z" (or with ".123" when millis != 0 and with_ms).
std::string FormatIsoTime(TimeMs t, bool with_ms = false);

//! Current wall-clock time.
TimeMs NowMs();

} // namespace cloudsift
