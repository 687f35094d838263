// Ingest through Scan() and the CloudTrail decoder, then the investigation queries on the case.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <fstream>

#include "hunt/hunter.h"
#include "sim/simulate.h"
#include "store/case_store.h"
#include "store/ingest.h"
#include "store/investigate.h"
#include "store/saved_queries.h"
#include "store/verify.h"
#include "store/writer.h"
#include "unit/store/store_test_util.h"

namespace cloudsift::store {
namespace {

using test::TempDir;
namespace fs = std::filesystem;

// Copies the store fixtures into dir/AWSLogs/... and returns the input directory.
std::string StageFixtures(const fs::path& dir) {
    fs::path in = dir / "in/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/01";
    fs::create_directories(in);
    for (auto name : {"incident_a.json", "incident_b.json"})
        fs::copy_file(cloudsift::test::TestDir() / "fixtures/store" / name,
                      in / (std::string("111122223333_CloudTrail_us-east-1_") + name));
    return (dir / "in").string();
}

int64_t Count(CaseStore& cs, const std::string& sql) {
    auto t = cs.conn().Query(sql);
    EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.error().message);
    return t.ok() && !t.value().rows.empty() ? std::atoll(t.value().Cell(0, 0).c_str()) : -1;
}

// An ingest hunt with the built-in rules that shows each HuntResult to seen before storing it.
std::function<Result<IngestHunt>(const ScanOptions&)>
BuiltinHunt(std::function<void(const HuntResult&)> seen) {
    HuntOptions hunt;
    std::vector<sigma::FileReport> reports;
    std::shared_ptr<sigma::RuleSet> rules = LoadRules(hunt, reports);
    EXPECT_GT(rules->size(), 0u);
    return [hunt, rules, seen](const ScanOptions& scan) -> Result<IngestHunt> {
        HuntOptions h = hunt;
        h.scan = scan;
        HuntResult r = RunHunt(h, *rules);
        seen(r);
        return IngestHunt{std::move(r.findings), std::move(r.incidents)};
    };
}

struct IngestedCase {
    TempDir tmp;
    std::unique_ptr<CaseStore> cs;
    IngestResult first;
    IngestedCase() {
        std::string in = StageFixtures(tmp.path);
        auto opened = CaseStore::Open((tmp.path / "case").string(), OpenMode::Create);
        EXPECT_TRUE(opened.ok());
        cs = std::move(opened.value());
        IngestOptions opt;
        opt.scan.inputs = {in};
        opt.scan.threads = 2;
        opt.batch_rows = 2; // several batches per file
        auto r = Ingest(*cs, opt);
        EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
        first = r.value();
    }
};

TEST(Ingest, LoadsFilesEventsEvidenceAndCustody) {
    IngestedCase c;
    EXPECT_EQ(c.first.ingested, 2u);
    EXPECT_EQ(c.first.events, 11u);
    EXPECT_EQ(Count(*c.cs, "SELECT count(*) FROM events"), 11);
    EXPECT_EQ(Count(*c.cs, "SELECT count(*) FROM files WHERE format = 'cloudtrail' AND events > 0 "
                           "AND first_event IS NOT NULL AND size > 0"),
              2);
    EXPECT_EQ(Count(*c.cs, "SELECT count(*) FROM custody WHERE action = 'ingest'"), 2);
    // Evidence copies keep the AWSLogs layout, are read-only and hash like the originals.
    auto t = c.cs->conn().Query("SELECT evidence_path, sha256 FROM files ORDER BY 1");
    ASSERT_TRUE(t.ok());
    for (size_t r = 0; r < t.value().rows.size(); ++r) {
        std::string p = (fs::path(c.cs->dir()) / t.value().Cell(r, 0)).string();
        EXPECT_NE(p.find("/AWSLogs/111122223333/CloudTrail/us-east-1/"), std::string::npos);
        struct stat st {};
        ASSERT_EQ(stat(p.c_str(), &st), 0) << p;
        EXPECT_EQ(st.st_mode & 0777, 0444u);
        auto h = Sha256File(p);
        ASSERT_TRUE(h.ok());
        EXPECT_EQ(h.value(), t.value().Cell(r, 1));
    }
    // Region comes from the record, not only from the path.
    EXPECT_EQ(Count(*c.cs, "SELECT count(*) FROM events WHERE region = 'eu-west-1'"), 1);
}

TEST(Ingest, EvidencePathsShareDayDirectoriesAndNeverLeaveTheCase) {
    const std::string a(64, 'a'), b(64, 'b');
    std::string day = "/logs/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/01/";
    EXPECT_EQ(
        EvidenceRelPath(day + "x.json.gz", a),
        "evidence/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/01/aaaaaaaaaaaaaaaa-x.json.gz");
    // Two files of one day: one directory, two names; equal names of different content differ.
    EXPECT_EQ(fs::path(EvidenceRelPath(day + "x.json.gz", a)).parent_path(),
              fs::path(EvidenceRelPath(day + "y.json.gz", b)).parent_path());
    EXPECT_NE(EvidenceRelPath(day + "x.json.gz", a),
              EvidenceRelPath("/other" + day + "x.json.gz", b));
    EXPECT_EQ(EvidenceRelPath("/tmp/trail.jsonl", a), "evidence/aaaaaaaaaaaaaaaa-trail.jsonl");
    EXPECT_EQ(EvidenceRelPath("AWSLogs/../../../etc/passwd", a),
              "evidence/AWSLogs/etc/aaaaaaaaaaaaaaaa-passwd");
    EXPECT_EQ(EvidenceRelPath("/", a), "evidence/aaaaaaaaaaaaaaaa-file");
}

TEST(Ingest, LeavesDuckDbSettingsAsItFoundThem) {
    TempDir tmp;
    std::string in = StageFixtures(tmp.path);
    auto cs = CaseStore::Open((tmp.path / "case").string(), OpenMode::Create);
    ASSERT_TRUE(cs.ok());
    ASSERT_TRUE(cs.value()->conn().Exec("SET threads = 3"));
    ASSERT_TRUE(cs.value()->conn().Exec("SET max_vacuum_tasks = 7"));
    IngestOptions opt;
    opt.scan.inputs = {in};
    ASSERT_TRUE(Ingest(*cs.value(), opt).ok());
    // Ingest runs DuckDB with one worker and no row-group vacuum; afterwards queries and
    // checkpoints get the settings they had.
    auto t = cs.value()->conn().Query(
        "SELECT current_setting('threads'), current_setting('max_vacuum_tasks')");
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t.value().Cell(0, 0), "3");
    EXPECT_EQ(t.value().Cell(0, 1), "7");
}

