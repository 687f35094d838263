#include <gtest/gtest.h>

#include "format_test_util.h"
#include "formats/webserver.h"

namespace cloudsift::test {
namespace {

TEST(Nginx, CombinedAndCommon) {
    auto d = DecodeWith(NginxFormat(), Fixture("nginx_combined.log"));
    ASSERT_EQ(d.records.size(), 4u);
    EXPECT_EQ(d.report.bad(), 1u);
    EXPECT_EQ(d.report.reasons().at("nginx.no_match"), 1u);
    const auto& r = d.records[0];
    EXPECT_EQ(r.cls, EventClass::HttpActivity);
    EXPECT_EQ(r.N("category"), "webserver");
    EXPECT_EQ(r.N("source_type"), "nginx");
    EXPECT_EQ(r.time, *ParseIsoTime("2024-03-01T12:00:00Z"));
    EXPECT_EQ(r.N("src_ip"), "203.0.113.9");
    EXPECT_EQ(r.N("actor_name"), "alice");
    EXPECT_EQ(r.N("action"), "GET");
    EXPECT_EQ(r.N("resource"), "/admin/login.php");
    EXPECT_EQ(r.N("outcome"), "failure");
    EXPECT_EQ(r.N("user_agent"), "Mozilla/5.0 (X11; Linux x86_64)");
    EXPECT_TRUE(r.Has("remote_addr", "203.0.113.9"));
    EXPECT_TRUE(r.Has("request", "GET /admin/login.php?next=/ HTTP/1.1"));
    EXPECT_TRUE(r.Has("request_uri", "/admin/login.php?next=/"));
    EXPECT_TRUE(r.Has("cs-method", "GET"));
    EXPECT_TRUE(r.Has("cs-uri-stem", "/admin/login.php"));
    EXPECT_TRUE(r.Has("cs-uri-query", "next=/"));
    EXPECT_TRUE(r.Has("sc-status", "401"));
    EXPECT_TRUE(r.Has("cs-referer", "https://example.com/"));
    EXPECT_TRUE(r.Has("cs-user-agent", "Mozilla/5.0 (X11; Linux x86_64)"));
    // -0500 offset, trailing $http_x_forwarded_for ignored.
    EXPECT_EQ(d.records[1].time, *ParseIsoTime("2024-03-01T17:00:01Z"));
    EXPECT_EQ(d.records[1].N("resource"), "/cgi-bin/../../bin/sh");
    // Common log format.
    EXPECT_EQ(d.records[2].N("outcome"), "success");
    EXPECT_EQ(d.records[2].N("user_agent"), "");
    // TLS handshake bytes as the request: kept as text, no method.
    EXPECT_EQ(d.records[3].N("action"), "");
}

TEST(Nginx, CustomLogFormat) {
    auto f = MakeNginxFormat(
        "$remote_addr:$remote_port [$time_iso8601] \"$request\" $status rt=$request_time "
        "ua=\"$http_user_agent\" host=${host}");
    ASSERT_TRUE(f.ok()) << f.error().message;
    std::string line = "203.0.113.9:51234 [2024-03-01T12:00:00+00:00] \"GET /x?y=1 HTTP/2.0\" 200 "
                       "rt=0.004 ua=\"curl/8.0\" host=api.example.com\n"
                       "garbage\n";
    FileInfo none;
    EXPECT_GE(f.value()->Sniff(line, none), 30);
    auto d = DecodeWith(*f.value(), line);
    ASSERT_EQ(d.records.size(), 1u);
    EXPECT_EQ(d.report.bad(), 1u);
    const auto& r = d.records[0];
    EXPECT_EQ(r.N("src_port"), "51234");
    EXPECT_EQ(r.time, *ParseIsoTime("2024-03-01T12:00:00Z"));
    EXPECT_TRUE(r.Has("request_time", "0.004"));
    EXPECT_TRUE(r.Has("cs-host", "api.example.com"));
    EXPECT_EQ(r.N("resource"), "/x");
}

TEST(Nginx, CustomLogFormatErrors) {
    EXPECT_FALSE(MakeNginxFormat("no variables here").ok());
    EXPECT_FALSE(MakeNginxFormat("$a$b").ok());
    EXPECT_FALSE(MakeNginxFormat("${unterminated").ok());
    EXPECT_TRUE(MakeNginxFormat("$a $b").ok());
}

TEST(Nginx, Sniffing) {
    FileInfo none;
    EXPECT_GE(NginxFormat().Sniff(Fixture("nginx_combined.log"), none), 60);
    EXPECT_LT(NginxFormat().Sniff(Fixture("s3access.log"), none), 30);
    EXPECT_LT(NginxFormat().Sniff(Fixture("alb.log"), none), 30);
}

} // namespace
} // namespace cloudsift::test
