// Behavioural analytics, incidents, IOC and suppression lists: positive and negative fixtures.
#include <gtest/gtest.h>

// Ct fixtures name only the fields a case needs.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include "analytics/incident.h"
#include "analytics/ioc.h"
#include "analytics/suppress.h"
#include "analytics_test_util.h"
#include "test_support.h"

namespace cloudsift {
namespace {

struct Ct {
    int sec = 0;
    std::string name, ip = "203.0.113.10", arn = "arn:aws:iam::111122223333:user/alice";
    std::string key = "AKIAEXAMPLE00000001", type = "IAMUser", error, region = "us-east-1", extra;
};

std::string Line(const Ct& c) {
    char t[40];
    std::snprintf(t, sizeof t, "2024-03-%02dT%02d:%02d:%02dZ", 5 + c.sec / 86400, c.sec / 3600 % 24,
                  c.sec / 60 % 60, c.sec % 60);
    std::string s = std::string("{\"eventVersion\":\"1.08\",\"eventTime\":\"") + t +
                    "\",\"eventSource\":\"x.amazonaws.com\",\"eventName\":\"" + c.name +
                    "\",\"awsRegion\":\"" + c.region + "\",\"sourceIPAddress\":\"" + c.ip +
                    "\",\"userAgent\":\"aws-cli/2.15.0\",\"eventID\":\"" + c.name +
                    std::to_string(c.sec) + "\",\"recipientAccountId\":\"111122223333\"," +
                    "\"userIdentity\":{\"type\":\"" + c.type + "\",\"arn\":\"" + c.arn +
                    "\",\"accountId\":\"111122223333\",\"accessKeyId\":\"" + c.key + "\"}";
    if (!c.error.empty())
        s += ",\"errorCode\":\"" + c.error + "\"";
    if (!c.extra.empty())
        s += "," + c.extra;
    return s + "}\n";
}

struct Hunt {
    sigma::RuleSet rules;
    analytics::Intel intel;
    std::vector<Finding> findings;
    Hunt() { rules.Compile(); }
    void Go(const std::vector<std::pair<std::string, std::string>>& files,
            analytics::BehaviorOptions opt = {}) {
        test::MiniHunt h(rules, &intel);
        for (const auto& [name, text] : files)
            h.Feed(text, name);
        h.Finish(opt);
        findings = h.findings;
    }
    size_t Count(std::string_view type) const {
        size_t n = 0;
        for (const auto& f : findings)
            n += f.rule_id() == type;
        return n;
    }
};

const char* kRole = "arn:aws:sts::111122223333:assumed-role/web-role/i-0abc123def4567890";

TEST(Behavior, InstanceCredentialsOutsideAws) {
    Hunt r;
    std::string log;
    for (int i = 0; i < 3; ++i)
        log += Line({.sec = i * 60,
                     .name = "DescribeTags",
                     .ip = "10.0.1.15",
                     .arn = kRole,
                     .key = "ASIAEXAMPLE0000001",
                     .type = "AssumedRole"});
    log += Line({.sec = 500,
                 .name = "ListBuckets",
                 .ip = "198.51.100.77",
                 .arn = kRole,
                 .key = "ASIAEXAMPLE0000001",
                 .type = "AssumedRole"});
    r.Go({{"ct.jsonl", log}});
    EXPECT_EQ(r.Count("UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS"), 1u);
    // Inside variant: another private address.
    Hunt in;
    in.Go({{"ct.jsonl", Line({.sec = 0,
                              .name = "DescribeTags",
                              .ip = "10.0.1.15",
                              .arn = kRole,
                              .type = "AssumedRole"}) +
                            Line({.sec = 60,
                                  .name = "DescribeTags",
                                  .ip = "10.0.9.9",
                                  .arn = kRole,
                                  .type = "AssumedRole"})}});
    EXPECT_EQ(in.Count("UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.InsideAWS"), 1u);
    // Negative: same address, or AWS Internal / service endpoints.
    Hunt neg;
    neg.Go({{"ct.jsonl", Line({.sec = 0,
                               .name = "DescribeTags",
                               .ip = "10.0.1.15",
                               .arn = kRole,
                               .type = "AssumedRole"}) +
                             Line({.sec = 60,
                                   .name = "DescribeTags",
                                   .ip = "10.0.1.15",
                                   .arn = kRole,
                                   .type = "AssumedRole"}) +
                             Line({.sec = 90,
                                   .name = "GetObject",
                                   .ip = "AWS Internal",
                                   .arn = kRole,
                                   .type = "AssumedRole"})}});
    EXPECT_EQ(neg.findings.size(), 0u);
}

TEST(Behavior, CryptoMiningDnsAndFlows) {
    Hunt r;
    r.intel.LoadMiningDomains("# pools\nnanopool.org\n");
    std::string dns =
        R"({"version":"1.100000","account_id":"111122223333","region":"us-east-1","vpc_id":"vpc-1","query_timestamp":"2024-03-05T10:00:00Z","query_name":"xmr-eu1.nanopool.org.","query_type":"A","query_class":"IN","rcode":"NOERROR","answers":[],"srcaddr":"10.0.1.15","srcport":"5312","transport":"UDP","srcids":{"instance":"i-0abc"}})"
        "\n"
        R"({"version":"1.100000","account_id":"111122223333","region":"us-east-1","vpc_id":"vpc-1","query_timestamp":"2024-03-05T10:00:01Z","query_name":"example.com.","query_type":"A","query_class":"IN","rcode":"NOERROR","answers":[],"srcaddr":"10.0.1.15","srcport":"5312","transport":"UDP","srcids":{"instance":"i-0abc"}})"
        "\n";
    std::string flows =
        "2 111122223333 eni-0a1b2c3d4e5f60718 10.0.1.15 141.94.1.2 41234 3333 6 40 8000 "
        "1709632800 1709632860 ACCEPT OK\n"
        "2 111122223333 eni-0a1b2c3d4e5f60718 10.0.1.15 141.94.1.2 41234 443 6 40 8000 "
        "1709632800 1709632860 ACCEPT OK\n"
        "2 111122223333 eni-0a1b2c3d4e5f60718 10.0.1.15 10.0.2.2 41234 3333 6 40 8000 "
        "1709632800 1709632860 ACCEPT OK\n";
    r.Go({{"dns.log", dns}, {"flows.log", flows}});
    EXPECT_EQ(r.Count("CryptoCurrency:EC2/BitcoinTool.B!DNS"), 1u);
    EXPECT_EQ(r.Count("CryptoCurrency:EC2/BitcoinTool.B"), 1u);
}

TEST(Behavior, GpuBurstAndFirstSeenRegion) {
    Hunt r;
    std::string log;
    // Learning: a day of activity in us-east-1.
    for (int h = 0; h < 24; ++h)
        log += Line({.sec = h * 3600, .name = "DescribeTags"});
    for (int i = 0; i < 2; ++i)
        log += Line({.sec = 30 * 3600 + i * 60,
                     .name = "RunInstances",
                     .region = "ap-south-1",
                     .extra = "\"requestParameters\":{\"instanceType\":\"p3.16xlarge\"}"});
    log += Line({.sec = 31 * 3600,
                 .name = "RunInstances",
                 .extra = "\"requestParameters\":{\"instanceType\":\"t3.micro\"}"});
    r.Go({{"ct.jsonl", log}});
    EXPECT_EQ(r.Count("CryptoCurrency:IAMUser/GpuInstanceBurst"), 1u);
    EXPECT_EQ(r.Count("Discovery:IAMUser/FirstSeenRegion"), 1u);
    // RunInstances is new for the principal but not a persistence API.
    EXPECT_EQ(r.Count("Persistence:IAMUser/AnomalousBehavior"), 0u);
}

// First-seen persistence APIs: only after the principal's own learning window, never for calls
// made through an AWS service.
TEST(Behavior, FirstSeenPersistenceApiNeedsThePrincipalsBaseline) {
    Hunt r;
    std::string log;
    for (int h = 0; h < 24; ++h)
        log += Line({.sec = h * 3600, .name = "DescribeTags"});
    log += Line({.sec = 25 * 3600, .name = "CreateAccessKey"});
    r.Go({{"ct.jsonl", log}});
    EXPECT_EQ(r.Count("Persistence:IAMUser/AnomalousBehavior"), 1u);
    // A principal first seen at hour 20 is still learning at hour 25 (learning = 6 h).
    Hunt late;
    std::string l2;
    for (int h = 0; h < 24; ++h)
        l2 += Line({.sec = h * 3600, .name = "DescribeTags"});
    const std::string bob = "arn:aws:iam::111122223333:user/bob", bob_key = "AKIAEXAMPLE00000002";
    std::string other = Line({.sec = 20 * 3600 + 1, .name = "DescribeTags", .arn = bob, .key = bob_key}) +
                        Line({.sec = 25 * 3600, .name = "CreateAccessKey", .arn = bob,
                              .key = bob_key});
    late.Go({{"ct.jsonl", l2 + other}});
    EXPECT_EQ(late.Count("Persistence:IAMUser/AnomalousBehavior"), 0u);
    // The same call made by an AWS service on the principal's behalf is not its behaviour.
    Hunt svc;
    std::string l3;
    for (int h = 0; h < 24; ++h)
        l3 += Line({.sec = h * 3600, .name = "DescribeTags"});
    std::string via = Line({.sec = 25 * 3600, .name = "CreateAccessKey"});
    via.replace(via.find("\"userIdentity\":{") + 16, 0,
                "\"invokedBy\":\"cloudformation.amazonaws.com\",");
    svc.Go({{"ct.jsonl", l3 + via}});
    EXPECT_EQ(svc.Count("Persistence:IAMUser/AnomalousBehavior"), 0u);
}

// Identity-creating calls link the creator to what it created, for incident grouping.
TEST(Behavior, CreationLinksForIncidents) {
    sigma::RuleSet rules;
    rules.Compile();
    analytics::Intel intel;
    test::MiniHunt h(rules, &intel);
    std::string log =
        Line({.sec = 0,
              .name = "CreateAccessKey",
              .extra = "\"requestParameters\":{\"userName\":\"svc-x\"},\"responseElements\":"
                       "{\"accessKey\":{\"userName\":\"svc-x\",\"accessKeyId\":"
                       "\"AKIANEWKEY000000001\"}}"}) +
        Line({.sec = 5,
              .name = "CreateFunction20150331",
              .extra = "\"requestParameters\":{\"functionName\":\"maint\",\"role\":"
                       "\"arn:aws:iam::111122223333:role/ops-admin\"}"}) +
        Line({.sec = 9, .name = "CreateUser", .error = "AccessDenied",
              .extra = "\"requestParameters\":{\"userName\":\"denied\"}"});
    h.Feed(log, "ct.jsonl");
    using L = std::pair<std::string, std::string>;
    const std::string creator = "key:AKIAEXAMPLE00000001";
    EXPECT_EQ(h.links(),
              (std::vector<L>{
                  {creator, "principal:arn:aws:iam::111122223333:user/svc-x"},
                  {creator, "key:AKIANEWKEY000000001"},
                  {creator, "principal:arn:aws:sts::111122223333:assumed-role/ops-admin/maint"}}));
}

TEST(Behavior, AttackToolUserAgentOncePerPrincipal) {
    Hunt r;
    std::string log;
    for (int i = 0; i < 5; ++i) {
        Ct c{.sec = i, .name = "GetCallerIdentity"};
        std::string l = Line(c);
        l.replace(l.find("aws-cli/2.15.0"), 14, "aws-cli/2.13.5 Linux/6.1.0-kali9-amd64");
        log += l;
    }
    r.Go({{"ct.jsonl", log + Line({.sec = 9, .name = "GetCallerIdentity"})}});
    EXPECT_EQ(r.Count("Discovery:IAMUser/AttackToolUserAgent"), 1u);
}

TEST(Behavior, DiscoveryBurstAndAccessDenied) {
    Hunt r;
    const char* apis[] = {"ListUsers",       "ListRoles",   "DescribeInstances",
                          "DescribeRegions", "ListBuckets", "GetAccountSummary",
                          "ListSecrets",     "DescribeVpcs"};
    std::string log;
    int s = 0;
    for (const char* a : apis)
        log += Line({.sec = s += 20, .name = a, .error = s % 40 == 0 ? "AccessDenied" : ""});
    r.Go({{"ct.jsonl", log}});
    EXPECT_EQ(r.Count("Discovery:IAMUser/AnomalousBehavior"), 1u);
    EXPECT_EQ(r.Count("Recon:IAMUser/AccessDeniedBurst"), 1u);
    // Negative: the same calls spread over hours, all allowed.
    Hunt slow;
    std::string slow_log;
    s = 0;
    for (const char* a : apis)
        slow_log += Line({.sec = s += 1800, .name = a});
    slow.Go({{"ct.jsonl", slow_log}});
    EXPECT_EQ(slow.Count("Discovery:IAMUser/AnomalousBehavior"), 0u);
    EXPECT_EQ(slow.Count("Recon:IAMUser/AccessDeniedBurst"), 0u);
    // Negative: one API denied again and again (a workload's missing permission).
    Hunt sticky;
    std::string sticky_log;
    for (int i = 0; i < 8; ++i)
        sticky_log += Line({.sec = 10 + i * 20, .name = "GetObject", .error = "AccessDenied"});
    sticky.Go({{"ct.jsonl", sticky_log}});
    EXPECT_EQ(sticky.Count("Recon:IAMUser/AccessDeniedBurst"), 0u);
    // Negative: a burst the principal makes routinely (an inventory run every hour) is known.
    Hunt routine;
    std::string routine_log;
    for (int h = 0; h < 24; ++h)
        for (size_t k = 0; k < std::size(apis); ++k)
            routine_log += Line({.sec = h * 3600 + int(k) * 20, .name = apis[k]});
    routine.Go({{"ct.jsonl", routine_log}});
    EXPECT_EQ(routine.Count("Discovery:IAMUser/AnomalousBehavior"), 0u);
}

TEST(Behavior, ConsoleBruteForceRootNoMfaAndMfaRemoval) {
    Hunt r;
    std::string root = "arn:aws:iam::111122223333:root";
    std::string log;
    for (int i = 0; i < 4; ++i)
        log += Line({.sec = i * 30,
                     .name = "ConsoleLogin",
                     .arn = root,
                     .key = "",
                     .type = "Root",
                     .extra = "\"responseElements\":{\"ConsoleLogin\":\"Failure\"}"});
    log += Line({.sec = 200,
                 .name = "ConsoleLogin",
                 .arn = root,
                 .key = "",
                 .type = "Root",
                 .extra = "\"responseElements\":{\"ConsoleLogin\":\"Success\"},"
                          "\"additionalEventData\":{\"MFAUsed\":\"No\"}"});
    log += Line({.sec = 300, .name = "DeactivateMFADevice"});
    r.Go({{"ct.jsonl", log}});
    EXPECT_EQ(r.Count("CredentialAccess:IAMUser/ConsoleBruteForceSuccess"), 1u);
    ASSERT_EQ(r.Count("Policy:IAMUser/RootCredentialUsage"), 1u);
    EXPECT_EQ(r.Count("Persistence:IAMUser/MFARemoved"), 1u);
    Hunt neg;
    neg.Go({{"ct.jsonl", Line({.sec = 0,
                               .name = "ConsoleLogin",
                               .extra = "\"responseElements\":{\"ConsoleLogin\":\"Success\"}"})}});
    EXPECT_EQ(neg.findings.size(), 0u);
}

TEST(Behavior, LoggingBlindWindow) {
    Hunt r;
    r.Go({{"ct.jsonl",
           Line({.sec = 0, .name = "StopLogging"}) + Line({.sec = 1800, .name = "StartLogging"})}});
    ASSERT_EQ(r.Count("Stealth:IAMUser/CloudTrailLoggingDisabled"), 1u);
    for (const auto& f : r.findings)
        if (f.rule_id() == "Stealth:IAMUser/CloudTrailLoggingDisabled")
            EXPECT_NE(f.rule_title().find("30 min"), std::string::npos) << f.rule_title();
    Hunt failed;
    failed.Go({{"ct.jsonl", Line({.sec = 0, .name = "StopLogging", .error = "AccessDenied"})}});
    EXPECT_EQ(failed.Count("Stealth:IAMUser/CloudTrailLoggingDisabled"), 0u);
}

// With a baseline, mass reads count only buckets the principal did not read while learning.
TEST(Behavior, MassReadsCountOnlyNewBuckets) {
    auto get = [](int sec, const std::string& bucket, int i) {
        return Line({.sec = sec,
                     .name = "GetObject",
                     .extra = "\"requestParameters\":{\"bucketName\":\"" + bucket +
                              "\",\"key\":\"k" + std::to_string(i) + "\"}"});
    };
    std::string learn;
    for (int h = 0; h < 24; ++h)
        learn += get(h * 3600, "app-assets", h);
    std::string own, other;
    for (int i = 0; i < 30; ++i) {
        own += get(25 * 3600 + i, "app-assets", 100 + i);
        other += get(25 * 3600 + i, "customer-exports", i);
    }
    Hunt routine;
    routine.Go({{"ct.jsonl", learn + own}});
    EXPECT_EQ(routine.Count("Exfiltration:S3/ObjectRead.Unusual"), 0u);
    Hunt exfil;
    exfil.Go({{"ct.jsonl", learn + other}});
    EXPECT_EQ(exfil.Count("Exfiltration:S3/ObjectRead.Unusual"), 1u);
}

TEST(Behavior, S3MassOperationsAndSecrets) {
    Hunt r;
    std::string log;
    for (int i = 0; i < 25; ++i)
        log += Line({.sec = i * 5,
                     .name = "DeleteObject",
                     .extra = "\"requestParameters\":{\"bucketName\":\"b\",\"key\":\"k" +
                              std::to_string(i) + "\"}"});
    for (int i = 0; i < 6; ++i)
        log +=
            Line({.sec = 200 + i,
                  .name = "GetSecretValue",
                  .extra = "\"requestParameters\":{\"secretId\":\"s" + std::to_string(i) + "\"}"});
    r.Go({{"ct.jsonl", log}});
    EXPECT_EQ(r.Count("Impact:S3/ObjectDeletion.Unusual"), 1u);
    EXPECT_EQ(r.Count("CredentialAccess:IAMUser/BulkSecretRead"), 1u);
    Hunt neg;
    std::string few;
    for (int i = 0; i < 5; ++i)
        few += Line({.sec = i * 5,
                     .name = "DeleteObject",
                     .extra = "\"requestParameters\":{\"bucketName\":\"b\",\"key\":\"k\"}"});
    neg.Go({{"ct.jsonl", few}});
    EXPECT_EQ(neg.Count("Impact:S3/ObjectDeletion.Unusual"), 0u);
}

TEST(Ioc, CsvAndStixWithBadLines) {
    analytics::IocSet set;
    std::vector<analytics::IocSet::Problem> problems;
    set.Parse("type,value,description\nip,198.51.100.7,c2\ncidr,203.0.113.0/24\n"
              "domain,Evil.Example.\nbogus,1\nip,999.1.1.1\nuser_agent,sqlmap\n"
              "access_key,AKIAEXAMPLE00000001\nonlyonecell\n",
              problems);
    EXPECT_EQ(set.size(), 5u);
    ASSERT_EQ(problems.size(), 3u);
    EXPECT_EQ(problems[0].line, 5u);
    EXPECT_EQ(problems[1].line, 6u);
    EXPECT_EQ(problems[2].line, 9u);
    EXPECT_NE(set.MatchIp("198.51.100.7"), nullptr);
    EXPECT_NE(set.MatchIp("203.0.113.99"), nullptr);
    EXPECT_EQ(set.MatchIp("192.0.2.1"), nullptr);
    EXPECT_NE(set.MatchDomain("a.b.evil.example"), nullptr);
    EXPECT_EQ(set.MatchDomain("notevil.example"), nullptr);
    EXPECT_NE(set.MatchUserAgent("SQLMap/1.7"), nullptr);
    EXPECT_NE(set.MatchAccessKey("AKIAEXAMPLE00000001"), nullptr);

    analytics::IocSet stix;
    problems.clear();
    stix.Parse(R"({"type":"bundle","id":"bundle--1","objects":[
      {"type":"indicator","pattern_type":"stix","pattern":"[ipv4-addr:value = '198.51.100.8'] OR [domain-name:value = 'pool.bad.example']","name":"miner"},
      {"type":"indicator","pattern":"[network-traffic:dst_ref.value = '192.0.2.0/24']"},
      {"type":"indicator","pattern_type":"sigma","pattern":"title: x"},
      {"type":"malware","name":"x"}]})",
               problems);
    EXPECT_EQ(stix.size(), 3u);
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_EQ(problems[0].line, 3u);
    EXPECT_NE(stix.MatchIp("192.0.2.55"), nullptr);
    EXPECT_NE(stix.MatchDomain("pool.bad.example."), nullptr);
}

