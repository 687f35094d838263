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

void Render(std::ostream& os, const Table& t, RenderFormat fmt, size_t max_cell) {
    switch (fmt) {
    case RenderFormat::Csv: {
        for (size_t c = 0; c < t.columns.size(); ++c)
            os << (c ? "," : "") << CsvCell(t.columns[c]);
        os << "\n";
        for (const auto& row : t.rows) {
            for (size_t c = 0; c < row.size(); ++c)
                os << (c ? "," : "") << (row[c] ? CsvCell(*row[c]) : std::string());
            os << "\n";
        }
        return;
    }
    case RenderFormat::Jsonl:
    case RenderFormat::Json: {
        std::string buf;
        if (fmt == RenderFormat::Json) os << "[";
        for (size_t r = 0; r < t.rows.size(); ++r) {
            buf.clear();
            if (fmt == RenderFormat::Json && r) buf += ",\n";
            AppendRowJson(buf, t, r);
            if (fmt == RenderFormat::Jsonl) buf += '\n';
            os << buf;
        }
        if (fmt == RenderFormat::Json) os << "]\n";
        return;
    }
    case RenderFormat::Table: break;
    }
    std::vector<std::vector<std::string>> cells;
    std::vector<size_t> widths;
    for (const auto& c : t.columns) widths.push_back(Width(Cut(TerminalSafe(c), max_cell)));
    for (const auto& row : t.rows) {
        std::vector<std::string> out;
        for (size_t c = 0; c < row.size(); ++c) {
            std::string s = row[c] ? Cut(TerminalSafe(*row[c]), max_cell) : std::string();
            widths[c] = std::max(widths[c], Width(s));
            out.push_back(std::move(s));
        }
        cells.push_back(std::move(out));
    }
    auto line = [&](const std::vector<std::string>& v) {
        for (size_t c = 0; c < v.size(); ++c) {
            os << (c ? "  " : "") << v[c];
            if (c + 1 < v.size()) os << std::string(widths[c] - Width(v[c]), ' ');
        }
        os << "\n";
    };
    std::vector<std::string> head;
    for (const auto& c : t.columns) head.push_back(Cut(TerminalSafe(c), max_cell));
    line(head);
    std::vector<std::string> rule;
    for (size_t w : widths) rule.push_back(std::string(w, '-'));
    line(rule);
    for (const auto& r : cells) line(r);
    os << "(" << t.rows.size() << " row" << (t.rows.size() == 1 ? "" : "s") << ")\n";
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
