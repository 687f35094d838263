// cloudsift ingest: bring evidence files into a case (hash, copy read-only, decode, hunt, store).
#include <iostream>

#include "cli/command.h"
#include "common/sanitize.h"
#include "common/strings.h"
#include "hunt/hunter.h"
#include "store/case_store.h"
#include "store/ingest.h"

namespace cloudsift::cli {
namespace {

struct IngestArgs {
    std::vector<std::string> inputs;
    std::string case_dir, format;
    std::vector<std::string> rules;
    bool no_copy = false, no_hunt = false, quiet = false;
    unsigned threads = 0;
};

// Adapts the hunter's per-thread matcher to the store's hook.
class RuleMatcher final : public store::FindingMatcher {
public:
    explicit RuleMatcher(const sigma::RuleSet& rules) : matcher_(rules) {}
    void Match(const Record& rec, const FileInfo& file, std::vector<Finding>& out) override {
        matcher_.Match(rec, file, out);
    }

private:
    RecordMatcher matcher_;
};

int RunIngest(const IngestArgs& a) {
    auto cs = store::CaseStore::Open(a.case_dir, store::OpenMode::Create);
    if (!cs) {
        std::cerr << "cloudsift: " << TerminalSafe(cs.error().message) << "\n";
        return kExitFatal;
    }
    store::IngestOptions opt;
    opt.inputs = a.inputs;
    opt.copy = !a.no_copy;
    opt.threads = a.threads;
    opt.format = a.format;
    std::unique_ptr<sigma::RuleSet> rules;
    if (!a.no_hunt) {
        HuntOptions h;
        h.rule_paths = a.rules;
        std::vector<sigma::FileReport> reports;
        rules = LoadRules(h, reports);
        if (rules && rules->size() > 0) {
            const sigma::RuleSet* rs = rules.get();
            opt.make_matcher = [rs](unsigned) -> std::unique_ptr<store::FindingMatcher> {
                return std::make_unique<RuleMatcher>(*rs);
            };
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
                  << " already in the case, " << res.failed << " failed · " << res.events
                  << " events, " << res.findings << " findings · " << HumanBytes(res.bytes)
                  << " in " << res.seconds << " s (" << uint64_t(eps) << " events/s)\n";
    }
    return res.failed || !res.input_errors.empty() ? 3 : kExitOk;
}

const Registration kIngest{
    "ingest", "Ingest evidence files into a case (DuckDB)", [](CLI::App& sub) {
        auto a = std::make_shared<IngestArgs>();
        sub.add_option("paths", a->inputs, "Files, directories or globs")->required();
        sub.add_option("--case", a->case_dir, "Case directory (created when absent)")->required();
        sub.add_flag("--no-copy", a->no_copy, "Reference evidence in place instead of copying");
        sub.add_option("-r,--rules", a->rules, "Rule file or directory (default: built-in rules)");
        sub.add_flag("--no-hunt", a->no_hunt, "Do not run the detection rules");
        sub.add_option("--input-format", a->format, "Force a log format (default: sniff)");
        sub.add_option("-t,--threads", a->threads, "Decoding threads (default: all cores)");
        sub.add_flag("-q,--quiet", a->quiet, "No summary on stderr");
        return [a] { return RunIngest(*a); };
    }};

} // namespace
} // namespace cloudsift::cli
