// Golden hunts: each tests/golden/<case>/ holds input/ (logs), rules/ (Sigma) and expected.jsonl
// (canonical findings). A case passes when the hunt yields exactly the expected findings.
// Canonical finding: {"rule_id","level","event_name","event_id","actor","source_ip","file","pos"},
// file relative to input/, sorted. CLOUDSIFT_GOLDEN_PRINT=1 prints the actual canonical lines.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "common/sanitize.h"
#include "hunt/hunter.h"
#include "test_support.h"

namespace cloudsift {
namespace {
namespace fs = std::filesystem;

std::vector<std::string> Canonical(const std::vector<Finding>& findings, const fs::path& input) {
    std::vector<std::string> out;
    std::string prefix = input.string() + "/";
    for (const auto& f : findings) {
        std::string file = f.file.starts_with(prefix) ? f.file.substr(prefix.size()) : f.file.str();
        std::string line = "{\"rule_id\":" + JsonString(f.rule_id()) + ",\"level\":" +
                           JsonString(f.level()) + ",\"event_name\":" + JsonString(f.event_name) +
                           ",\"event_id\":" + JsonString(f.event_id) + ",\"actor\":" +
                           JsonString(f.actor) + ",\"source_ip\":" + JsonString(f.source_ip) +
                           ",\"file\":" + JsonString(file) +
                           ",\"pos\":" + std::to_string(f.line_or_index) + "}";
        out.push_back(line);
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> ReadLines(const fs::path& p) {
    std::vector<std::string> out;
    std::ifstream in(p);
    for (std::string line; std::getline(in, line);)
        if (!line.empty() && line[0] != '#') out.push_back(line);
    std::sort(out.begin(), out.end());
    return out;
}

// Hunts inputs with rules (analytics only when asked) and compares the canonical findings with
// dir/expected.jsonl; file names in findings are relative to input_root.
HuntResult HuntAndCompare(const std::vector<std::string>& inputs, const fs::path& input_root,
                          const std::vector<std::string>& rule_paths, const fs::path& dir,
                          bool analytics) {
    HuntOptions options;
    options.scan.inputs = inputs;
    options.scan.threads = 2;
    options.rule_paths = rule_paths;
    options.analytics = analytics;
    std::vector<sigma::FileReport> reports;
    auto rules = LoadRules(options, reports);
    for (const auto& r : reports)
        for (const auto& d : r.diagnostics)
            EXPECT_NE(d.kind, sigma::Diagnostic::Kind::Error) << d.file << ":" << d.line << " " << d.message;
    HuntResult result = RunHunt(options, *rules);
    auto actual = Canonical(result.findings, input_root);
    if (std::getenv("CLOUDSIFT_GOLDEN_PRINT"))
        for (const auto& l : actual) std::cout << l << "\n";
    EXPECT_EQ(actual, ReadLines(dir / "expected.jsonl"));
    return result;
}

class GoldenHunt : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenHunt, ExactFindings) {
    fs::path dir = test::TestDir() / "golden" / GetParam();
    // Golden cases pin the Sigma engine; behavioural analytics have their own tests.
    HuntResult result = HuntAndCompare({(dir / "input").string()}, dir / "input",
                                       {(dir / "rules").string()}, dir,
                                       fs::exists(dir / "with-analytics"));
    // Expected bad input, when a case declares it, must be reported exactly.
    if (fs::exists(dir / "expected_bad.txt")) {
        std::vector<std::string> bad;
        for (const auto& f : result.scan.files) {
            std::string rel = fs::relative(f.info.path, dir / "input").string();
            if (f.skipped) bad.push_back(rel + " skipped");
            for (const auto& [reason, n] : f.report.reasons())
                bad.push_back(rel + " " + reason + " " + std::to_string(n));
        }
        std::sort(bad.begin(), bad.end());
        if (std::getenv("CLOUDSIFT_GOLDEN_PRINT"))
            for (const auto& l : bad) std::cout << "bad: " << l << "\n";
        EXPECT_EQ(bad, ReadLines(dir / "expected_bad.txt"));
    }
}

// Case directories under tests/<root> that hold expected.jsonl, sorted.
std::vector<std::string> CasesUnder(const char* root) {
    std::vector<std::string> out;
    for (auto& e : fs::directory_iterator(test::TestDir() / root))
        if (e.is_directory() && fs::exists(e.path() / "expected.jsonl"))
            out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

// Test name of a case directory (gtest names allow no '-').
std::string CaseName(const ::testing::TestParamInfo<std::string>& info) {
    std::string n = info.param;
    std::replace(n.begin(), n.end(), '-', '_');
    return n;
}

INSTANTIATE_TEST_SUITE_P(Cases, GoldenHunt, ::testing::ValuesIn(CasesUnder("golden")), CaseName);

// Real third-party events hunted with real third-party rules: tests/golden-datasets/<case>/ holds
// `input` and `rules` (one path per line, relative to the datasets folder) and expected.jsonl.
class DatasetGoldenHunt : public ::testing::TestWithParam<std::string> {};

TEST_P(DatasetGoldenHunt, ExactFindings) {
    fs::path datasets = test::DatasetsDir();
    if (datasets.empty()) GTEST_SKIP() << "datasets absent";
    fs::path dir = test::TestDir() / "golden-datasets" / GetParam();
    auto paths = [&](const char* name) {
        std::vector<std::string> out;
        for (const auto& l : ReadLines(dir / name)) out.push_back((datasets / l).string());
        return out;
    };
    std::vector<std::string> inputs = paths("input"), rules = paths("rules");
    for (const auto& p : inputs)
        if (!fs::exists(p)) GTEST_SKIP() << p << " absent";
    HuntAndCompare(inputs, datasets, rules, dir, false);
}

INSTANTIATE_TEST_SUITE_P(Cases, DatasetGoldenHunt,
                         ::testing::ValuesIn(CasesUnder("golden-datasets")), CaseName);

} // namespace
} // namespace cloudsift
