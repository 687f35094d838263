// CloudTrail decoding: every shape a responder receives, normalization, and bad input.
#include <gtest/gtest.h>

#include <algorithm>

#include "common/sanitize.h"
#include "common/strings.h"
#include "formats/all_formats.h"
#include "io/gzip.h"
#include "test_support.h"
#include "unit/io/record_collector.h"

namespace cloudsift {
namespace {

using test::RecordCollector;

constexpr const char* kEvent1 =
    R"({"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:i-0abc123","arn":"arn:aws:sts::111122223333:assumed-role/web-role/i-0abc123","accountId":"111122223333","accessKeyId":"ASIAEXAMPLEKEY1","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLE","arn":"arn:aws:iam::111122223333:role/web-role","accountId":"111122223333","userName":"web-role"},"attributes":{"creationDate":"2024-05-01T11:00:00Z","mfaAuthenticated":"false"}}},"eventTime":"2024-05-01T12:00:00Z","eventSource":"iam.amazonaws.com","eventName":"CreateUser","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.9","userAgent":"aws-cli/2.15.0","requestParameters":{"userName":"backdoor"},"responseElements":null,"requestID":"r1","eventID":"e1","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333"})";
constexpr const char* kEvent2 =
    R"({"eventVersion":"1.08","userIdentity":{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333"},"eventTime":"2024-05-01T12:05:00Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userAgent":"Mozilla/5.0","requestParameters":null,"responseElements":{"ConsoleLogin":"Failure"},"additionalEventData":{"MFAUsed":"No"},"eventID":"e2","eventType":"AwsConsoleSignIn","recipientAccountId":"111122223333"})";

std::vector<test::Seen> Decode(const std::string& data, const std::string& path,
                               FileOutcome* outcome = nullptr, const std::string& format = "") {
    RecordCollector c;
    FileOutcome o = DecodeBuffer(data, path, format, c);
    if (outcome)
        *outcome = o;
    return c.seen;
}

std::string Records() {
    return std::string("{\"Records\":[") + kEvent1 + "," + kEvent2 + "]}";
}

TEST(CloudTrail, S3DeliveryFile) {
    FileOutcome o;
    auto seen = Decode(Records(), "x.json", &o);
    EXPECT_EQ(o.format, "cloudtrail");
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[0].event_name, "CreateUser");
    EXPECT_EQ(seen[0].index, 0u);
    EXPECT_EQ(seen[1].index, 1u);
    EXPECT_EQ(o.report.bad(), 0u);
}

TEST(CloudTrail, Normalization) {
    auto seen = Decode(Records(), "x.json");
    ASSERT_EQ(seen.size(), 2u);
    const auto& a = seen[0];
    EXPECT_EQ(a.actor, "arn:aws:sts::111122223333:assumed-role/web-role/i-0abc123");
    EXPECT_EQ(a.access_key, "ASIAEXAMPLEKEY1");
    EXPECT_EQ(a.instance_id, "i-0abc123");
    EXPECT_EQ(a.src_ip, "203.0.113.9");
    EXPECT_EQ(a.region, "us-east-1");
    EXPECT_EQ(a.account, "111122223333");
    EXPECT_EQ(a.outcome, "success");
    EXPECT_EQ(a.mfa, "false");
    EXPECT_EQ(a.time, *ParseIsoTime("2024-05-01T12:00:00Z"));
    const auto& b = seen[1];
    EXPECT_EQ(b.outcome, "failure"); // ConsoleLogin Failure in responseElements
    EXPECT_EQ(b.mfa, "false");       // additionalEventData.MFAUsed = No
}

TEST(CloudTrail, GzipAndNestedGzipAreDecodedByContent) {
    FileOutcome o;
    auto seen = Decode(GzipCompress(Records()), "no-extension", &o);
    EXPECT_EQ(o.compression, "gzip");
    EXPECT_EQ(seen.size(), 2u);
    seen = Decode(GzipCompress(GzipCompress(Records())), "double", &o);
    EXPECT_EQ(o.compression, "gzip+gzip");
    EXPECT_EQ(seen.size(), 2u);
}

TEST(CloudTrail, JsonArray) {
    FileOutcome o;
    auto seen = Decode(std::string("[") + kEvent1 + ",\n" + kEvent2 + "]", "a.json", &o);
    EXPECT_EQ(o.format, "cloudtrail");
    EXPECT_EQ(seen.size(), 2u);
}

TEST(CloudTrail, JsonLinesWithLineNumbersAndBadLine) {
    FileOutcome o;
    std::string data = std::string(kEvent1) + "\n\n{not json}\n" + kEvent2 + "\n";
    auto seen = Decode(data, "a.jsonl", &o);
    EXPECT_EQ(o.format, "cloudtrail-jsonl");
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[0].line, 1u);
    EXPECT_EQ(seen[1].line, 4u);
    ASSERT_EQ(o.report.bad(), 1u);
    EXPECT_EQ(o.report.samples()[0].position, 3u);
}

