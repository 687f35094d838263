// Rendering query results for the investigation commands. Cells come from logs and are hostile:
// table output goes through TerminalSafe, CSV through CsvCell, JSON through AppendJsonString.
#pragma once
#include <ostream>
#include <string>
#include <string_view>

#include "store/db.h"

namespace cloudsift::store {

//! Output shapes of query-like commands.
enum class RenderFormat { Table, Csv, Jsonl, Json };

//! Parses "table" | "csv" | "jsonl" | "json"; false when unknown.
bool ParseRenderFormat(std::string_view s, RenderFormat& out);

//! Writes t to os; table cells are cut to max_cell display bytes (0 = no limit).
void Render(std::ostream& os, const Table& t, RenderFormat fmt, size_t max_cell = 80);

//! Appends row r of t as one JSON object (column names as keys, NULL as null).
void AppendRowJson(std::string& out, const Table& t, size_t r);

//! The query select rewritten for a CSV file written by DuckDB (COPY … FORMAT csv), guarded as
//! CsvCell guards our own CSV: every column that is not a number, boolean or time is cast to
//! text, its control characters other than tab and newline (C0, DEL, C1) become U+FFFD, and a
//! cell that a spreadsheet would read as a formula (= + - @ tab CR | %) gets a leading quote.
Result<std::string> CsvSafeSelect(Connection& con, const std::string& select);

} // namespace cloudsift::store
