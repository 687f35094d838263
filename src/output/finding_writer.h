// Finding sinks: terminal table, JSONL, JSON and CSV. Every sink neutralizes log-supplied text
// (control characters for terminals, formula triggers for spreadsheets, valid JSON always).
#pragma once
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "hunt/finding.h"

namespace cloudsift {

//! Output formats of finding lists.
enum class OutputFormat { Table, Jsonl, Json, Csv };

//! Parses "table" | "jsonl" | "json" | "csv".
bool ParseOutputFormat(std::string_view s, OutputFormat& out);

//! Writes findings as JSON Lines (one object per line).
void WriteFindingsJsonl(std::ostream& os, const std::vector<Finding>& findings);

//! Writes findings as CSV with a header row (formula-guarded cells).
void WriteFindingsCsv(std::ostream& os, const std::vector<Finding>& findings);

//! Writes a level-sorted table of findings; colour adds ANSI colours for levels (never from
//! log content); width bounds each row (0 = unbounded).
void WriteFindingsTable(std::ostream& os, const std::vector<Finding>& findings, bool colour,
                        size_t width);

//! Per-level counts line, e.g. "critical 2 · high 10 · medium 3 · low 0 · informational 0".
std::string LevelTotals(const std::vector<Finding>& findings);

} // namespace cloudsift