TEST(Ingest, MemoryLimitHoldsForTheRunOnly) {
    TempDir tmp;
    std::string in = StageFixtures(tmp.path);
    auto cs = CaseStore::Open((tmp.path / "case").string(), OpenMode::Create);
    ASSERT_TRUE(cs.ok());
    auto setting = [&] {
        auto t = cs.value()->conn().Query("SELECT current_setting('memory_limit')");
        return t.ok() ? t.value().Cell(0, 0) : std::string("?");
    };
    const std::string before = setting();
    IngestOptions opt;
    opt.scan.inputs = {in};
    // Refused values leave the case as it was: nothing hashed, copied or stored.
    for (const char* bad : {"lots", "2GB'; DROP TABLE events; --", "-1GB", "12 parsecs"}) {
        opt.memory_limit = bad;
        auto r = Ingest(*cs.value(), opt);
        ASSERT_FALSE(r.ok()) << bad;
        EXPECT_EQ(r.error().code, "ingest.memory_limit");
        EXPECT_EQ(Count(*cs.value(), "SELECT count(*) FROM files"), 0);
        EXPECT_FALSE(fs::exists(tmp.path / "case" / "evidence" / "AWSLogs"));
    }
    EXPECT_EQ(setting(), before);
    // The run's limit is DuckDB's while it runs; the events are all stored; afterwards the
    // case has its setting back.
    opt.memory_limit = "64MB";
    std::string during;
    opt.hunt = [&](const ScanOptions&) -> Result<IngestHunt> {
        during = setting();
        return IngestHunt{};
    };
    auto r = Ingest(*cs.value(), opt);
    EXPECT_NE(during, before);
    EXPECT_EQ(during, "61.0 MiB"); // 64 000 000 bytes
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r.value().ingested, 2u);
    EXPECT_EQ(Count(*cs.value(), "SELECT count(*) FROM events"), 11);
    EXPECT_EQ(setting(), before);
}

TEST(Ingest, SecondRunSkipsKnownFiles) {
    IngestedCase c;
    IngestOptions opt;
    opt.scan.inputs = {(c.tmp.path / "in").string()};
    auto r = Ingest(*c.cs, opt);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value().ingested, 0u);
    EXPECT_EQ(r.value().skipped, 2u);
    EXPECT_EQ(Count(*c.cs, "SELECT count(*) FROM events"), 11);
    EXPECT_EQ(Count(*c.cs, "SELECT count(*) FROM files"), 2);
}

TEST(Ingest, TimelineIsSortedAndFiltered) {
    IngestedCase c;
    auto all = Timeline(c.cs->conn(), {});
    ASSERT_TRUE(all.ok()) << all.error().message;
    ASSERT_EQ(all.value().rows.size(), 11u);
    EXPECT_EQ(all.value().Cell(0, "action"), "ConsoleLogin");
    for (size_t r = 1; r < all.value().rows.size(); ++r)
        EXPECT_LE(all.value().Cell(r - 1, "time"), all.value().Cell(r, "time"));
    TimelineFilter f;
    f.key = "ASIAADMIN00000000001";
    auto byKey = Timeline(c.cs->conn(), f);
    ASSERT_TRUE(byKey.ok());
    ASSERT_EQ(byKey.value().rows.size(), 3u);
    EXPECT_EQ(byKey.value().Cell(0, "action"), "CreateAccessKey");
    TimelineFilter g;
    g.ip = "203.0.113.99";
    g.since = ParseIsoTime("2024-03-01T11:04:00Z");
    auto byIp = Timeline(c.cs->conn(), g);
    ASSERT_TRUE(byIp.ok());
    ASSERT_EQ(byIp.value().rows.size(), 2u);
    EXPECT_EQ(byIp.value().Cell(0, "action"), "StopLogging");
    EXPECT_NE(byIp.value().Cell(0, "message").find("from 203.0.113.99"), std::string::npos);
}

