#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <simdjson.h>

#include <algorithm>
#include <map>
#include <set>

#include "common/strings.h"
#include "sim/eval.h"
#include "sim/scenario.h"
#include "sim_test_util.h"

namespace cloudsift::sim {
namespace {
namespace fs = std::filesystem;
using testing::FreshDir;
using testing::ReadMaybeGz;
using testing::SmallOptions;

//! SHA-256 over every (relative path, content) of a tree, in path order.
std::string TreeHash(const fs::path& root) {
    std::vector<std::string> paths;
    for (auto& e : fs::recursive_directory_iterator(root))
        if (e.is_regular_file()) paths.push_back(fs::relative(e.path(), root).string());
    std::sort(paths.begin(), paths.end());
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
    for (auto& p : paths) {
        std::string data = cloudsift::test::ReadFile(root / p);
        EVP_DigestUpdate(ctx, p.data(), p.size() + 1);
        EVP_DigestUpdate(ctx, data.data(), data.size());
    }
    unsigned char md[32];
    unsigned len = 0;
    EVP_DigestFinal_ex(ctx, md, &len);
    EVP_MD_CTX_free(ctx);
    return std::string(reinterpret_cast<char*>(md), len);
}

class SimulateRun : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = new fs::path(FreshDir("main"));
        auto r = Simulate(SmallOptions(*dir_));
        ASSERT_TRUE(r.ok()) << r.error().message;
        summary_ = new SimSummary(r.value());
        auto truth = ParseTruth(cloudsift::test::ReadFile(*dir_ / "truth.jsonl"));
        ASSERT_TRUE(truth.ok());
        truth_ = new std::vector<TruthEntry>(truth.value());
    }
    static void TearDownTestSuite() {
        fs::remove_all(*dir_);
        delete dir_;
        delete summary_;
        delete truth_;
    }
    static fs::path* dir_;
    static SimSummary* summary_;
    static std::vector<TruthEntry>* truth_;
};
fs::path* SimulateRun::dir_ = nullptr;
SimSummary* SimulateRun::summary_ = nullptr;
std::vector<TruthEntry>* SimulateRun::truth_ = nullptr;

TEST_F(SimulateRun, SameSeedSameBytesRegardlessOfThreads) {
    auto other = FreshDir("again");
    SimOptions o = SmallOptions(other);
    o.threads = 1;
    ASSERT_TRUE(Simulate(o).ok());
    EXPECT_EQ(TreeHash(*dir_), TreeHash(other));
    fs::remove_all(other);
    auto third = FreshDir("seed");
    o = SmallOptions(third);
    o.seed = 43;
    ASSERT_TRUE(Simulate(o).ok());
    EXPECT_NE(TreeHash(*dir_), TreeHash(third));
    fs::remove_all(third);
}

TEST_F(SimulateRun, ManifestCountsBackgroundExactly) {
    EXPECT_EQ(summary_->benign_events, 3000u);
    EXPECT_EQ(ManifestBenignEvents(*dir_ / "MANIFEST.json").value_or(0), 3000u);
    EXPECT_EQ(summary_->malicious_events, truth_->size());
    EXPECT_TRUE(fs::exists(*dir_ / "scenario.md"));
    std::string md = cloudsift::test::ReadFile(*dir_ / "scenario.md");
    EXPECT_NE(md.find("## Exercise brief"), std::string::npos);
    EXPECT_LT(md.find("## Exercise brief"), md.find("## Answer key"));
}

TEST_F(SimulateRun, EveryTruthEntryPointsAtItsRecord) {
    simdjson::dom::parser parser;
    ASSERT_FALSE(truth_->empty());
    for (const TruthEntry& t : *truth_) {
        SCOPED_TRACE(t.scenario + " step " + std::to_string(t.step) + " " + t.file);
        ASSERT_TRUE(fs::exists(*dir_ / t.file));
        std::string data = ReadMaybeGz(*dir_ / t.file);
        if (t.source_type == "cloudtrail") {
            ASSERT_TRUE(StartsWith(t.file, "AWSLogs/"));
            simdjson::dom::element doc;
            ASSERT_EQ(parser.parse(data).get(doc), simdjson::SUCCESS);
            simdjson::dom::array recs = doc["Records"].get_array();
            ASSERT_LT(size_t(t.index), recs.size());
            std::string_view id = recs.at(size_t(t.index))["eventID"].get_string();
            EXPECT_EQ(id, t.event_id);
        } else {
            auto lines = Split(data, '\n');
            ASSERT_GE(t.line, 1);
            ASSERT_LE(size_t(t.line), lines.size());
            std::string_view line = lines[size_t(t.line - 1)];
            EXPECT_FALSE(line.empty());
            if (t.source_type == "vpcflow") {
                EXPECT_TRUE(line.find(" 3333 ") != line.npos || line.find(" 14444 ") != line.npos);
            }
            if (t.source_type == "route53resolver") {
                EXPECT_NE(line.find("pool"), line.npos);
            }
        }
    }
}

