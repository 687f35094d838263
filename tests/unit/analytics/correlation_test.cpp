// Sigma correlation rules, written from the correlation specification: every type, group-by,
// aliases, condition ranges, generate, chaining, and diagnostics for bad correlations.
#include <gtest/gtest.h>

#include "analytics_test_util.h"
#include "test_support.h"

namespace cloudsift {
namespace {

// A CloudTrail-JSONL event at second `sec` with extra top-level fields.
std::string Ev(int sec, const std::string& name, const std::string& extra = "") {
    char t[32];
    std::snprintf(t, sizeof t, "2024-03-05T10:%02d:%02dZ", sec / 60 % 60, sec % 60);
    std::string s = "{\"eventVersion\":\"1.08\",\"eventTime\":\"" + std::string(t) +
                    "\",\"eventSource\":\"test.amazonaws.com\",\"eventName\":\"" + name +
                    "\",\"awsRegion\":\"us-east-1\",\"eventID\":\"id-" + name + "-" +
                    std::to_string(sec) + "\",\"recipientAccountId\":\"111122223333\"";
    if (!extra.empty())
        s += "," + extra;
    return s + "}\n";
}

const char* kBase = R"(
title: Failed login
id: 11111111-1111-4111-8111-111111111111
name: failed_login
logsource: {product: aws, service: cloudtrail}
detection:
    sel: {eventName: Failed}
    condition: sel
---
title: Successful login
id: 22222222-2222-4222-8222-222222222222
name: successful_login
logsource: {product: aws, service: cloudtrail}
detection:
    sel: {eventName: Success}
    condition: sel
---
title: Transfer
id: 33333333-3333-4333-8333-333333333333
name: transfer
logsource: {product: aws, service: cloudtrail}
detection:
    sel: {eventName: Transfer}
    condition: sel
)";

struct Fixture {
    sigma::RuleSet rules;
    std::vector<sigma::FileReport> reports;
    explicit Fixture(const std::string& corr) {
        rules.LoadString(std::string(kBase) + "---\n" + corr, "t.yml", {}, reports);
        rules.Compile();
    }
    std::vector<Finding> Run(const std::string& jsonl) {
        test::MiniHunt h(rules);
        auto o = h.Feed(jsonl, "t.jsonl");
        EXPECT_EQ(o.report.bad(), 0u);
        h.Finish();
        return h.findings;
    }
    size_t Count(const std::string& jsonl, const std::string& id = "corr") {
        size_t n = 0;
        for (const auto& f : Run(jsonl))
            n += f.rule_id() == id;
        return n;
    }
};

std::string Corr(const std::string& type, const std::string& rules, const std::string& rest) {
    return "title: C\nid: corr\nlevel: high\ntags: [attack.credential_access, attack.t1110]\n"
           "correlation:\n    type: " +
           type + "\n    rules: [" + rules + "]\n" + rest;
}

TEST(Correlation, EventCountGte) {
    Fixture fx(Corr("event_count", "failed_login",
                    "    group-by: [user]\n    timespan: 1m\n    condition: {gte: 3}\n"));
    std::string three = Ev(0, "Failed", "\"user\":\"a\"") + Ev(10, "Failed", "\"user\":\"a\"") +
                        Ev(20, "Failed", "\"user\":\"a\"");
    auto f = fx.Run(three);
    ASSERT_EQ(f.size(), 1u); // the base rule is silent (generate defaults to false)
    EXPECT_EQ(f[0].rule_id(), "corr");
    EXPECT_EQ(f[0].level(), "high");
    EXPECT_EQ(f[0].event_id, "id-Failed-20"); // points at the triggering event
    EXPECT_EQ(f[0].tactics(), std::vector<std::string>{"credential-access"});
    // Outside the timespan or split over groups: nothing.
    EXPECT_EQ(fx.Count(Ev(0, "Failed", "\"user\":\"a\"") + Ev(40, "Failed", "\"user\":\"a\"") +
                       Ev(120, "Failed", "\"user\":\"a\"")),
              0u);
    EXPECT_EQ(fx.Count(Ev(0, "Failed", "\"user\":\"a\"") + Ev(10, "Failed", "\"user\":\"b\"") +
                       Ev(20, "Failed", "\"user\":\"a\"")),
              0u);
    // Six in a minute fire twice (the group restarts after a hit).
    EXPECT_EQ(fx.Count(three + Ev(30, "Failed", "\"user\":\"a\"") +
                       Ev(31, "Failed", "\"user\":\"a\"") + Ev(32, "Failed", "\"user\":\"a\"")),
              2u);
}

TEST(Correlation, ConditionOperatorsAndRanges) {
    EXPECT_TRUE(analytics::ConditionHolds({{"gt", 100}, {"lte", 200}}, 150));
    EXPECT_FALSE(analytics::ConditionHolds({{"gt", 100}, {"lte", 200}}, 100));
    EXPECT_FALSE(analytics::ConditionHolds({{"gt", 100}, {"lte", 200}}, 201));
    EXPECT_TRUE(analytics::ConditionHolds({{"eq", 3}}, 3));
    EXPECT_TRUE(analytics::ConditionHolds({{"neq", 3}}, 4));
    EXPECT_TRUE(analytics::ConditionHolds({{"lt", 3}}, 2));
    EXPECT_FALSE(analytics::ConditionHolds({{"gte", 3}}, 2));
    // A range is decided on the whole window: 2..3 events fire, 4 do not.
    Fixture fx(Corr("event_count", "failed_login",
                    "    group-by: [user]\n    timespan: 1m\n    condition: {gte: 2, lte: 3}\n"));
    std::string ev;
    for (int i = 0; i < 4; ++i)
        ev += Ev(i * 5, "Failed", "\"user\":\"a\"");
    EXPECT_EQ(fx.Count(ev), 0u);
    EXPECT_EQ(fx.Count(Ev(0, "Failed", "\"user\":\"a\"") + Ev(5, "Failed", "\"user\":\"a\"")), 1u);
    EXPECT_EQ(fx.Count(Ev(0, "Failed", "\"user\":\"a\"")), 0u);
}

TEST(Correlation, ValueCount) {
    Fixture fx(
        Corr("value_count", "failed_login",
             "    group-by: [ip]\n    timespan: 1h\n    condition: {field: user, gte: 3}\n"));
    auto ev = [](int s, const char* u) {
        return Ev(s, "Failed", std::string("\"ip\":\"1.2.3.4\",\"user\":\"") + u + "\"");
    };
    EXPECT_EQ(fx.Count(ev(0, "a") + ev(1, "b") + ev(2, "a") + ev(3, "c")), 1u);
    EXPECT_EQ(fx.Count(ev(0, "a") + ev(1, "b") + ev(2, "a") + ev(3, "b")), 0u);
}

TEST(Correlation, Temporal) {
    Fixture fx(Corr("temporal", "failed_login, successful_login, transfer",
                    "    group-by: [user]\n    timespan: 5m\n"));
    auto u = [](int s, const char* n) { return Ev(s, n, "\"user\":\"a\""); };
    // Any order within the timespan.
    EXPECT_EQ(fx.Count(u(0, "Transfer") + u(10, "Success") + u(20, "Failed")), 1u);
    // One missing, or too far apart.
    EXPECT_EQ(fx.Count(u(0, "Transfer") + u(10, "Success")), 0u);
    EXPECT_EQ(fx.Count(u(0, "Transfer") + u(10, "Success") + u(400, "Failed")), 0u);
}

TEST(Correlation, TemporalOrdered) {
    Fixture fx(Corr("temporal_ordered", "failed_login, successful_login",
                    "    group-by: [user]\n    timespan: 10m\n"));
    auto u = [](int s, const char* n) { return Ev(s, n, "\"user\":\"a\""); };
    EXPECT_EQ(fx.Count(u(0, "Failed") + u(30, "Success")), 1u);
    EXPECT_EQ(fx.Count(u(0, "Success") + u(30, "Failed")), 0u);                     // wrong order
    EXPECT_EQ(fx.Count(u(0, "Failed") + u(900, "Success")), 0u);                    // too late
    EXPECT_EQ(fx.Count(u(0, "Failed") + u(700, "Failed") + u(900, "Success")), 1u); // later start
}

TEST(Correlation, ValueSumAvgPercentile) {
    auto t = [](int s, int bytes, const char* v = "x") {
        return Ev(s, "Transfer",
                  "\"user\":\"a\",\"bytes\":" + std::to_string(bytes) + ",\"image\":\"" + v + "\"");
    };
    Fixture sum(
        Corr("value_sum", "transfer",
             "    group-by: [user]\n    timespan: 1h\n    condition: {field: bytes, gt: 1000}\n"));
    EXPECT_EQ(sum.Count(t(0, 600) + t(10, 500)), 1u);
    EXPECT_EQ(sum.Count(t(0, 600) + t(10, 400)), 0u);
    Fixture avg(
        Corr("value_avg", "transfer",
             "    group-by: [user]\n    timespan: 1h\n    condition: {field: bytes, gt: 500}\n"));
    EXPECT_EQ(avg.Count(t(0, 400) + t(10, 800)), 1u);
    EXPECT_EQ(avg.Count(t(0, 400) + t(10, 500)), 0u);
    // value_percentile: values making up at most 10% of the group's events in the window.
    Fixture pct(
        Corr("value_percentile", "transfer",
             "    group-by: [user]\n    timespan: 1h\n    condition: {field: image, lte: 10}\n"));
    std::string ev;
    for (int i = 0; i < 19; ++i)
        ev += t(i, 1, "common");
    ev += t(30, 1, "rare");
    auto f = pct.Run(ev);
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].event_id, "id-Transfer-30");
}

