// Rendering query results for the investigation commands. Cells come from logs and are hostile:
// table output goes through TerminalSafe, CSV through CsvCell, JSON through AppendJsonString.
#pragma once
#include <cstdint>
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

//! Writes a result that arrives in batches with the same columns (Connection::QueryBatches):
//! CSV and JSON rows go out as they come; the table format needs every width first, so it
//! keeps at most table_rows rows and says how many more there were.
class BatchRenderer {
public:
    BatchRenderer(std::ostream& os, RenderFormat fmt, size_t max_cell = 80,
                  size_t table_rows = SIZE_MAX)
        : os_(os), fmt_(fmt), max_cell_(max_cell), table_rows_(table_rows) {}
    //! Writes (or, for a table, keeps) batch's rows; the first batch names the columns.
    void Add(const Table& batch);
    //! Ends the output (the table itself, the closing bracket of JSON).
    void Finish();

private:
    std::ostream& os_;
    RenderFormat fmt_;
    size_t max_cell_, table_rows_;
    bool started_ = false;
    size_t rows_ = 0;
    Table kept_; // table format: the rows shown
    std::string buf_;
};

//! Appends row r of t as one JSON object (column names as keys, NULL as null).
void AppendRowJson(std::string& out, const Table& t, size_t r);

//! The query select rewritten for a CSV file written by DuckDB (COPY … FORMAT csv), guarded as
//! CsvCell guards our own CSV: every column that is not a number, boolean or time is cast to
//! text, its control characters other than tab and newline (C0, DEL, C1) become U+FFFD, and a
//! cell that a spreadsheet would read as a formula (= + - @ tab CR | %) gets a leading quote.
Result<std::string> CsvSafeSelect(Connection& con, const std::string& select);

} // namespace cloudsift::store