TEST(Ingest, SummaryPutsAbusedApisFirst) {
    IngestedCase c;
    std::vector<std::pair<std::string, std::string>> abused = {
        {"CreateAccessKey", "persistence"},
        {"AuthorizeSecurityGroupIngress", "defense-evasion"},
        {"StopLogging", "defense-evasion"}};
    std::vector<std::string> names;
    for (auto& a : abused)
        names.push_back(a.first);
    auto s = PrincipalSummary(c.cs->conn(), names);
    ASSERT_TRUE(s.ok()) << s.error().message;
    const Table& t = s.value();
    ASSERT_GE(t.rows.size(), 4u);
    // Two principals called two abused APIs each; alice's ListUsers failed.
    std::set<std::string> top = {t.Cell(0, "principal"), t.Cell(1, "principal")};
    EXPECT_TRUE(top.count("arn:aws:sts::111122223333:assumed-role/Admin/alice-admin"));
    EXPECT_TRUE(
        top.count("arn:aws:sts::111122223333:assumed-role/WebServerRole/i-0abc1234def567890"));
    for (size_t r = 0; r < t.rows.size(); ++r)
        if (t.Cell(r, "principal") == "arn:aws:iam::111122223333:user/alice") {
            EXPECT_EQ(t.Cell(r, "failed"), "1");
            EXPECT_EQ(t.Cell(r, "events"), "3");
            EXPECT_EQ(t.Cell(r, "access_keys"), "AKIAALICE0000000001");
        }
    auto apis = PrincipalApis(c.cs->conn(), abused);
    ASSERT_TRUE(apis.ok()) << apis.error().message;
    bool seen = false;
    for (size_t r = 0; r < apis.value().rows.size(); ++r)
        if (apis.value().Cell(r, "principal") ==
            "arn:aws:sts::111122223333:assumed-role/Admin/alice-admin") {
            if (!seen)
                EXPECT_EQ(apis.value().Cell(r, "abused"), "true");
            seen = true;
        }
    EXPECT_TRUE(seen);
}

TEST(Ingest, EntityProfileOfKeyAndIp) {
    IngestedCase c;
    EXPECT_EQ(ClassifyEntity("AKIAALICE0000000001"), EntityKind::AccessKey);
    EXPECT_EQ(ClassifyEntity("198.51.100.7"), EntityKind::Ip);
    EXPECT_EQ(ClassifyEntity("i-0abc1234def567890"), EntityKind::Instance);
    EXPECT_EQ(ClassifyEntity("arn:aws:iam::1:role/x"), EntityKind::Role);
    EXPECT_EQ(ClassifyEntity("prod-backups"), EntityKind::Other);
    auto p = EntityProfile(c.cs->conn(), "198.51.100.7");
    ASSERT_TRUE(p.ok()) << p.error().message;
    ASSERT_GE(p.value().size(), 7u);
    const Table& overview = p.value()[0].table;
    EXPECT_EQ(overview.Cell(0, "events"), "4");
    EXPECT_EQ(overview.Cell(0, "first_seen"), "2024-03-01T10:15:00.000Z");
    bool related_key = false;
    for (auto& s : p.value())
        if (s.title == "Related entities")
            for (size_t r = 0; r < s.table.rows.size(); ++r)
                related_key |= s.table.Cell(r, "value") == "ASIAPIVOT0000000001";
    EXPECT_TRUE(related_key);
    auto b = EntityProfile(c.cs->conn(), "prod-backups");
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(b.value()[0].table.Cell(0, "as_target"), "1");
}