TEST(Correlation, AliasesAcrossRules) {
    Fixture fx(Corr("temporal", "failed_login, successful_login",
                    "    group-by: [internal_ip]\n    timespan: 1m\n"
                    "    aliases:\n        internal_ip:\n            failed_login: dst\n"
                    "            successful_login: src\n"));
    EXPECT_EQ(fx.Count(Ev(0, "Failed", "\"dst\":\"10.0.0.1\"") +
                       Ev(5, "Success", "\"src\":\"10.0.0.1\"")),
              1u);
    EXPECT_EQ(fx.Count(Ev(0, "Failed", "\"dst\":\"10.0.0.1\"") +
                       Ev(5, "Success", "\"src\":\"10.0.0.2\"")),
              0u);
}

TEST(Correlation, GenerateKeepsBaseFindings) {
    Fixture fx(Corr("event_count", "failed_login",
                    "    group-by: [user]\n    timespan: 1m\n    condition: {gte: 2}\n"
                    "    generate: true\n"));
    auto f = fx.Run(Ev(0, "Failed", "\"user\":\"a\"") + Ev(1, "Failed", "\"user\":\"a\""));
    EXPECT_EQ(f.size(), 3u); // two base findings and the correlation
}

// The specification's closing example: many failed logins (a correlation) followed by a success.
TEST(Correlation, ChainedCorrelationFromTheSpecification) {
    std::string corr =
        "title: Many failed\nid: many\nname: multiple_failed_login\ncorrelation:\n"
        "    type: event_count\n    rules: [failed_login]\n    group-by: [User]\n"
        "    timespan: 10m\n    condition: {gte: 10}\n---\n"
        "title: Brute force\nid: chain\nlevel: high\ncorrelation:\n    type: temporal_ordered\n"
        "    rules: [multiple_failed_login, successful_login]\n    group-by: [User]\n"
        "    timespan: 10m\n";
    Fixture fx(corr);
    std::string ev;
    for (int i = 0; i < 10; ++i)
        ev += Ev(i * 5, "Failed", "\"User\":\"bob\"");
    ev += Ev(100, "Success", "\"User\":\"bob\"");
    auto f = fx.Run(ev);
    ASSERT_EQ(f.size(), 1u); // the inner correlation is silent inside the chain
    EXPECT_EQ(f[0].rule_id(), "chain");
    EXPECT_EQ(f[0].event_id, "id-Success-100");
    std::string nine;
    for (int i = 0; i < 9; ++i)
        nine += Ev(i * 5, "Failed", "\"User\":\"bob\"");
    EXPECT_EQ(fx.Count(nine + Ev(100, "Success", "\"User\":\"bob\""), "chain"), 0u);
}

