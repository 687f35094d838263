// Condition forms and precedence (sigma-rules-specification "Condition").
#include <gtest/gtest.h>

#include "sigma/condition.h"
#include "sigma_test_util.h"

namespace cloudsift::sigma::test {
namespace {

// Four selections on fields a, b, c, _d; an event sets some of them to "1".
std::string Rule4(const std::string& condition) {
    return RuleYaml("    sel_a:\n        a: '1'\n    sel_b:\n        b: '1'\n"
                    "    filter_c:\n        c: '1'\n    _hidden:\n        d: '1'\n"
                    "    condition: " + condition + "\n");
}

std::string Event(bool a, bool b, bool c, bool d) {
    std::string s = "{\"x\":0";
    if (a) s += ",\"a\":\"1\"";
    if (b) s += ",\"b\":\"1\"";
    if (c) s += ",\"c\":\"1\"";
    if (d) s += ",\"d\":\"1\"";
    return s + "}";
}

struct CondCase {
    const char* name;
    const char* condition;
    // expected result for each of the 16 combinations of (a, b, c, d), as a predicate
    bool (*expect)(bool a, bool b, bool c, bool d);
};

class ConditionCase : public ::testing::TestWithParam<CondCase> {};

TEST_P(ConditionCase, TruthTable) {
    const auto& cc = GetParam();
    Loaded l(Rule4(cc.condition));
    ASSERT_EQ(l.Errors(), 0u) << cc.condition;
    ASSERT_EQ(l.set.size(), 1u);
    for (int m = 0; m < 16; ++m) {
        bool a = m & 1, b = m & 2, c = m & 4, d = m & 8;
        EXPECT_EQ(l.Matches(Event(a, b, c, d)), cc.expect(a, b, c, d))
            << cc.condition << " with a=" << a << " b=" << b << " c=" << c << " d=" << d;
    }
}

const CondCase kCondCases[] = {
    {"and", "sel_a and sel_b", [](bool a, bool b, bool, bool) { return a && b; }},
    {"or", "sel_a or sel_b", [](bool a, bool b, bool, bool) { return a || b; }},
    {"not", "not sel_a", [](bool a, bool, bool, bool) { return !a; }},
    {"and_not", "sel_a and not filter_c", [](bool a, bool, bool c, bool) { return a && !c; }},
    {"and_binds_tighter_than_or", "sel_a or sel_b and filter_c",
     [](bool a, bool b, bool c, bool) { return a || (b && c); }},
    {"not_binds_tighter_than_and", "not sel_a and sel_b",
     [](bool a, bool b, bool, bool) { return !a && b; }},
    {"parentheses", "(sel_a or sel_b) and filter_c",
     [](bool a, bool b, bool c, bool) { return (a || b) && c; }},
    {"not_parentheses", "not (sel_a or sel_b)", [](bool a, bool b, bool, bool) { return !(a || b); }},
    {"double_not", "not not sel_a", [](bool a, bool, bool, bool) { return a; }},
    {"one_of_pattern", "1 of sel_*", [](bool a, bool b, bool, bool) { return a || b; }},
    {"any_of_pattern", "any of sel_*", [](bool a, bool b, bool, bool) { return a || b; }},
    {"all_of_pattern", "all of sel_*", [](bool a, bool b, bool, bool) { return a && b; }},
    {"one_of_them_skips_underscore", "1 of them",
     [](bool a, bool b, bool c, bool) { return a || b || c; }},
    {"all_of_them_skips_underscore", "all of them",
     [](bool a, bool b, bool c, bool) { return a && b && c; }},
    {"two_of_them", "2 of them",
     [](bool a, bool b, bool c, bool) { return int(a) + int(b) + int(c) >= 2; }},
    {"pattern_can_name_underscore", "1 of _*", [](bool, bool, bool, bool d) { return d; }},
    {"of_with_not", "1 of sel_* and not 1 of filter*",
     [](bool a, bool b, bool c, bool) { return (a || b) && !c; }},
    {"keywords_case_insensitive", "sel_a AND NOT filter_c",
     [](bool a, bool, bool c, bool) { return a && !c; }},
    {"pattern_in_middle", "all of *_a", [](bool a, bool, bool, bool) { return a; }},
};

INSTANTIATE_TEST_SUITE_P(Spec, ConditionCase, ::testing::ValuesIn(kCondCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(SigmaCondition, ListOfConditionsIsOr) {
    Loaded l(RuleYaml("    sel_a:\n        a: '1'\n    sel_b:\n        b: '1'\n"
                      "    condition:\n        - sel_a\n        - sel_b\n"));
    ASSERT_EQ(l.Errors(), 0u);
    EXPECT_TRUE(l.Matches(Event(false, true, false, false)));
    EXPECT_TRUE(l.Matches(Event(true, false, false, false)));
    EXPECT_FALSE(l.Matches(Event(false, false, true, false)));
}

TEST(SigmaCondition, ListOfMapsIsOr) {
    Loaded l(RuleYaml("    selection:\n        - a: '1'\n          b: '1'\n        - c: '1'\n"
                      "    condition: selection\n"));
    ASSERT_EQ(l.Errors(), 0u);
    EXPECT_TRUE(l.Matches(Event(true, true, false, false)));
    EXPECT_TRUE(l.Matches(Event(false, false, true, false)));
    EXPECT_FALSE(l.Matches(Event(true, false, false, false)));
}

TEST(SigmaCondition, ParserErrors) {
    for (const char* bad : {"", "sel and", "(sel", "sel)", "not", "sel or or x", "0 of sel*",
                            "x of sel*", "sel*", "1 of", "sel $ x"}) {
        auto r = ParseCondition(bad);
        EXPECT_FALSE(r.ok()) << bad;
        if (!r.ok()) {
            EXPECT_EQ(r.error().code, "condition.syntax") << bad;
        }
    }
}

TEST(SigmaCondition, AggregationIsReportedSeparately) {
    auto r = ParseCondition("selection | count() by src > 5");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "condition.aggregation");
}

TEST(SigmaCondition, DeepNestingIsBounded) {
    std::string deep(500, '(');
    deep += "a";
    deep += std::string(500, ')');
    EXPECT_FALSE(ParseCondition(deep).ok());
    std::string nots;
    for (int i = 0; i < 500; ++i) nots += "not ";
    EXPECT_FALSE(ParseCondition(nots + "a").ok());
}

TEST(SigmaCondition, IdentifierPatterns) {
    EXPECT_TRUE(IdentifierMatches("sel*", "selection"));
    EXPECT_TRUE(IdentifierMatches("*tion", "selection"));
    EXPECT_TRUE(IdentifierMatches("s*l*n", "selection"));
    EXPECT_FALSE(IdentifierMatches("sel*", "filter"));
    EXPECT_FALSE(IdentifierMatches("sel", "selection"));
}

} // namespace
} // namespace cloudsift::sigma::test
