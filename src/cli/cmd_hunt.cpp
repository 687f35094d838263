// cloudsift hunt: decode logs, run the detection content, print findings and a run summary.
#include <iostream>

#include "cli/cli_util.h"
#include "cli/command.h"
#include "common/sanitize.h"
#include "hunt/hunter.h"
#include "output/finding_writer.h"

namespace cloudsift::cli {
namespace {

struct HuntArgs {
    HuntOptions hunt;
    std::string since, until, format = "table", output, min_level, color = "auto";
    std::vector<std::string> statuses;
    bool quiet = false, verbose = false;
};

// Prints rule-loading problems; returns the number of rule errors.
size_t PrintRuleReports(const std::vector<sigma::FileReport>& reports, bool quiet) {
    size_t errors = 0, unsupported = 0;
    for (const auto& r : reports)
        for (const auto& d : r.diagnostics) {
            if (d.kind == sigma::Diagnostic::Kind::Error) ++errors;
            else if (d.kind == sigma::Diagnostic::Kind::Unsupported) ++unsupported;
            else continue;
            if (!quiet && d.kind == sigma::Diagnostic::Kind::Error)
                std::cerr << "rule error: " << TerminalSafe(d.file) << ":" << d.line << ": "
                          << TerminalSafe(d.message) << "\n";
        }
    if (!quiet && unsupported)
        std::cerr << "rules: " << unsupported
                  << " rule(s) use features this command does not evaluate "
                     "(see `cloudsift rules check`)\n";
    return errors;
}

int RunHuntCommand(HuntArgs& a) {
    ResolveTimeBounds(a.hunt.scan, a.since, a.until);
    OutputFormat fmt;
    if (!ParseOutputFormat(a.format, fmt))
        throw CLI::ValidationError("--format", "expected table, jsonl, json or csv");
    if (!a.min_level.empty()) {
        auto l = sigma::ParseLevel(a.min_level);
        if (!l) throw CLI::ValidationError("--min-level", "unknown level: " + a.min_level);
        a.hunt.load.min_level = *l;
    }
    a.hunt.load.statuses = a.statuses;

    std::vector<sigma::FileReport> reports;
    auto rules = LoadRules(a.hunt, reports);
    size_t rule_errors = PrintRuleReports(reports, a.quiet);
    if (rules->size() == 0) {
        std::cerr << "cloudsift: no rules loaded\n";
        return kExitFatal;
    }
    HuntResult result = RunHunt(a.hunt, *rules);

    OutputTarget out(a.output);
    std::ostream& os = out.stream();
    bool colour = a.color == "always" || (a.color == "auto" && out.is_tty());
    switch (fmt) {
    case OutputFormat::Table:
        if (result.findings.empty()) os << "no findings\n";
        else WriteFindingsTable(os, result.findings, colour, out.width());
        break;
    case OutputFormat::Jsonl: WriteFindingsJsonl(os, result.findings); break;
    case OutputFormat::Csv: WriteFindingsCsv(os, result.findings); break;
    case OutputFormat::Json: {
        os << "{\"findings\":[";
        std::string buf;
        for (size_t i = 0; i < result.findings.size(); ++i) {
            buf.clear();
            if (i) buf += ",\n";
            AppendFindingJson(buf, result.findings[i]);
            os << buf;
        }
        os << "],\"summary\":{\"files\":" << result.scan.files.size()
           << ",\"files_skipped\":" << result.scan.files_skipped
           << ",\"records\":" << result.scan.records
           << ",\"bad_records\":" << result.scan.bad_records
           << ",\"bytes_read\":" << result.scan.bytes_read
           << ",\"rules_loaded\":" << result.rules_loaded
           << ",\"findings\":" << result.findings.size() << "}}\n";
        break;
    }
    }
    os.flush();

    bool problems = false;
    if (!a.quiet) {
        problems = PrintScanSummary(result.scan, a.verbose);
        std::cerr << "rules: " << result.rules_loaded << " loaded";
        if (rule_errors) std::cerr << ", " << rule_errors << " failed to load";
        std::cerr << " · findings: " << result.findings.size() << " ("
                  << LevelTotals(result.findings) << ")\n";
    } else {
        problems = result.scan.bad_records > 0 || result.scan.files_skipped > 0 ||
                   !result.scan.input_errors.empty() || result.scan.files_with_errors > 0;
    }
    return problems ? kExitInputSkipped : kExitOk;
}

const Registration kHunt{
    "hunt", "Hunt logs with Sigma rules and print findings", [](CLI::App& sub) {
        auto a = std::make_shared<HuntArgs>();
        AddScanOptions(sub, a->hunt.scan, a->since, a->until);
        sub.add_option("-r,--rules", a->hunt.rule_paths,
                       "Rule file or directory (repeatable; default: built-in rules)");
        sub.add_option("--filter", a->hunt.filter_paths, "Sigma filter file or directory");
        sub.add_option("--min-level", a->min_level,
                       "Lowest rule level: informational|low|medium|high|critical");
        sub.add_option("--status", a->statuses, "Only rules with this status (repeatable)");
        sub.add_option("--placeholders", a->hunt.load.placeholder_config,
                       "YAML with values for the expand modifier's placeholders");
        sub.add_option("-f,--format", a->format, "Output: table|jsonl|json|csv")
            ->capture_default_str();
        sub.add_option("-o,--output", a->output, "Write findings to FILE");
        sub.add_option("--color", a->color, "Colour: auto|always|never")->capture_default_str();
        sub.add_flag("-q,--quiet", a->quiet, "No summary on stderr");
        sub.add_flag("-v,--verbose", a->verbose, "List every file with problems");
        return [a] { return RunHuntCommand(*a); };
    }};

} // namespace
} // namespace cloudsift::cli
