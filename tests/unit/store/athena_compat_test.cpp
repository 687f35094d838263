// Athena-documentation-style CloudTrail queries run unchanged against cloudtrail_logs
// (the list is in docs/athena-compat.md).
#include <gtest/gtest.h>

#include "store/case_store.h"
#include "store/writer.h"
#include "unit/store/store_test_util.h"

namespace cloudsift::store {
namespace {

struct AthenaCase {
    test::TempDir tmp;
    std::unique_ptr<CaseStore> cs;
    AthenaCase() {
        auto opened = CaseStore::Open(tmp.str(), OpenMode::Create);
        EXPECT_TRUE(opened.ok());
        cs = std::move(opened.value());
        for (auto name : {"incident_a.json", "incident_b.json"}) {
            std::string text =
                cloudsift::test::ReadFile(cloudsift::test::TestDir() / "fixtures/store" / name);
            EventBatch batch = test::BatchFromCloudTrail(text);
            auto txn = IngestTxn::Begin(*cs);
            EXPECT_TRUE(txn.ok());
            FileEntry e;
            e.sha256 = Sha256Hex(text);
            e.path = name;
            e.format = "cloudtrail";
            e.events = batch.size();
            EXPECT_TRUE(txn.value()->Append(batch, e.sha256).ok());
            EXPECT_TRUE(txn.value()->Commit(e).ok());
        }
    }
};

struct AthenaQuery {
    const char* name;
    const char* sql;
    size_t rows;
};

// Queries in the style of the AWS Athena documentation for CloudTrail ("Querying AWS CloudTrail
// logs" and its examples), with only the table name set to cloudtrail_logs.
const AthenaQuery kQueries[] = {
    {"all events limit",
     "SELECT * FROM cloudtrail_logs LIMIT 100", 11},
    {"anonymous requests",
     "SELECT * FROM cloudtrail_logs WHERE useridentity.accountid = 'anonymous'", 0},
    {"events by one user",
     "SELECT useridentity.arn, eventname, sourceipaddress, eventtime FROM cloudtrail_logs "
     "WHERE useridentity.username = 'alice' ORDER BY eventtime", 3},
    {"distinct sources per account",
     "SELECT DISTINCT eventsource, eventname, useridentity.accountid FROM cloudtrail_logs "
     "WHERE useridentity.accountid = '111122223333'", 9},
    {"console logins",
     "SELECT useridentity.arn, sourceipaddress, eventtime, additionaleventdata FROM "
     "cloudtrail_logs WHERE eventname = 'ConsoleLogin' AND eventtime >= '2024-03-01T00:00:00Z' "
     "AND eventtime < '2024-03-02T00:00:00Z'", 1},
    {"console login without MFA",
     "SELECT useridentity.arn, eventtime FROM cloudtrail_logs WHERE eventname = 'ConsoleLogin' "
     "AND json_extract_scalar(additionaleventdata, '$.MFAUsed') = 'No'", 1},
    {"errors by code",
     "SELECT errorcode, count(*) AS total FROM cloudtrail_logs WHERE errorcode IS NOT NULL "
     "GROUP BY errorcode ORDER BY total DESC", 1},
    {"access denied",
     "SELECT eventtime, useridentity.arn, eventsource, eventname, errorcode, errormessage FROM "
     "cloudtrail_logs WHERE errorcode = 'AccessDenied' OR errorcode LIKE '%Unauthorized%'", 1},
    {"assumed role sessions by issuer",
     "SELECT useridentity.sessioncontext.sessionissuer.username AS role, count(*) AS calls FROM "
     "cloudtrail_logs WHERE useridentity.type = 'AssumedRole' GROUP BY 1 ORDER BY calls DESC", 3},
    {"security group changes",
     "SELECT eventtime, eventname, awsregion, requestparameters FROM cloudtrail_logs WHERE "
     "eventsource = 'ec2.amazonaws.com' AND eventname LIKE '%SecurityGroup%'", 1},
    {"s3 bucket deletion",
     "SELECT eventtime, json_extract_scalar(requestparameters, '$.bucketName') AS bucket FROM "
     "cloudtrail_logs WHERE eventsource = 's3.amazonaws.com' AND eventname = 'DeleteBucket'", 1},
    {"read-only false by region",
     "SELECT awsregion, count(*) FROM cloudtrail_logs WHERE readonly = 'false' GROUP BY "
     "awsregion", 2},
    {"time range with from_iso8601_timestamp",
     "SELECT eventname FROM cloudtrail_logs WHERE from_iso8601_timestamp(eventtime) BETWEEN "
     "TIMESTAMP '2024-03-01 10:00:00' AND TIMESTAMP '2024-03-01 10:30:00'", 6},
    {"unnest resources",
     "SELECT eventname, r.arn, r.type FROM cloudtrail_logs CROSS JOIN UNNEST(resources) AS t(r)",
     2},
    {"root usage",
     "SELECT eventtime, eventname, sourceipaddress FROM cloudtrail_logs WHERE useridentity.type "
     "= 'Root'", 1},
    {"tls versions",
     "SELECT tlsdetails.tlsversion, count(*) FROM cloudtrail_logs WHERE tlsdetails.tlsversion "
     "IS NOT NULL GROUP BY 1", 1},
    {"mfa authenticated sessions",
     "SELECT DISTINCT useridentity.arn FROM cloudtrail_logs WHERE "
     "useridentity.sessioncontext.attributes.mfaauthenticated = 'false'", 3},
};

TEST(AthenaCompat, DocumentationQueriesRunUnchanged) {
    AthenaCase c;
    for (const auto& q : kQueries) {
        auto t = c.cs->conn().Query(q.sql);
        ASSERT_TRUE(t.ok()) << q.name << ": " << t.error().message;
        EXPECT_EQ(t.value().rows.size(), q.rows) << q.name;
    }
}

TEST(AthenaCompat, ColumnsFollowTheAthenaTable) {
    AthenaCase c;
    auto t = c.cs->conn().Query("SELECT * FROM cloudtrail_logs LIMIT 0");
    ASSERT_TRUE(t.ok());
    const char* expected[] = {"eventversion", "useridentity", "eventtime", "eventsource",
                              "eventname", "awsregion", "sourceipaddress", "useragent",
                              "errorcode", "errormessage", "requestparameters",
                              "responseelements", "additionaleventdata", "requestid", "eventid",
                              "resources", "eventtype", "apiversion", "readonly",
                              "recipientaccountid", "serviceeventdetails", "sharedeventid",
                              "vpcendpointid", "tlsdetails"};
    for (auto col : expected) EXPECT_GE(t.value().Column(col), 0) << col;
}

// An IN list of event names is evaluated inside the table scan, so the raw record behind
// requestparameters is read only for the rows kept (not decompressed for every row).
TEST(AthenaCompat, EventNameListIsFilteredInsideTheScan) {
    AthenaCase c;
    const std::string where =
        "FROM cloudtrail_logs WHERE eventname IN ('ConsoleLogin', 'CreateUser', "
        "'AttachUserPolicy', 'StopLogging', 'DeleteTrail')";
    auto plan = c.cs->conn().Query("EXPLAIN SELECT requestparameters " + where);
    ASSERT_TRUE(plan.ok()) << plan.error().message;
    std::string text;
    for (size_t r = 0; r < plan.value().rows.size(); ++r) text += plan.value().Cell(r, 1);
    EXPECT_EQ(text.find("MARK"), std::string::npos) << text;
    EXPECT_EQ(text.find("optional:"), std::string::npos) << text;
    // Same rows as the flat equality filters.
    auto in = c.cs->conn().Query("SELECT count(*) " + where);
    auto eq = c.cs->conn().Query(
        "SELECT count(*) FROM events WHERE source_type LIKE 'cloudtrail%' AND (action = "
        "'ConsoleLogin' OR action = 'CreateUser' OR action = 'AttachUserPolicy' OR action = "
        "'StopLogging' OR action = 'DeleteTrail')");
    ASSERT_TRUE(in.ok() && eq.ok());
    EXPECT_EQ(in.value().Cell(0, 0), eq.value().Cell(0, 0));
    EXPECT_NE(in.value().Cell(0, 0), "0");
}

// The flat identity columns agree with the useridentity struct.
TEST(AthenaCompat, FlatIdentityColumnsMatchTheStruct) {
    AthenaCase c;
    auto t = c.cs->conn().Query(
        "SELECT count(*) FROM cloudtrail_logs WHERE principal_arn IS DISTINCT FROM "
        "useridentity.arn OR principal_type IS DISTINCT FROM useridentity.type OR "
        "access_key_id IS DISTINCT FROM useridentity.accesskeyid OR invoked_by IS DISTINCT FROM "
        "useridentity.invokedby");
    ASSERT_TRUE(t.ok()) << t.error().message;
    EXPECT_EQ(t.value().Cell(0, 0), "0");
}

// New cases store the raw record compressed with ZSTD.
TEST(AthenaCompat, RawRecordsAreStoredWithZstd) {
    AthenaCase c;
    ASSERT_TRUE(c.cs->conn().Exec("CHECKPOINT").ok());
    auto t = c.cs->conn().Query(
        "SELECT DISTINCT compression FROM pragma_storage_info('events') WHERE column_name = "
        "'raw' AND segment_type = 'VARCHAR'");
    ASSERT_TRUE(t.ok()) << t.error().message;
    ASSERT_EQ(t.value().rows.size(), 1u);
    EXPECT_EQ(t.value().Cell(0, 0), "ZSTD");
}

} // namespace
} // namespace cloudsift::store
