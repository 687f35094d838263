// cloudsift hunt: decode logs, run the detection content, print findings and a run summary.
#include <map>
#include <fstream>
#include <iostream>
#include <sstream>
#include <unordered_map>

#include "cli/cli_util.h"
#include "cli/command.h"
#include "common/sanitize.h"
#include "hunt/hunter.h"
#include "output/finding_writer.h"

namespace cloudsift::cli {
namespace {

struct HuntArgs {
    HuntOptions hunt;
    ScanArgs scan_args;
    std::string format = "table", output, min_level, color = "auto";
    std::vector<std::string> statuses;
    std::string ioc, suppress, incidents_out;
    bool quiet = false, verbose = false, no_analytics = false, no_correlations = false;
    bool no_incidents = false;
};

// Reads a whole file; throws CLI::ValidationError naming the option on failure.
std::string ReadOptionFile(const std::string& path, const char* option) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw CLI::ValidationError(option, "cannot read " + path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// The incidents table: one line per incident.
void WriteIncidentList(std::ostream& os, const HuntResult& r) {
    size_t multi = 0;
    for (const auto& inc : r.incidents) multi += inc.finding_ids.size() > 1;
    os << "INCIDENTS (" << r.incidents.size() << ", " << multi << " with several findings)\n";
    os << "ID                SEV       SCORE  FIRST SEEN            FINDINGS  TITLE\n";
    for (const auto& inc : r.incidents) {
        char line[96];
        std::snprintf(line, sizeof line, "%-16s  %-8s  %5d  %-20s  %8zu  ", inc.incident_id.c_str(),
                      inc.severity.c_str(), inc.score, FormatIsoTime(inc.first_seen).c_str(),
                      inc.finding_ids.size());
        os << line << TerminalSafe(inc.title) << "\n";
    }
}

// Incidents table, then each incident's findings under it, then ungrouped findings.
void WriteIncidentView(std::ostream& os, const HuntResult& r, bool colour, size_t width) {
    std::map<FindingId, const Finding*> by_id;
    for (const auto& f : r.findings)
        by_id.emplace(f.finding_id, &f);
    WriteIncidentList(os, r);
    for (const auto& inc : r.incidents) {
        os << "\n== " << inc.incident_id << " [" << inc.severity << " " << inc.score << "] "
           << TerminalSafe(inc.title) << "\n   tactics: ";
        for (size_t i = 0; i < inc.tactics.size(); ++i)
            os << (i ? " → " : "") << TerminalSafe(inc.tactics[i]);
        os << "\n   entities: ";
        for (size_t i = 0; i < inc.entities.size() && i < 8; ++i)
            os << (i ? ", " : "") << TerminalSafe(inc.entities[i]);
        if (inc.entities.size() > 8) os << ", … (" << inc.entities.size() << ")";
        os << "\n   why: ";
        for (size_t i = 0; i < inc.reasons.size(); ++i)
            os << (i ? "; " : "") << TerminalSafe(inc.reasons[i]);
        os << "\n";
        std::vector<Finding> fs;
        for (const auto& id : inc.finding_ids)
            if (auto it = by_id.find(id); it != by_id.end()) fs.push_back(*it->second);
        WriteFindingsTable(os, fs, colour, width);
    }
}

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
    ResolveScanOptions(a.hunt.scan, a.scan_args);
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
    a.hunt.analytics = !a.no_analytics;
    a.hunt.correlations = !a.no_correlations;
    a.hunt.incidents = !a.no_incidents;
    if (a.hunt.analytics) {
        std::vector<analytics::IocSet::Problem> problems;
        std::string error;
        a.hunt.intel = LoadIntel(a.ioc, problems, error);
        if (!error.empty()) throw CLI::ValidationError("--ioc", error);
        for (const auto& p : problems)
            std::cerr << "ioc: " << TerminalSafe(a.ioc) << ":" << p.line << ": "
                      << TerminalSafe(p.message) << "\n";
        if (!a.quiet && !a.ioc.empty())
            std::cerr << "ioc: " << a.hunt.intel->iocs.size() << " indicators loaded"
                      << (problems.empty() ? "" : ", " + std::to_string(problems.size()) +
                                                      " bad entries skipped")
                      << "\n";
    } else if (!a.ioc.empty()) {
        throw CLI::ValidationError("--ioc", "needs the analytics (drop --no-analytics)");
    }
    if (!a.suppress.empty()) {
        auto list = std::make_shared<analytics::SuppressionList>();
        std::vector<analytics::SuppressionList::Problem> problems;
        list->Parse(ReadOptionFile(a.suppress, "--suppress"), problems);
        for (const auto& p : problems)
            std::cerr << "suppress: " << TerminalSafe(a.suppress) << ":" << p.line << ": "
                      << TerminalSafe(p.message) << "\n";
        a.hunt.suppress = list;
    }
    if (rules->size() == 0) {
        std::cerr << "cloudsift: no rules loaded\n";
        return kExitFatal;
    }
    HuntResult result = RunHunt(a.hunt, *rules);
    for (const auto& d : result.correlation_diagnostics)
        if (!a.quiet || d.kind == sigma::Diagnostic::Kind::Error)
            std::cerr << "correlation " << sigma::DiagnosticKindName(d.kind) << ": "
                      << TerminalSafe(d.file) << ":" << d.line << ": " << TerminalSafe(d.message)
                      << "\n";
    if (!a.incidents_out.empty()) {
        OutputTarget inc_out(a.incidents_out);
        ChunkedWriter w(inc_out.stream());
        for (const auto& inc : result.incidents) {
            analytics::AppendIncidentJson(w.text(), inc);
            w.text() += '\n';
            w.Wrote();
        }
    }

    OutputTarget out(a.output);
    std::ostream& os = out.stream();
    bool colour = a.color == "always" || (a.color == "auto" && out.is_tty());
    // Every finding, in order, however many went to temporary files; each pass reads them all.
    uint64_t unread = 0;
    auto findings = [&](FunctionRef<void(const Finding&)> fn) {
        unread = std::max(unread, ForEachFinding(result, fn));
    };
    const uint64_t finding_count = FindingCount(result);
    switch (fmt) {
    case OutputFormat::Table:
        if (finding_count == 0)
            os << "no findings\n";
        else if (result.spilled) {
            // Too many to group under their incidents: the incidents, then the findings by level.
            if (!result.incidents.empty()) {
                WriteIncidentList(os, result);
                os << "\nFINDINGS (" << finding_count << ")\n";
            }
            WriteFindingsTable(os, findings, colour, out.width());
        } else if (!result.incidents.empty())
            WriteIncidentView(os, result, colour, out.width());
        else WriteFindingsTable(os, result.findings, colour, out.width());
        break;
    case OutputFormat::Jsonl:
        WriteFindingsJsonl(os, findings);
        break;
    case OutputFormat::Csv:
        WriteFindingsCsv(os, findings);
        break;
    case OutputFormat::Json: {
        ChunkedWriter w(os);
        w.text() += "{\"incidents\":[";
        for (size_t i = 0; i < result.incidents.size(); ++i) {
            if (i) w.text() += ",\n";
            analytics::AppendIncidentJson(w.text(), result.incidents[i]);
            w.Wrote();
        }
        w.text() += "],\"findings\":[";
        bool first = true;
        findings([&](const Finding& f) {
            if (!first)
                w.text() += ",\n";
            first = false;
            AppendFindingJson(w.text(), f);
            w.Wrote();
        });
        w.Flush();
        os << "],\"summary\":{\"files\":" << result.scan.files.size()
           << ",\"files_skipped\":" << result.scan.files_skipped
           << ",\"records\":" << result.scan.records
           << ",\"bad_records\":" << result.scan.bad_records
           << ",\"bytes_read\":" << result.scan.bytes_read
           << ",\"rules_loaded\":" << result.rules_loaded
           << ",\"correlations\":" << result.correlations_active
           << ",\"incidents\":" << result.incidents.size()
           << ",\"suppressed\":" << result.suppressed << ",\"findings\":" << finding_count
           << "}}\n";
        break;
    }
    }
    os.flush();

    bool problems = false;
    if (!a.quiet) {
        problems = PrintScanSummary(result.scan, a.verbose);
        std::cerr << "rules: " << result.rules_loaded << " loaded";
        if (rule_errors) std::cerr << ", " << rule_errors << " failed to load";
        if (result.correlations_active)
            std::cerr << ", " << result.correlations_active << " correlations";
        std::cerr << " · findings: " << finding_count << " (" << LevelTotals(LevelCounts(result))
                  << ")";
        if (result.suppressed) std::cerr << " · suppressed: " << result.suppressed;
        std::cerr << " · incidents: " << result.incidents.size() << "\n";
        if (a.verbose && result.spilled)
            std::cerr << "findings: " << result.spilled->on_disk()
                      << " of them held in temporary files\n";
        if (a.verbose && result.behavior.spilled)
            std::cerr << "analytics: " << result.behavior.rows << " activity rows, "
                      << result.behavior.spilled << " of them through " << result.behavior.runs
                      << " temporary files\n";
    } else {
        problems = result.scan.bad_records > 0 || result.scan.files_skipped > 0 ||
                   !result.scan.input_errors.empty() || result.scan.files_with_errors > 0;
    }
    if (result.spill_failed)
        std::cerr << "findings: temporary files could not be written (see TMPDIR); findings "
                     "were kept in memory\n";
    if (unread) {
        std::cerr << "findings: " << unread
                  << " findings could not be read back from a temporary file and are missing "
                     "from the output\n";
        problems = true;
    }
    if (result.behavior.spill_failed)
        std::cerr << "analytics: temporary files could not be written (see TMPDIR); activity "
                     "rows were kept in memory\n";
    if (result.behavior.unread) {
        std::cerr << "analytics: " << result.behavior.unread
                  << " activity rows could not be read back from a temporary file; the "
                     "behavioural detectors did not see them\n";
        problems = true;
    }
    return problems ? kExitInputSkipped : kExitOk;
}

const Registration kHunt{
    "hunt", "Hunt logs with Sigma rules and print findings", [](CLI::App& sub) {
        auto a = std::make_shared<HuntArgs>();
        AddScanOptions(sub, a->hunt.scan, a->scan_args);
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
        sub.add_option("--ioc", a->ioc,
                       "Threat-intel indicators: CSV type,value[,description] or STIX 2.1 bundle");
        sub.add_option("--suppress", a->suppress,
                       "Suppression list (YAML or CSV: rule, principal, ip, user_agent, expires)");
        sub.add_option("--incidents", a->incidents_out, "Write incidents as JSONL to FILE");
        sub.add_option("--findings-in-memory", a->hunt.findings_in_memory,
                       "Findings held in memory before the rest go to temporary files in "
                       "TMPDIR (0 = no limit)")
            ->capture_default_str();
        sub.add_flag("--no-analytics", a->no_analytics, "Skip the behavioural analytics");
        sub.add_flag("--no-correlations", a->no_correlations, "Skip Sigma correlation rules");
        sub.add_flag("--no-incidents", a->no_incidents, "Do not group findings into incidents");
        sub.add_flag("-q,--quiet", a->quiet, "No summary on stderr");
        sub.add_flag("-v,--verbose", a->verbose, "List every file with problems");
        return [a] { return RunHuntCommand(*a); };
    }};

} // namespace
} // namespace cloudsift::cli
