#include <gtest/gtest.h>

#include "format_test_util.h"
#include "formats/route53.h"
#include "formats/waf.h"

namespace cloudsift::test {
namespace {

TEST(Route53, ResolverQueryLogs) {
    auto d = DecodeWith(Route53Format(), Fixture("route53.jsonl"));
    ASSERT_EQ(d.records.size(), 3u);
    EXPECT_EQ(d.report.bad(), 3u);
    EXPECT_EQ(d.report.reasons().at("route53.no_query_name"), 1u);
    EXPECT_EQ(d.report.reasons().at("route53.json"), 1u);
    EXPECT_EQ(d.report.reasons().at("route53.not_object"), 1u);
    const auto& r = d.records[0];
    EXPECT_EQ(r.cls, EventClass::DnsActivity);
    EXPECT_EQ(r.time, *ParseIsoTime("2024-03-01T12:00:00Z"));
    EXPECT_EQ(r.N("category"), "dns");
    EXPECT_EQ(r.N("logsource_service"), "route53");
    EXPECT_EQ(r.N("resource"), "c2.example.net.");
    EXPECT_EQ(r.N("action"), "A");
    EXPECT_EQ(r.N("src_ip"), "10.0.1.15");
    EXPECT_EQ(r.N("src_port"), "53124");
    EXPECT_EQ(r.N("instance_id"), "i-0badc0ffee1234567");
    EXPECT_EQ(r.N("vpc_id"), "vpc-0aa11bb2");
    EXPECT_EQ(r.N("account"), "111122223333");
    EXPECT_EQ(r.N("outcome"), "success");
    // Native JSON with Sigma dns aliases appended.
    EXPECT_TRUE(r.Has("query_name", "c2.example.net."));
    EXPECT_TRUE(r.Has("query", "c2.example.net."));
    EXPECT_TRUE(r.Has("record_type", "A"));
    EXPECT_TRUE(r.Has("answer", "203.0.113.67"));
    EXPECT_EQ(d.records[1].N("error_code"), "NXDOMAIN");
    EXPECT_EQ(d.records[1].N("outcome"), "failure");
    // DNS Firewall block, numeric srcport.
    EXPECT_EQ(d.records[2].N("outcome"), "failure");
    EXPECT_EQ(d.records[2].N("src_port"), "53126");
    EXPECT_TRUE(d.records[2].Has("action", "BLOCK"));
    EXPECT_TRUE(d.records[2].Has("firewall_rule_group_id", "rslvr-frg-0123"));
}

TEST(Route53, SniffAndLookup) {
    FileInfo none;
    EXPECT_GE(Route53Format().Sniff(Fixture("route53.jsonl"), none), 80);
    EXPECT_LT(Route53Format().Sniff(Fixture("waf.jsonl"), none), 30);
}

// A file whose first record was cut (partial upload, copy of a live file) is still a resolver log.
TEST(Route53, SniffPastTruncatedFirstLine) {
    std::string record =
        "{\"version\":\"1.100000\",\"account_id\":\"111122223333\",\"region\":\"us-east-1\","
        "\"query_timestamp\":\"2024-06-11T14:10:21Z\",\"query_name\":\"example.com.\","
        "\"query_type\":\"A\",\"rcode\":\"NOERROR\",\"srcaddr\":\"10.0.1.25\"}\n";
    std::string text = "{\"version\":\"1.100000\",\"account_id\":\"111122223333\",\"query_ti\n" +
                       record + record;
    FileInfo none;
    EXPECT_GE(Route53Format().Sniff(text, none), 80);
    EXPECT_EQ(SniffFormat(text, none), &Route53Format());
    auto d = DecodeWith(Route53Format(), text);
    EXPECT_EQ(d.report.reasons().at("route53.json"), 1u);
    EXPECT_EQ(d.records.size(), 2u);
    // One resolver line among foreign JSON is not enough.
    EXPECT_EQ(Route53Format().Sniff(Fixture("waf.jsonl") + record, none), 0);
}

TEST(Waf, WebAclLogs) {
    auto d = DecodeWith(WafFormat(), Fixture("waf.jsonl"));
    ASSERT_EQ(d.records.size(), 2u);
    EXPECT_EQ(d.report.reasons().at("waf.no_http_request"), 1u);
    const auto& r = d.records[0];
    EXPECT_EQ(r.cls, EventClass::HttpActivity);
    EXPECT_EQ(r.time, 1709294400000);
    EXPECT_EQ(r.N("category"), "firewall");
    EXPECT_EQ(r.N("logsource_service"), "waf");
    EXPECT_EQ(r.N("action"), "BLOCK");
    EXPECT_EQ(r.N("outcome"), "failure");
    EXPECT_EQ(r.N("src_ip"), "198.51.100.23");
    EXPECT_EQ(r.N("resource"), "/search");
    EXPECT_EQ(r.N("user_agent"), "sqlmap/1.7");
    EXPECT_EQ(r.N("region"), "us-east-1");
    EXPECT_EQ(r.N("account"), "111122223333");
    EXPECT_TRUE(r.Has("src_ip", "198.51.100.23"));
    EXPECT_TRUE(r.Has("cs-uri-query", "q=1%27%20OR%201=1"));
    EXPECT_TRUE(r.Has("cs-host", "shop.example.com"));
    EXPECT_EQ(d.records[1].N("outcome"), "success");
    EXPECT_EQ(d.records[1].N("region"), "us-east-1");
}

// Fuzz reproducer: a numeric timestamp beyond int64 (or NaN-like huge doubles) is no time rather
// than an undefined float-to-integer conversion.
TEST(Waf, OutOfRangeNumericTimestamp) {
    auto d = DecodeWith(WafFormat(),
                        "{\"timestamp\":17092000000000000000,\"action\":\"ALLOW\","
                        "\"httpRequest\":{\"clientIp\":\"203.0.113.9\",\"uri\":\"/\"}}\n"
                        "{\"timestamp\":-1e300,\"action\":\"BLOCK\","
                        "\"httpRequest\":{\"clientIp\":\"203.0.113.9\",\"uri\":\"/\"}}\n");
    ASSERT_EQ(d.records.size(), 2u) << Reasons(d.report);
    EXPECT_EQ(d.records[0].time, 0);
    EXPECT_EQ(d.records[1].time, 0);
    EXPECT_EQ(d.records[0].N("src_ip"), "203.0.113.9");
}

TEST(Waf, Sniff) {
    FileInfo none;
    EXPECT_GE(WafFormat().Sniff(Fixture("waf.jsonl"), none), 80);
    EXPECT_LT(WafFormat().Sniff(Fixture("route53.jsonl"), none), 30);
}

} // namespace
} // namespace cloudsift::test
