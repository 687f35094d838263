// Case store basics: creation, meta, refusal of foreign databases, per-file transactions,
// custody chain and the Athena-shaped cloudtrail_logs view over hand-built records.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "store/case_store.h"
#include "store/writer.h"
#include "unit/store/store_test_util.h"

namespace cloudsift::store {
namespace {

using test::TempDir;

std::unique_ptr<CaseStore> MustOpen(const std::string& dir, OpenMode mode = OpenMode::Create) {
    auto cs = CaseStore::Open(dir, mode);
    EXPECT_TRUE(cs.ok()) << (cs.ok() ? "" : cs.error().message);
    return cs.ok() ? std::move(cs.value()) : nullptr;
}

void IngestFixture(CaseStore& cs, const std::string& name) {
    std::string text =
        cloudsift::test::ReadFile(cloudsift::test::TestDir() / "fixtures/store" / name);
    EventBatch batch = test::BatchFromCloudTrail(text);
    auto txn = IngestTxn::Begin(cs);
    ASSERT_TRUE(txn.ok()) << txn.error().message;
    FileEntry e;
    e.sha256 = Sha256Hex(text);
    e.path = name;
    e.evidence_path = "evidence/" + name;
    e.format = "cloudtrail";
    e.events = batch.size();
    auto ap = txn.value()->Append(batch, e.sha256);
    ASSERT_TRUE(ap.ok()) << ap.error().message;
    auto st = txn.value()->Commit(e);
    ASSERT_TRUE(st.ok()) << st.error().message;
}

int64_t Count(CaseStore& cs, const std::string& sql) {
    auto t = cs.conn().Query(sql);
    EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.error().message) << "\n" << sql;
    return t.ok() && !t.value().rows.empty() ? std::atoll(t.value().Cell(0, 0).c_str()) : -1;
}

TEST(CaseStore, CreatesSchemaMetaAndCustody) {
    TempDir tmp;
    auto cs = MustOpen(tmp.str() + "/case1");
    ASSERT_TRUE(cs);
    EXPECT_EQ(Count(*cs, "SELECT count(*) FROM meta WHERE key = 'schema_version' AND value = '" +
                             std::to_string(kSchemaVersion) + "'"),
              1);
    EXPECT_EQ(cs->schema_version(), kSchemaVersion);
    EXPECT_EQ(Count(*cs, "SELECT count(*) FROM custody WHERE action = 'create'"), 1);
    EXPECT_TRUE(std::filesystem::is_directory(tmp.path / "case1/evidence"));
    EXPECT_TRUE(cs->CheckCustody().ok);
}

TEST(CaseStore, RefusesForeignAndCorruptDatabases) {
    TempDir tmp;
    std::filesystem::create_directories(tmp.path / "junk");
    std::ofstream(tmp.path / "junk/case.duckdb") << "this is not a database at all, sorry";
    auto r = CaseStore::Open((tmp.path / "junk").string(), OpenMode::ReadWrite);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "case.foreign");

    // A valid DuckDB database that is not a case.
    {
        auto db = Database::Open((tmp.path / "other.duckdb").string(), false);
        ASSERT_TRUE(db.ok());
        auto con = Connection::Open(*db.value());
        ASSERT_TRUE(con.ok());
        ASSERT_TRUE(con.value()->Exec("CREATE TABLE t(x INT)").ok());
    }
    std::filesystem::create_directories(tmp.path / "other");
    std::filesystem::rename(tmp.path / "other.duckdb", tmp.path / "other/case.duckdb");
    r = CaseStore::Open((tmp.path / "other").string(), OpenMode::ReadOnly);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "case.foreign");

    r = CaseStore::Open((tmp.path / "absent").string(), OpenMode::ReadOnly);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "case.missing");
}

