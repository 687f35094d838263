// cloudsift backtest: run a rule set (with its correlations) over logs and report how many
// findings each rule raises per day, to tune rules before deploying them.
#include <iostream>
#include <map>

#include "cli/cli_util.h"
#include "cli/command.h"
#include "common/sanitize.h"
#include "hunt/hunter.h"

namespace cloudsift::cli {
namespace {

struct BacktestArgs {
    HuntOptions hunt;
    ScanArgs scan_args;
    std::string format = "table", output;
    bool analytics = false;
};

int RunBacktest(BacktestArgs& a) {
    ResolveScanOptions(a.hunt.scan, a.scan_args);
    if (a.format != "table" && a.format != "csv" && a.format != "jsonl")
        throw CLI::ValidationError("--format", "expected table, csv or jsonl");
    std::vector<sigma::FileReport> reports;
    auto rules = LoadRules(a.hunt, reports);
    size_t errors = 0;
    for (const auto& r : reports)
        for (const auto& d : r.diagnostics)
            if (d.kind == sigma::Diagnostic::Kind::Error) {
                ++errors;
                std::cerr << "rule error: " << TerminalSafe(d.file) << ":" << d.line << ": "
                          << TerminalSafe(d.message) << "\n";
            }
    a.hunt.analytics = a.analytics;
    a.hunt.incidents = false;
    HuntResult result = RunHunt(a.hunt, *rules);
    for (const auto& d : result.correlation_diagnostics)
        std::cerr << "correlation " << sigma::DiagnosticKindName(d.kind) << ": "
                  << TerminalSafe(d.file) << ":" << d.line << ": " << TerminalSafe(d.message)
                  << "\n";

    // (rule id, day) → count, plus titles and levels.
    std::map<std::pair<std::string, std::string>, uint64_t> counts;
    std::map<std::string, std::pair<std::string, std::string>> meta;
    std::map<std::string, uint64_t> totals;
    const uint64_t unread = ForEachFinding(result, [&](const Finding& f) {
        std::string day = f.time ? FormatIsoTime(f.time).substr(0, 10) : "unknown";
        ++counts[{f.rule_id(), day}];
        ++totals[f.rule_id()];
        meta.emplace(f.rule_id(), std::make_pair(f.rule_title(), f.level()));
    });
    OutputTarget out(a.output);
    std::ostream& os = out.stream();
    if (a.format == "csv") {
        os << "rule_id,rule_title,level,day,findings\n";
        for (const auto& [k, n] : counts)
            os << CsvCell(k.first) << ',' << CsvCell(meta[k.first].first) << ','
               << meta[k.first].second << ',' << k.second << ',' << n << "\n";
    } else if (a.format == "jsonl") {
        std::string line;
        for (const auto& [k, n] : counts) {
            line = "{\"rule_id\":";
            AppendJsonString(line, k.first);
            line += ",\"rule_title\":";
            AppendJsonString(line, meta[k.first].first);
            line += ",\"level\":";
            AppendJsonString(line, meta[k.first].second);
            line += ",\"day\":\"" + k.second + "\",\"findings\":" + std::to_string(n) + "}\n";
            os << line;
        }
    } else {
        if (counts.empty())
            os << "no findings\n";
        std::string last;
        for (const auto& [k, n] : counts) {
            if (k.first != last) {
                os << TerminalSafe(meta[k.first].first) << "  [" << meta[k.first].second << ", "
                   << totals[k.first] << " total]  " << TerminalSafe(k.first) << "\n";
                last = k.first;
            }
            os << "    " << k.second << "  " << n << "\n";
        }
    }
    std::cerr << "backtest: " << result.scan.records << " records, " << result.rules_loaded
              << " rules, " << result.correlations_active << " correlations, "
              << FindingCount(result) << " findings from " << totals.size() << " rules";
    if (errors)
        std::cerr << ", " << errors << " rule errors";
    std::cerr << "\n";
    if (unread)
        std::cerr << "backtest: " << unread
                  << " findings could not be read back from a temporary file\n";
    bool problems = result.scan.bad_records > 0 || result.scan.files_skipped > 0 ||
                    !result.scan.input_errors.empty() || unread > 0;
    return problems ? kExitInputSkipped : kExitOk;
}

const Registration kBacktest{
    "backtest", "Run rules over logs and count findings per rule per day", [](CLI::App& sub) {
        auto a = std::make_shared<BacktestArgs>();
        AddScanOptions(sub, a->hunt.scan, a->scan_args);
        sub.add_option("-r,--rules", a->hunt.rule_paths,
                       "Rule file or directory (repeatable; default: built-in rules)");
        sub.add_option("--filter", a->hunt.filter_paths, "Sigma filter file or directory");
        sub.add_option("-f,--format", a->format, "Output: table|csv|jsonl")->capture_default_str();
        sub.add_option("-o,--output", a->output, "Write the report to FILE");
        sub.add_flag("--analytics", a->analytics, "Also count the behavioural analytics");
        return [a] { return RunBacktest(*a); };
    }};

} // namespace
} // namespace cloudsift::cli