TEST(Correlation, BadCorrelationsAreDiagnosed) {
    Fixture unknown(Corr("event_count", "no_such_rule",
                         "    group-by: [u]\n    timespan: 1m\n    condition: {gte: 1}\n"));
    analytics::CorrelationEngine e1(unknown.rules);
    EXPECT_EQ(e1.active(), 0u);
    ASSERT_FALSE(e1.diagnostics().empty());
    EXPECT_EQ(e1.diagnostics()[0].code, "correlation.unresolved");

    Fixture cycle("title: A\nid: ca\nname: ca\ncorrelation:\n    type: temporal\n"
                  "    rules: [cb, failed_login]\n    group-by: [u]\n    timespan: 1m\n---\n"
                  "title: B\nid: cb\nname: cb\ncorrelation:\n    type: temporal\n"
                  "    rules: [ca, failed_login]\n    group-by: [u]\n    timespan: 1m\n");
    analytics::CorrelationEngine e2(cycle.rules);
    EXPECT_EQ(e2.active(), 0u);
    bool saw_cycle = false;
    for (const auto& d : e2.diagnostics())
        saw_cycle |= d.code == "correlation.cycle";
    EXPECT_TRUE(saw_cycle);

    Fixture huge(Corr("event_count", "failed_login",
                      "    group-by: [u]\n    timespan: 400d\n    condition: {gte: 1}\n"));
    analytics::CorrelationEngine e3(huge.rules);
    EXPECT_EQ(e3.active(), 0u);
    ASSERT_FALSE(e3.diagnostics().empty());
    EXPECT_EQ(e3.diagnostics()[0].code, "correlation.timespan");
}

