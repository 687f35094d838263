// Neutralizing attacker-controlled text for each sink: terminal, CSV, HTML, JSON.
// Log content is hostile: it may carry ANSI escapes, spreadsheet formulas, HTML or broken UTF-8.
#pragma once
#include <string>
#include <string_view>

namespace cloudsift {

//! Text safe for a terminal: C0/C1 control characters and DEL become U+FFFD-free escapes
//! ("\x1b" → "\\x1b"), invalid UTF-8 bytes become "\\xNN"; printable UTF-8 is kept.
std::string TerminalSafe(std::string_view s);

//! One CSV cell: TerminalSafe, formula triggers (= + - @ tab CR) prefixed with a quote, and
//! RFC 4180 quoting when needed.
std::string CsvCell(std::string_view s);

//! Appends CsvCell(s) to out; plain printable ASCII cells go straight in.
void AppendCsvCell(std::string& out, std::string_view s);

//! HTML-escaped text (& < > " ') with control characters removed.
std::string HtmlEscape(std::string_view s);

//! Appends s to out as a JSON string literal (with quotes); invalid UTF-8 is replaced by U+FFFD
//! and control characters are \u-escaped, so the output is always valid JSON.
void AppendJsonString(std::string& out, std::string_view s);

//! JSON string literal for s (see AppendJsonString).
std::string JsonString(std::string_view s);

//! Whether s is valid UTF-8.
bool IsValidUtf8(std::string_view s);

//! s itself when it is valid UTF-8; otherwise a copy in scratch with each byte that is not part
//! of a valid sequence replaced by U+FFFD (for sinks that refuse broken text, like DuckDB).
std::string_view ValidUtf8(std::string_view s, std::string& scratch);

} // namespace cloudsift
