#include <gtest/gtest.h>

#include "format_test_util.h"
#include "formats/eventbridge.h"
#include "formats/findings.h"

namespace cloudsift::test {
namespace {

TEST(GuardDuty, SingleFinding) {
    auto d = DecodeWith(GuardDutyFormat(), Fixture("guardduty_finding.json"));
    ASSERT_EQ(d.report.bad(), 0u) << Reasons(d.report);
    ASSERT_EQ(d.records.size(), 1u);
    const auto& r = d.records[0];
    EXPECT_EQ(r.cls, EventClass::DetectionFinding);
    EXPECT_EQ(r.time, *ParseIsoTime("2024-03-01T12:00:00Z"));
    EXPECT_EQ(r.N("logsource_service"), "guardduty");
    EXPECT_EQ(r.N("finding_type"),
              "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS");
    EXPECT_EQ(r.N("severity"), "8");
    EXPECT_EQ(r.N("access_key"), "ASIAEXAMPLEEXAMPLE01");
    EXPECT_EQ(r.N("actor_name"), "app-role");
    EXPECT_EQ(r.N("actor_type"), "AssumedRole");
    EXPECT_EQ(r.N("src_ip"), "198.51.100.23");
    EXPECT_EQ(r.N("action"), "ListBuckets");
    EXPECT_EQ(r.N("account"), "111122223333");
    EXPECT_EQ(r.N("region"), "us-east-1");
    EXPECT_EQ(r.N("event_id"), "f0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5");
    EXPECT_EQ(r.N("resource"), "app-role");
}

TEST(GuardDuty, ExportJsonLines) {
    auto d = DecodeWith(GuardDutyFormat(), Fixture("guardduty_export.jsonl"));
    ASSERT_EQ(d.records.size(), 2u);
    EXPECT_EQ(d.report.reasons().at("guardduty.not_a_finding"), 1u);
    EXPECT_EQ(d.report.reasons().at("guardduty.json"), 1u);
    EXPECT_EQ(d.records[0].N("src_ip"), "203.0.113.77");
    EXPECT_EQ(d.records[0].N("instance_id"), "i-0badc0ffee1234567");
    EXPECT_EQ(d.records[0].N("interface_id"), "eni-0a1b2c3d4e5f60718");
    EXPECT_EQ(d.records[0].N("resource"), "i-0badc0ffee1234567");
    EXPECT_EQ(d.records[0].line, 1u);
    EXPECT_EQ(d.records[1].N("severity"), "8");
    EXPECT_EQ(d.records[1].N("finding_type"), "CryptoCurrency:EC2/BitcoinTool.B!DNS");
    EXPECT_EQ(d.records[1].line, 2u);
}

TEST(GuardDuty, ApiOutputPascalCase) {
    auto d = DecodeWith(GuardDutyFormat(), Fixture("guardduty_api.json"));
    ASSERT_EQ(d.report.bad(), 0u) << Reasons(d.report);
    ASSERT_EQ(d.records.size(), 1u);
    const auto& r = d.records[0];
    EXPECT_EQ(r.N("finding_type"), "CredentialAccess:IAMUser/AnomalousBehavior");
    EXPECT_EQ(r.N("access_key"), "AKIAEXAMPLEEXAMPLE02");
    EXPECT_EQ(r.N("actor_name"), "alice");
    EXPECT_EQ(r.N("src_ip"), "198.51.100.99");
    EXPECT_EQ(r.N("severity"), "5");
    EXPECT_EQ(r.N("account"), "111122223333");
}

TEST(GuardDuty, EventBridgeEnvelope) {
    auto d = DecodeWith(GuardDutyFormat(), Fixture("guardduty_eventbridge.json"));
    ASSERT_EQ(d.report.bad(), 0u) << Reasons(d.report);
    ASSERT_EQ(d.records.size(), 1u);
    EXPECT_EQ(d.records[0].N("finding_type"), "Backdoor:EC2/C&CActivity.B");
    EXPECT_EQ(d.records[0].N("src_ip"), "203.0.113.66");
    // The same event through the generic EventBridge format.
    auto e = DecodeWith(EventBridgeFormat(), Fixture("guardduty_eventbridge.json"));
    ASSERT_EQ(e.records.size(), 1u);
    EXPECT_EQ(e.records[0].cls, EventClass::DetectionFinding);
    EXPECT_EQ(e.records[0].N("finding_type"), "Backdoor:EC2/C&CActivity.B");
}

TEST(SecurityHub, FindingsList) {
    auto d = DecodeWith(SecurityHubFormat(), Fixture("securityhub_list.json"));
    ASSERT_EQ(d.report.bad(), 0u) << Reasons(d.report);
    ASSERT_EQ(d.records.size(), 2u);
    const auto& r = d.records[0];
    EXPECT_EQ(r.cls, EventClass::DetectionFinding);
    EXPECT_EQ(r.N("logsource_service"), "securityhub");
    EXPECT_EQ(r.N("finding_type"), "TTPs/Initial Access/UnauthorizedAccess:EC2-SSHBruteForce");
    EXPECT_EQ(r.N("severity"), "HIGH");
    EXPECT_EQ(r.N("src_ip"), "198.51.100.23");
    EXPECT_EQ(r.N("instance_id"), "i-0badc0ffee1234567");
    EXPECT_EQ(r.N("resource"), "arn:aws:ec2:us-east-1:111122223333:instance/i-0badc0ffee1234567");
    EXPECT_EQ(r.time, *ParseIsoTime("2024-03-01T12:00:00Z"));
    const auto& k = d.records[1];
    EXPECT_EQ(k.N("severity"), "40");
    EXPECT_EQ(k.N("access_key"), "AKIAEXAMPLEEXAMPLE03");
    EXPECT_EQ(k.N("actor_name"), "bob");
    EXPECT_EQ(k.N("outcome"), "failure");
}

TEST(SecurityHub, EventBridgeAndBareArray) {
    auto d = DecodeWith(SecurityHubFormat(), Fixture("securityhub_eventbridge.json"));
    ASSERT_EQ(d.report.bad(), 0u) << Reasons(d.report);
    ASSERT_EQ(d.records.size(), 2u);
    EXPECT_EQ(d.records[0].N("severity"), "CRITICAL");
    EXPECT_EQ(d.records[1].N("severity"), "LOW");
    auto arr = DecodeWith(SecurityHubFormat(), "[" + Fixture("securityhub_list.json") + "]");
    EXPECT_EQ(arr.records.size(), 2u);
    auto bad = DecodeWith(SecurityHubFormat(), "{\"Findings\":[{\"x\":1}]}");
    EXPECT_EQ(bad.records.size(), 0u);
    EXPECT_EQ(bad.report.reasons().at("securityhub.not_a_finding"), 1u);
}

TEST(Findings, LevelFromOriginalSeverity) {
    using formats::FindingLevel;
    EXPECT_EQ(FindingLevel("2"), "low");         // GuardDuty 1.0-3.9
    EXPECT_EQ(FindingLevel("5.3"), "medium");    // 4.0-6.9
    EXPECT_EQ(FindingLevel("8"), "high");        // 7.0-8.9
    EXPECT_EQ(FindingLevel("9.5"), "critical");  // 9.0-10.0
    EXPECT_EQ(FindingLevel("HIGH"), "high");     // ASFF Severity.Label
    EXPECT_EQ(FindingLevel("INFORMATIONAL"), "informational");
    EXPECT_EQ(FindingLevel("40"), "medium");     // ASFF Normalized 0-100
    EXPECT_EQ(FindingLevel("95"), "critical");
    EXPECT_EQ(FindingLevel(""), "medium");
    EXPECT_EQ(FindingLevel("nan"), "medium");
    EXPECT_EQ(FindingLevel("-3"), "medium");
    EXPECT_EQ(FindingLevel("1e999"), "medium");
}

TEST(Findings, Sniffing) {
    FileInfo none;
    EXPECT_GE(GuardDutyFormat().Sniff(Fixture("guardduty_finding.json"), none), 80);
    EXPECT_GE(GuardDutyFormat().Sniff(Fixture("guardduty_eventbridge.json"), none), 80);
    EXPECT_LT(GuardDutyFormat().Sniff(Fixture("securityhub_list.json"), none), 30);
    EXPECT_GE(SecurityHubFormat().Sniff(Fixture("securityhub_list.json"), none), 80);
    EXPECT_GE(SecurityHubFormat().Sniff(Fixture("securityhub_eventbridge.json"), none), 80);
    EXPECT_LT(SecurityHubFormat().Sniff(Fixture("guardduty_finding.json"), none), 30);
    // Specific formats beat the generic EventBridge one.
    EXPECT_LT(EventBridgeFormat().Sniff(Fixture("guardduty_eventbridge.json"), none),
              GuardDutyFormat().Sniff(Fixture("guardduty_eventbridge.json"), none));
}

TEST(EventBridge, EnvelopesCloudTrailAndFallback) {
    auto d = DecodeWith(EventBridgeFormat(), Fixture("eventbridge.jsonl"));
    ASSERT_EQ(d.records.size(), 3u);
    EXPECT_EQ(d.report.reasons().at("eventbridge.json"), 1u);
    const auto& r = d.records[0];
    EXPECT_EQ(r.N("action"), "EC2 Instance State-change Notification");
    EXPECT_EQ(r.N("service"), "aws.ec2");
    EXPECT_EQ(r.N("event_id"), "ev-1");
    EXPECT_EQ(r.N("resource"), "arn:aws:ec2:us-east-1:111122223333:instance/i-0badc0ffee1234567");
    EXPECT_EQ(r.time, *ParseIsoTime("2024-03-01T12:00:00Z"));
    const auto& ct = d.records[1];
    EXPECT_EQ(ct.cls, EventClass::ApiActivity);
    EXPECT_EQ(ct.N("logsource_service"), "cloudtrail");
    EXPECT_EQ(ct.N("action"), "CreateAccessKey");
    EXPECT_EQ(ct.N("actor_arn"), "arn:aws:iam::111122223333:user/alice");
    EXPECT_EQ(ct.N("access_key"), "AKIAEXAMPLEEXAMPLE04");
    EXPECT_TRUE(ct.Has("eventName", "CreateAccessKey")); // native event is the detail
    EXPECT_EQ(d.records[2].N("source_type"), "eventbridge");
    EXPECT_TRUE(d.records[2].Has("some", "other json"));
}

} // namespace
} // namespace cloudsift::test