TEST_F(SimulateRun, StepsAppearInOrderAndInTheRightSources) {
    std::map<std::string, std::vector<const TruthEntry*>> by;
    for (auto& t : *truth_) by[t.scenario].push_back(&t);
    EXPECT_EQ(by.size(), ScenarioNames().size());
    std::map<std::string, std::set<std::string>> sources;
    for (auto& [name, v] : by) {
        std::stable_sort(v.begin(), v.end(), [](auto* a, auto* b) { return a->time < b->time; });
        for (size_t i = 1; i < v.size(); ++i) EXPECT_LE(v[i - 1]->step, v[i]->step) << name;
        for (auto* t : v) {
            sources[name].insert(t->source_type);
            EXPECT_FALSE(t->tactic.empty());
            EXPECT_EQ(t->tactic.find(' '), std::string::npos) << t->tactic;
            EXPECT_EQ(t->technique[0], 'T');
        }
    }
    EXPECT_EQ(sources["webapp-coinminer"],
              (std::set<std::string>{"alb", "cloudtrail", "nginx", "route53resolver", "syslog",
                                     "vpcflow"}));
}

//! eventNames of a scenario's CloudTrail truth records, in time order.
std::vector<std::string> EventNames(const fs::path& dir, const std::vector<TruthEntry>& truth,
                                    const std::string& scenario) {
    simdjson::dom::parser parser;
    std::vector<std::pair<TimeMs, std::string>> out;
    for (auto& t : truth) {
        if (t.scenario != scenario || t.source_type != "cloudtrail") continue;
        std::string data = ReadMaybeGz(dir / t.file);
        simdjson::dom::element doc;
        if (parser.parse(data).get(doc) != simdjson::SUCCESS) continue;
        std::string_view n = doc["Records"].at(size_t(t.index))["eventName"].get_string();
        out.emplace_back(t.time, std::string(n));
    }
    std::stable_sort(out.begin(), out.end(),
                     [](auto& a, auto& b) { return a.first < b.first; });
    std::vector<std::string> names;
    for (auto& [_, n] : out) names.push_back(n);
    return names;
}

bool IsSubsequence(const std::vector<std::string>& want, const std::vector<std::string>& have) {
    size_t i = 0;
    for (auto& h : have)
        if (i < want.size() && h == want[i]) ++i;
    return i == want.size();
}

TEST_F(SimulateRun, ScenarioCallSequences) {
    const std::map<std::string, std::vector<std::string>> expected = {
        {"webapp-coinminer",
         {"GetCallerIdentity", "ListBuckets", "DescribeInstances", "ListUsers", "CreateUser",
          "CreateAccessKey", "AttachUserPolicy", "AuthorizeSecurityGroupIngress", "RunInstances",
          "StopLogging", "DeleteTrail", "DeleteDetector"}},
        {"leaked-key-s3-exfil", {"GetCallerIdentity", "ListBuckets", "ListObjects", "GetObject"}},
        {"s3-ransomware", {"PutBucketVersioning", "CopyObject", "DeleteObject", "PutObject"}},
        {"console-bruteforce-root", {"ConsoleLogin", "ConsoleLogin", "CreateAccessKey"}},
        {"logging-tamper",
         {"PutEventSelectors", "DeleteFlowLogs", "DeleteResolverQueryLogConfig", "DeleteTrail"}},
        {"privesc-passrole-lambda",
         {"CreateFunction20150331", "Invoke", "AttachUserPolicy", "UpdateFunctionCode20150331v2"}},
        {"snapshot-exfil",
         {"ModifySnapshotAttribute", "ModifyImageAttribute", "ModifyDBSnapshotAttribute"}},
        {"secrets-harvest", {"ListSecrets", "GetSecretValue", "GetParameters"}},
        {"llmjacking",
         {"ListFoundationModels", "GetFoundationModelAvailability", "PutUseCaseForModelAccess",
          "InvokeModel"}},
    };
    for (auto& [name, want] : expected)
        EXPECT_TRUE(IsSubsequence(want, EventNames(*dir_, *truth_, name))) << name;
}