TEST(Ioc, MatchesRecordsOfAnySource) {
    Hunt r;
    std::vector<analytics::IocSet::Problem> problems;
    r.intel.iocs.Parse("ip,198.51.100.77,known miner\n", problems);
    r.Go({{"ct.jsonl", Line({.sec = 0, .name = "ListBuckets", .ip = "198.51.100.77"}) +
                           Line({.sec = 1, .name = "ListBuckets"})}});
    EXPECT_EQ(r.Count("UnauthorizedAccess:Runtime/ThreatIntelIndicator"), 1u);
}

TEST(Suppress, YamlAndCsvEntriesWithExpiry) {
    analytics::SuppressionList yaml;
    std::vector<analytics::SuppressionList::Problem> problems;
    yaml.Parse("suppress:\n  - rule: r1\n    principal: ci-bot\n    reason: CI\n"
               "  - ip: 10.0.0.0/8\n    expires: 2000-01-01\n  - colour: red\n",
               problems);
    EXPECT_EQ(yaml.entries().size(), 2u);
    ASSERT_EQ(problems.size(), 2u); // unknown key and an entry without criteria
    Finding f;
    f.rule_fields().id = "r1";
    f.actor = "arn:aws:iam::1:user/ci-bot";
    f.source_ip = "10.1.2.3";
    TimeMs now = 1709632800000;
    EXPECT_TRUE(yaml.Suppressed(f, now));
    f.actor = "arn:aws:iam::1:user/alice";
    EXPECT_FALSE(yaml.Suppressed(f, now)); // the ip entry expired
    analytics::SuppressionList csv;
    problems.clear();
    csv.Parse("field,value,expires,reason\nip,10.0.0.0/8,2999-01-01,lab\nuser_agent,Nessus\n"
              "host,x\nip,not-an-ip\n",
              problems);
    EXPECT_EQ(csv.entries().size(), 2u);
    EXPECT_EQ(problems.size(), 2u);
    EXPECT_TRUE(csv.Suppressed(f, now));
}