// The identifiers a record names (spec: AppendMentions): keys of every allowed length, instance
// ids of 8 and 17 digits, ARNs; never a part of a longer word, never the record's own ones.
TEST(Mentions, NamesStandAloneKeysInstancesAndArnsButNotTheActorsOwn) {
    auto of = [](std::string_view raw, std::initializer_list<std::string_view> own) {
        std::string out;
        AppendMentions(out, raw, own);
        return out;
    };
    EXPECT_EQ(of(R"({"accessKeyId":"ASIAPIVOT0000000001","k2":"AKIAIOSFODNN7EXAMPLE"})", {}),
              "AKIAIOSFODNN7EXAMPLE ASIAPIVOT0000000001");
    EXPECT_EQ(
        of(R"({"a":"ASIASHORT","b":"XAKIAIOSFODNN7EXAMPLE","c":"AKIAIOSFODNN7EXAMPLEx"})", {}), "");
    EXPECT_EQ(of(R"({"i":"i-0abc1234def567890","j":"i-12345678","k":"ami-12345678",)"
                 R"("l":"i-123456789","m":"i-0ABC1234"})",
                 {}),
              "i-0abc1234def567890 i-12345678");
    EXPECT_EQ(
        of(R"({"arn":"arn:aws:iam::111122223333:role/Admin","r":[{"ARN":)"
           R"("arn:aws:s3:::prod-backups/key"}],"x":"arn:aws:iam::1","y":"barn:aws:a:b:c:d"})",
           {}),
        "arn:aws:iam::111122223333:role/Admin arn:aws:s3:::prod-backups/key");
    // The actor's own key and ARN are columns already; duplicates are named once.
    EXPECT_EQ(of(R"({"u":"ASIAOWN000000000001","a":"arn:aws:sts::1:assumed-role/R/s",)"
                 R"("new":"ASIANEW000000000001","again":"ASIANEW000000000001"})",
                 {"ASIAOWN000000000001", "arn:aws:sts::1:assumed-role/R/s"}),
              "ASIANEW000000000001");
    EXPECT_EQ(of("no identifiers here", {}), "");
    // Identifier-shaped runs without an end: each byte is read a bounded number of times (one
    // scan per anchor would read 10^11 bytes here and never finish).
    std::string arns, keys;
    for (int i = 0; i < 250000; ++i) {
        arns += "arn:";
        keys += "AKIA";
    }
    EXPECT_TRUE(of(arns, {}) == arns); // one "ARN" up to the end, read once
    EXPECT_TRUE(of(keys, {}).empty()); // one run of a million letters: longer than a key can be
    EXPECT_EQ(of(arns.substr(0, 40) + "\"", {}), arns.substr(0, 40));
}

TEST(Ingest, MentionsColumnNamesWhatEachRecordNames) {
    IngestedCase c;
    auto t = c.cs->conn().Query("SELECT mentions FROM events WHERE event_id = 'evt-0105'");
    ASSERT_TRUE(t.ok()) << t.error().message;
    ASSERT_EQ(t.value().rows.size(), 1u);
    // The AssumeRole that minted the pivot key: the key, the role and the new session, not the
    // caller's own key and ARN.
    EXPECT_EQ(t.value().Cell(0, 0),
              "ASIAPIVOT0000000001 arn:aws:iam::444455556666:role/CrossAccount "
              "arn:aws:sts::444455556666:assumed-role/CrossAccount/pivot");
    // An entity named only in a request or response is a target (found through mentions).
    auto p = EntityProfile(c.cs->conn(), "arn:aws:iam::444455556666:role/CrossAccount");
    ASSERT_TRUE(p.ok()) << p.error().message;
    EXPECT_EQ(p.value()[0].table.Cell(0, "as_target"), "1");
}

// requestparameters / responseelements come from the payload columns and hold the same JSON as
// the raw record's members; events without them (or with null) have NULL.
TEST(Ingest, PayloadColumnsHoldTheRecordsRequestAndResponse) {
    IngestedCase c;
    auto t = c.cs->conn().Query(
        "SELECT count(*) AS n, "
        "count(*) FILTER (WHERE request_parameters IS NOT NULL) AS with_request, "
        "count(*) FILTER (WHERE response_elements IS NOT NULL) AS with_response, "
        "count(*) FILTER (WHERE CAST(json(request_parameters) AS VARCHAR) IS DISTINCT FROM "
        "NULLIF(CAST(json_extract(raw, '$.requestParameters') AS VARCHAR), 'null')) AS "
        "bad_request, "
        "count(*) FILTER (WHERE CAST(json(response_elements) AS VARCHAR) IS DISTINCT FROM "
        "NULLIF(CAST(json_extract(raw, '$.responseElements') AS VARCHAR), 'null')) AS bad_response "
        "FROM events WHERE source_type LIKE 'cloudtrail%'");
    ASSERT_TRUE(t.ok()) << t.error().message;
    EXPECT_GT(std::stoi(t.value().Cell(0, "with_request")), 0);
    EXPECT_GT(std::stoi(t.value().Cell(0, "with_response")), 0);
    EXPECT_LT(std::stoi(t.value().Cell(0, "with_response")), std::stoi(t.value().Cell(0, "n")));
    EXPECT_EQ(t.value().Cell(0, "bad_request"), "0");
    EXPECT_EQ(t.value().Cell(0, "bad_response"), "0");
    auto other = c.cs->conn().Query("SELECT count(*) FROM events WHERE source_type NOT LIKE "
                                    "'cloudtrail%' AND (request_parameters IS NOT NULL OR "
                                    "response_elements IS NOT NULL)");
    ASSERT_TRUE(other.ok());
    EXPECT_EQ(other.value().Cell(0, 0), "0");
    auto key = c.cs->conn().Query(
        "SELECT json_extract_scalar(responseelements, '$.credentials.accessKeyId'), "
        "json_extract_scalar(requestparameters, '$.roleArn') FROM cloudtrail_logs "
        "WHERE eventid = 'evt-0105'");
    ASSERT_TRUE(key.ok()) << key.error().message;
    EXPECT_EQ(key.value().Cell(0, 0), "ASIAPIVOT0000000001");
    EXPECT_EQ(key.value().Cell(0, 1), "arn:aws:iam::444455556666:role/CrossAccount");
}

