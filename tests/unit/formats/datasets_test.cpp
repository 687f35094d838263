// Decodes the third-party samples under datasets/formats and datasets/findings (skipped when the
// folder is absent) and requires zero unexplained bad records. CloudTrail samples are covered by
// the CloudTrail tests.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <simdjson.h>

#include "format_test_util.h"
#include "formats/source_formats.h"

namespace cloudsift::test {
namespace {

namespace fs = std::filesystem;

struct Sample {
    const char* path;     // under datasets/
    const Format* format; // expected decoder
    size_t records;       // expected record count
};

const char* kElastic = "formats/elastic-integrations/packages/aws/data_stream/";

std::string ElasticPath(const std::string& rel) { return std::string(kElastic) + rel; }

TEST(Datasets, ElasticAndPantherLineSamples) {
    fs::path root = DatasetsDir();
    if (root.empty()) GTEST_SKIP() << "datasets folder absent";
    struct Case {
        std::string path;
        const Format* format;
        size_t records;
        size_t bad;  // explained bad lines
        const char* why;
    };
    std::vector<Case> cases = {
        {ElasticPath("elb_logs/_dev/test/pipeline/test-alb.log"), &AlbFormat(), 10, 0, ""},
        {ElasticPath("s3access/_dev/test/pipeline/test-s3-server-access.log"), &S3AccessFormat(),
         10, 0, ""},
        {ElasticPath("route53_resolver_logs/_dev/test/pipeline/test-route53.log"),
         &Route53Format(), 34, 0, ""},
        {ElasticPath("vpcflow/_dev/test/pipeline/test-extra-samples.log"), &VpcFlowFormat(), 7, 0,
         ""},
        {ElasticPath("vpcflow/_dev/test/pipeline/test-v5-all-fields.log"), &VpcFlowFormat(), 1, 0,
         ""},
        {ElasticPath("vpcflow/_dev/test/pipeline/test-tcp-flag-sequence.log"), &VpcFlowFormat(),
         3, 0, ""},
        {ElasticPath("vpcflow/_dev/test/pipeline/test-v8-samples.log"), &VpcFlowFormat(), 1, 0,
         ""},
        {ElasticPath("vpcflow/_dev/test/pipeline/test-tgw-samples.log"), &VpcFlowFormat(), 10, 0,
         ""},
        {ElasticPath("vpcflow/_dev/test/pipeline/test-ecs-samples.log"), &VpcFlowFormat(), 10, 0,
         ""},
        {ElasticPath("vpcflow/_dev/test/pipeline/test-with-message-field.log"), &VpcFlowFormat(),
         1, 0, ""},
        {ElasticPath("guardduty/_dev/test/pipeline/test-guardduty.log"), &GuardDutyFormat(), 5, 0,
         "last line is an empty {\"findings\":[]} list"},
        {"formats/panther-legacy/internal/log_analysis/log_processor/parsers/awslogs/testdata/"
         "s3_server_access_samples.log",
         &S3AccessFormat(), 1, 0, ""},
    };
    for (const auto& c : cases) {
        fs::path p = root / c.path;
        if (!fs::exists(p)) {
            ADD_FAILURE() << "missing sample " << c.path;
            continue;
        }
        std::string data = ReadFile(p);
        FileInfo none;
        EXPECT_GE(c.format->Sniff(data.substr(0, 65536), none), 30) << c.path;
        EXPECT_EQ(SniffFormat(data.substr(0, 65536), none), c.format) << c.path;
        auto d = DecodeWith(*c.format, data);
        EXPECT_EQ(d.records.size(), c.records) << c.path;
        EXPECT_EQ(d.report.bad(), c.bad) << c.path << ": " << c.why << " " << Reasons(d.report);
        for (const auto& r : d.records) EXPECT_NE(r.time, 0) << c.path << " line " << r.line;
    }
}

// Panther's YAML test cases: each "input" is one pretty-printed JSON record.
TEST(Datasets, PantherYamlJsonSamples) {
    fs::path root = DatasetsDir();
    if (root.empty()) GTEST_SKIP() << "datasets folder absent";
    fs::path dir = root / "formats/panther-legacy/internal/log_analysis/log_processor/parsers/"
                          "awslogs/testdata";
    struct Case {
        const char* file;
        const Format* format;
    };
    for (auto c : {Case{"vpc_dns_tests.yml", &Route53Format()},
                   Case{"waf_web_acl_tests.yml", &WafFormat()}}) {
        fs::path p = dir / c.file;
        if (!fs::exists(p)) {
            ADD_FAILURE() << "missing " << p;
            continue;
        }
        size_t cases = 0;
        for (const auto& doc : YAML::LoadAllFromFile(p.string())) {
            if (!doc["input"]) continue;
            ++cases;
            // Line formats take one record per line: minify the pretty-printed input.
            simdjson::dom::parser parser;
            std::string input = doc["input"].as<std::string>();
            simdjson::dom::element e;
            ASSERT_EQ(parser.parse(input).get(e), simdjson::SUCCESS) << c.file;
            std::string line = simdjson::minify(e);
            auto d = DecodeWith(*c.format, line);
            EXPECT_EQ(d.report.bad(), 0u) << c.file << ": " << Reasons(d.report);
            ASSERT_EQ(d.records.size(), 1u) << c.file;
            EXPECT_NE(d.records[0].time, 0) << c.file;
            EXPECT_NE(d.records[0].N("src_ip"), "") << c.file;
        }
        EXPECT_GT(cases, 0u) << c.file;
    }
}

TEST(Datasets, SecurityHubAsffSamples) {
    fs::path root = DatasetsDir();
    if (root.empty()) GTEST_SKIP() << "datasets folder absent";
    fs::path dir = root / "findings/asff-samples";
    size_t files = 0, records = 0;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
        if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
        std::string data = ReadFile(entry.path());
        ++files;
        FileInfo none;
        std::string rel = entry.path().lexically_relative(dir).string();
        EXPECT_EQ(SniffFormat(data.substr(0, 65536), none), &SecurityHubFormat()) << rel;
        auto d = DecodeWith(SecurityHubFormat(), data);
        EXPECT_EQ(d.report.bad(), 0u) << rel << ": " << Reasons(d.report);
        EXPECT_GE(d.records.size(), 1u) << rel;
        for (const auto& r : d.records) {
            EXPECT_EQ(r.cls, EventClass::DetectionFinding) << rel;
            EXPECT_NE(r.N("finding_type"), "") << rel;
        }
        records += d.records.size();
    }
    EXPECT_GE(files, 100u);
    EXPECT_GE(records, files);
}

TEST(Datasets, GuardDutyFindingTypesTable) {
    fs::path root = DatasetsDir();
    if (root.empty()) GTEST_SKIP() << "datasets folder absent";
    // Every documented finding type round-trips through the decoder as finding_type.
    std::string tsv = ReadFile(root / "findings/guardduty-finding-types/DERIVED_finding_types.tsv");
    ASSERT_FALSE(tsv.empty());
    std::string jsonl;
    size_t n = 0;
    formats::ForEachLine(tsv, 1, [&](std::string_view line, uint64_t no) {
        if (no == 1 || line.empty()) return;
        std::string_view type = line.substr(0, line.find('\t'));
        if (type.empty() || type.find('"') != std::string_view::npos) return;
        jsonl += R"({"schemaVersion":"2.0","id":"x)" + std::to_string(no) + R"(","type":")" +
                 std::string(type) + R"(","severity":5,"updatedAt":"2024-01-01T00:00:00Z"})" "\n";
        ++n;
    });
    auto d = DecodeWith(GuardDutyFormat(), jsonl);
    EXPECT_EQ(d.report.bad(), 0u) << Reasons(d.report);
    EXPECT_EQ(d.records.size(), n);
    EXPECT_GT(n, 100u);
}

} // namespace
} // namespace cloudsift::test