// A malformed YAML suppression list is refused whole by libyaml, at the line of its problem.
TEST(Suppress, MalformedYamlIsRefusedWithItsLine) {
    analytics::SuppressionList list;
    std::vector<analytics::SuppressionList::Problem> problems;
    list.Parse("suppress:\n  - rule: r1\n reason: CI\n", problems);
    EXPECT_TRUE(list.entries().empty());
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_EQ(problems[0].line, 3u);
    EXPECT_NE(problems[0].message.find("did not find expected key"), std::string::npos)
        << problems[0].message;
}

TEST(Incidents, GroupsAcrossSourcesByEntitiesAndTime) {
    auto mk = [](TimeMs t, std::string rule, std::string tactic, std::string ip, std::string actor,
                 std::string src, std::string level = "high") {
        Finding f;
        f.time = t;
        f.rule_fields().id = rule;
        f.rule_fields().title = rule;
        f.rule_fields().tactics = {tactic};
        f.source_ip = ip;
        f.actor = actor;
        f.source_type = src;
        f.rule_fields().level = level;
        f.finding_id = FindingId::Of(rule + std::to_string(t));
        f.file = src == "nginx" ? "hosts/web-1/var/log/nginx/access.log" : "AWSLogs/x";
        return f;
    };
    const TimeMs h = 3600 * 1000;
    std::vector<Finding> fs = {
        mk(0, "web-rce", "initial-access", "198.51.100.7", "", "nginx"),
        mk(h, "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
           "initial-access", "198.51.100.7", kRole, "cloudtrail"),
        mk(2 * h, "CryptoCurrency:EC2/BitcoinTool.B!DNS", "impact", "10.0.1.15", "", "route53"),
        mk(2 * h, "unrelated", "discovery", "192.0.2.1", "arn:aws:iam::1:user/bob", "cloudtrail",
           "low"),
        // Shares the attacker IP but 3 days later: a separate incident.
        mk(72 * h, "late", "discovery", "198.51.100.7", "", "cloudtrail"),
    };
    auto incs =
        analytics::BuildIncidents(fs, {}, {{"instance:i-0abc123def4567890", "ip:10.0.1.15"}});
    ASSERT_EQ(incs.size(), 3u);
    const analytics::Incident& top = incs[0];
    EXPECT_EQ(top.finding_ids.size(), 3u);
    EXPECT_EQ(top.title, "Stolen EC2 role credentials used to mine cryptocurrency");
    EXPECT_EQ(top.tactics, (std::vector<std::string>{"initial-access", "impact"}));
    EXPECT_EQ(top.sources.size(), 3u);
    EXPECT_GT(top.score, incs[1].score);
    std::string json;
    analytics::AppendIncidentJson(json, top);
    EXPECT_NE(json.find("\"incident_id\":\"INC-"), std::string::npos);
    EXPECT_NE(json.find("\"tactics\":[\"initial-access\",\"impact\"]"), std::string::npos);
    // Host-level evidence naming its instance (resolver srcids, flow logs v5) links by instance
    // without any learned address link.
    std::vector<Finding> by_id = {
        mk(h, "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
           "initial-access", "198.51.100.7", kRole, "cloudtrail"),
        mk(2 * h, "CryptoCurrency:EC2/BitcoinTool.B!DNS", "impact", "10.0.1.15",
           "i-0abc123def4567890", "route53"),
    };
    EXPECT_EQ(analytics::BuildIncidents(by_id).size(), 1u);
    by_id[1].actor = "i-not-an-instance";
    EXPECT_EQ(analytics::BuildIncidents(by_id).size(), 2u);
}

} // namespace
} // namespace cloudsift
