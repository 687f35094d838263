// Rule loading: metadata, diagnostics, filters, correlations, index, shared rule folders.
#include <gtest/gtest.h>

#include <filesystem>

#include "common/strings.h"
#include "sigma/attack_tags.h"
#include "sigma/detection.h"
#include "sigma_test_util.h"
#include "test_support.h"

namespace cloudsift::sigma::test {
namespace {

TEST(SigmaLoader, ReadsMetadataAndAttackTags) {
    Loaded l("title: Meta\nid: abc\nname: meta_rule\nstatus: test\ndescription: d\nauthor: me\n"
             "date: 2024-01-02\nmodified: 2024-02-03\nreferences: [https://x]\n"
             "tags:\n  - attack.persistence\n  - attack.defense_evasion\n  - attack.t1098.001\n"
             "  - attack.T1078\n  - attack.g0016\n  - car.2013-05-004\n"
             "falsepositives: [admins]\nfields: [eventName]\n"
             "related:\n  - id: other\n    type: derived\n"
             "logsource:\n  product: aws\n  service: cloudtrail\n"
             "detection:\n  sel:\n    eventName: X\n  condition: sel\nlevel: critical\n");
    ASSERT_EQ(l.set.size(), 1u);
    const Rule& r = l.set.rule(0);
    EXPECT_EQ(r.id, "abc");
    EXPECT_EQ(r.name, "meta_rule");
    EXPECT_EQ(r.title, "Meta");
    EXPECT_EQ(r.status, "test");
    EXPECT_EQ(r.level, Level::Critical);
    EXPECT_EQ(r.date, "2024-01-02");
    EXPECT_EQ(r.modified, "2024-02-03");
    EXPECT_EQ(r.product, "aws");
    EXPECT_EQ(r.service, "cloudtrail");
    EXPECT_EQ(r.line, 1);
    EXPECT_EQ(r.tactics, (std::vector<std::string>{"persistence", "defense-evasion"}));
    EXPECT_EQ(r.techniques, (std::vector<std::string>{"T1098.001", "T1078"}));
    EXPECT_EQ(r.tags.size(), 6u);
    ASSERT_EQ(r.related.size(), 1u);
    EXPECT_EQ(r.related[0].type, "derived");
    EXPECT_EQ(r.fields, std::vector<std::string>{"eventName"});
    EXPECT_EQ(l.set.FindRule("meta_rule"), std::optional<size_t>(0));
    EXPECT_EQ(l.set.FindRule("abc"), std::optional<size_t>(0));
}

TEST(SigmaLoader, Levels) {
    EXPECT_EQ(ParseLevel("HIGH"), Level::High);
    EXPECT_EQ(ParseLevel("informational"), Level::Informational);
    EXPECT_FALSE(ParseLevel("severe").has_value());
    for (Level l : {Level::Informational, Level::Low, Level::Medium, Level::High, Level::Critical})
        EXPECT_EQ(ParseLevel(LevelName(l)), l);
}

struct DiagCase {
    const char* name;
    const char* yaml;
    Diagnostic::Kind kind;
    const char* code;
    int line;
};

class LoaderDiag : public ::testing::TestWithParam<DiagCase> {};

TEST_P(LoaderDiag, ReportsKindCodeAndLine) {
    const auto& c = GetParam();
    Loaded l(c.yaml);
    EXPECT_EQ(l.set.size(), 0u);
    auto diags = l.Diags(c.kind);
    ASSERT_FALSE(diags.empty()) << c.name;
    EXPECT_EQ(diags[0].code, c.code) << diags[0].message;
    EXPECT_EQ(diags[0].line, c.line) << diags[0].message;
    EXPECT_EQ(diags[0].file, "test.yml");
}

const char* kHead = "title: T\nlogsource:\n  product: aws\ndetection:\n";

const DiagCase kDiagCases[] = {
    {"bad_yaml", "title: T\ndetection:\n  sel: [a, b\n  condition: sel\n", Diagnostic::Kind::Error,
     "yaml.parse", 4},
    {"unknown_modifier",
     "title: T\nlogsource:\n  product: aws\ndetection:\n  sel:\n    f|bogus: x\n  condition: sel\n",
     Diagnostic::Kind::Error, "modifier.unknown", 6},
    {"bad_regex_backreference",
     "title: T\nlogsource:\n  product: aws\ndetection:\n  sel:\n    f|re: '(a)\\1'\n"
     "  condition: sel\n",
     Diagnostic::Kind::Error, "regex.invalid", 6},
    {"bad_regex_lookahead",
     "title: T\nlogsource:\n  product: aws\ndetection:\n  sel:\n    f|re: 'a(?=b)'\n"
     "  condition: sel\n",
     Diagnostic::Kind::Error, "regex.invalid", 6},
    {"undefined_identifier",
     "title: T\nlogsource:\n  product: aws\ndetection:\n  sel:\n    f: x\n  condition: sel and "
     "nope\n",
     Diagnostic::Kind::Error, "condition.undefined", 7},
    {"pattern_matches_nothing",
     "title: T\nlogsource:\n  product: aws\ndetection:\n  sel:\n    f: x\n  condition: 1 of zz*\n",
     Diagnostic::Kind::Error, "condition.undefined", 7},
    {"condition_syntax",
     "title: T\nlogsource:\n  product: aws\ndetection:\n  sel:\n    f: x\n  condition: sel and\n",
     Diagnostic::Kind::Error, "condition.syntax", 7},
    {"missing_condition", "title: T\nlogsource:\n  product: aws\ndetection:\n  sel:\n    f: x\n",
     Diagnostic::Kind::Error, "condition.missing", 5},
    {"missing_title",
     "logsource:\n  product: aws\ndetection:\n  sel:\n    f: x\n  condition: sel\n",
     Diagnostic::Kind::Error, "rule.title", 1},
    {"missing_logsource", "title: T\ndetection:\n  sel:\n    f: x\n  condition: sel\n",
     Diagnostic::Kind::Error, "rule.logsource", 1},
    {"not_a_rule", "title: T\nfoo: bar\n", Diagnostic::Kind::Error, "rule.type", 1},
    {"map_value",
     "title: T\nlogsource:\n  product: aws\ndetection:\n  sel:\n    f:\n      g: x\n"
     "  condition: sel\n",
     Diagnostic::Kind::Error, "detection.type", 6},
    {"re_with_contains",
     "title: T\nlogsource:\n  product: aws\ndetection:\n  sel:\n    f|re|contains: x\n"
     "  condition: sel\n",
     Diagnostic::Kind::Error, "modifier.combination", 6},
    {"i_without_re",
     "title: T\nlogsource:\n  product: aws\ndetection:\n  sel:\n    f|i: x\n  condition: sel\n",
     Diagnostic::Kind::Error, "modifier.combination", 6},
    {"gt_not_number",
     "title: T\nlogsource:\n  product: aws\ndetection:\n  sel:\n    f|gt: abc\n  condition: sel\n",
     Diagnostic::Kind::Error, "modifier.value", 6},
    {"bad_cidr",
     "title: T\nlogsource:\n  product: aws\ndetection:\n  sel:\n    f|cidr: 10.0.0.0/99\n"
     "  condition: sel\n",
     Diagnostic::Kind::Error, "cidr.invalid", 6},
    {"exists_not_bool",
     "title: T\nlogsource:\n  product: aws\ndetection:\n  sel:\n    f|exists: maybe\n"
     "  condition: sel\n",
     Diagnostic::Kind::Error, "modifier.value", 6},
    {"base64_wildcard",
     "title: T\nlogsource:\n  product: aws\ndetection:\n  sel:\n    f|contains|base64: x\n"
     "  condition: sel\n",
     Diagnostic::Kind::Error, "modifier.combination", 6},
    {"aggregation_unsupported",
     "title: T\nlogsource:\n  product: aws\ndetection:\n  sel:\n    f: x\n"
     "  condition: sel | count() > 5\n",
     Diagnostic::Kind::Unsupported, "condition.aggregation", 7},
    {"correlation_bad_type", "title: C\ncorrelation:\n  type: nope\n  rules: [a]\n  timespan: 1h\n",
     Diagnostic::Kind::Error, "correlation.type", 3},
};

INSTANTIATE_TEST_SUITE_P(Diagnostics, LoaderDiag, ::testing::ValuesIn(kDiagCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(SigmaLoader, BadRuleDoesNotStopOthers) {
    Loaded l(std::string(kHead) + "  sel:\n    f|bogus: x\n  condition: sel\n---\n" + kHead +
             "  sel:\n    f: x\n  condition: sel\n---\n");
    EXPECT_EQ(l.set.size(), 1u);
    EXPECT_EQ(l.Errors(), 1u);
    EXPECT_EQ(l.reports[0].loaded, 1);
}

TEST(SigmaLoader, LevelAndStatusOptions) {
    std::string yaml = "title: A\nstatus: test\nlevel: low\nlogsource: {product: aws}\n"
                       "detection: {s: {f: x}, condition: s}\n---\n"
                       "title: B\nstatus: stable\nlevel: high\nlogsource: {product: aws}\n"
                       "detection: {s: {f: x}, condition: s}\n";
    LoadOptions opt;
    opt.min_level = Level::Medium;
    Loaded by_level(yaml, opt);
    ASSERT_EQ(by_level.set.size(), 1u);
    EXPECT_EQ(by_level.set.rule(0).title, "B");
    EXPECT_EQ(by_level.reports[0].skipped, 1);
    LoadOptions st;
    st.statuses = {"test"};
    Loaded by_status(yaml, st);
    ASSERT_EQ(by_status.set.size(), 1u);
    EXPECT_EQ(by_status.set.rule(0).title, "A");
}

TEST(SigmaLoader, GarbageNeverThrows) {
    for (const char* junk : {"", "---", "- a\n- b\n", "{", "title: [", "\t\t:", "detection: 5",
                             "title: x\ndetection: {condition: [1, 2]}\nlogsource: {}",
                             "title: x\nlogsource: {}\ndetection: {s: [[1]], condition: s}",
                             "title: x\nlogsource: {}\ndetection: {s: ~, condition: s}",
                             "title: x\nfilter: {rules: [a]}\nlogsource: {}",
                             "title: x\ncorrelation: {type: temporal, rules: a, timespan: zz}"}) {
        RuleSet set;
        std::vector<FileReport> reports;
        EXPECT_NO_THROW(set.LoadString(junk, "junk.yml", {}, reports)) << junk;
        EXPECT_NO_THROW(set.Compile());
    }
}

// Texts the YAML library would loop on forever (found by fuzzing the reader) are refused with
// the line of the offending ','.
TEST(SigmaLoader, FlowRootFollowedByCommaIsRefusedNotHung) {
    for (const char* junk : {"{\"a\": 1},", "[1],", "title: x\n---\n\"s\",", "[1]\n,"}) {
        RuleSet set;
        std::vector<FileReport> reports;
        set.LoadString(junk, "junk.yml", {}, reports);
        ASSERT_EQ(reports.size(), 1u);
        ASSERT_FALSE(reports[0].diagnostics.empty()) << junk;
        EXPECT_EQ(reports[0].diagnostics[0].code, "yaml.parse") << junk;
    }
}

// Malformed YAML is refused by libyaml before yaml-cpp sees it, with libyaml's line, column and
// problem; a placeholder config goes through the same gate.
TEST(SigmaLoader, MalformedYamlIsReportedWithLibyamlPosition) {
    Loaded l("title: T\nlogsource:\n  product: aws\n service: cloudtrail\n");
    auto errors = l.Diags(Diagnostic::Kind::Error);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].code, "yaml.parse");
    EXPECT_EQ(errors[0].line, 4);
    EXPECT_EQ(errors[0].column, 2);
    EXPECT_NE(errors[0].message.find("did not find expected key"), std::string::npos)
        << errors[0].message;

    TempFile config("bad_placeholders",
                    "placeholders:\n  Servers: ['srv*', 'dc01'\n  Admins: [root]\n");
    LoadOptions opt;
    opt.placeholder_config = config.path.string();
    Loaded p("title: T\nlogsource:\n  product: aws\ndetection:\n  sel:\n    f: x\n"
             "  condition: sel\n",
             opt);
    auto perr = p.Diags(Diagnostic::Kind::Error);
    ASSERT_EQ(perr.size(), 1u);
    EXPECT_EQ(perr[0].code, "placeholder.config");
    EXPECT_EQ(perr[0].line, 3);
    EXPECT_NE(perr[0].message.find("did not find expected ',' or ']'"), std::string::npos)
        << perr[0].message;
}

// Meta-filters (sigma-filters-specification).
TEST(SigmaFilters, SuppressNamedRulesOnly) {
    std::string rules = "title: R1\nid: 6f3e2987-db24-4c78-a860-b4f4095a7095\n"
                        "logsource: {product: aws, service: cloudtrail}\n"
                        "detection: {sel: {eventName: CreateUser}, condition: sel}\n---\n"
                        "title: R2\nname: r2\nid: r2-id\n"
                        "logsource: {product: aws, service: cloudtrail}\n"
                        "detection: {sel: {eventName: CreateUser}, condition: sel}\n---\n"
                        "title: R3\nid: r3-id\n"
                        "logsource: {product: aws, service: cloudtrail}\n"
                        "detection: {sel: {eventName: CreateUser}, condition: sel}\n---\n"
                        "title: Filter admins\nlogsource:\n  product: aws\n  service: cloudtrail\n"
                        "filter:\n  rules:\n    - 6f3e2987-db24-4c78-a860-b4f4095a7095\n    - r2\n"
                        "    - not-loaded\n"
                        "  selection:\n    userIdentity.userName|startswith: 'adm_'\n"
                        "  condition: selection\n";
    Loaded l(rules);
    ASSERT_EQ(l.Errors(), 0u);
    ASSERT_EQ(l.set.size(), 3u);
    ASSERT_EQ(l.set.filters().size(), 1u);
    EXPECT_EQ(l.reports[0].filters, 1);
    auto admin = l.MatchJson(R"({"eventName":"CreateUser","userIdentity":{"userName":"adm_x"}})");
    EXPECT_EQ(admin, std::vector<size_t>{2});
    auto other = l.MatchJson(R"({"eventName":"CreateUser","userIdentity":{"userName":"bob"}})");
    EXPECT_EQ(other, (std::vector<size_t>{0, 1, 2}));
    ASSERT_EQ(l.set.compile_diagnostics().size(), 1u);
    EXPECT_EQ(l.set.compile_diagnostics()[0].code, "filter.unresolved");
}

TEST(SigmaFilters, LogsourceMismatchIsNotApplied) {
    Loaded l("title: R1\nid: a\nlogsource: {product: aws, service: cloudtrail}\n"
             "detection: {sel: {eventName: X}, condition: sel}\n---\n"
             "title: F\nlogsource: {product: windows}\n"
             "filter: {rules: [a], sel: {eventName: X}, condition: sel}\n");
    EXPECT_TRUE(l.Matches(R"({"eventName":"X"})"));
    ASSERT_EQ(l.set.compile_diagnostics().size(), 1u);
    EXPECT_EQ(l.set.compile_diagnostics()[0].code, "filter.logsource");
}

// Correlation rules are kept and resolved for the correlation engine (no diagnostics).
TEST(SigmaCorrelation, ParsedAndResolved) {
    Loaded l("title: Chain\nid: c1\nlevel: critical\ntags: [attack.persistence]\n"
             "correlation:\n  type: temporal_ordered\n  rules:\n    - IAM CreateUser\n    - ak\n"
             "  group-by:\n    - sourceIPAddress\n  timespan: 10m\n"
             "  aliases:\n    ip:\n      ak: sourceIPAddress\n"
             "---\n"
             "title: Many\ncorrelation:\n  type: value_count\n  rules: [c1]\n  group-by: [u]\n"
             "  timespan: 1d\n  condition:\n    field: eventName\n    gte: 3\n    lt: 10\n"
             "  generate: true\n"
             "---\n"
             "title: IAM CreateUser\nlogsource: {product: aws, service: cloudtrail}\n"
             "detection: {sel: {eventName: CreateUser}, condition: sel}\n---\n"
             "title: Key\nname: ak\nlogsource: {product: aws, service: cloudtrail}\n"
             "detection: {sel: {eventName: CreateAccessKey}, condition: sel}\n");
    EXPECT_EQ(l.Errors(), 0u);
    EXPECT_EQ(l.set.size(), 2u);
    ASSERT_EQ(l.set.correlations().size(), 2u);
    EXPECT_EQ(l.reports[0].correlations, 2);
    EXPECT_EQ(l.Diags(Diagnostic::Kind::Unsupported).size(), 0u);
    const Correlation& c = l.set.correlations()[0];
    EXPECT_EQ(c.type, "temporal_ordered");
    EXPECT_EQ(c.timespan_ms, 600000);
    EXPECT_EQ(c.level, Level::Critical);
    EXPECT_EQ(c.tactics, std::vector<std::string>{"persistence"});
    EXPECT_EQ(c.group_by, std::vector<std::string>{"sourceIPAddress"});
    EXPECT_EQ(c.aliases.at("ip").at("ak"), "sourceIPAddress");
    EXPECT_FALSE(c.generate);
    ASSERT_EQ(c.refs.size(), 2u);
    EXPECT_EQ(c.refs[0].kind, Correlation::Ref::Kind::Rule);
    EXPECT_EQ(l.set.rule(c.refs[0].index).title, "IAM CreateUser");
    EXPECT_EQ(l.set.rule(c.refs[1].index).name, "ak");
    EXPECT_TRUE(l.set.rule(0).correlation_only);
    const Correlation& v = l.set.correlations()[1];
    EXPECT_EQ(v.condition_field, "eventName");
    EXPECT_EQ(v.condition.size(), 2u);
    EXPECT_TRUE(v.generate);
    EXPECT_EQ(v.refs[0].kind, Correlation::Ref::Kind::Correlation);
    EXPECT_EQ(v.refs[0].index, 0u);
}

TEST(SigmaAttack, TagParsing) {
    std::vector<std::string> tactics, techniques;
    ParseAttackTags({"attack.Defense_Evasion", "attack.command-and-control", "attack.t1562.001",
                     "attack.t1562.001", "attack.t12", "attack.s0002", "cve.2021-44228"},
                    tactics, techniques);
    EXPECT_EQ(tactics, (std::vector<std::string>{"defense-evasion", "command-and-control"}));
    EXPECT_EQ(techniques, std::vector<std::string>{"T1562.001"});
}

// The eventName / eventSource index must only ever prune rules that cannot match.
TEST(SigmaIndex, IndexedRuleFiresOnlyForItsEventName) {
    Loaded l("title: ByName\nlogsource: {product: aws, service: cloudtrail}\n"
             "detection: {sel: {eventName: [CreateUser, DeleteUser]}, condition: sel}\n---\n"
             "title: BySource\nlogsource: {product: aws, service: cloudtrail}\n"
             "detection: {sel: {eventSource: iam.amazonaws.com}, f: {x: '1'}, "
             "condition: sel and not f}\n---\n"
             "title: Unindexed\nlogsource: {product: aws, service: cloudtrail}\n"
             "detection: {sel: {eventName|startswith: Create}, condition: sel}\n---\n"
             "title: OrBreaksIndex\nlogsource: {product: aws, service: cloudtrail}\n"
             "detection: {a: {eventName: GetObject}, b: {errorCode: X}, condition: a or b}\n");
    ASSERT_EQ(l.Errors(), 0u);
    EXPECT_EQ(l.set.indexed_rules(), 2u);
    EXPECT_EQ(l.MatchJson(R"({"eventName":"CreateUser","eventSource":"iam.amazonaws.com"})"),
              (std::vector<size_t>{0, 1, 2}));
    EXPECT_EQ(l.MatchJson(R"({"eventName":"deleteuser","eventSource":"IAM.amazonaws.com"})"),
              (std::vector<size_t>{0, 1}));
    EXPECT_EQ(l.MatchJson(R"({"eventName":"ListUsers","eventSource":"iam.amazonaws.com"})"),
              std::vector<size_t>{1});
    EXPECT_EQ(l.MatchJson(R"({"eventName":"CreateBucket","eventSource":"s3.amazonaws.com"})"),
              std::vector<size_t>{2});
    EXPECT_EQ(l.MatchJson(R"({"eventName":"PutObject","errorCode":"X"})"), std::vector<size_t>{3});
}

// Brute check: for every (rule, event) pair the indexed Match agrees with direct evaluation.
TEST(SigmaIndex, AgreesWithUnindexedEvaluation) {
    const char* names[] = {"CreateUser", "DeleteUser", "GetObject", "ListBuckets", "createuser"};
    std::string yaml;
    int n = 0;
    for (const char* a : names)
        for (const char* b : names) {
            yaml += "title: r" + std::to_string(n++) +
                    "\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n"
                    "  s1: {eventName: " +
                    std::string(a) + "}\n  s2: {eventName: " + b +
                    "}\n  s3: {eventSource: iam.amazonaws.com}\n"
                    "  condition: (s1 or s2) and s3\n---\n";
        }
    Loaded l(yaml);
    ASSERT_EQ(l.set.size(), 25u);
    EXPECT_EQ(l.set.indexed_rules(), 25u);
    for (const char* ev : names) {
        std::string json =
            std::string("{\"eventName\":\"") + ev + "\",\"eventSource\":\"iam.amazonaws.com\"}";
        auto got = l.MatchJson(json);
        std::vector<size_t> want;
        int k = 0;
        for (const char* a : names)
            for (const char* b : names) {
                if (cloudsift::IEquals(ev, a) || cloudsift::IEquals(ev, b))
                    want.push_back(size_t(k));
                ++k;
            }
        EXPECT_EQ(got, want) << ev;
    }
}

// Rules requiring neither eventName nor eventSource are indexed by another field they require
// to equal one of a few values; brute check against direct evaluation, with values the index
// cannot decide (numbers, objects, arrays, absent fields, case).
TEST(SigmaIndex, OtherFieldIndexAgreesWithDirectEvaluation) {
    auto rule = [](const std::string& title, const std::string& detection) {
        return "title: " + title +
               "\nlogsource: {product: aws, service: cloudtrail}\ndetection: " + detection + "\n";
    };
    Loaded l(rule("type", "{sel: {userIdentity.type: [Root, AssumedRole]}, condition: sel}") +
             "---\n" +
             rule("two", "{sel: {userIdentity.type: AssumedRole, "
                         "userIdentity.sessionContext.sessionIssuer.type: Role}, condition: sel}") +
             "---\n" +
             rule("err", "{sel: {errorCode: [AccessDenied, Client.UnauthorizedOperation]}, "
                         "f: {eventType: AwsServiceEvent}, condition: sel and not f}") +
             "---\n" + rule("num", "{sel: {x: '5'}, condition: sel}") + "---\n" +
             rule("obj", "{sel: {requestParameters: '{\"a\":1}'}, condition: sel}") + "---\n" +
             rule("cased", "{sel: {userAgent|cased: TruffleHog}, condition: sel}"));
    ASSERT_EQ(l.Errors(), 0u);
    EXPECT_EQ(l.set.indexed_rules(), 6u);
    const char* events[] = {
        R"({"userIdentity":{"type":"Root"}})",
        R"({"userIdentity":{"type":"root"}})",
        R"({"userIdentity":{"type":"AssumedRole","sessionContext":{"sessionIssuer":{"type":"Role"}}}})",
        R"({"userIdentity":{"type":"IAMUser"}})",
        R"({"userIdentity":{"type":["Root","IAMUser"]}})",
        R"({"userIdentity":{"type":{"nested":"Root"}}})",
        R"({"errorCode":"AccessDenied"})",
        R"({"errorCode":"accessdenied","eventType":"AwsServiceEvent"})",
        R"({"errorCode":null})",
        R"({"x":5})",
        R"({"x":"5"})",
        R"({"x":[4,5]})",
        R"({"x":true})",
        R"({"requestParameters":{"a":1}})",
        R"({"requestParameters":"{\"a\":1}"})",
        R"({"userAgent":"TruffleHog"})",
        R"({"userAgent":"trufflehog"})",
        R"({})",
    };
    for (const char* json : events) {
        simdjson::dom::parser parser;
        simdjson::dom::element root;
        ASSERT_EQ(parser.parse(std::string_view(json)).get(root), simdjson::SUCCESS) << json;
        JsonEvent ev(root);
        detail::EvalScratch scratch;
        std::vector<size_t> want;
        for (size_t i = 0; i < l.set.size(); ++i) {
            const Rule& r = l.set.rule(i);
            bool hit = detail::Evaluate(*r.detection, ev, scratch);
            for (const auto& f : r.filters)
                hit = hit && !detail::Evaluate(*f, ev, scratch);
            if (hit)
                want.push_back(i);
        }
        EXPECT_EQ(l.MatchJson(json), want) << json;
    }
    // The index is not a no-op: these events meet the rules they should.
    EXPECT_EQ(l.MatchJson(events[0]), std::vector<size_t>{0});
    EXPECT_EQ(l.MatchJson(events[2]), (std::vector<size_t>{0, 1}));
    EXPECT_EQ(l.MatchJson(events[7]), std::vector<size_t>{});
}

TEST(SigmaLogsource, RulesApplyByProductServiceCategory) {
    Loaded l(
        "title: aws-only\nlogsource: {product: aws}\ndetection: {s: {x: '1'}, condition: s}\n"
        "---\ntitle: ct\nlogsource: {product: AWS, service: CloudTrail}\n"
        "detection: {s: {x: '1'}, condition: s}\n"
        "---\ntitle: vpc\nlogsource: {product: aws, service: vpcflow}\n"
        "detection: {s: {x: '1'}, condition: s}\n"
        "---\ntitle: dns\nlogsource: {category: dns}\ndetection: {s: {x: '1'}, condition: s}\n");
    ASSERT_EQ(l.set.size(), 4u);
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    ASSERT_EQ(parser.parse(std::string(R"({"x":"1"})")).get(root), simdjson::SUCCESS);
    JsonEvent ev(root);
    auto scratch = l.set.NewScratch();
    auto run = [&](LogSource ls) {
        Normalized norm;
        norm.logsource = ls;
        std::vector<size_t> out;
        l.set.Match(ev, norm, *scratch, [&](size_t i) { out.push_back(i); });
        return out;
    };
    EXPECT_EQ(run({"aws", "cloudtrail", {"", ""}}), (std::vector<size_t>{0, 1}));
    EXPECT_EQ(run({"aws", "vpcflow", {"network", ""}}), (std::vector<size_t>{0, 2}));
    EXPECT_EQ(run({"aws", "route53", {"network", "dns"}}), (std::vector<size_t>{0, 3}));
    EXPECT_EQ(run({"linux", "auth", {"", ""}}), std::vector<size_t>{});
}

// The shared rule folders (SigmaHQ AWS CloudTrail rules, Suzaku) must load without errors.
TEST(SigmaDatasets, SharedRuleFoldersLoadWithoutErrors) {
    auto base = cloudsift::test::DatasetsDir();
    if (base.empty() || !std::filesystem::exists(base / "rules"))
        GTEST_SKIP() << "shared datasets not present";
    RuleSet set;
    std::vector<FileReport> reports;
    for (const char* sub : {"rules/sigmahq", "rules/suzaku/sigma", "rules/suzaku/suzaku"})
        if (std::filesystem::exists(base / sub))
            set.LoadPath((base / sub).string(), {}, reports);
    set.Compile();
    size_t errors = 0, loaded = 0, correlations = 0;
    for (const auto& r : reports) {
        loaded += size_t(r.loaded);
        correlations += size_t(r.correlations);
        for (const auto& d : r.diagnostics) {
            if (d.kind != Diagnostic::Kind::Error)
                continue;
            ++errors;
            ADD_FAILURE() << d.file << ":" << d.line << ": " << d.code << ": " << d.message;
        }
    }
    EXPECT_EQ(errors, 0u);
    EXPECT_GT(loaded, 800u);
    EXPECT_GE(correlations, 5u);
    EXPECT_GT(set.indexed_rules(), loaded * 9 / 10);
}

// Every document of the specification's own test folder goes through the loader.
TEST(SigmaDatasets, SpecificationTestRulesLoad) {
    auto base = cloudsift::test::DatasetsDir();
    auto dir = base / "rules" / "sigma-specification" / "tests";
    if (base.empty() || !std::filesystem::exists(dir))
        GTEST_SKIP() << "specification absent";
    RuleSet set;
    std::vector<FileReport> reports;
    set.LoadPath(dir.string(), {}, reports);
    set.Compile();
    ASSERT_GE(reports.size(), 10u);
    for (const auto& r : reports)
        for (const auto& d : r.diagnostics)
            EXPECT_NE(d.kind, Diagnostic::Kind::Error)
                << d.file << ":" << d.line << ": " << d.message;
    EXPECT_GE(set.size(), 2u);
    EXPECT_GE(set.filters().size(), 2u);
    EXPECT_GE(set.correlations().size(), 8u);
}

} // namespace
} // namespace cloudsift::sigma::test