// A case created before the mentions column gains it for new events and keeps answering
// entity and lineage questions from the raw records of the older ones.
TEST(Ingest, CaseWithoutMentionsIsUpgradedAndStillAnswers) {
    IngestedCase c;
    auto before = EntityProfile(c.cs->conn(), "ASIAPIVOT0000000001");
    ASSERT_TRUE(before.ok());
    for (const char* col : {"mentions", "request_parameters", "response_elements"})
        ASSERT_TRUE(c.cs->conn().Exec(std::string("ALTER TABLE events DROP COLUMN ") + col).ok());
    ASSERT_TRUE(c.cs->conn().Exec("UPDATE meta SET value = '1' WHERE key = 'schema_version'").ok());
    std::string dir = c.cs->dir();
    c.cs.reset();
    auto reopened = CaseStore::Open(dir, OpenMode::Create);
    ASSERT_TRUE(reopened.ok()) << reopened.error().message;
    c.cs = std::move(reopened.value());
    EXPECT_EQ(c.cs->schema_version(), 1);
    auto col = c.cs->conn().Query("SELECT count(*) FROM events WHERE mentions IS NULL");
    ASSERT_TRUE(col.ok()) << col.error().message; // the column is back, empty for old events
    auto after = EntityProfile(c.cs->conn(), "ASIAPIVOT0000000001");
    ASSERT_TRUE(after.ok()) << after.error().message;
    ASSERT_EQ(after.value().size(), before.value().size());
    for (size_t i = 0; i < after.value().size(); ++i)
        EXPECT_EQ(after.value()[i].table.rows, before.value()[i].table.rows)
            << after.value()[i].title;
    auto l = CredentialLineage(c.cs->conn(), "ASIAPIVOT0000000001");
    ASSERT_TRUE(l.ok()) << l.error().message;
    EXPECT_EQ(l.value().chain.size(), 3u);
}

TEST(Ingest, LineageWalksBackAcrossAccountsToTheUser) {
    IngestedCase c;
    auto l = CredentialLineage(c.cs->conn(), "ASIAPIVOT0000000001");
    ASSERT_TRUE(l.ok()) << l.error().message;
    const auto& chain = l.value().chain;
    ASSERT_EQ(chain.size(), 3u);
    EXPECT_EQ(chain[0].principal, "arn:aws:sts::444455556666:assumed-role/CrossAccount/pivot");
    EXPECT_EQ(chain[0].issued_by, "AssumeRole");
    EXPECT_EQ(chain[0].parent_key, "ASIAADMIN00000000001");
    EXPECT_EQ(chain[0].region, "us-west-2");
    EXPECT_EQ(chain[1].parent_key, "AKIAALICE0000000001");
    EXPECT_EQ(chain[2].key, "AKIAALICE0000000001");
    EXPECT_EQ(chain[2].principal, "arn:aws:iam::111122223333:user/alice");
    EXPECT_EQ(l.value().activity.size(), 3u);
    // The admin session also minted a long-term key for "backdoor".
    bool backdoor = false;
    for (size_t r = 0; r < l.value().children.rows.size(); ++r)
        backdoor |= l.value().children.Cell(r, "new_key") == "AKIABACKDOOR0000001";
    EXPECT_TRUE(backdoor);

    auto ec2 = CredentialLineage(c.cs->conn(), "ASIAEC2SESSION00001");
    ASSERT_TRUE(ec2.ok());
    ASSERT_EQ(ec2.value().chain.size(), 1u);
    EXPECT_NE(ec2.value().chain[0].note.find("i-0abc1234def567890"), std::string::npos);
}

TEST(Ingest, SavedQueriesParseAndRun) {
    IngestedCase c;
    std::vector<std::string> errors;
    auto qs = LoadSavedQueries(SavedQueriesDir(), errors);
    EXPECT_TRUE(errors.empty()) << errors[0];
    ASSERT_GE(qs.size(), 10u);
    std::map<std::string, std::string> params = {{"key", "AKIAALICE0000000001"},
                                                 {"ip", "198.51.100.7"}};
    for (const auto& q : qs) {
        auto sql = BindSavedQuery(q, params);
        ASSERT_TRUE(sql.ok()) << sql.error().message;
        auto t = c.cs->conn().Query(sql.value());
        EXPECT_TRUE(t.ok()) << q.name << ": " << (t.ok() ? "" : t.error().message);
        if (q.name == "key-activity")
            EXPECT_EQ(t.value().rows.size(), 3u);
        if (q.name == "console-login-no-mfa")
            EXPECT_EQ(t.value().rows.size(), 1u);
        if (q.name == "new-access-keys")
            EXPECT_EQ(t.value().Cell(0, "new_key"), "AKIABACKDOOR0000001");
    }
    auto bad = ParseSavedQuery("SELECT 1", "x.sql");
    EXPECT_FALSE(bad.ok());
    auto q = ParseSavedQuery("-- name: q\n-- params: a\nSELECT {{a}} AS v\n", "q.sql");
    ASSERT_TRUE(q.ok());
    EXPECT_FALSE(BindSavedQuery(q.value(), {}).ok());
    auto bound = BindSavedQuery(q.value(), {{"a", "x' OR '1'='1"}});
    ASSERT_TRUE(bound.ok());
    auto t = c.cs->conn().Query(bound.value());
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t.value().Cell(0, 0), "x' OR '1'='1");
}

