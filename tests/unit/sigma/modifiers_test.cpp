// Value modifiers, wildcards and value types, from the examples of the Sigma specification
// (sigma-rules-specification.md, sigma-appendix-modifiers.md).
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "sigma/value_pattern.h"
#include "sigma_test_util.h"

namespace cloudsift::sigma::test {
namespace {

struct Case {
    const char* name;
    const char* detection; // body of `selection:` (8-space indented lines)
    const char* event;
    bool match;
};

std::string Detection(const char* selection) {
    return std::string("    selection:\n") + selection + "    condition: selection\n";
}

class ModifierCase : public ::testing::TestWithParam<Case> {};

TEST_P(ModifierCase, Matches) {
    const Case& c = GetParam();
    Loaded l(RuleYaml(Detection(c.detection)));
    ASSERT_EQ(l.Errors(), 0u) << (l.reports[0].diagnostics.empty()
                                      ? ""
                                      : l.reports[0].diagnostics[0].message);
    ASSERT_EQ(l.set.size(), 1u);
    EXPECT_EQ(l.Matches(c.event), c.match) << c.name;
}

const Case kCases[] = {
    // Plain values: case-insensitive equality.
    {"equals", "        eventName: ConsoleLogin\n", R"({"eventName":"consolelogin"})", true},
    {"equals_not_substring", "        eventName: Console\n", R"({"eventName":"ConsoleLogin"})",
     false},
    {"list_is_or", "        eventName: [A, B]\n", R"({"eventName":"b"})", true},
    {"map_is_and", "        eventName: A\n        eventSource: s\n",
     R"({"eventName":"A","eventSource":"t"})", false},
    // Wildcards and escapes.
    {"star", "        f: 'prog*.exe'\n", R"({"f":"PROGRAM.exe"})", true},
    {"qmark", "        f: 'prog?.exe'\n", R"({"f":"progA.exe"})", true},
    {"qmark_one_char", "        f: 'prog?.exe'\n", R"({"f":"progAB.exe"})", false},
    {"qmark_utf8_char", "        f: 'a?b'\n", R"({"f":"a\u00e9b"})", true},
    {"escaped_star", "        f: 'a\\*b'\n", R"({"f":"a*b"})", true},
    {"escaped_star_literal", "        f: 'a\\*b'\n", R"({"f":"axxb"})", false},
    {"escaped_qmark", "        f: 'a\\?'\n", R"({"f":"ab"})", false},
    {"single_backslash", "        f: 'C:\\Windows\\x'\n", R"({"f":"C:\\Windows\\x"})", true},
    {"double_backslash_is_one", "        f: 'C:\\\\Windows'\n", R"({"f":"C:\\Windows"})", true},
    {"backslash_then_wildcard", "        f: 'dir\\\\*'\n", R"({"f":"dir\\anything"})", true},
    {"three_backslashes_star", "        f: 'dir\\\\\\*'\n", R"({"f":"dir\\*"})", true},
    {"three_backslashes_star_literal", "        f: 'dir\\\\\\*'\n", R"({"f":"dir\\x"})", false},
    {"four_backslashes", "        f: 'a\\\\\\\\b'\n", R"({"f":"a\\\\b"})", true},
    // contains / startswith / endswith.
    {"contains", "        f|contains: Test exec\n", R"({"f":"a TEST EXECutable"})", true},
    {"contains_no", "        f|contains: zzz\n", R"({"f":"abc"})", false},
    {"startswith", "        f|startswith: adm\n", R"({"f":"ADM_joe"})", true},
    {"startswith_no", "        f|startswith: adm\n", R"({"f":"xadm"})", false},
    {"endswith", "        f|endswith: '\\cmd.exe'\n", R"({"f":"C:\\x\\CMD.exe"})", true},
    {"endswith_no", "        f|endswith: '\\cmd.exe'\n", R"({"f":"cmd.exe.bak"})", false},
    {"contains_wildcard_inside", "        f|contains: 'a*c'\n", R"({"f":"xxabbbcxx"})", true},
    // all.
    {"contains_all", "        f|contains|all: [' -a', ' -b']\n", R"({"f":"x -b -a"})", true},
    {"contains_all_missing_one", "        f|contains|all: [' -a', ' -b']\n", R"({"f":"x -a"})",
     false},
    // cased.
    {"cased", "        f|cased: CamelCase\n", R"({"f":"CamelCase"})", true},
    {"cased_differs", "        f|cased: CamelCase\n", R"({"f":"camelcase"})", false},
    {"contains_cased", "        f|contains|cased: Abc\n", R"({"f":"xabcx"})", false},
    // re and its flags (RE2, unanchored search, case-sensitive by default).
    {"re", "        f|re: '.+:assumed-role/aws:.+'\n",
     R"({"f":"arn:aws:sts::1:assumed-role/aws:ec2-instance/i-1"})", true},
    {"re_case_sensitive", "        f|re: 'abc'\n", R"({"f":"ABC"})", false},
    {"re_i", "        f|re|i: 'abc'\n", R"({"f":"xABCx"})", true},
    {"re_m", "        f|re|m: '^two$'\n", R"({"f":"one\ntwo\nthree"})", true},
    {"re_without_m", "        f|re: '^two$'\n", R"({"f":"one\ntwo\nthree"})", false},
    {"re_s", "        f|re|s: 'a.b'\n", R"({"f":"a\nb"})", true},
    {"re_without_s", "        f|re: 'a.b'\n", R"({"f":"a\nb"})", false},
    // cidr.
    {"cidr_v4", "        ip|cidr: 10.0.0.0/8\n", R"({"ip":"10.1.2.3"})", true},
    {"cidr_v4_out", "        ip|cidr: 10.0.0.0/8\n", R"({"ip":"11.1.2.3"})", false},
    {"cidr_v6", "        ip|cidr: '2001:db8::/32'\n", R"({"ip":"2001:db8:1::5"})", true},
    {"cidr_v6_out", "        ip|cidr: '2001:db8::/32'\n", R"({"ip":"2001:db9::5"})", false},
    {"cidr_list", "        ip|cidr: [192.168.0.0/16, 172.16.0.0/12]\n",
     R"({"ip":"172.20.0.1"})", true},
    {"cidr_not_ip", "        ip|cidr: 10.0.0.0/8\n", R"({"ip":"example.com"})", false},
    // base64 / base64offset (value "cmd" -> "Y21k").
    {"base64", "        f|base64: cmd\n", R"({"f":"Y21k"})", true},
    {"base64_contains", "        f|base64|contains: /bin/sh\n", R"({"f":"xxL2Jpbi9zaA==yy"})",
     true},
    // base64("xfoobar") = eGZvb2Jhcg== ; base64("xxfoobar") = eHhmb29iYXI= ; base64("foobar")
    {"base64offset_0", "        f|base64offset|contains: foobar\n", R"({"f":"Zm9vYmFy"})", true},
    {"base64offset_1", "        f|base64offset|contains: foobar\n", R"({"f":"eGZvb2Jhcg=="})",
     true},
    {"base64offset_2", "        f|base64offset|contains: foobar\n", R"({"f":"eHhmb29iYXI="})",
     true},
    {"base64offset_no", "        f|base64offset|contains: foobar\n", R"({"f":"Zm9vYmF6"})",
     false},
    // utf16 family: "cmd" -> 63 00 6d 00 64 00 (LE), 00 63 00 6d 00 64 (BE), FF FE + LE.
    {"utf16le", "        f|utf16le|contains: cmd\n", R"({"f":"x\u0063\u0000m\u0000d\u0000"})",
     true},
    {"wide", "        f|wide|contains: cmd\n", R"({"f":"c\u0000m\u0000d\u0000"})", true},
    {"utf16be", "        f|utf16be: cmd\n", R"({"f":"\u0000c\u0000m\u0000d"})", true},
    {"utf16le_not_be", "        f|utf16le: cmd\n", R"({"f":"\u0000c\u0000m\u0000d"})", false},
    // base64(utf16le("cmd")) = YwBtAGQA
    {"wide_base64", "        f|wide|base64: cmd\n", R"({"f":"YwBtAGQA"})", true},
    // base64(utf16le("  cmd /c")) contains the 2-byte-shift variant.
    {"wide_base64offset", "        f|wide|base64offset|contains: cmd\n",
     R"({"f":"IAAgAGMAbQBkACAALwBjAA=="})", true},
    // windash: '-', '/', en dash, em dash, horizontal bar are interchangeable.
    {"windash_slash", "        f|windash|contains: ' -exec'\n", R"({"f":"ps /exec x"})", true},
    {"windash_dash", "        f|windash|contains: ' -exec'\n", R"({"f":"ps -exec x"})", true},
    {"windash_en_dash", "        f|windash|contains: ' -exec'\n", R"({"f":"ps \u2013exec"})",
     true},
    {"windash_em_dash", "        f|windash|contains: ' -exec'\n", R"({"f":"ps \u2014exec"})",
     true},
    {"windash_bar", "        f|windash|contains: ' -exec'\n", R"({"f":"ps \u2015exec"})", true},
    {"windash_other", "        f|windash|contains: ' -exec'\n", R"({"f":"ps +exec"})", false},
    // exists.
    {"exists_true", "        errorCode|exists: true\n", R"({"errorCode":"AccessDenied"})", true},
    {"exists_true_null_value", "        errorCode|exists: true\n", R"({"errorCode":null})", true},
    {"exists_true_absent", "        errorCode|exists: true\n", R"({"x":1})", false},
    {"exists_false", "        errorCode|exists: false\n", R"({"x":1})", true},
    {"exists_false_present", "        errorCode|exists: false\n", R"({"errorCode":""})", false},
    // fieldref (with neq).
    {"fieldref", "        a|fieldref: b\n", R"({"a":"Bob","b":"bob"})", true},
    {"fieldref_differs", "        a|fieldref: b\n", R"({"a":"alice","b":"bob"})", false},
    {"fieldref_missing", "        a|fieldref: b\n", R"({"a":"alice"})", false},
    {"fieldref_nested", "        userIdentity.userName|fieldref: requestParameters.userName\n",
     R"({"userIdentity":{"userName":"u"},"requestParameters":{"userName":"u"}})", true},
    {"fieldref_neq", "        a|fieldref|neq: b\n", R"({"a":"alice","b":"bob"})", true},
    {"fieldref_neq_equal", "        a|fieldref|neq: b\n", R"({"a":"bob","b":"bob"})", false},
    {"fieldref_endswith", "        a|fieldref|endswith: b\n", R"({"a":"arn:user/bob","b":"bob"})",
     true},
    // numeric comparisons.
    {"gt", "        n|gt: 10\n", R"({"n":11})", true},
    {"gt_equal", "        n|gt: 10\n", R"({"n":10})", false},
    {"gte", "        n|gte: 10\n", R"({"n":10})", true},
    {"lt", "        n|lt: 10\n", R"({"n":9.5})", true},
    {"lt_no", "        n|lt: 10\n", R"({"n":10})", false},
    {"lte", "        n|lte: 10\n", R"({"n":"10"})", true},
    {"gt_not_number", "        n|gt: 10\n", R"({"n":"abc"})", false},
    // neq.
    {"neq", "        f|neq: a\n", R"({"f":"b"})", true},
    {"neq_equal", "        f|neq: a\n", R"({"f":"A"})", false},
    {"neq_list", "        f|neq: [a, b]\n", R"({"f":"b"})", false},
    {"neq_absent", "        f|neq: a\n", R"({"g":"b"})", false},
    // time parts (2024-03-05T22:07:09Z: minute 7, hour 22, day 5, month 3, year 2024, week 10).
    {"minute", "        t|minute: 7\n", R"({"t":"2024-03-05T22:07:09Z"})", true},
    {"hour_gte", "        t|hour|gte: 22\n", R"({"t":"2024-03-05T22:07:09Z"})", true},
    {"hour_lt", "        t|hour|lt: 6\n", R"({"t":"2024-03-05T22:07:09Z"})", false},
    {"day", "        t|day: 5\n", R"({"t":"2024-03-05T22:07:09Z"})", true},
    {"week", "        t|week: 10\n", R"({"t":"2024-03-05T22:07:09Z"})", true},
    {"month", "        t|month: 3\n", R"({"t":"2024-03-05T22:07:09Z"})", true},
    {"year", "        t|year: 2024\n", R"({"t":"2024-03-05T22:07:09Z"})", true},
    {"year_not_time", "        t|year: 2024\n", R"({"t":"yesterday"})", false},
    // null / empty.
    {"null_absent", "        f: null\n", R"({"g":1})", true},
    {"null_value", "        f: null\n", R"({"f":null})", true},
    {"null_present", "        f: null\n", R"({"f":"x"})", false},
    {"empty_string", "        f: ''\n", R"({"f":""})", true},
    {"empty_string_absent", "        f: ''\n", R"({"g":""})", false},
    // numbers and booleans.
    {"number_int", "        EventID: 4769\n", R"({"EventID":4769})", true},
    {"number_string", "        EventID: 4769\n", R"({"EventID":"4769"})", true},
    {"number_float_eq", "        n: 1.5\n", R"({"n":1.50})", true},
    {"quoted_number_is_string", "        n: '0x17'\n", R"({"n":"0x17"})", true},
    {"bool", "        b: true\n", R"({"b":true})", true},
    {"bool_no", "        b: true\n", R"({"b":false})", false},
    // nested paths and arrays (any element).
    {"nested", "        userIdentity.sessionContext.sessionIssuer.userName: admin\n",
     R"({"userIdentity":{"sessionContext":{"sessionIssuer":{"userName":"Admin"}}}})", true},
    {"array_any_element", "        resources.ARN|endswith: ':bucket'\n",
     R"({"resources":[{"ARN":"a"},{"ARN":"arn:x:bucket"}]})", true},
    {"array_values", "        tags: prod\n", R"({"tags":["dev","prod"]})", true},
    {"array_no_element", "        tags: qa\n", R"({"tags":["dev","prod"]})", false},
    // Strings against an object field match its JSON text.
    {"object_json_text", "        requestParameters|contains|all: ['\"s3:GetObject\"', 'Allow']\n",
     R"({"requestParameters":{"policy":{"Action":"s3:GetObject","Effect":"Allow"}}})", true},
    {"contains_star_any", "        requestParameters.layers|contains: '*'\n",
     R"({"requestParameters":{"layers":["arn:layer"]}})", true},
};

INSTANTIATE_TEST_SUITE_P(Spec, ModifierCase, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(SigmaValue, Base64OffsetVariantsFollowPySigma) {
    // pySigma: b64encode(i*b' ' + "foobar")[start[i]:end[(len+i)%3]]
    auto v = Base64OffsetVariants("foobar");
    ASSERT_EQ(v.size(), 3u);
    EXPECT_EQ(v[0], "Zm9vYmFy");
    EXPECT_EQ(v[1], "Zvb2Jhc");
    EXPECT_EQ(v[2], "mb29iYX");
}

TEST(SigmaValue, Utf16EncodingsOfCmd) {
    EXPECT_EQ(Utf16Encode("cmd", false, false).value(), std::string("c\0m\0d\0", 6));
    EXPECT_EQ(Utf16Encode("cmd", true, false).value(), std::string("\0c\0m\0d", 6));
    EXPECT_EQ(Utf16Encode("cmd", false, true).value(), std::string("\xff\xfe" "c\0m\0d\0", 8));
    EXPECT_FALSE(Utf16Encode("\xff", false, false).ok());
}

TEST(SigmaValue, WindashProducesAllPermutations) {
    auto v = WindashVariants(SigmaString::Literal("-a /b"), 4096);
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(v.value().size(), 25u);
    EXPECT_FALSE(WindashVariants(SigmaString::Literal("-------"), 4096).ok());
}

TEST(SigmaValue, EscapeGrammar) {
    EXPECT_EQ(SigmaString::Parse("a\\*b").LiteralText(), "a*b");
    EXPECT_FALSE(SigmaString::Parse("a\\*b").HasWildcards());
    EXPECT_EQ(SigmaString::Parse("C:\\Windows").LiteralText(), "C:\\Windows");
    EXPECT_EQ(SigmaString::Parse("\\\\\\\\").LiteralText(), "\\\\");
    auto s = SigmaString::Parse("\\\\*");
    ASSERT_EQ(s.pieces.size(), 2u);
    EXPECT_EQ(s.pieces[0].text, "\\");
    EXPECT_EQ(s.pieces[1].kind, SigmaPiece::Kind::Star);
}

TEST(SigmaKeywords, ListIsOrOfSubstringsAcrossLeaves) {
    Loaded l(RuleYaml("    keywords:\n        - 'event::clear'\n        - 'event::drop'\n"
                      "    condition: keywords\n"));
    ASSERT_EQ(l.Errors(), 0u);
    EXPECT_TRUE(l.Matches(R"({"a":{"b":["x","run EVENT::drop now"]}})"));
    EXPECT_FALSE(l.Matches(R"({"a":"event:clear"})"));
}

TEST(SigmaKeywords, AllModifierNeedsEveryKeyword) {
    Loaded l(RuleYaml("    keywords_cmdlet:\n        '|all':\n            - 'OabVirtualDirectory'\n"
                      "            - ' -ExternalUrl '\n    condition: keywords_cmdlet\n"));
    ASSERT_EQ(l.Errors(), 0u);
    EXPECT_TRUE(l.Matches(R"({"c":"Set-OabVirtualDirectory -ExternalUrl x"})"));
    EXPECT_TRUE(l.Matches(R"({"c":"OabVirtualDirectory","d":"a -ExternalUrl b"})"));
    EXPECT_FALSE(l.Matches(R"({"c":"Set-OabVirtualDirectory"})"));
}

TEST(SigmaKeywords, NumbersAreSearchedAsText) {
    Loaded l(RuleYaml("    keywords: '4625'\n    condition: keywords\n"));
    ASSERT_EQ(l.Errors(), 0u);
    EXPECT_TRUE(l.Matches(R"({"EventID":4625})"));
    EXPECT_FALSE(l.Matches(R"({"EventID":4624})"));
}

TEST(SigmaExpand, PlaceholdersFromConfig) {
    TempFile config("placeholders",
                    "placeholders:\n  Servers: ['srv*', 'dc01']\n  Admins: [root]\n");
    LoadOptions opt;
    opt.placeholder_config = config.path.string();
    Loaded l(RuleYaml("    selection:\n        host|expand: '%Servers%'\n"
                      "        user|expand: '\\%plain%Admins%'\n"
                      "    condition: selection\n"),
             opt);
    ASSERT_EQ(l.Errors(), 0u);
    ASSERT_EQ(l.set.size(), 1u);
    EXPECT_TRUE(l.Matches(R"({"host":"SRV-web","user":"%plainroot"})"));
    EXPECT_TRUE(l.Matches(R"({"host":"dc01","user":"%plainroot"})"));
    EXPECT_FALSE(l.Matches(R"({"host":"ws1","user":"%plainroot"})"));
    EXPECT_FALSE(l.Matches(R"({"host":"dc01","user":"root"})"));
}

TEST(SigmaExpand, PlaceholderWithoutValueIsUnsupported) {
    Loaded l(RuleYaml("    selection:\n        host|expand: '%Servers%'\n"
                      "    condition: selection\n"));
    EXPECT_EQ(l.set.size(), 0u);
    EXPECT_EQ(l.Errors(), 0u);
    auto u = l.Diags(Diagnostic::Kind::Unsupported);
    ASSERT_EQ(u.size(), 1u);
    EXPECT_EQ(u[0].code, "placeholder.undefined");
    EXPECT_EQ(u[0].line, 8);
}

TEST(SigmaExpand, WithoutModifierPercentIsLiteral) {
    Loaded l(RuleYaml("    selection:\n        host: '%Servers%'\n    condition: selection\n"));
    ASSERT_EQ(l.set.size(), 1u);
    EXPECT_TRUE(l.Matches(R"({"host":"%servers%"})"));
}

TEST(SigmaPattern, GlobMatchesStarBacktracking) {
    struct G {
        const char* pattern;
        const char* subject;
        bool match;
    } cases[] = {{"*a*b*c", "xaybzc", true}, {"*a*b*c", "xaybz", false}, {"a*a*a", "aaa", true},
                 {"a*a*a", "aa", false},     {"*.exe", ".exe", true},     {"?", "", false},
                 {"**", "", true},           {"a?c*", "abcdef", true}};
    for (const auto& g : cases) {
        std::string buf;
        auto p = StringPattern::Compile(SigmaString::Parse(g.pattern), false);
        EXPECT_EQ(p.Match(g.subject, buf), g.match) << g.pattern << " ~ " << g.subject;
    }
}

} // namespace
} // namespace cloudsift::sigma::test