TEST(CaseStore, RefusesUnwritableDirectory) {
    if (geteuid() == 0)
        GTEST_SKIP() << "root ignores permissions";
    TempDir tmp;
    auto ro = tmp.path / "ro";
    std::filesystem::create_directories(ro);
    chmod(ro.c_str(), 0555);
    auto r = CaseStore::Open(ro.string(), OpenMode::Create);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "case.permission");
}

TEST(CaseStore, FileTransactionCommitsEventsFilesAndCustodyTogether) {
    TempDir tmp;
    auto cs = MustOpen(tmp.str());
    ASSERT_TRUE(cs);
    IngestFixture(*cs, "incident_a.json");
    EXPECT_EQ(Count(*cs, "SELECT count(*) FROM events"), 5);
    EXPECT_EQ(Count(*cs, "SELECT count(*) FROM files"), 1);
    EXPECT_EQ(Count(*cs, "SELECT count(*) FROM custody WHERE action = 'ingest'"), 1);
    EXPECT_EQ(Count(*cs, "SELECT count(*) FROM events WHERE access_key = 'AKIAALICE0000000001'"),
              3);
    EXPECT_TRUE(cs->CheckCustody().ok);

    // A rolled back file leaves nothing.
    {
        EventBatch batch = test::BatchFromCloudTrail(cloudsift::test::ReadFile(
            cloudsift::test::TestDir() / "fixtures/store/incident_b.json"));
        auto txn = IngestTxn::Begin(*cs);
        ASSERT_TRUE(txn.ok());
        ASSERT_TRUE(txn.value()->Append(batch, "deadbeef").ok());
        txn.value()->Rollback();
    }
    EXPECT_EQ(Count(*cs, "SELECT count(*) FROM events"), 5);
    EXPECT_EQ(Count(*cs, "SELECT count(*) FROM files"), 1);
}

TEST(CaseStore, CustodyTamperingIsDetected) {
    TempDir tmp;
    {
        auto cs = MustOpen(tmp.str());
        ASSERT_TRUE(cs);
        IngestFixture(*cs, "incident_a.json");
        ASSERT_TRUE(cs->RecordCustody("export", "{\"to\":\"x\"}").ok());
        auto check = cs->CheckCustody();
        EXPECT_TRUE(check.ok);
        EXPECT_EQ(check.entries, 3);
        ASSERT_TRUE(
            cs->conn().Exec("UPDATE custody SET details = '{\"to\":\"y\"}' WHERE seq = 3").ok());
        check = cs->CheckCustody();
        EXPECT_FALSE(check.ok);
        ASSERT_FALSE(check.problems.empty());
        EXPECT_NE(check.problems[0].find("entry 3"), std::string::npos) << check.problems[0];
    }
}

TEST(CaseStore, CloudTrailViewHasAthenaShape) {
    TempDir tmp;
    auto cs = MustOpen(tmp.str());
    ASSERT_TRUE(cs);
    IngestFixture(*cs, "incident_a.json");
    IngestFixture(*cs, "incident_b.json");
    auto t = cs->conn().Query(
        "SELECT useridentity.arn, useridentity.sessioncontext.sessionissuer.username AS issuer, "
        "eventname, readonly, tlsdetails.tlsversion AS tls, resources[1].arn AS res, "
        "json_extract_scalar(additionaleventdata, '$.MFAUsed') AS mfa "
        "FROM cloudtrail_logs ORDER BY eventtime");
    ASSERT_TRUE(t.ok()) << t.error().message;
    ASSERT_EQ(t.value().rows.size(), 11u);
    EXPECT_EQ(t.value().Cell(0, "arn"), "arn:aws:iam::111122223333:root");
    EXPECT_EQ(t.value().Cell(0, "mfa"), "No");
    EXPECT_EQ(t.value().Cell(1, "tls"), "TLSv1.3");
    EXPECT_EQ(t.value().Cell(1, "readonly"), "true");
    EXPECT_EQ(t.value().Cell(3, "res"), "arn:aws:iam::111122223333:role/Admin");
    EXPECT_EQ(t.value().Cell(4, "issuer"), "Admin");
}

} // namespace
} // namespace cloudsift::store

