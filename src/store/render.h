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

} // namespace cloudsift::store
