// `cloudsift eval`: scores a findings file against `cloudsift simulate` ground truth.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/command.h"
#include "common/sanitize.h"
#include "sim/eval.h"

namespace cloudsift::cli {
namespace {

struct EvalArgs {
    std::string truth;
    std::string findings;
    std::string format = "table";
    int64_t benign = -1;
};

bool Slurp(const std::string& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::stringstream ss;
    ss << in.rdbuf();
    out = ss.str();
    return true;
}

std::string Pct(double v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.1f%%", v * 100);
    return buf;
}

void PrintTable(const sim::EvalReport& r) {
    std::printf("%-26s %-22s %-11s %-9s %-9s %s\n", "SCENARIO", "TACTIC", "TECHNIQUE", "RESULT",
                "RECORDS", "DELAY");
    for (const auto& t : r.techniques) {
        std::string delay = t.delay_ms < 0 ? "-" : std::to_string(t.delay_ms / 1000) + "s";
        std::string recs = std::to_string(t.detected_records) + "/" + std::to_string(t.records);
        std::printf("%-26s %-22s %-11s %-9s %-9s %s\n", TerminalSafe(t.scenario).c_str(),
                    TerminalSafe(t.tactic).c_str(), TerminalSafe(t.technique).c_str(),
                    t.detected ? "detected" : "MISSED", recs.c_str(), delay.c_str());
    }
    std::printf("\n%-26s %-10s %s\n", "SCENARIO", "RECORDS", "TECHNIQUES");
    for (const auto& s : r.scenarios)
        std::printf("%-26s %-10s %llu/%llu\n", TerminalSafe(s.scenario).c_str(),
                    (std::to_string(s.detected_records) + "/" + std::to_string(s.records)).c_str(),
                    (unsigned long long)s.detected_techniques, (unsigned long long)s.techniques);
    std::printf("\nrecall %s of malicious records (%llu/%llu), %s of techniques\n",
                Pct(r.recall).c_str(), (unsigned long long)r.detected_records,
                (unsigned long long)r.truth_records, Pct(r.technique_recall).c_str());
    std::printf("precision %s (%llu of %llu findings on malicious records)\n",
                Pct(r.precision).c_str(), (unsigned long long)r.true_positive_findings,
                (unsigned long long)r.findings);
    std::printf("false positives %llu = %.1f per million benign events (%llu benign)\n",
                (unsigned long long)r.false_positive_findings, r.fp_per_million,
                (unsigned long long)r.benign_events);
    for (const auto& f : r.fp_rules) std::printf("  noisy: %s\n", TerminalSafe(f).c_str());
}

int RunEval(const EvalArgs& a) {
    if (a.format != "table" && a.format != "json") {
        std::cerr << "cloudsift eval: --format must be table or json\n";
        return kExitUsage;
    }
    std::string truth_text, findings_text;
    if (!Slurp(a.truth, truth_text)) {
        std::cerr << "cloudsift eval: cannot read " << TerminalSafe(a.truth) << "\n";
        return kExitFatal;
    }
    if (!Slurp(a.findings, findings_text)) {
        std::cerr << "cloudsift eval: cannot read " << TerminalSafe(a.findings) << "\n";
        return kExitFatal;
    }
    auto truth = sim::ParseTruth(truth_text);
    if (!truth.ok()) {
        std::cerr << "cloudsift eval: " << TerminalSafe(truth.error().message) << "\n";
        return kExitFatal;
    }
    uint64_t bad = 0;
    auto findings = sim::ParseFindings(findings_text, &bad);
    if (bad) std::cerr << "cloudsift eval: skipped " << bad << " malformed finding lines\n";
    uint64_t benign = 0;
    if (a.benign >= 0) {
        benign = uint64_t(a.benign);
    } else {
        auto m = sim::ManifestBenignEvents(std::filesystem::path(a.truth).parent_path() /
                                           "MANIFEST.json");
        if (m) benign = *m;
        else
            std::cerr << "cloudsift eval: no MANIFEST.json next to the truth file; "
                         "false-positive rate needs --benign-events\n";
    }
    auto report = sim::Evaluate(truth.value(), findings, benign);
    if (a.format == "json") std::cout << sim::EvalReportJson(report);
    else PrintTable(report);
    return kExitOk;
}

const Registration kEval{
    "eval", "Score findings against simulated ground truth (recall, precision, delays)",
    [](CLI::App& sub) -> std::function<int()> {
        auto args = std::make_shared<EvalArgs>();
        sub.add_option("--truth", args->truth, "truth.jsonl written by cloudsift simulate")
            ->required();
        sub.add_option("findings", args->findings, "Findings JSONL")->required();
        sub.add_option("--format", args->format, "table or json");
        sub.add_option("--benign-events", args->benign,
                       "Benign event count (default: from MANIFEST.json next to the truth)");
        return [args] { return RunEval(*args); };
    }};

} // namespace
} // namespace cloudsift::cli