namespace cloudsift::store {
namespace {

// An in-memory database with one table t of these columns, and an appender on it.
struct MemoryTable {
    std::unique_ptr<Database> db;
    std::unique_ptr<Connection> con;
    std::unique_ptr<Appender> app;
};
void OpenMemoryTable(const std::string& columns, MemoryTable& out) {
    auto db = Database::Open(":memory:", false);
    ASSERT_TRUE(db.ok());
    out.db = std::move(db.value());
    auto con = Connection::Open(*out.db);
    ASSERT_TRUE(con.ok());
    out.con = std::move(con.value());
    ASSERT_TRUE(out.con->Exec("CREATE TABLE t (" + columns + ")"));
    auto app = Appender::Open(*out.con, "t");
    ASSERT_TRUE(app.ok());
    out.app = std::move(app.value());
}

// Chunk appends: strings short and long (inline or on the heap in DuckDB), NULLs from empty
// text and zero times, and a NULL in one chunk that must not leak into the same row of the
// next chunk (the masks are reset between chunks).
TEST(ColumnChunk, AppendsValuesAndNullsAcrossChunks) {
    MemoryTable mt;
    ASSERT_NO_FATAL_FAILURE(OpenMemoryTable("s VARCHAR, u UBIGINT, ts TIMESTAMP", mt));
    using T = ColumnChunk::Type;
    ColumnChunk chunk({T::Varchar, T::UBigInt, T::Timestamp});
    const size_t cap = ColumnChunk::Capacity();
    const size_t total = cap + 3;
    auto text = [](size_t r) {
        return r % 3 == 0   ? std::string()
               : r % 3 == 1 ? "s" + std::to_string(r)
                            : "a longer text than twelve bytes " + std::to_string(r);
    };
    for (size_t first = 0; first < total; first += cap) {
        size_t n = std::min(cap, total - first);
        for (size_t i = 0; i < n; ++i) {
            size_t r = first + i;
            // Row 0 of the first chunk is NULL in every column; row 0 of the second is not.
            std::string s = r == cap ? "after a null" : text(r);
            chunk.Str(0, i, s);
            chunk.UInt(1, i, r * 7);
            chunk.TimeMs(2, i, r == 0 ? 0 : int64_t(1714564800000) + int64_t(r));
        }
        chunk.SetRows(n);
        ASSERT_TRUE(mt.app->Append(chunk));
    }
    ASSERT_TRUE(mt.app->Flush());
    auto t = mt.con->Query("SELECT count(*), count(s), sum(u), count(ts), min(ts), "
                           "max(CASE WHEN u = " +
                           std::to_string(cap * 7) + " THEN s END) FROM t");
    ASSERT_TRUE(t.ok()) << t.error().message;
    size_t nulls = 0;
    uint64_t sum = 0;
    for (size_t r = 0; r < total; ++r) {
        nulls += r != cap && text(r).empty();
        sum += r * 7;
    }
    EXPECT_EQ(t.value().Cell(0, 0), std::to_string(total));
    EXPECT_EQ(t.value().Cell(0, 1), std::to_string(total - nulls));
    EXPECT_EQ(t.value().Cell(0, 2), std::to_string(sum));
    EXPECT_EQ(t.value().Cell(0, 3), std::to_string(total - 1));
    EXPECT_EQ(t.value().Cell(0, 4), "2024-05-01 12:00:00.001");
    EXPECT_EQ(t.value().Cell(0, 5), "after a null");
    auto row = mt.con->Query("SELECT s FROM t WHERE u = 14");
    ASSERT_TRUE(row.ok());
    EXPECT_EQ(row.value().Cell(0, 0), text(2));
}

// StrView cells are views: the appender must copy them. The viewed buffer is overwritten after
// each chunk is appended and before the rows are flushed to the table, so a reference kept by
// DuckDB would show as wrong text. Texts of 12 bytes (inline), 13 (on the heap), long ones,
// empty ones (NULL) and invalid UTF-8 (repaired, as Str does) are all stored as given.
TEST(ColumnChunk, StrViewCellsAreCopiedOnAppend) {
    MemoryTable mt;
    ASSERT_NO_FATAL_FAILURE(OpenMemoryTable("s VARCHAR, u UBIGINT", mt));
    using T = ColumnChunk::Type;
    ColumnChunk chunk({T::Varchar, T::UBigInt});
    const size_t cap = ColumnChunk::Capacity();
    const size_t total = 2 * cap + 5;
    auto text = [](size_t r) -> std::string {
        switch (r % 5) {
        case 0:
            return "";
        case 1:
            return "twelve bytes";
        case 2:
            return "thirteen byte";
        case 3:
            return "a text well beyond the inline size, row " + std::to_string(r);
        default:
            return "bad \xff byte " + std::to_string(r);
        }
    };
    std::string arena;
    for (size_t first = 0; first < total; first += cap) {
        size_t n = std::min(cap, total - first);
        arena.clear();
        std::vector<std::pair<size_t, size_t>> spans;
        for (size_t i = 0; i < n; ++i) {
            spans.emplace_back(arena.size(), text(first + i).size());
            arena += text(first + i);
        }
        for (size_t i = 0; i < n; ++i) {
            chunk.StrView(0, i, std::string_view(arena).substr(spans[i].first, spans[i].second));
            chunk.UInt(1, i, first + i);
        }
        chunk.SetRows(n);
        ASSERT_TRUE(mt.app->Append(chunk));
        std::fill(arena.begin(), arena.end(), 'X');
    }
    ASSERT_TRUE(mt.app->Flush());
    auto t = mt.con->Query("SELECT u, s FROM t ORDER BY u");
    ASSERT_TRUE(t.ok()) << t.error().message;
    ASSERT_EQ(t.value().rows.size(), total);
    for (size_t r = 0; r < total; ++r) {
        std::string want = text(r);
        if (r % 5 == 4)
            want = "bad \xef\xbf\xbd byte " + std::to_string(r);
        ASSERT_EQ(t.value().Cell(r, 1), want) << "row " << r;
    }
    auto nulls = mt.con->Query("SELECT count(*) FROM t WHERE s IS NULL");
    ASSERT_TRUE(nulls.ok());
    EXPECT_EQ(nulls.value().Cell(0, 0), std::to_string((total + 4) / 5));
}

TEST(Appender, AppendsEmptyFilledAndRepairedListsOfText) {
    MemoryTable mt;
    ASSERT_NO_FATAL_FAILURE(OpenMemoryTable("n INTEGER, l VARCHAR[]", mt));
    const std::vector<std::vector<SharedText>> lists = {
        {}, {"attack.t1098", "attack.persistence"}, {"ok", std::string("bad \xff\xfe")}};
    for (size_t i = 0; i < lists.size(); ++i) {
        mt.app->Int(int64_t(i));
        mt.app->StrList(lists[i]);
        ASSERT_TRUE(mt.app->EndRow());
    }
    ASSERT_TRUE(mt.app->Flush());
    auto t = mt.con->Query("SELECT n, len(l), l[2] FROM t ORDER BY n");
    ASSERT_TRUE(t.ok()) << t.error().message;
    ASSERT_EQ(t.value().rows.size(), 3u);
    EXPECT_EQ(t.value().Cell(0, 1), "0"); // an empty list is [], not NULL
    EXPECT_EQ(t.value().Cell(1, 1), "2");
    EXPECT_EQ(t.value().Cell(1, 2), "attack.persistence");
    EXPECT_EQ(t.value().Cell(2, 2), "bad \xEF\xBF\xBD\xEF\xBF\xBD"); // each broken byte is U+FFFD
}

} // namespace
} // namespace cloudsift::store
