// Helpers for Sigma engine tests: load YAML rules, build CloudTrail-like events, match.
#pragma once
#include <gtest/gtest.h>
#include <simdjson.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "event/json_event.h"
#include "event/normalized.h"
#include "sigma/rule_set.h"

namespace cloudsift::sigma::test {

//! A rule document around a detection body (already indented by 4 spaces per level).
inline std::string RuleYaml(const std::string& detection, const std::string& extra = "") {
    return "title: Test rule\nid: 00000000-0000-0000-0000-000000000001\n"
           "logsource:\n    product: aws\n    service: cloudtrail\n" +
           extra + "detection:\n" + detection + "level: high\n";
}

//! A temporary file holding text (e.g. a placeholder config), removed with the value.
struct TempFile {
    std::filesystem::path path;
    TempFile(const std::string& name, const std::string& text)
        : path(std::filesystem::temp_directory_path() /
               ("cloudsift_" + name + "_" + std::to_string(::getpid()) + ".yml")) {
        std::ofstream(path) << text;
    }
    ~TempFile() { std::filesystem::remove(path); }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
};

//! A loaded and compiled rule set with its load reports.
struct Loaded {
    RuleSet set;
    std::vector<FileReport> reports;

    explicit Loaded(const std::string& yaml, const LoadOptions& opt = {}) {
        set.LoadString(yaml, "test.yml", opt, reports);
        set.Compile();
    }
    //! Diagnostics of the given kind over all reports.
    std::vector<Diagnostic> Diags(Diagnostic::Kind kind) const {
        std::vector<Diagnostic> out;
        for (const auto& r : reports)
            for (const auto& d : r.diagnostics)
                if (d.kind == kind) out.push_back(d);
        return out;
    }
    size_t Errors() const { return Diags(Diagnostic::Kind::Error).size(); }
    //! Indices of the rules matching the JSON event (logsource aws/cloudtrail).
    std::vector<size_t> MatchJson(const std::string& json) const {
        simdjson::dom::parser parser;
        simdjson::dom::element root;
        EXPECT_EQ(parser.parse(json).get(root), simdjson::SUCCESS) << json;
        JsonEvent ev(root);
        Normalized norm;
        norm.logsource = {"aws", "cloudtrail", {"", ""}};
        norm.action = JsonString(root, {"eventName"});
        norm.service = JsonString(root, {"eventSource"});
        auto scratch = set.NewScratch();
        std::vector<size_t> out;
        set.Match(ev, norm, *scratch, [&](size_t i) { out.push_back(i); });
        return out;
    }
    //! Whether the first rule matches the JSON event.
    bool Matches(const std::string& json) const { return !MatchJson(json).empty(); }
};

} // namespace cloudsift::sigma::test