TEST(CloudTrail, LookupEventsOutput) {
    std::string data =
        "{\"Events\":[{\"EventId\":\"e1\",\"EventName\":\"CreateUser\",\"CloudTrailEvent\":" +
        JsonString(kEvent1) + "},{\"EventId\":\"bad\",\"CloudTrailEvent\":\"{oops\"}]}";
    FileOutcome o;
    auto seen = Decode(data, "lookup.json", &o);
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].event_name, "CreateUser");
    EXPECT_EQ(o.report.bad(), 1u);
}

TEST(CloudTrail, EventBridgeEnvelope) {
    std::string data =
        std::string(
            R"({"version":"0","detail-type":"AWS API Call via CloudTrail","source":"aws.iam","detail":)") +
        kEvent1 + "}\n";
    auto seen = Decode(data, "eb.jsonl");
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].event_name, "CreateUser");
}

TEST(CloudTrail, DigestIsRecognizedNotHunted) {
    std::string digest =
        R"({"awsAccountId":"111122223333","digestStartTime":"2024-05-01T11:00:00Z","digestEndTime":"2024-05-01T12:00:00Z","digestS3Bucket":"b","digestS3Object":"o","digestPublicKeyFingerprint":"abc","digestSignatureAlgorithm":"SHA256withRSA","newestEventTime":"2024-05-01T11:59:00Z","oldestEventTime":"2024-05-01T11:00:00Z","previousDigestS3Bucket":null,"previousDigestS3Object":null,"previousDigestHashValue":null,"previousDigestHashAlgorithm":null,"previousDigestSignature":null,"logFiles":[{"s3Bucket":"b","s3Object":"k","hashValue":"00","hashAlgorithm":"SHA-256","newestEventTime":"2024-05-01T11:59:00Z","oldestEventTime":"2024-05-01T11:00:00Z"}]})";
    FileOutcome o;
    auto seen =
        Decode(digest, "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/05/01/d.json", &o);
    EXPECT_EQ(o.format, "cloudtrail-digest");
    EXPECT_TRUE(seen.empty());
    ASSERT_EQ(o.report.notes().size(), 1u);
    EXPECT_NE(o.report.notes()[0].find("1 log file"), std::string::npos);
}

// A record's JSON (what the case store keeps as `raw`) is its original text, found in the
// document, whatever the shape; re-serialized only where the text cannot be told for sure
// (re-serializing is not faithful: 2.5e3 comes back as 2500.0).
constexpr const char* kSpaced =
    "{ \"eventVersion\": \"1.08\", \"eventTime\": \"2024-05-01T12:00:00Z\",\n"
    "  \"eventSource\": \"iam.amazonaws.com\", \"eventName\": \"CreateUser\",\n"
    "  \"awsRegion\": \"us-east-1\", \"eventID\": \"e9\", \"userIdentity\": "
    "{ \"type\": \"IAMUser\", \"arn\": \"arn:aws:iam::111122223333:user/a\" },\n"
    "  \"requestParameters\": { \"userName\": \"x ]}\\\" ,\", \"n\": [1, 2.5e3, true, null] } }";
constexpr const char* kSpacedMinified =
    R"({"eventVersion":"1.08","eventTime":"2024-05-01T12:00:00Z","eventSource":"iam.amazonaws.com","eventName":"CreateUser","awsRegion":"us-east-1","eventID":"e9","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/a"},"requestParameters":{"userName":"x ]}\" ,","n":[1,2500.0,true,null]}})";

TEST(CloudTrail, RecordJsonIsTheOriginalText) {
    // S3 delivery file, with members before Records whose values hold brackets and quotes.
    std::string doc =
        std::string("\xef\xbb\xbf {\n \"meta\" : {\"a\": [1, \"]\\\"[\"], \"b\": null},\n"
                    " \"n\": -1.5, \"t\": true, \"Records\" : [\n  ") +
        kSpaced + " ,\n  " + kEvent2 + "\n ] , \"after\": 1 }\n";
    auto seen = Decode(doc, "x.json");
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[0].json, kSpaced);
    EXPECT_EQ(seen[1].json, kEvent2);
    // A JSON array of events.
    seen = Decode(std::string("[ ") + kSpaced + "\t,\r\n" + kEvent1 + " ]", "a.json");
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[0].json, kSpaced);
    EXPECT_EQ(seen[1].json, kEvent1);
    // One event per line (the line without its surrounding blanks), a single-event document.
    std::string line = kSpaced;
    std::replace(line.begin(), line.end(), '\n', ' ');
    seen = Decode("  " + line + "  \n" + kEvent1 + "\n", "a.jsonl");
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[0].json, line);
    EXPECT_EQ(seen[1].json, kEvent1);
    seen = Decode(std::string("\n ") + kSpaced + " \n", "one.json");
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].json, kSpaced);
    // lookup-events output: the CloudTrailEvent string's text.
    seen = Decode("{\"Events\":[{\"EventId\":\"e9\",\"CloudTrailEvent\":" + JsonString(kSpaced) +
                      "}]}",
                  "lookup.json");
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].json, kSpaced);
}