// Stages n distinct CloudTrail files (event ids made unique per copy).
std::string StageCopies(const fs::path& dir, int n) {
    fs::path in = dir / "copies/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/01";
    fs::create_directories(in);
    std::string a =
        cloudsift::test::ReadFile(cloudsift::test::TestDir() / "fixtures/store/incident_a.json");
    std::string b =
        cloudsift::test::ReadFile(cloudsift::test::TestDir() / "fixtures/store/incident_b.json");
    for (int i = 0; i < n; ++i) {
        std::string text = i % 2 ? b : a;
        for (size_t pos = 0; (pos = text.find("\"evt-", pos)) != std::string::npos; pos += 5)
            text.insert(pos + 5, std::to_string(i) + "-");
        std::ofstream(in / ("f" + std::to_string(i) + ".json"), std::ios::binary) << text;
    }
    return (dir / "copies").string();
}

std::string TablesDigest(CaseStore& cs) {
    auto t = cs.conn().Query(
        "SELECT (SELECT md5(string_agg(file_sha256 || ':' || idx || ':' || raw, '|' ORDER BY "
        "file_sha256, idx)) FROM events) || (SELECT md5(string_agg(sha256 || ':' || events || "
        "':' || path, '|' ORDER BY sha256)) FROM files) || (SELECT count(*) FROM events)::VARCHAR");
    EXPECT_TRUE(t.ok());
    return t.ok() ? t.value().Cell(0, 0) : "";
}

// Ingests in into a fresh case and returns its TablesDigest and how many transactions it took.
std::pair<std::string, size_t> ReferenceIngest(const std::string& in, const std::string& dir) {
    auto cs = CaseStore::Open(dir, OpenMode::Create);
    EXPECT_TRUE(cs.ok());
    if (!cs.ok())
        return {};
    IngestOptions opt;
    opt.scan.inputs = {in};
    opt.scan.threads = 2;
    auto r = Ingest(*cs.value(), opt);
    EXPECT_TRUE(r.ok());
    return {TablesDigest(*cs.value()), r.ok() ? r.value().transactions : 0};
}

// Runs opt in a child process that must die by SIGKILL (the kill_after_files hook).
void IngestUntilKilled(const std::string& case_dir, const IngestOptions& opt) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        auto cs = CaseStore::Open(case_dir, OpenMode::Create);
        if (!cs.ok())
            _exit(2);
        (void)Ingest(*cs.value(), opt);
        _exit(0);
    }
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child was not killed, status " << status;
    EXPECT_EQ(WTERMSIG(status), SIGKILL);
}

// After a crash only whole files are visible; a re-run completes the case as an uninterrupted
// ingest would have.
void ExpectCompletedByRerun(const std::string& case_dir, const std::string& in, int64_t committed,
                            size_t total, const std::string& reference) {
    auto cs = CaseStore::Open(case_dir, OpenMode::ReadWrite);
    ASSERT_TRUE(cs.ok()) << cs.error().message;
    CaseStore& c = *cs.value();
    EXPECT_EQ(Count(c, "SELECT count(*) FROM files"), committed);
    EXPECT_EQ(Count(c, "SELECT count(*) FROM custody WHERE action = 'ingest'"), committed);
    EXPECT_EQ(Count(c, "SELECT count(*) FROM events WHERE file_sha256 NOT IN "
                       "(SELECT sha256 FROM files)"),
              0);
    EXPECT_EQ(Count(c, "SELECT count(*) FROM files f WHERE events <> (SELECT "
                       "count(*) FROM events e WHERE e.file_sha256 = f.sha256)"),
              0);
    IngestOptions opt;
    opt.scan.inputs = {in};
    opt.scan.threads = 2;
    auto r = Ingest(c, opt);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value().ingested, total - size_t(committed));
    EXPECT_EQ(r.value().skipped, size_t(committed));
    EXPECT_EQ(TablesDigest(c), reference);
    EXPECT_TRUE(c.CheckCustody().ok);
    EXPECT_TRUE(VerifyEvidence(c).clean());
}

TEST(Ingest, KilledRunIsCompletedByRerunWithoutDuplicates) {
    TempDir tmp;
    std::string in = StageCopies(tmp.path, 6);
    std::string reference = ReferenceIngest(in, (tmp.path / "ref").string()).first;
    std::string case_dir = (tmp.path / "killed").string();
    IngestOptions opt;
    opt.scan.inputs = {in};
    opt.scan.threads = 2;
    opt.batch_rows = 2;
    opt.commit_events = 0;    // one transaction per file
    opt.kill_after_files = 2; // dies with file 3 appended but not committed
    IngestUntilKilled(case_dir, opt);
    {
        // A read-only reader (query, timeline …) sees the committed files after the crash.
        auto ro = CaseStore::Open(case_dir, OpenMode::ReadOnly);
        ASSERT_TRUE(ro.ok()) << ro.error().message;
        EXPECT_EQ(Count(*ro.value(), "SELECT count(*) FROM files"), 2);
    }
    ExpectCompletedByRerun(case_dir, in, 2, 6, reference);
}

