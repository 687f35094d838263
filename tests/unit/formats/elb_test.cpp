#include <gtest/gtest.h>

#include "format_test_util.h"
#include "formats/elb.h"

namespace cloudsift::test {
namespace {

TEST(Alb, AccessLogFieldsAndNormalization) {
    auto d = DecodeWith(AlbFormat(), Fixture("alb.log"));
    ASSERT_EQ(d.report.bad(), 0u) << Reasons(d.report);
    ASSERT_EQ(d.records.size(), 3u);
    const auto& r = d.records[0];
    EXPECT_EQ(r.cls, EventClass::HttpActivity);
    EXPECT_EQ(r.time, *ParseIsoTime("2024-03-01T12:00:00.123Z"));
    EXPECT_EQ(r.N("source_type"), "alb");
    EXPECT_EQ(r.N("logsource_service"), "elb");
    EXPECT_EQ(r.N("category"), "webserver");
    EXPECT_EQ(r.N("src_ip"), "203.0.113.9");
    EXPECT_EQ(r.N("src_port"), "51234");
    EXPECT_EQ(r.N("dst_ip"), "10.0.1.15");
    EXPECT_EQ(r.N("dst_port"), "8080");
    EXPECT_EQ(r.N("action"), "GET");
    EXPECT_EQ(r.N("resource"), "/cart");
    EXPECT_EQ(r.N("outcome"), "success");
    EXPECT_EQ(r.N("user_agent"), "Mozilla/5.0 (X11; Linux x86_64)");
    EXPECT_EQ(r.N("region"), "us-east-1");
    EXPECT_EQ(r.N("account"), "111122223333");
    EXPECT_EQ(r.N("event_id"), "Root=1-65e1c3a0-1234567890abcdef12345678");
    EXPECT_TRUE(r.Has("client:port", "203.0.113.9:51234"));
    EXPECT_TRUE(r.Has("elb_status_code", "200"));
    EXPECT_TRUE(r.Has("conn_trace_id", "TID_1234"));
    EXPECT_TRUE(r.Has("request_verb", "GET"));
    // Sigma webserver aliases.
    EXPECT_TRUE(r.Has("c-ip", "203.0.113.9"));
    EXPECT_TRUE(r.Has("cs-method", "GET"));
    EXPECT_TRUE(r.Has("cs-uri-stem", "/cart"));
    EXPECT_TRUE(r.Has("cs-uri-query", "id=7"));
    EXPECT_TRUE(r.Has("sc-status", "200"));
    EXPECT_TRUE(r.Has("cs-host", "shop.example.com:443"));
    EXPECT_TRUE(r.Has("cs-user-agent", "Mozilla/5.0 (X11; Linux x86_64)"));

    const auto& waf = d.records[1];
    EXPECT_EQ(waf.N("outcome"), "failure");
    EXPECT_EQ(waf.N("dst_ip"), "");
    EXPECT_EQ(waf.N("user_agent"), "sqlmap/1.7 \\\"quoted\\\"");
    EXPECT_EQ(d.records[2].N("src_ip"), "2001:db8::7");
    EXPECT_EQ(d.records[2].N("error_code"), "TargetConnectionErrorCode");
}

TEST(Alb, ConnectionLog) {
    auto d = DecodeWith(AlbFormat(), Fixture("alb_connection.log"));
    ASSERT_EQ(d.report.bad(), 0u) << Reasons(d.report);
    ASSERT_EQ(d.records.size(), 2u);
    EXPECT_EQ(d.records[0].N("src_ip"), "203.0.113.9");
    EXPECT_EQ(d.records[0].N("outcome"), "success");
    EXPECT_TRUE(d.records[0].Has("leaf_client_cert_subject", "CN=client.example.com,O=Example"));
    EXPECT_EQ(d.records[1].N("outcome"), "failure");
    EXPECT_EQ(d.records[1].N("error_code"), "Failed:ClientCertUntrusted");
}

TEST(Alb, MalformedLines) {
    auto d = DecodeWith(AlbFormat(), Fixture("alb_malformed.log"));
    EXPECT_EQ(d.records.size(), 1u);
    EXPECT_EQ(d.report.reasons().at("elb.field_count"), 1u);
    EXPECT_EQ(d.report.reasons().at("elb.not_a_record"), 1u);
    // Unterminated quote: field count too small or record decoded, never a crash.
    auto u = DecodeWith(AlbFormat(), "http 2024-03-01T12:00:00Z a b:1 c:2 1 1 1 200 200 1 1 \"GET /");
    EXPECT_EQ(u.records.size() + u.report.bad(), 1u);
}

TEST(Nlb, TlsAccessLog) {
    auto d = DecodeWith(NlbFormat(), Fixture("nlb.log"));
    ASSERT_EQ(d.report.bad(), 0u) << Reasons(d.report);
    ASSERT_EQ(d.records.size(), 2u);
    const auto& r = d.records[0];
    EXPECT_EQ(r.N("source_type"), "nlb");
    EXPECT_EQ(r.cls, EventClass::NetworkActivity);
    EXPECT_EQ(r.N("src_ip"), "203.0.113.9");
    EXPECT_EQ(r.N("dst_port"), "443");
    EXPECT_EQ(r.N("resource"), "api.example.com");
    EXPECT_EQ(r.time, *ParseIsoTime("2024-03-01T12:00:00Z"));
    EXPECT_TRUE(r.Has("alpn_client_preference_list", "h2\\\",\\\"http/1.1"));
    EXPECT_EQ(d.records[1].N("outcome"), "failure");
    EXPECT_EQ(d.records[1].N("error_code"), "UnknownCA");
}

TEST(Elb, ClassicAccessLog) {
    auto d = DecodeWith(ElbFormat(), Fixture("elb_classic.log"));
    ASSERT_EQ(d.report.bad(), 0u) << Reasons(d.report);
    ASSERT_EQ(d.records.size(), 3u);
    EXPECT_EQ(d.records[0].N("source_type"), "elb");
    EXPECT_EQ(d.records[0].N("resource"), "/index.html");
    EXPECT_TRUE(d.records[0].Has("backend:port", "10.0.1.15:80"));
    EXPECT_TRUE(d.records[0].Has("cs-uri-query", "x=1"));
    EXPECT_EQ(d.records[1].N("outcome"), "failure");
    EXPECT_EQ(d.records[1].N("resource"), "/.env");
    EXPECT_EQ(d.records[2].N("action"), ""); // TCP listener: no request
}

TEST(ElbFamily, SniffingPicksTheRightVariant) {
    FileInfo none;
    auto alb = Fixture("alb.log"), nlb = Fixture("nlb.log"), elb = Fixture("elb_classic.log");
    EXPECT_GE(AlbFormat().Sniff(alb, none), 80);
    EXPECT_LT(NlbFormat().Sniff(alb, none), 30);
    EXPECT_GE(NlbFormat().Sniff(nlb, none), 80);
    EXPECT_LT(AlbFormat().Sniff(nlb, none), NlbFormat().Sniff(nlb, none));
    EXPECT_GE(ElbFormat().Sniff(elb, none), 80);
    EXPECT_LT(AlbFormat().Sniff(elb, none), ElbFormat().Sniff(elb, none));
    EXPECT_GE(AlbFormat().Sniff(Fixture("alb_connection.log"), none), 80);
    EXPECT_LT(AlbFormat().Sniff("2 123 eni-1 - - - - - - - 1 2 - NODATA\n", none), 30);
}

} // namespace
} // namespace cloudsift::test
