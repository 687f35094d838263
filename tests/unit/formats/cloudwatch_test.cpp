#include <gtest/gtest.h>

#include "format_test_util.h"
#include "formats/cloudwatch.h"

namespace cloudsift::test {
namespace {

TEST(CloudWatch, SubscriptionEnvelopesAreUnwrapped) {
    auto d = DecodeWith(CloudWatchFormat(), Fixture("cloudwatch_subscription.jsonl"));
    EXPECT_EQ(d.report.reasons().at("cloudwatch.not_envelope"), 1u);
    EXPECT_EQ(d.report.bad(), 1u) << Reasons(d.report);
    EXPECT_EQ(d.report.notes().size(), 1u);
    ASSERT_EQ(d.records.size(), 6u);
    // VPC flow messages decoded by the vpcflow decoder.
    EXPECT_EQ(d.records[0].N("source_type"), "vpcflow");
    EXPECT_EQ(d.records[0].N("src_ip"), "10.0.1.15");
    EXPECT_EQ(d.records[1].N("outcome"), "failure");
    // Route 53 JSON message.
    EXPECT_EQ(d.records[2].N("source_type"), "route53");
    EXPECT_EQ(d.records[2].N("resource"), "c2.example.net.");
    // Back-to-back envelope with syslog messages; year comes from the envelope when unknown.
    EXPECT_EQ(d.records[3].N("source_type"), "syslog");
    EXPECT_EQ(d.records[3].N("outcome"), "failure");
    EXPECT_EQ(d.records[4].N("outcome"), "success");
    EXPECT_EQ(d.records[3].line, 3u);
    // Unrecognized text: generic record with the envelope's fields.
    EXPECT_EQ(d.records[5].N("source_type"), "cloudwatch");
    EXPECT_EQ(d.records[5].N("account"), "111122223333");
    EXPECT_EQ(d.records[5].time, 1709294405000);
    EXPECT_TRUE(d.records[5].Has("logGroup", "/app/custom"));
    EXPECT_TRUE(d.records[5].Has("message", "free text from an app"));
}

TEST(CloudWatch, ExportTaskFile) {
    auto d = DecodeWith(CloudWatchFormat(), Fixture("cloudwatch_export.log"));
    ASSERT_EQ(d.records.size(), 2u);
    EXPECT_EQ(d.report.reasons().at("cloudwatch.export_line"), 1u);
    EXPECT_EQ(d.records[0].N("source_type"), "vpcflow");
    EXPECT_EQ(d.records[0].N("dst_port"), "443");
    EXPECT_TRUE(d.records[1].Has("log-status", "NODATA"));
    EXPECT_EQ(d.records[1].line, 2u);
}

TEST(CloudWatch, Sniffing) {
    FileInfo none;
    EXPECT_GE(CloudWatchFormat().Sniff(Fixture("cloudwatch_subscription.jsonl"), none), 90);
    EXPECT_GE(CloudWatchFormat().Sniff(Fixture("cloudwatch_export.log").substr(0, 200), none),
              30);
    EXPECT_LT(CloudWatchFormat().Sniff(Fixture("route53.jsonl"), none), 30);
}

TEST(CloudWatch, GarbageAndDeepNesting) {
    std::string deep(100000, '[');
    auto d = DecodeWith(CloudWatchFormat(), deep);
    EXPECT_EQ(d.records.size(), 0u);
    EXPECT_GE(d.report.bad(), 1u);
    auto g = DecodeWith(CloudWatchFormat(), std::string("{\"a\":\"\\", 7));
    EXPECT_EQ(g.records.size(), 0u);
    EXPECT_EQ(g.report.bad(), 1u);
}

} // namespace
} // namespace cloudsift::test
