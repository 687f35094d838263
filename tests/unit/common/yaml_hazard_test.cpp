// The guard in front of the YAML library: a ',' at the top level of a document whose root is a
// flow value is found (with its line); valid YAML, block documents and commas inside values pass.
#include <gtest/gtest.h>

#include "common/yaml_hazard.h"

namespace cloudsift {
namespace {

TEST(YamlParserHazard, FindsTopLevelCommaAfterFlowRoot) {
    const std::pair<const char*, size_t> cases[] = {{"{\"a\": 1},", 1},
                                                    {"[1],", 1},
                                                    {"---\n[1],", 2},
                                                    {"[1]\n,", 2},
                                                    {"a: 1\n---\n{b: 2},", 3},
                                                    {"[1,\n2],", 2},
                                                    {"\"s\",", 1},
                                                    {", x", 1},
                                                    {"[1] [2],", 1},
                                                    {"&a [1],", 1},
                                                    {"!t [1],", 1},
                                                    {"--- [1],", 1},
                                                    {"%YAML 1.2\n---\n[1],", 3},
                                                    {"{a: 1} # c\n,", 2},
                                                    {"it's: [1]\n---\n[2],", 3},
                                                    {"&anchor,", 1},
                                                    {"&!\xcf\xcf>le\xff\xff,\xff", 1}};
    for (const auto& [text, line] : cases) {
        auto got = YamlParserHazard(text);
        ASSERT_TRUE(got.has_value()) << text;
        EXPECT_EQ(*got, line) << text;
    }
}

// Found by fuzzing: after a root sequence or scalar that a comment or its indentation ends, a
// line starting with ',' hangs the parser as well.
TEST(YamlParserHazard, FindsCommaLineAfterRootSequenceOrScalar) {
    const std::pair<std::string_view, size_t> cases[] = {{"a #c\n,\n", 2},
                                                         {"a #c\n,", 2},
                                                         {"a\n#c\n,\n", 3},
                                                         {"a #c\n ,\n", 2},
                                                         {"a #c\n\n,\n", 3},
                                                         {"x #c\n, y\n", 2},
                                                         {"!t a #c\n,\n", 2},
                                                         {"&x a #c\n,\n", 2},
                                                         {"- a #c\n,\n", 2},
                                                         {"- a\n,\n", 2},
                                                         {"- |\n b\n,\n", 3},
                                                         {"|\n a\n,\n", 3},
                                                         {">\n a\n,\n", 3},
                                                         {"title: x\n---\nET\t/x\t #c\n,\n", 4},
                                                         // after a quoted or flow root, any text
                                                         {" \"{\n \"eV{\n \"e\",\n", 2},
                                                         {"[1] x", 1},
                                                         {"'a'\n\n b", 3},
                                                         // a tag ends where the parser ends it
                                                         {"!\" \",", 1},
                                                         {"!<tag:a,b> [1],", 1},
                                                         // content after a root that ended
                                                         {"1 #\n\"\",", 2},
                                                         {"1 #\n[1],", 2},
                                                         {"- a\n\"\",", 2},
                                                         {"- a\n[1],", 2},
                                                         {"  - a\nb", 2},
                                                         {"|\n a\n\"\",", 3},
                                                         {"a\n# c\nb\n", 3},
                                                         {"&x a\n&F,", 2},
                                                         {"&: 1\n&F,", 2},
                                                         {"a\n[b]", 2},
                                                         {">\n\"\",", 2},
                                                         {"\"\n\":0\n\"\",", 2},
                                                         {":\n%\n\"\",", 2},
                                                         {"'''':0\n\"\",", 1},
                                                         {"[a]:b", 1},
                                                         {"{\xfc \"},", 1},
                                                         {"title: x\nid: \xff\n", 2},
                                                         {"&\r\",", 1},
                                                         {"a: 1\rb", 1},
                                                         {"& x", 1},
                                                         {" a: 1\n&F x\n\" \",", 2},
                                                         {"title: x\n%YAML 1.2\n", 2},
                                                         {"[1,\n%\n]", 2},
                                                         // control characters
                                                         {std::string_view("\0,", 2), 1},
                                                         {"title: x\n\x01\n", 2},
                                                         {"a: \x7f", 1}};
    for (const auto& [text, line] : cases) {
        auto got = YamlParserHazard(text);
        ASSERT_TRUE(got.has_value()) << text;
        EXPECT_EQ(*got, line) << text;
    }
}

TEST(YamlParserHazard, ValidYamlPasses) {
    for (const char* text : {"a: 1,",
                             "{a: 1}#c,",
                             "a: |\n  [1],\n",
                             "# [1],",
                             "[1, 2]",
                             "title: x\ndetection:\n  sel:\n    a: [1, 2]\n  condition: sel\n",
                             "{a: 'it''s', b: \"q\\\"\"}",
                             "a: \"x\"\n---\ntitle: y, z\n",
                             "\"title\": Foo, bar\n",
                             "tags: [a\n  , b]\n",
                             "a: b #c\n,\n",
                             "- a, b\n- c\n",
                             "? a\n,\n",
                             "a: |\n  x\n  , y\n",
                             "[a, b]: c, d\n",
                             "{a: 1} # c\n# d\n",
                             "\"s\"\n---\nx: 1\n",
                             "!!map {a: 1}\n",
                             "!<tag:yaml.org,2002:map> {a: 1}\n",
                             "--- !t\ntitle: x\n",
                             "- a\n- b\n",
                             "- a: 1\n  b: [2, 3]\n# c\n- c\n",
                             "  - a\n  - b\n",
                             "- a\n  b\n",
                             "|\n a\n b\n# c\n",
                             "|\nabc\nxyz\n",
                             "a\nb\n",
                             "a #c\n# d\n",
                             "'it''s': 1\n'b': 2\n",
                             " a: 1\n b: 2\n# c\n",
                             "&a k: 1\nb: 2\n",
                             "--- - a\n- b\n",
                             "\"k\":\n  v\n",
                             "- rule: x\n  ip: 1.2.3.4\n-\n  rule: y\n",
                             ""})
        EXPECT_FALSE(YamlParserHazard(text).has_value()) << text;
}

} // namespace
} // namespace cloudsift