TEST(Ingest, KilledRunOfGroupedFilesKeepsOnlyCommittedGroups) {
    TempDir tmp;
    std::string in = StageCopies(tmp.path, 7);
    auto [reference, transactions] = ReferenceIngest(in, (tmp.path / "ref").string());
    EXPECT_LE(transactions, 2u); // files share transactions
    std::string case_dir = (tmp.path / "killed").string();
    IngestOptions opt;
    opt.scan.inputs = {in};
    opt.scan.threads = 1;
    opt.commit_files = 3;
    opt.kill_after_files = 3; // dies with the second group of three appended
    IngestUntilKilled(case_dir, opt);
    ExpectCompletedByRerun(case_dir, in, 3, 7, reference);
}

// The hunt's findings and incidents are stored with the files and can be queried.
TEST(Ingest, StoresTheHuntsFindingsAndIncidents) {
    TempDir tmp;
    std::string in = StageFixtures(tmp.path);
    auto cs = CaseStore::Open((tmp.path / "case").string(), OpenMode::Create);
    ASSERT_TRUE(cs.ok());
    size_t hunted_findings = 0, hunted_incidents = 0;
    IngestOptions opt;
    opt.scan.inputs = {in};
    opt.scan.threads = 2;
    opt.hunt = BuiltinHunt([&](const HuntResult& r) {
        hunted_findings = r.findings.size();
        hunted_incidents = r.incidents.size();
    });
    auto r = Ingest(*cs.value(), opt);
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_GT(hunted_findings, 0u);
    ASSERT_GT(hunted_incidents, 0u);
    EXPECT_EQ(r.value().findings, hunted_findings);
    EXPECT_EQ(r.value().incidents, hunted_incidents);
    CaseStore& c = *cs.value();
    EXPECT_EQ(Count(c, "SELECT count(*) FROM findings"), int64_t(hunted_findings));
    EXPECT_EQ(Count(c, "SELECT count(*) FROM incidents"), int64_t(hunted_incidents));
    // Every incident is complete and names findings that are in the case.
    EXPECT_EQ(Count(c, "SELECT count(*) FROM incidents WHERE severity IS NULL OR title IS NULL "
                       "OR first_seen IS NULL OR len(finding_ids) = 0"),
              0);
    EXPECT_EQ(Count(c, "SELECT count(*) FROM (SELECT unnest(finding_ids) AS id FROM incidents) "
                       "WHERE id NOT IN (SELECT finding_id FROM findings)"),
              0);
    // Findings keep the original path and join their events.
    EXPECT_EQ(Count(c, "SELECT count(*) FROM findings f WHERE file NOT LIKE '%/in/AWSLogs/%'"), 0);
    EXPECT_EQ(Count(c, "SELECT count(*) FROM findings f WHERE NOT EXISTS (SELECT 1 FROM events e "
                       "WHERE e.file_sha256 = f.file_sha256 AND e.idx = f.line_or_index)"),
              0);
    // A second run adds nothing.
    auto again = Ingest(c, opt);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again.value().ingested, 0u);
    EXPECT_EQ(Count(c, "SELECT count(*) FROM incidents"), int64_t(hunted_incidents));
}

// --since/--until: records outside are not stored; a file with nothing inside is not recorded
// and leaves no evidence copy.
TEST(Ingest, TimeWindowKeepsOnlyEventsInside) {
    TempDir tmp;
    std::string in = StageFixtures(tmp.path);
    auto cs = CaseStore::Open((tmp.path / "case").string(), OpenMode::Create);
    ASSERT_TRUE(cs.ok());
    IngestOptions opt;
    opt.scan.inputs = {in};
    opt.scan.threads = 2;
    opt.scan.since = ParseIsoTime("2024-03-01T10:30:00Z");
    opt.scan.until = ParseIsoTime("2024-03-01T12:00:00Z");
    ASSERT_TRUE(opt.scan.since && opt.scan.until);
    auto r = Ingest(*cs.value(), opt);
    ASSERT_TRUE(r.ok());
    // incident_a.json ends at 10:20: outside; incident_b.json has 10:30, 10:40, 11:00, 11:05.
    EXPECT_EQ(r.value().ingested, 1u);
    EXPECT_EQ(r.value().outside, 1u);
    EXPECT_EQ(r.value().events, 4u);
    EXPECT_EQ(Count(*cs.value(), "SELECT count(*) FROM events"), 4);
    EXPECT_EQ(Count(*cs.value(), "SELECT count(*) FROM events WHERE event_time < TIMESTAMP "
                                 "'2024-03-01 10:30:00' OR event_time > TIMESTAMP "
                                 "'2024-03-01 12:00:00'"),
              0);
    EXPECT_EQ(Count(*cs.value(), "SELECT count(*) FROM files"), 1);
    EXPECT_TRUE(VerifyEvidence(*cs.value()).clean());
    // The file outside the window can be ingested later.
    IngestOptions all;
    all.scan.inputs = {in};
    auto r2 = Ingest(*cs.value(), all);
    ASSERT_TRUE(r2.ok());
    EXPECT_EQ(r2.value().ingested, 1u);
    EXPECT_EQ(Count(*cs.value(), "SELECT count(*) FROM events"), 9);
}

