// cloudsift ingest: bring evidence files into a case (hash, copy read-only, decode, hunt, store).
#include <fmt/format.h>

#include <iostream>

#include "cli/cli_util.h"
#include "cli/command.h"
#include "common/sanitize.h"
#include "common/strings.h"
#include "hunt/hunter.h"
#include "store/case_store.h"
#include "store/ingest.h"

namespace cloudsift::cli {
namespace {

struct IngestArgs {
    store::IngestOptions opt;
    ScanArgs scan_args;
    std::string case_dir;
    std::vector<std::string> rules;
    bool no_copy = false, no_hunt = false, quiet = false, timings = false;
};

// The hunt over the files of the run (the same detection as `cloudsift hunt`: rules,
// correlations, behavioural analytics, incidents).
Result<store::IngestHunt> HuntFiles(const sigma::RuleSet& rules, const HuntOptions& base,
                                    const ScanOptions& scan) {
    HuntOptions h = base;
    h.scan = scan;
    // The store writes each file's findings with its events, so they are all held in memory.
    h.findings_in_memory = 0;
    HuntResult r = RunHunt(h, rules);
    return store::IngestHunt{std::move(r.findings), std::move(r.incidents)};
}

int RunIngest(IngestArgs& a) {
    ResolveScanOptions(a.opt.scan, a.scan_args);
    for (const auto& in : a.opt.scan.inputs)
        if (in == "-")
            throw CLI::ValidationError("paths", "ingest reads files (each is hashed and kept as "
                                                "evidence), not standard input");
    auto cs = store::CaseStore::Open(a.case_dir, store::OpenMode::Create);
    if (!cs) {
        std::cerr << "cloudsift: " << TerminalSafe(cs.error().message) << "\n";
        return kExitFatal;
    }
    store::IngestOptions& opt = a.opt;
    opt.copy = !a.no_copy;
    std::unique_ptr<sigma::RuleSet> rules;
    HuntOptions hunt;
    if (!a.no_hunt) {
        hunt.rule_paths = a.rules;
        std::vector<sigma::FileReport> reports;
        rules = LoadRules(hunt, reports);
        std::vector<analytics::IocSet::Problem> problems;
        std::string error;
        hunt.intel = LoadIntel("", problems, error);
        if (rules && rules->size() > 0) {
            const sigma::RuleSet* rs = rules.get();
            opt.hunt = [rs, &hunt](const ScanOptions& scan) { return HuntFiles(*rs, hunt, scan); };
        } else if (!a.quiet) {
            std::cerr << "ingest: no rules loaded, findings will not be computed\n";
        }
    }
    auto r = store::Ingest(*cs.value(), opt);
    if (!r) {
        std::cerr << "cloudsift: " << TerminalSafe(r.error().message) << "\n";
        return kExitFatal;
    }
    const auto& res = r.value();
    for (const auto& e : res.input_errors) std::cerr << "input: " << TerminalSafe(e) << "\n";
    for (const auto& f : res.files) {
        if (f.status == store::IngestFileReport::Status::Failed)
            std::cerr << "failed: " << TerminalSafe(f.path) << ": " << TerminalSafe(f.error) << "\n";
        else if (!a.quiet && f.status == store::IngestFileReport::Status::Ingested &&
                 !f.error.empty())
            std::cerr << "warning: " << TerminalSafe(f.path) << ": " << TerminalSafe(f.error)
                      << "\n";
    }
    if (!a.quiet) {
        double eps = res.seconds > 0 ? double(res.events) / res.seconds : 0;
        std::cerr << "ingest: " << res.ingested << " file(s) ingested, " << res.skipped
                  << " already in the case, ";
        if (res.outside) std::cerr << res.outside << " outside --since/--until, ";
        std::cerr << res.failed << " failed · " << res.events << " events, " << res.findings
                  << " findings, " << res.incidents << " incidents · " << HumanBytes(res.bytes)
                  << " in " << res.seconds << " s (" << uint64_t(eps) << " events/s)\n";
    }
    if (a.timings) {
        const auto& t = res.timings;
        auto sec = [](double v) { return fmt::format("{:.2f} s", v); };
        std::cerr << "stages: hash " << sec(t.hash) << ", copy " << sec(t.copy) << ", hunt "
                  << sec(t.hunt) << ", decode and store " << sec(t.decode) << " (appends "
                  << sec(t.append) << ", commits " << sec(t.commit)
                  << ", summed over threads), checkpoint " << sec(t.checkpoint) << "\n";
    }
    return res.failed || !res.input_errors.empty() ? 3 : kExitOk;
}

const Registration kIngest{
    "ingest", "Ingest evidence files into a case (DuckDB)", [](CLI::App& sub) {
        auto a = std::make_shared<IngestArgs>();
        AddScanOptions(sub, a->opt.scan, a->scan_args);
        sub.add_option("--case", a->case_dir, "Case directory (created when absent)")->required();
        sub.add_flag("--no-copy", a->no_copy, "Reference evidence in place instead of copying");
        sub.add_option("-r,--rules", a->rules, "Rule file or directory (default: built-in rules)");
        sub.add_flag("--no-hunt", a->no_hunt, "Do not run the detection rules");
        sub.add_option("--memory-limit", a->opt.memory_limit,
                       "DuckDB's memory limit for the run, e.g. 2GB (default: DuckDB's, 80% of "
                       "RAM); bounds the store's memory at some cost in speed");
        sub.add_flag("-q,--quiet", a->quiet, "No summary on stderr");
        sub.add_flag("--timings", a->timings, "Print the wall time of each ingest stage on stderr");
        return [a] { return RunIngest(*a); };
    }};

} // namespace
} // namespace cloudsift::cli
