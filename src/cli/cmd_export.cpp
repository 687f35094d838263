// cloudsift export: write a case's tables (or a query) to Parquet, JSONL or CSV through DuckDB COPY.
#include <filesystem>
#include <iostream>

#include "cli/command.h"
#include "common/sanitize.h"
#include "store/case_store.h"
#include "store/ingest.h"
#include "store/render.h"

namespace cloudsift::cli {
namespace {

struct ExportArgs {
    std::string case_dir, to = "parquet", out, query;
    std::vector<std::string> tables = {"events", "findings", "incidents", "files", "custody"};
};

int RunExport(const ExportArgs& a) {
    std::string format, ext;
    if (a.to == "parquet") format = "FORMAT parquet", ext = ".parquet";
    else if (a.to == "jsonl") format = "FORMAT json", ext = ".jsonl";
    else if (a.to == "csv") format = "FORMAT csv, HEADER true", ext = ".csv";
    else throw CLI::ValidationError("--to", "expected parquet, jsonl or csv");
    auto cs = store::CaseStore::Open(a.case_dir, store::OpenMode::ReadWrite);
    if (!cs) {
        std::cerr << "cloudsift: " << TerminalSafe(cs.error().message) << "\n";
        return kExitFatal;
    }
    namespace fs = std::filesystem;
    std::vector<std::pair<std::string, std::string>> jobs; // (select, path)
    if (!a.query.empty()) {
        jobs.push_back({a.query, a.out});
    } else {
        std::error_code ec;
        fs::create_directories(a.out, ec);
        if (ec) {
            std::cerr << "cloudsift: cannot create " << TerminalSafe(a.out) << "\n";
            return kExitFatal;
        }
        for (const auto& t : a.tables) {
            if (t != "events" && t != "findings" && t != "files" && t != "custody" &&
                t != "incidents" && t != "cloudtrail_logs")
                throw CLI::ValidationError("--table", "unknown table " + t);
            jobs.push_back({"SELECT * FROM " + t, (fs::path(a.out) / (t + ext)).string()});
        }
    }
    // CSV is opened in spreadsheets and terminals: cells are guarded as our own CSV output is.
    if (a.to == "csv")
        for (auto& job : jobs) {
            auto safe = store::CsvSafeSelect(cs.value()->conn(), job.first);
            if (!safe) {
                std::cerr << "export error: " << TerminalSafe(safe.error().message) << "\n";
                return kExitFatal;
            }
            job.first = safe.value();
        }
    std::string details = "{\"to\":\"" + a.to + "\",\"files\":[";
    for (size_t i = 0; i < jobs.size(); ++i) {
        auto st = cs.value()->conn().Exec("COPY (" + jobs[i].first + ") TO " +
                                          store::SqlQuote(jobs[i].second) + " (" + format + ")");
        if (!st) {
            std::cerr << "export error: " << TerminalSafe(st.error().message) << "\n";
            return kExitFatal;
        }
        auto h = store::Sha256File(jobs[i].second);
        details += std::string(i ? "," : "") + "{\"path\":" + JsonString(jobs[i].second) +
                   ",\"sha256\":\"" + (h.ok() ? h.value() : "") + "\"}";
        std::cerr << "wrote " << TerminalSafe(jobs[i].second) << "\n";
    }
    details += "]}";
    auto rec = cs.value()->RecordCustody("export", details);
    if (!rec) {
        std::cerr << "cloudsift: cannot record the export: " << TerminalSafe(rec.error().message) << "\n";
        return kExitFatal;
    }
    return kExitOk;
}

const Registration kExport{"export", "Export a case to Parquet, JSONL or CSV", [](CLI::App& sub) {
    auto a = std::make_shared<ExportArgs>();
    sub.add_option("out", a->out, "Output directory (or file with --query)")->required();
    sub.add_option("--case", a->case_dir, "Case directory")->required();
    sub.add_option("--to", a->to, "parquet|jsonl|csv")->capture_default_str();
    sub.add_option("--table", a->tables, "Tables to export (default: events findings incidents files custody)");
    sub.add_option("--query", a->query, "Export the result of this SQL to OUT");
    return [a] { return RunExport(*a); };
}};

} // namespace
} // namespace cloudsift::cli