// Suzaku's correlation rules (third-party dataset) load, resolve and run.
TEST(Correlation, SuzakuCorrelationsLoadAndRun) {
    auto ds = test::DatasetsDir();
    if (ds.empty())
        GTEST_SKIP() << "datasets absent";
    auto dir = ds / "rules" / "suzaku";
    if (!std::filesystem::exists(dir))
        GTEST_SKIP() << "suzaku rules absent";
    sigma::RuleSet rules;
    std::vector<sigma::FileReport> reports;
    rules.LoadPath(dir.string(), {}, reports);
    rules.Compile();
    analytics::CorrelationEngine eng(rules);
    EXPECT_GE(rules.correlations().size(), 5u);
    EXPECT_EQ(eng.active(), rules.correlations().size());
    for (const auto& d : eng.diagnostics())
        ADD_FAILURE() << d.file << ": " << d.message;
    // Many Failed Logins: 3 failed console logins from one IP within 5 minutes.
    std::string fixed;
    for (int i = 0; i < 3; ++i) {
        char t[32];
        std::snprintf(t, sizeof t, "2024-03-05T10:00:%02dZ", i * 10);
        fixed += std::string("{\"eventVersion\":\"1.08\",\"eventTime\":\"") + t +
                 "\",\"eventSource\":\"signin.amazonaws.com\",\"eventName\":\"ConsoleLogin\","
                 "\"sourceIPAddress\":\"198.51.100.9\",\"eventID\":\"e" +
                 std::to_string(i) + "\",\"responseElements\":{\"ConsoleLogin\":\"Failure\"}}\n";
    }
    test::MiniHunt h(rules);
    h.Feed(fixed, "s.jsonl");
    h.Finish();
    EXPECT_EQ(h.Count("68f8de62-97cd-4a9a-afba-7804fddf43d4"), 1u);
}

} // namespace
} // namespace cloudsift
