// The built-in rule pack: every rule loads without errors and its fixtures behave —
// tests/fixtures/rules/<rule-file-stem>/{match,nomatch}/* must / must not raise the rule (the
// first document of the file: the rule or the top correlation).
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <set>

#include "../analytics/analytics_test_util.h"
#include "test_support.h"

namespace cloudsift {
namespace {
namespace fs = std::filesystem;

fs::path RulesDir() {
    return test::TestDir().parent_path() / "rules";
}

struct Pack {
    sigma::RuleSet rules;
    std::vector<sigma::FileReport> reports;
    Pack() {
        rules.LoadPath(RulesDir().string(), {}, reports);
        rules.Compile();
    }
};
const Pack& ThePack() {
    static Pack p;
    return p;
}

// Rule files of the pack, with the id of their first document.
std::vector<std::pair<fs::path, std::string>> RuleFiles() {
    std::vector<std::pair<fs::path, std::string>> out;
    for (const auto& e : fs::recursive_directory_iterator(RulesDir()))
        if (e.path().extension() == ".yml")
            out.emplace_back(e.path(),
                             YAML::LoadAllFromFile(e.path().string())[0]["id"].as<std::string>());
    std::sort(out.begin(), out.end());
    return out;
}

TEST(RulePack, LoadsWithoutErrors) {
    const Pack& p = ThePack();
    for (const auto& r : p.reports)
        for (const auto& d : r.diagnostics)
            EXPECT_NE(d.kind, sigma::Diagnostic::Kind::Error)
                << d.file << ":" << d.line << " " << d.message;
    for (const auto& d : p.rules.compile_diagnostics())
        ADD_FAILURE() << d.file << " " << d.message;
    analytics::CorrelationEngine eng(p.rules);
    for (const auto& d : eng.diagnostics())
        ADD_FAILURE() << d.file << " " << d.message;
    EXPECT_GE(p.rules.size(), 30u);
    EXPECT_EQ(eng.active(), p.rules.correlations().size());
}

TEST(RulePack, EveryRuleHasMetadataAndFixtures) {
    std::set<std::string> ids;
    for (const auto& [path, id] : RuleFiles()) {
        for (const auto& doc : YAML::LoadAllFromFile(path.string())) {
            std::string did = doc["id"].as<std::string>();
            EXPECT_EQ(did.size(), 36u) << path;
            EXPECT_TRUE(ids.insert(did).second) << "duplicate id " << did;
            EXPECT_TRUE(doc["title"] && doc["description"] && doc["level"] && doc["tags"] &&
                        doc["falsepositives"])
                << path;
            bool attack = false;
            for (const auto& t : doc["tags"])
                attack |= t.as<std::string>().rfind("attack.", 0) == 0;
            EXPECT_TRUE(attack) << path;
            if (!doc["correlation"]) {
                EXPECT_TRUE(doc["logsource"]) << path;
            }
        }
        fs::path fix = test::TestDir() / "fixtures" / "rules" / path.stem();
        EXPECT_TRUE(fs::is_directory(fix / "match")) << "no match fixtures for " << path;
        EXPECT_TRUE(fs::is_directory(fix / "nomatch")) << "no nomatch fixtures for " << path;
    }
}

TEST(RulePack, FixturesMatchAndDoNotMatch) {
    const Pack& p = ThePack();
    size_t checked = 0;
    for (const auto& [path, id] : RuleFiles()) {
        fs::path fix = test::TestDir() / "fixtures" / "rules" / path.stem();
        for (const char* kind : {"match", "nomatch"}) {
            if (!fs::is_directory(fix / kind))
                continue;
            for (const auto& f : fs::directory_iterator(fix / kind)) {
                test::MiniHunt hunt(p.rules);
                auto outcome = hunt.Feed(test::ReadFile(f.path()), f.path().string());
                ASSERT_GT(outcome.records, 0u) << f.path() << " decoded nothing";
                EXPECT_EQ(outcome.report.bad(), 0u) << f.path();
                hunt.Finish();
                bool fired = hunt.Count(id) > 0;
                EXPECT_EQ(fired, std::string(kind) == "match") << path.stem() << " on " << f.path();
                ++checked;
            }
        }
    }
    EXPECT_GE(checked, 90u);
}

} // namespace
} // namespace cloudsift