// Random layouts of S3 delivery files and arrays (blanks between every token, members before
// and after Records whose values hold brackets, quotes and escapes): every record's JSON is
// exactly the text that was put in, in order.
TEST(CloudTrail, RecordJsonIsTheOriginalTextInRandomLayouts) {
    const std::vector<std::string> events = {kEvent1, kEvent2, kSpaced};
    const std::vector<std::string> blanks = {"", " ", "\n", "\t ", "\r\n  "};
    const std::vector<std::string> values = {
        "\"]}\\\"[{,\"", "[ {\"a\": \"}\"}, 3, [[]] ]", "{}",       "null",         "-0.5e-3",
        "true",          "{\"Records\": [1, 2]}",       "\"\\\\\"", "[\"Records\"]"};
    uint64_t seed = 42;
    auto next = [&](size_t n) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        return size_t(seed >> 33) % n;
    };
    for (int round = 0; round < 300; ++round) {
        auto blank = [&] { return blanks[next(blanks.size())]; };
        std::vector<std::string> put;
        std::string array = "[" + blank();
        for (size_t i = 0, n = next(5); i < n; ++i) {
            put.push_back(events[next(events.size())]);
            array += (i ? "," + blank() : "") + put.back() + blank();
        }
        array += "]";
        std::string doc;
        bool as_array = next(4) == 0;
        if (as_array) {
            doc = blank() + array + blank();
        } else {
            std::vector<std::string> members;
            for (size_t i = 0, n = next(4); i < n; ++i)
                members.push_back("\"m" + std::to_string(i) + "\"" + blank() + ":" + blank() +
                                  values[next(values.size())]);
            members.insert(members.begin() + long(next(members.size() + 1)),
                           "\"Records\"" + blank() + ":" + blank() + array);
            doc = blank() + "{" + blank();
            for (size_t i = 0; i < members.size(); ++i)
                doc += (i ? "," + blank() : "") + members[i] + blank();
            doc += "}" + blank();
        }
        auto seen = Decode(doc, as_array ? "a.json" : "x.json", nullptr, "cloudtrail");
        ASSERT_EQ(seen.size(), put.size()) << doc;
        for (size_t i = 0; i < put.size(); ++i)
            ASSERT_EQ(seen[i].json, put[i]) << "round " << round << ": " << doc;
    }
}

TEST(CloudTrail, RecordJsonIsReserializedWhereTheTextIsUncertain) {
    // An escaped top-level key may be the Records member the parser picked: the records are
    // re-serialized from what was parsed (the first array), never taken from the other one.
    std::string doc =
        std::string("{\"Rec\\u006frds\":[") + kSpaced + "],\"Records\":[" + kEvent2 + "]}";
    auto seen = Decode(doc, "x.json");
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].event_id, "e9");
    EXPECT_EQ(seen[0].json, kSpacedMinified);
    // An EventBridge envelope: the event inside it, not the envelope's line.
    seen = Decode(
        std::string(R"({"version":"0","detail-type":"AWS API Call via CloudTrail","detail":)") +
            kSpaced + "}\n",
        "eb.json");
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].json, kSpacedMinified);
}

TEST(CloudTrail, InsightsEventsAreMarked) {
    std::string data =
        R"({"Records":[{"eventVersion":"1.07","eventTime":"2024-05-01T12:00:00Z","awsRegion":"us-east-1","eventID":"i1","eventType":"AwsCloudTrailInsight","recipientAccountId":"111122223333","sharedEventID":"s","insightDetails":{"state":"Start","eventSource":"ec2.amazonaws.com","eventName":"RunInstances","insightType":"ApiCallRateInsight"},"eventCategory":"Insight","eventSource":"ec2.amazonaws.com","eventName":"RunInstances"}]})";
    FileOutcome o;
    auto seen = Decode(data, "i.json", &o);
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].source_type, "cloudtrail-insight");
    ASSERT_EQ(o.report.notes().size(), 1u);
}

