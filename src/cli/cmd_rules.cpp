// cloudsift rules check: load Sigma rules and report, per file, what loaded and what did not.
#include <iostream>
#include <string>
#include <vector>

#include "cli/command.h"
#include "common/sanitize.h"
#include "sigma/rule_set.h"

namespace cloudsift::cli {
namespace {

struct RulesCheckArgs {
    std::vector<std::string> paths;
    std::vector<std::string> filters;
    std::string format = "table";
    std::string placeholders;
    std::string min_level;
    std::vector<std::string> statuses;
};

struct Totals {
    size_t files = 0, loaded = 0, skipped = 0, filters = 0, correlations = 0;
    size_t errors = 0, unsupported = 0, warnings = 0;
    void Count(const sigma::Diagnostic& d) {
        switch (d.kind) {
        case sigma::Diagnostic::Kind::Error: ++errors; break;
        case sigma::Diagnostic::Kind::Unsupported: ++unsupported; break;
        case sigma::Diagnostic::Kind::Warning: ++warnings; break;
        }
    }
};

std::string Location(const sigma::Diagnostic& d) {
    std::string s = TerminalSafe(d.file);
    if (d.line > 0) s += ":" + std::to_string(d.line);
    if (d.column > 0) s += ":" + std::to_string(d.column);
    return s;
}

void PrintDiagTable(std::ostream& os, const sigma::Diagnostic& d) {
    os << "    " << sigma::DiagnosticKindName(d.kind) << " " << Location(d) << " "
       << TerminalSafe(d.code) << ": " << TerminalSafe(d.message);
    if (!d.rule_title.empty()) os << " [" << TerminalSafe(d.rule_title) << "]";
    os << "\n";
}

void PrintDiagJson(std::ostream& os, const sigma::Diagnostic& d) {
    std::string out = "{\"type\":\"diagnostic\",\"kind\":";
    AppendJsonString(out, sigma::DiagnosticKindName(d.kind));
    out += ",\"file\":";
    AppendJsonString(out, d.file);
    out += ",\"line\":" + std::to_string(d.line) + ",\"column\":" + std::to_string(d.column);
    out += ",\"rule_title\":";
    AppendJsonString(out, d.rule_title);
    out += ",\"code\":";
    AppendJsonString(out, d.code);
    out += ",\"message\":";
    AppendJsonString(out, d.message);
    os << out << "}\n";
}

int RunRulesCheck(const RulesCheckArgs& a) {
    bool jsonl = a.format == "jsonl";
    if (!jsonl && a.format != "table")
        throw CLI::ValidationError("--format", "expected table or jsonl");
    sigma::LoadOptions opt;
    opt.placeholder_config = a.placeholders;
    opt.statuses = a.statuses;
    if (!a.min_level.empty()) {
        auto l = sigma::ParseLevel(a.min_level);
        if (!l) throw CLI::ValidationError("--min-level", "unknown level: " + a.min_level);
        opt.min_level = *l;
    }
    sigma::RuleSet rules;
    std::vector<sigma::FileReport> reports;
    for (const auto& p : a.paths) rules.LoadPath(p, opt, reports);
    for (const auto& p : a.filters) rules.LoadPath(p, opt, reports);
    rules.Compile();

    Totals t;
    std::ostream& os = std::cout;
    for (const auto& r : reports) {
        ++t.files;
        t.loaded += size_t(r.loaded);
        t.skipped += size_t(r.skipped);
        t.filters += size_t(r.filters);
        t.correlations += size_t(r.correlations);
        Totals file;
        for (const auto& d : r.diagnostics) {
            t.Count(d);
            file.Count(d);
        }
        if (jsonl) {
            std::string out = "{\"type\":\"file\",\"file\":";
            AppendJsonString(out, r.file);
            out += ",\"loaded\":" + std::to_string(r.loaded) +
                   ",\"skipped\":" + std::to_string(r.skipped) +
                   ",\"filters\":" + std::to_string(r.filters) +
                   ",\"correlations\":" + std::to_string(r.correlations) +
                   ",\"errors\":" + std::to_string(file.errors) +
                   ",\"unsupported\":" + std::to_string(file.unsupported) +
                   ",\"warnings\":" + std::to_string(file.warnings) + "}";
            os << out << "\n";
            for (const auto& d : r.diagnostics) PrintDiagJson(os, d);
            continue;
        }
        const char* status = file.errors ? "ERROR" : file.unsupported ? "UNSUP" : "OK";
        os << status << "\t" << TerminalSafe(r.file) << "\t" << r.loaded << " loaded";
        if (r.skipped) os << ", " << r.skipped << " skipped";
        if (r.filters) os << ", " << r.filters << " filters";
        if (r.correlations) os << ", " << r.correlations << " correlations";
        if (file.errors) os << ", " << file.errors << " errors";
        if (file.unsupported) os << ", " << file.unsupported << " unsupported";
        if (file.warnings) os << ", " << file.warnings << " warnings";
        os << "\n";
        for (const auto& d : r.diagnostics) PrintDiagTable(os, d);
    }
    for (const auto& d : rules.compile_diagnostics()) {
        t.Count(d);
        if (jsonl) PrintDiagJson(os, d);
        else PrintDiagTable(os, d);
    }
    if (jsonl) {
        os << "{\"type\":\"totals\",\"files\":" << t.files << ",\"loaded\":" << t.loaded
           << ",\"skipped\":" << t.skipped << ",\"filters\":" << t.filters
           << ",\"correlations\":" << t.correlations << ",\"indexed\":" << rules.indexed_rules()
           << ",\"errors\":" << t.errors << ",\"unsupported\":" << t.unsupported
           << ",\"warnings\":" << t.warnings << "}\n";
    } else {
        os << "\nfiles: " << t.files << "  rules loaded: " << t.loaded << " (indexed "
           << rules.indexed_rules() << ")  skipped: " << t.skipped << "  filters: " << t.filters
           << "  correlations: " << t.correlations << "\nerrors: " << t.errors
           << "  unsupported: " << t.unsupported << "  warnings: " << t.warnings << "\n";
    }
    return t.errors ? kExitFatal : kExitOk;
}

Registration reg_rules("rules", "Work with Sigma rules", [](CLI::App& sub) {
    auto args = std::make_shared<RulesCheckArgs>();
    sub.require_subcommand(1);
    CLI::App* check = sub.add_subcommand(
        "check", "Load Sigma rules and report loaded / unsupported / errors per file "
                 "(exit 1 if any error)");
    check->add_option("paths", args->paths, "Rule files or directories")->required();
    check->add_option("--format", args->format, "table or jsonl")
        ->check(CLI::IsMember({"table", "jsonl"}));
    check->add_option("--placeholders", args->placeholders,
                      "YAML placeholder config for the expand modifier");
    check->add_option("--filters", args->filters, "Sigma meta-filter files or directories");
    check->add_option("--min-level", args->min_level, "Skip rules below this level");
    check->add_option("--status", args->statuses, "Keep only rules with these statuses");
    return [args]() { return RunRulesCheck(*args); };
});

} // namespace
} // namespace cloudsift::cli
