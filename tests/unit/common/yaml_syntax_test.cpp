// The libyaml gate in front of yaml-cpp: well-formed YAML (several documents) passes; the shapes
// yaml-cpp hangs on, ordinary syntax errors and absurd nesting are refused with their line.
#include <gtest/gtest.h>

#include <string>

#include "common/yaml_hazard.h"
#include "common/yaml_syntax.h"

namespace cloudsift {
namespace {

TEST(YamlSyntaxProblem, AcceptsWellFormedDocuments) {
    const std::string_view cases[] = {
        "",
        "title: T\nlogsource:\n  product: aws\ndetection:\n  sel:\n    f: [a, b]\n"
        "  condition: sel\n---\ntitle: U\nfilter:\n  rules: [x]\n",
        "%YAML 1.1\n---\na: &x {b: 'c', d: \"e\"}\nf: *x\n...\n---\n- |\n  block\n- >\n  fold\n",
        "# only a comment\n",
        "\xef\xbb\xbfkey: v\xc3\xa9rit\xc3\xa9\n",
    };
    for (std::string_view text : cases)
        EXPECT_FALSE(YamlSyntaxProblem(text).has_value()) << text;
}

// The shapes fuzzing found yaml-cpp 0.7 looping on: every one is refused by YamlRefusal, and
// libyaml alone refuses all but the continued plain scalar (YamlParserHazard's).
TEST(YamlSyntaxProblem, RefusesShapesYamlCppHangsOn) {
    using namespace std::string_view_literals;
    const std::pair<std::string_view, size_t> libyaml_refuses[] = {
        {"a #c\n,"sv, 2},       {"- a\n[1],"sv, 2}, {"!\" \","sv, 1},         {"\0,"sv, 1},
        {"1 #\n\"\","sv, 2},    {">\n\"\","sv, 2},  {"\"\n\":0\n\"\","sv, 2}, {":\n%\n\"\","sv, 1},
        {"'''':0\n\"\","sv, 1}, {"&\r\","sv, 1},    {"{\xfc \"},"sv, 1},
    };
    for (const auto& [text, line] : libyaml_refuses) {
        auto got = YamlSyntaxProblem(text);
        ASSERT_TRUE(got.has_value()) << text;
        EXPECT_EQ(got->line, line) << text << ": " << got->message;
        EXPECT_FALSE(got->message.empty());
    }
    // Valid YAML (the plain scalar "a &F,"), yet yaml-cpp hangs on it: the hazard check stops it.
    EXPECT_FALSE(YamlSyntaxProblem("&x a\n&F,").has_value());
    for (const auto& [text, line] : libyaml_refuses)
        EXPECT_TRUE(YamlRefusal(text).has_value()) << text;
    auto hazard = YamlRefusal("&x a\n&F,");
    ASSERT_TRUE(hazard.has_value());
    EXPECT_EQ(hazard->line, 2u);
    EXPECT_EQ(hazard->message, kYamlHazardMessage);
}

TEST(YamlSyntaxProblem, ReportsLineColumnAndProblemOfSyntaxErrors) {
    struct Case {
        std::string_view text;
        size_t line, column;
        std::string_view problem;
    };
    const Case cases[] = {
        {"title: T\ndetection:\n  sel: [a, b\n  condition: sel\n", 4, 12,
         "did not find expected ',' or ']' (while parsing a flow sequence at line 3)"},
        {"a: [1, 2\n", 2, 1, "did not find expected ',' or ']'"},
        {"a:\n  b: 1\n c: 2\n", 3, 2, "did not find expected key"},
        {"a:\n\tb: 1\n", 2, 1, "found character that cannot start any token"},
        {"a: 1\n---\nb: 'x\n", 4, 1, "found unexpected end of stream"},
        // the octet that fails to continue the sequence is the line break
        {"a: 1\nb: \xc3\n", 2, 5, "invalid trailing UTF-8 octet"},
    };
    for (const auto& c : cases) {
        auto got = YamlSyntaxProblem(c.text);
        ASSERT_TRUE(got.has_value()) << c.text;
        EXPECT_EQ(got->line, c.line) << c.text << ": " << got->message;
        EXPECT_EQ(got->column, c.column) << c.text << ": " << got->message;
        EXPECT_NE(got->message.find(c.problem), std::string::npos) << got->message;
    }
}

// A later document's error is found too: every document of the stream is parsed.
TEST(YamlSyntaxProblem, ChecksEveryDocument) {
    auto got = YamlSyntaxProblem("a: 1\n---\nb: 2\n---\nc: [\n");
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(got->line, 6u);
}

TEST(YamlSyntaxProblem, RefusesAbsurdNesting) {
    const std::string ok = std::string(kMaxYamlDepth, '[') + std::string(kMaxYamlDepth, ']');
    EXPECT_FALSE(YamlSyntaxProblem(ok).has_value());
    const std::string deep = "a:\n  " + std::string(kMaxYamlDepth, '[') + "{b: 1}" +
                             std::string(kMaxYamlDepth, ']') + "\n";
    auto got = YamlSyntaxProblem(deep);
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(got->line, 2u);
    EXPECT_NE(got->message.find("nested more than"), std::string::npos) << got->message;
    // Unclosed nesting never reaches the end of the stream: refused at the same depth.
    EXPECT_TRUE(YamlSyntaxProblem(std::string(100000, '[')).has_value());
}

} // namespace
} // namespace cloudsift