TEST(CloudTrail, TruncatedGzipSalvagesCompleteRecords) {
    std::string gz = GzipCompress(Records());
    FileOutcome o;
    auto seen = Decode(gz.substr(0, gz.size() - 12), "t.json.gz", &o);
    // The deflate stream is cut: whatever records arrived whole are kept, the rest reported.
    EXPECT_FALSE(o.error.empty());
    EXPECT_GE(o.report.bad(), 1u);
    EXPECT_LE(seen.size(), 2u);
}

TEST(CloudTrail, InvalidUtf8InOneRecordLosesOnlyThatRecord) {
    std::string bad = kEvent2;
    bad.replace(bad.find("Mozilla"), 1, "\xff");
    std::string data = std::string("{\"Records\":[") + kEvent1 + "," + bad + "]}";
    FileOutcome o;
    auto seen = Decode(data, "u.json", &o);
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].event_name, "CreateUser");
    EXPECT_EQ(o.report.bad(), 1u);
}

// Records recovered one by one from a document that does not parse keep their original text
// too (the bad record is reported, its neighbours' JSON is exactly what the file holds).
TEST(CloudTrail, SalvagedRecordsKeepTheirOriginalText) {
    std::string bad = kEvent2;
    bad.replace(bad.find("Mozilla"), 1, "\xff");
    std::string data = std::string("{ \"Records\" : [\n  ") + kSpaced + " ,\n  " + bad +
                       ",\n  " + kEvent1 + "\n] }";
    FileOutcome o;
    auto seen = Decode(data, "salvage.json", &o);
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(o.report.bad(), 1u);
    EXPECT_EQ(seen[0].json, kSpaced);
    EXPECT_EQ(seen[1].json, kEvent1);
}

TEST(CloudTrail, DeepNestingIsReportedNotFatal) {
    std::string deep = std::string(10000, '[') + std::string(10000, ']');
    std::string data = std::string(R"({"Records":[)") + kEvent1 +
                       R"(,{"eventName":"X","eventSource":"y","requestParameters":)" + deep + "}]}";
    FileOutcome o;
    auto seen = Decode(data, "deep.json", &o);
    EXPECT_EQ(seen.size(), 1u);
    EXPECT_EQ(o.report.bad(), 1u);
}

TEST(CloudTrail, EmptyAndUnrelatedFilesAreSkippedWithReason) {
    FileOutcome o;
    Decode("", "empty.json", &o);
    EXPECT_TRUE(o.skipped);
    EXPECT_EQ(o.error, "empty file");
    Decode(std::string("\x7f"
                       "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0",
                       16) +
               std::string(100, '\0'),
           "bin", &o);
    EXPECT_TRUE(o.skipped);
    EXPECT_NE(o.error.find("binary"), std::string::npos);
}

TEST(CloudTrail, SinceUntilDropRecords) {
    ScanOptions opts;
    opts.since = ParseIsoTime("2024-05-01T12:01:00Z");
    RecordCollector c;
    DecodeBuffer(Records(), "x.json", "", c, opts);
    ASSERT_EQ(c.seen.size(), 1u);
    EXPECT_EQ(c.seen[0].event_name, "ConsoleLogin");
}

TEST(CloudTrail, RealEventsFromDatasetsDecode) {
    auto dir = test::DatasetsDir();
    if (dir.empty())
        GTEST_SKIP() << "datasets absent";
    auto td = dir / "cloudtrail" / "traildiscover";
    if (!std::filesystem::exists(td))
        GTEST_SKIP() << "traildiscover absent";
    size_t files = 0, records = 0;
    for (auto& e : std::filesystem::recursive_directory_iterator(td)) {
        if (!e.is_regular_file())
            continue;
        RecordCollector c;
        std::string data = test::ReadFile(e.path());
        FileOutcome o = DecodeBuffer(data, e.path().string(), "", c);
        if (e.path().extension() == ".cloudtrail" && Trim(data) == "[]") {
            EXPECT_TRUE(c.seen.empty()); // an example file without events
        } else if (e.path().extension() == ".cloudtrail") {
            // Real example events: every one decodes, none is lost.
            EXPECT_EQ(o.format, "cloudtrail") << e.path();
            EXPECT_EQ(o.report.bad(), 0u) << e.path();
            EXPECT_FALSE(c.seen.empty()) << e.path();
            ++files;
            records += c.seen.size();
        } else if (e.path().extension() == ".json") {
            // Metadata documents about an event name are not CloudTrail events.
            EXPECT_NE(o.format, "cloudtrail") << e.path();
            for (const auto& r : c.seen)
                EXPECT_NE(r.source_type, "cloudtrail") << e.path();
        }
    }
    EXPECT_GT(files, 0u);
    EXPECT_GT(records, 0u);
}

} // namespace
} // namespace cloudsift
