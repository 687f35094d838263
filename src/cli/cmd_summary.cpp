// cloudsift summary: per-principal overview of a case, abused APIs first.
#include <iostream>

#include "cli/case_cli.h"
#include "cli/command.h"
#include "common/sanitize.h"
#include "store/case_store.h"
#include "store/investigate.h"
#include "store/render.h"
#include "store/saved_queries.h"

namespace cloudsift::cli {
namespace {

struct SummaryArgs {
    std::string case_dir, format = "table", apis_file;
    bool detail = false;
};

int RunSummary(const SummaryArgs& a) {
    store::RenderFormat fmt = RenderFormatArg(a.format);
    auto cs = OpenCaseForReading(a.case_dir);
    if (!cs) return kExitFatal;
    std::string path = a.apis_file.empty() ? store::SavedQueriesDir() + "/data/abused_apis.tsv"
                                           : a.apis_file;
    auto abused = store::LoadAbusedApis(path);
    std::vector<std::string> names;
    for (auto& p : abused) names.push_back(p.first);
    auto s = store::PrincipalSummary(cs->conn(), names);
    if (!s) {
        std::cerr << "cloudsift: " << TerminalSafe(s.error().message) << "\n";
        return kExitFatal;
    }
    if (fmt == store::RenderFormat::Table) std::cout << "Principals\n";
    store::Render(std::cout, s.value(), fmt, 60);
    auto apis = store::PrincipalApis(cs->conn(), abused);
    if (!apis) {
        std::cerr << "cloudsift: " << TerminalSafe(apis.error().message) << "\n";
        return kExitFatal;
    }
    if (fmt == store::RenderFormat::Table) std::cout << "\nAPIs per principal (abused first)\n";
    store::Render(std::cout, apis.value(), fmt, 60);
    return kExitOk;
}

const Registration kSummary{"summary", "Per-principal summary of a case", [](CLI::App& sub) {
    auto a = std::make_shared<SummaryArgs>();
    sub.add_option("--case", a->case_dir, "Case directory")->required();
    sub.add_option("--abused-apis", a->apis_file, "Abused-API list (name TAB tactic per line)");
    sub.add_option("--format", a->format, "Output: table|csv|jsonl|json")->capture_default_str();
    return [a] { return RunSummary(*a); };
}};

} // namespace
} // namespace cloudsift::cli