// Every source the simulator writes (CloudTrail, flow, DNS, web, OS logs) and GuardDuty findings
// (imported as findings without techniques) ingest with their hunt: every simulated record and
// every hunted finding is in the case.
TEST(Ingest, SimulatedIncidentOfEverySourceLoadsWhole) {
    TempDir tmp;
    sim::SimOptions so;
    so.out = tmp.path / "sim";
    so.scenarios = sim::ParseScenarioList("all").value();
    so.duration = 6 * 3600 * 1000LL;
    so.events = 3000;
    so.seed = 7;
    auto simulated = sim::Simulate(so);
    ASSERT_TRUE(simulated.ok()) << simulated.error().message;
    // GuardDuty findings as exported by the API: imported as findings with no ATT&CK lists.
    fs::create_directories(so.out / "guardduty");
    fs::copy_file(cloudsift::test::TestDir() / "fixtures/formats/guardduty_api.json",
                  so.out / "guardduty/findings.json");
    auto cs = CaseStore::Open((tmp.path / "case").string(), OpenMode::Create);
    ASSERT_TRUE(cs.ok());
    size_t hunted = 0, without_techniques = 0;
    IngestOptions opt;
    opt.scan.inputs = {so.out.string()};
    opt.scan.threads = 2;
    opt.hunt = BuiltinHunt([&](const HuntResult& r) {
        hunted = r.findings.size();
        for (const auto& f : r.findings)
            without_techniques += f.techniques().empty();
    });
    auto r = Ingest(*cs.value(), opt);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r.value().failed, 0u);
    const auto& sum = simulated.value();
    EXPECT_EQ(Count(*cs.value(), "SELECT count(*) FROM events WHERE source_type <> 'guardduty'"),
              int64_t(sum.benign_events + sum.malicious_events));
    ASSERT_GT(hunted, 0u);
    EXPECT_GT(without_techniques, 0u);
    EXPECT_EQ(Count(*cs.value(), "SELECT count(*) FROM findings"), int64_t(hunted));
    EXPECT_EQ(Count(*cs.value(), "SELECT count(*) FROM findings WHERE len(techniques) = 0"),
              int64_t(without_techniques));
}

// Log text and file names are attacker-controlled bytes; DuckDB takes only UTF-8. A log line with
// broken bytes and a file whose name is not UTF-8 are ingested whole (broken bytes stored as
// U+FFFD), copied or in place, and verify finds their evidence intact.
TEST(Ingest, TextAndFileNamesThatAreNotUtf8AreStoredRepaired) {
    for (bool copy : {true, false}) {
        TempDir tmp;
        fs::path in = tmp.path / "in";
        fs::create_directories(in);
        fs::copy_file(cloudsift::test::TestDir() / "fixtures/store/incident_a.json",
                      in / "trail-\xff\xfe.json");
        {
            std::ofstream log(in / "access.log");
            log << "127.0.0.1 - - [01/Mar/2024:10:00:00 +0000] \"GET /a\xff HTTP/1.1\" 200 12 "
                   "\"-\" "
                   "\"curl/8\xc3\"\n"
                   "10.0.0.1 - - [01/Mar/2024:10:00:01 +0000] \"GET /ok HTTP/1.1\" 200 12 \"-\" "
                   "\"curl/8\"\n";
        }
        auto cs = CaseStore::Open((tmp.path / "case").string(), OpenMode::Create);
        ASSERT_TRUE(cs.ok());
        IngestOptions opt;
        opt.scan.inputs = {in.string()};
        opt.copy = copy;
        auto r = Ingest(*cs.value(), opt);
        ASSERT_TRUE(r.ok()) << r.error().message;
        EXPECT_EQ(r.value().ingested, 2u) << "copy " << copy;
        EXPECT_EQ(r.value().failed, 0u);
        CaseStore& c = *cs.value();
        EXPECT_EQ(Count(c, "SELECT count(*) FROM events"), 7);
        EXPECT_EQ(Count(c, "SELECT count(*) FROM files WHERE path LIKE "
                           "'%trail-\xEF\xBF\xBD\xEF\xBF\xBD.json'"),
                  1);
        EXPECT_EQ(Count(c, "SELECT count(*) FROM events WHERE user_agent = 'curl/8\xEF\xBF\xBD'"),
                  1);
        auto v = VerifyEvidence(c);
        EXPECT_TRUE(v.clean()) << "copy " << copy << ": " << v.missing.size() << " missing, "
                               << v.extra.size() << " extra";
        EXPECT_EQ(v.ok, 2u);
    }
}

} // namespace
} // namespace cloudsift::store
