#include "sim/eval.h"

#include <gtest/gtest.h>

namespace cloudsift::sim {
namespace {

const char* kTruth =
    R"({"scenario":"a","step":1,"action":"x","tactic":"discovery","technique":"T1580","source_type":"cloudtrail","event_id":"e1","file":"AWSLogs/1/CloudTrail/us-east-1/f1.json.gz","index":0,"time":"2024-03-05T01:00:00Z"}
{"scenario":"a","step":1,"action":"x","tactic":"discovery","technique":"T1580","source_type":"cloudtrail","event_id":"e2","file":"AWSLogs/1/CloudTrail/us-east-1/f1.json.gz","index":3,"time":"2024-03-05T01:00:10Z"}
{"scenario":"a","step":2,"action":"y","tactic":"impact","technique":"T1496.001","source_type":"vpcflow","file":"AWSLogs/1/vpcflowlogs/f2.log.gz","line":5,"time":"2024-03-05T01:05:00Z"}
{"scenario":"b","step":1,"action":"z","tactic":"execution","technique":"T1059.004","source_type":"syslog","file":"hosts/prod-web-1/var/log/auth.log","line":12,"time":"2024-03-05T02:00:00Z"}
)";

std::string Finding(const std::string& time, const std::string& rule, const std::string& event_id,
                    const std::string& file, int pos) {
    return R"({"time":")" + time + R"(","rule_id":")" + rule + R"(","event_id":")" + event_id +
           R"(","file":")" + file + R"(","line_or_index":)" + std::to_string(pos) + "}\n";
}

TEST(Eval, ScoresRecallPrecisionDelayAndFalsePositives) {
    auto truth = ParseTruth(kTruth);
    ASSERT_TRUE(truth.ok()) << truth.error().message;
    ASSERT_EQ(truth.value().size(), 4u);
    std::string findings =
        // e2 by eventID (10 s after the step's first record).
        Finding("2024-03-05T01:00:10Z", "r.disc", "e2", "", 0) +
        // vpcflow line 5 via an absolute path (suffix match).
        Finding("2024-03-05T01:05:00Z", "r.flow", "", "/data/sim/AWSLogs/1/vpcflowlogs/f2.log.gz",
                5) +
        // same file, wrong line: false positive.
        Finding("2024-03-05T01:05:00Z", "r.flow", "", "/data/sim/AWSLogs/1/vpcflowlogs/f2.log.gz",
                6) +
        // benign CloudTrail record: false positive.
        Finding("2024-03-05T03:00:00Z", "r.noisy", "zzz", "", 0) +
        // a path that only shares the file name must not match.
        Finding("2024-03-05T02:00:00Z", "r.auth", "", "/var/log/auth.log", 12) + "not json\n";
    uint64_t bad = 0;
    auto refs = ParseFindings(findings, &bad);
    EXPECT_EQ(bad, 1u);
    ASSERT_EQ(refs.size(), 5u);
    EvalReport r = Evaluate(truth.value(), refs, 2'000'000);
    EXPECT_EQ(r.detected_records, 2u);
    EXPECT_DOUBLE_EQ(r.recall, 0.5);
    EXPECT_EQ(r.true_positive_findings, 2u);
    EXPECT_EQ(r.false_positive_findings, 3u);
    EXPECT_DOUBLE_EQ(r.precision, 0.4);
    EXPECT_DOUBLE_EQ(r.fp_per_million, 1.5);
    ASSERT_EQ(r.techniques.size(), 3u);
    EXPECT_EQ(r.techniques[0].technique, "T1580");
    EXPECT_TRUE(r.techniques[0].detected);
    EXPECT_EQ(r.techniques[0].detected_records, 1u);
    EXPECT_EQ(r.techniques[0].delay_ms, 10000);
    EXPECT_TRUE(r.techniques[1].detected);
    EXPECT_EQ(r.techniques[1].delay_ms, 0);
    EXPECT_FALSE(r.techniques[2].detected);
    EXPECT_DOUBLE_EQ(r.technique_recall, 2.0 / 3.0);
    ASSERT_EQ(r.scenarios.size(), 2u);
    EXPECT_EQ(r.scenarios[1].detected_records, 0u);
    ASSERT_FALSE(r.fp_rules.empty());
    EXPECT_EQ(r.fp_rules[0], "r.auth 1"); // ties sorted by rule id
    std::string json = EvalReportJson(r);
    EXPECT_NE(json.find("\"recall\":0.5000"), std::string::npos);
    EXPECT_NE(json.find("\"delay_seconds\":null"), std::string::npos);
}

TEST(Eval, MatchesCloudTrailByFileAndIndexAndRelativePath) {
    auto truth = ParseTruth(kTruth).value();
    auto refs = ParseFindings(
        Finding("2024-03-05T01:00:00Z", "r", "", "AWSLogs/1/CloudTrail/us-east-1/f1.json.gz", 0) +
            Finding("2024-03-05T02:00:00Z", "r", "", "hosts/prod-web-1/var/log/auth.log", 12),
        nullptr);
    EvalReport r = Evaluate(truth, refs, 0);
    EXPECT_EQ(r.detected_records, 2u);
    EXPECT_DOUBLE_EQ(r.precision, 1.0);
    EXPECT_DOUBLE_EQ(r.fp_per_million, 0.0);
}

TEST(Eval, NoFindingsMeansZeroRecall) {
    EvalReport r = Evaluate(ParseTruth(kTruth).value(), {}, 1000);
    EXPECT_DOUBLE_EQ(r.recall, 0.0);
    EXPECT_DOUBLE_EQ(r.precision, 1.0);
    for (auto& t : r.techniques) EXPECT_FALSE(t.detected);
}

TEST(Eval, RejectsMalformedTruth) {
    EXPECT_FALSE(ParseTruth("{\"scenario\":\"a\"}\n").ok());
    EXPECT_FALSE(ParseTruth("[1,2]\n").ok());
    EXPECT_TRUE(ParseTruth("\n\n").ok());
}

} // namespace
} // namespace cloudsift::sim
