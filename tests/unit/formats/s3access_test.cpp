#include <gtest/gtest.h>

#include "format_test_util.h"
#include "formats/s3access.h"

namespace cloudsift::test {
namespace {

TEST(S3Access, NewAndOldFieldCounts) {
    auto d = DecodeWith(S3AccessFormat(), Fixture("s3access.log"));
    ASSERT_EQ(d.report.bad(), 0u) << Reasons(d.report);
    ASSERT_EQ(d.records.size(), 3u);
    const auto& r = d.records[0];
    EXPECT_EQ(r.cls, EventClass::HttpActivity);
    EXPECT_EQ(r.time, *ParseIsoTime("2024-02-06T00:00:38Z"));
    EXPECT_EQ(r.N("logsource_service"), "s3access");
    EXPECT_EQ(r.N("src_ip"), "192.0.2.3");
    EXPECT_EQ(r.N("actor_arn"), "arn:aws:iam::111122223333:user/alice");
    EXPECT_EQ(r.N("actor_type"), "IAMUser");
    EXPECT_EQ(r.N("action"), "REST.GET.OBJECT");
    EXPECT_EQ(r.N("resource"), "amzn-s3-demo-bucket/reports/q1.csv");
    EXPECT_EQ(r.N("outcome"), "success");
    EXPECT_EQ(r.N("region"), "us-east-1");
    EXPECT_EQ(r.N("user_agent"), "aws-cli/2.15.0 Python/3.11");
    EXPECT_TRUE(r.Has("request_uri", "GET /reports/q1.csv HTTP/1.1"));
    EXPECT_TRUE(r.Has("tlsversion", "TLSv1.2"));
    // Old 18-field record, with a +0100 offset.
    const auto& old = d.records[1];
    EXPECT_EQ(old.time, *ParseIsoTime("2024-02-05T23:01:00Z"));
    EXPECT_EQ(old.N("outcome"), "failure");
    EXPECT_EQ(old.N("error_code"), "AccessDenied");
    EXPECT_EQ(old.N("resource"), "amzn-s3-demo-bucket");
    EXPECT_EQ(old.N("actor_arn"), "");
    // Newest fields (aclrequired, source_region).
    EXPECT_EQ(d.records[2].N("actor_type"), "AssumedRole");
    EXPECT_EQ(d.records[2].N("region"), "eu-west-1");
    EXPECT_TRUE(d.records[2].Has("source_region", "eu-west-1"));
}

TEST(S3Access, MalformedLines) {
    auto d = DecodeWith(S3AccessFormat(), Fixture("s3access_malformed.log"));
    EXPECT_EQ(d.records.size(), 1u);
    EXPECT_EQ(d.report.reasons().at("s3access.field_count"), 1u);
    EXPECT_EQ(d.report.reasons().at("s3access.time"), 1u);
    auto g = DecodeWith(S3AccessFormat(), std::string("\x01\x02[\"\n\"[", 6));
    EXPECT_EQ(g.records.size(), 0u);
    EXPECT_EQ(g.report.bad(), 2u);
}

TEST(S3Access, Sniffing) {
    FileInfo none;
    EXPECT_GE(S3AccessFormat().Sniff(Fixture("s3access.log"), none), 80);
    EXPECT_LT(S3AccessFormat().Sniff(Fixture("nginx_combined.log"), none), 30);
}

} // namespace
} // namespace cloudsift::test
