#include <gtest/gtest.h>

#include "format_test_util.h"
#include "formats/cloudfront.h"

namespace cloudsift::test {
namespace {

TEST(CloudFront, StandardLogWithHeader) {
    auto d = DecodeWith(CloudFrontFormat(), Fixture("cloudfront.log"));
    ASSERT_EQ(d.records.size(), 2u);
    EXPECT_EQ(d.report.reasons().at("cloudfront.field_count"), 1u);
    const auto& r = d.records[0];
    EXPECT_EQ(r.cls, EventClass::HttpActivity);
    EXPECT_EQ(r.time, *ParseIsoTime("2024-03-01T12:00:00Z"));
    EXPECT_EQ(r.N("logsource_service"), "cloudfront");
    EXPECT_EQ(r.N("category"), "webserver");
    EXPECT_EQ(r.N("src_ip"), "203.0.113.9");
    EXPECT_EQ(r.N("src_port"), "51234");
    EXPECT_EQ(r.N("action"), "GET");
    EXPECT_EQ(r.N("resource"), "/index.html");
    EXPECT_EQ(r.N("outcome"), "success");
    EXPECT_EQ(r.N("user_agent"), "Mozilla/5.0%20(X11;%20Linux)");
    EXPECT_TRUE(r.Has("x-edge-location", "IAD89-C1"));
    EXPECT_TRUE(r.Has("c-ip", "203.0.113.9"));
    EXPECT_TRUE(r.Has("cs-uri-stem", "/index.html"));
    EXPECT_TRUE(r.Has("cs-host", "www.example.com"));
    EXPECT_TRUE(r.Has("cs-user-agent", "Mozilla/5.0%20(X11;%20Linux)"));
    const auto& bad = d.records[1];
    EXPECT_EQ(bad.N("outcome"), "failure");
    EXPECT_TRUE(bad.Has("cs-referer", "https://evil.example/"));
    EXPECT_TRUE(bad.Has("cs-uri-query", "user=admin"));
    EXPECT_EQ(bad.line, 4u);
}

TEST(CloudFront, CustomFieldsHeader) {
    auto d = DecodeWith(CloudFrontFormat(), Fixture("cloudfront_custom.log"));
    ASSERT_EQ(d.report.bad(), 0u) << Reasons(d.report);
    ASSERT_EQ(d.records.size(), 1u);
    EXPECT_EQ(d.records[0].N("outcome"), "failure");
    EXPECT_EQ(d.records[0].N("resource"), "/x");
}

TEST(CloudFront, Sniffing) {
    FileInfo none;
    EXPECT_GE(CloudFrontFormat().Sniff(Fixture("cloudfront.log"), none), 90);
    EXPECT_LT(CloudFrontFormat().Sniff(Fixture("nginx_combined.log"), none), 30);
}

} // namespace
} // namespace cloudsift::test
