// cloudsift query: SQL over a case (ad hoc, from a file, saved queries, or an interactive prompt).
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "cli/case_cli.h"
#include "cli/command.h"
#include "common/sanitize.h"
#include "common/strings.h"
#include "store/case_store.h"
#include "store/render.h"
#include "store/saved_queries.h"

namespace cloudsift::cli {
namespace {

struct QueryArgs {
    std::string case_dir, sql, file, saved, format = "table", output;
    std::vector<std::string> params;
    bool list = false;
};

int RunSql(store::Connection& con, const std::string& sql, store::RenderFormat fmt,
           std::ostream& os) {
    // Results are streamed: a query over millions of events never sits in memory whole.
    store::BatchRenderer out(os, fmt, 80, kTableRowsShown);
    auto st = con.QueryBatches(sql, 2048, [&](const store::Table& batch) -> Status {
        out.Add(batch);
        return Ok{};
    });
    if (!st) {
        // DuckDB messages span lines (caret under the error); keep the layout, escape the rest.
        std::cerr << "query error: ";
        for (auto line : Split(st.error().message, '\n')) std::cerr << TerminalSafe(line) << "\n";
        return kExitFatal;
    }
    out.Finish();
    return kExitOk;
}

int RunQuery(const QueryArgs& a) {
    store::RenderFormat fmt = RenderFormatArg(a.format);
    std::vector<std::string> errors;
    auto saved = store::LoadSavedQueries(store::SavedQueriesDir(), errors);
    if (a.list) {
        for (const auto& q : saved) {
            std::cout << q.name;
            if (!q.params.empty()) {
                std::cout << " (";
                for (size_t i = 0; i < q.params.size(); ++i)
                    std::cout << (i ? ", " : "") << "--param " << q.params[i] << "=…";
                std::cout << ")";
            }
            std::cout << "\n    " << q.description << "\n";
        }
        for (const auto& e : errors) std::cerr << "warning: " << TerminalSafe(e) << "\n";
        return kExitOk;
    }
    if (a.case_dir.empty()) throw CLI::RequiredError("--case");
    std::string sql = a.sql;
    if (!a.file.empty()) {
        std::ifstream in(a.file, std::ios::binary);
        if (!in) {
            std::cerr << "cloudsift: cannot read " << TerminalSafe(a.file) << "\n";
            return kExitUsage;
        }
        std::stringstream ss;
        ss << in.rdbuf();
        sql = ss.str();
    }
    if (!a.saved.empty()) {
        const store::SavedQuery* q = nullptr;
        for (const auto& s : saved)
            if (s.name == a.saved) q = &s;
        if (!q) {
            std::cerr << "cloudsift: no saved query named " << TerminalSafe(a.saved)
                      << " (see `cloudsift query --list`)\n";
            return kExitUsage;
        }
        std::map<std::string, std::string> values;
        for (const auto& p : a.params) {
            size_t eq = p.find('=');
            if (eq == std::string::npos) throw CLI::ValidationError("--param", "expected key=value");
            values[p.substr(0, eq)] = p.substr(eq + 1);
        }
        auto bound = store::BindSavedQuery(*q, values);
        if (!bound) {
            std::cerr << "cloudsift: " << TerminalSafe(bound.error().message) << "\n";
            return kExitUsage;
        }
        sql = bound.value();
    }
    auto cs = OpenCaseForReading(a.case_dir);
    if (!cs) return kExitFatal;
    std::ofstream file;
    if (!a.output.empty() && a.output != "-") {
        file.open(a.output, std::ios::binary);
        if (!file) {
            std::cerr << "cloudsift: cannot write " << TerminalSafe(a.output) << "\n";
            return kExitFatal;
        }
    }
    std::ostream& os = file.is_open() ? static_cast<std::ostream&>(file) : std::cout;
    if (!sql.empty()) return RunSql(cs->conn(), sql, fmt, os);
    if (!isatty(0)) {
        std::stringstream ss;
        ss << std::cin.rdbuf();
        return RunSql(cs->conn(), ss.str(), fmt, os);
    }
    // Interactive prompt: statements end with ';'.
    std::cerr << "cloudsift query — case " << TerminalSafe(a.case_dir)
              << " (read-only). End statements with ';', .quit to leave.\n";
    std::string buf, line;
    while (true) {
        std::cerr << (buf.empty() ? "sql> " : "...> ");
        if (!std::getline(std::cin, line)) break;
        if (buf.empty() && (line == ".quit" || line == ".exit")) break;
        buf += line + "\n";
        if (line.find(';') != std::string::npos) {
            RunSql(cs->conn(), buf, fmt, os);
            buf.clear();
        }
    }
    return kExitOk;
}

const Registration kQuery{"query", "Run SQL (or a saved query) against a case", [](CLI::App& sub) {
    auto a = std::make_shared<QueryArgs>();
    sub.add_option("sql", a->sql, "SQL statement (none: read stdin or prompt)");
    sub.add_option("--case", a->case_dir, "Case directory");
    sub.add_option("-f,--file", a->file, "Read the SQL from FILE");
    sub.add_option("--saved", a->saved, "Run a saved query by name");
    sub.add_option("--param", a->params, "Saved query parameter key=value (repeatable)");
    sub.add_flag("--list", a->list, "List the saved queries");
    sub.add_option("--format", a->format, "Output: table|csv|jsonl|json")->capture_default_str();
    sub.add_option("-o,--output", a->output, "Write the result to FILE");
    return [a] { return RunQuery(*a); };
}};

} // namespace
} // namespace cloudsift::cli