TEST_F(SimulateRun, CloudTrailRecordsCarryTheRequiredFields) {
    simdjson::dom::parser parser;
    uint64_t records = 0, denied = 0, instance_sessions = 0;
    const char* required[] = {"eventVersion", "userIdentity", "eventTime", "eventSource",
                              "eventName", "awsRegion", "sourceIPAddress", "userAgent",
                              "requestParameters", "responseElements", "eventID", "readOnly",
                              "eventType", "managementEvent", "recipientAccountId",
                              "eventCategory"};
    for (auto& e : fs::recursive_directory_iterator(*dir_ / "AWSLogs")) {
        if (e.path().string().find("_CloudTrail_") == std::string::npos) continue;
        std::string data = ReadMaybeGz(e.path());
        simdjson::dom::element doc;
        ASSERT_EQ(parser.parse(data).get(doc), simdjson::SUCCESS) << e.path();
        for (simdjson::dom::element r : doc["Records"].get_array()) {
            ++records;
            for (const char* k : required) ASSERT_FALSE(r[k].error()) << k;
            std::string_view type = r["userIdentity"]["type"].get_string();
            if (!r["errorCode"].error()) {
                ++denied;
                EXPECT_FALSE(r["errorMessage"].error());
            }
            if (type == "AssumedRole") {
                std::string_view key = r["userIdentity"]["accessKeyId"].get_string();
                EXPECT_TRUE(key.empty() || StartsWith(key, "ASIA")) << key; // sign-ins carry none
                std::string_view arn = r["userIdentity"]["arn"].get_string();
                auto issuer = r["userIdentity"]["sessionContext"]["sessionIssuer"];
                EXPECT_FALSE(issuer["userName"].error());
                if (arn.find("/web-role/") != arn.npos) {
                    EXPECT_NE(arn.find("/web-role/i-0"), arn.npos);
                    ++instance_sessions;
                }
            }
        }
    }
    EXPECT_GT(records, 1000u);
    EXPECT_GT(instance_sessions, 0u);
    double rate = double(denied) / double(records);
    EXPECT_GT(rate, 0.005);
    EXPECT_LT(rate, 0.04);
}

TEST(SimulateErrors, RejectsBadInputWithoutPartialOutput) {
    EXPECT_FALSE(ParseScenarioList("webapp-coinminer,nope").ok());
    EXPECT_EQ(ParseScenarioList("nope").error().code, "usage.scenario");
    EXPECT_EQ(ParseScenarioList("all").value().size(), ScenarioNames().size());
    EXPECT_FALSE(ParseDuration("0h"));
    EXPECT_FALSE(ParseDuration("-5m"));
    EXPECT_FALSE(ParseDuration("12"));
    EXPECT_EQ(ParseDuration("90m").value_or(0), 90 * 60000);

    auto dir = FreshDir("short");
    SimOptions o = SmallOptions(dir);
    o.duration = 60 * 60000; // shorter than webapp-coinminer
    auto r = Simulate(o);
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(StartsWith(r.error().code, "usage."));
    EXPECT_FALSE(fs::exists(dir));

    o = SmallOptions(dir);
    o.regions = {"mars-1"};
    EXPECT_FALSE(Simulate(o).ok());

    fs::create_directories(dir);
    { std::ofstream(dir / "keep.txt") << "x"; }
    o = SmallOptions(dir);
    r = Simulate(o);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "io.out");
    EXPECT_FALSE(fs::exists(dir / "MANIFEST.json"));
    fs::remove_all(dir);

    o = SmallOptions(FreshDir("missing") / "deeper" / "out");
    r = Simulate(o);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "io.out");
}

} // namespace
} // namespace cloudsift::sim
