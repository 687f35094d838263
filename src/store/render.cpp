#include "store/render.h"

#include <algorithm>
#include <vector>

#include "common/sanitize.h"

namespace cloudsift::store {
namespace {

// Display width approximation: count UTF-8 lead bytes.
size_t Width(std::string_view s) {
    size_t w = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++w;
    return w;
}

std::string Cut(std::string s, size_t max) {
    if (max == 0 || Width(s) <= max) return s;
    size_t w = 0, i = 0;
    for (; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
            if (w == max - 1) break;
            ++w;
        }
    }
    s.resize(i);
    return s + "…";
}

} // namespace

bool ParseRenderFormat(std::string_view s, RenderFormat& out) {
    if (s == "table") out = RenderFormat::Table;
    else if (s == "csv") out = RenderFormat::Csv;
    else if (s == "jsonl") out = RenderFormat::Jsonl;
    else if (s == "json") out = RenderFormat::Json;
    else return false;
    return true;
}

void AppendRowJson(std::string& out, const Table& t, size_t r) {
    out += '{';
    for (size_t c = 0; c < t.columns.size(); ++c) {
        if (c) out += ',';
        AppendJsonString(out, t.columns[c]);
        out += ':';
        const auto& cell = t.rows[r][c];
        if (cell) AppendJsonString(out, *cell);
        else out += "null";
    }
    out += '}';
}

void BatchRenderer::Add(const Table& batch) {
    const bool first = !started_;
    started_ = true;
    switch (fmt_) {
    case RenderFormat::Csv:
        // A batch's lines are built in one buffer and written at once.
        buf_.clear();
        if (first) {
            for (size_t c = 0; c < batch.columns.size(); ++c)
                (buf_ += c ? "," : "") += CsvCell(batch.columns[c]);
            buf_ += '\n';
        }
        for (const auto& row : batch.rows) {
            for (size_t c = 0; c < row.size(); ++c) {
                if (c) buf_ += ',';
                if (row[c]) AppendCsvCell(buf_, *row[c]);
            }
            buf_ += '\n';
        }
        os_ << buf_;
        break;
    case RenderFormat::Jsonl:
    case RenderFormat::Json:
        if (first && fmt_ == RenderFormat::Json) os_ << "[";
        for (size_t r = 0; r < batch.rows.size(); ++r) {
            buf_.clear();
            if (fmt_ == RenderFormat::Json && rows_ + r) buf_ += ",\n";
            AppendRowJson(buf_, batch, r);
            if (fmt_ == RenderFormat::Jsonl) buf_ += '\n';
            os_ << buf_;
        }
        break;
    case RenderFormat::Table:
        if (first) kept_.columns = batch.columns;
        for (const auto& row : batch.rows)
            if (kept_.rows.size() < table_rows_) kept_.rows.push_back(row);
        break;
    }
    rows_ += batch.rows.size();
}

void BatchRenderer::Finish() {
    if (fmt_ == RenderFormat::Json) {
        if (!started_) os_ << "[";
        os_ << "]\n";
        return;
    }
    if (fmt_ != RenderFormat::Table) return;
    const Table& t = kept_;
    std::vector<std::vector<std::string>> cells;
    std::vector<size_t> widths;
    for (const auto& c : t.columns) widths.push_back(Width(Cut(TerminalSafe(c), max_cell_)));
    for (const auto& row : t.rows) {
        std::vector<std::string> out;
        for (size_t c = 0; c < row.size(); ++c) {
            std::string s = row[c] ? Cut(TerminalSafe(*row[c]), max_cell_) : std::string();
            widths[c] = std::max(widths[c], Width(s));
            out.push_back(std::move(s));
        }
        cells.push_back(std::move(out));
    }
    auto line = [&](const std::vector<std::string>& v) {
        for (size_t c = 0; c < v.size(); ++c) {
            os_ << (c ? "  " : "") << v[c];
            if (c + 1 < v.size()) os_ << std::string(widths[c] - Width(v[c]), ' ');
        }
        os_ << "\n";
    };
    std::vector<std::string> head;
    for (const auto& c : t.columns) head.push_back(Cut(TerminalSafe(c), max_cell_));
    line(head);
    std::vector<std::string> rule;
    for (size_t w : widths) rule.push_back(std::string(w, '-'));
    line(rule);
    for (const auto& r : cells) line(r);
    os_ << "(" << rows_ << " row" << (rows_ == 1 ? "" : "s");
    if (t.rows.size() < rows_)
        os_ << "; the first " << t.rows.size()
            << " shown: --format csv or jsonl, or --output, for all";
    os_ << ")\n";
}

void Render(std::ostream& os, const Table& t, RenderFormat fmt, size_t max_cell) {
    BatchRenderer r(os, fmt, max_cell);
    r.Add(t);
    r.Finish();
}

namespace {

// Whether a DuckDB column type prints without text from the data (numbers, booleans, times).
bool PrintsOnlyValues(std::string_view type) {
    static const char* const kTypes[] = {"BOOLEAN",      "TINYINT",      "SMALLINT",
                                         "INTEGER",      "BIGINT",       "HUGEINT",
                                         "UTINYINT",     "USMALLINT",    "UINTEGER",
                                         "UBIGINT",      "UHUGEINT",     "FLOAT",
                                         "DOUBLE",       "DATE",         "TIME",
                                         "TIMESTAMP",    "TIMESTAMP_S",  "TIMESTAMP_MS",
                                         "TIMESTAMP_NS", "INTERVAL",     "UUID",
                                         "TIMESTAMP WITH TIME ZONE"};
    if (type.starts_with("DECIMAL"))
        return true;
    return std::find(std::begin(kTypes), std::end(kTypes), type) != std::end(kTypes);
}

} // namespace

Result<std::string> CsvSafeSelect(Connection& con, const std::string& select) {
    auto cols = con.Query("DESCRIBE (" + select + ")");
    if (!cols)
        return cols.error();
    const Table& t = cols.value();
    int name_col = t.Column("column_name"), type_col = t.Column("column_type");
    if (name_col < 0 || type_col < 0)
        return Error{"export.describe", "cannot read the columns of the query"};
    std::string list;
    for (size_t r = 0; r < t.rows.size(); ++r) {
        std::string id = SqlIdent(t.Cell(r, size_t(name_col)));
        if (!list.empty())
            list += ", ";
        if (PrintsOnlyValues(t.Cell(r, size_t(type_col)))) {
            list += id;
            continue;
        }
        std::string text = "regexp_replace(CAST(" + id + " AS VARCHAR), " +
                           R"('[\x00-\x08\x0b-\x1f\x7f\x{80}-\x{9f}]', ')" "\xEF\xBF\xBD" "', 'g')";
        list += "CASE WHEN regexp_matches(" + text + R"(, '^[=+\-@\t\r|%]') THEN '''' || )" +
                text + " ELSE " + text + " END AS " + id;
    }
    return "SELECT " + list + " FROM (" + select + ")";
}

} // namespace cloudsift::store
