// Query results leave the case in the shapes responders open elsewhere: CSV written by DuckDB
// (export --to csv) must be as safe in a spreadsheet or a terminal as our own CSV cells.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "common/sanitize.h"
#include "store/render.h"
#include "test_support.h"
#include "unit/store/store_test_util.h"

namespace cloudsift::store {
namespace {

struct MemoryDb {
    std::unique_ptr<Database> db;
    std::unique_ptr<Connection> con;
    MemoryDb() {
        auto d = Database::Open(":memory:", false);
        EXPECT_TRUE(d.ok());
        db = std::move(d.value());
        auto c = Connection::Open(*db);
        EXPECT_TRUE(c.ok());
        con = std::move(c.value());
    }
};

// The CSV DuckDB writes for select, guarded by CsvSafeSelect, as lines.
std::vector<std::string> SafeCsvLines(Connection& con, const std::string& select,
                                      const std::string& path) {
    auto safe = CsvSafeSelect(con, select);
    EXPECT_TRUE(safe.ok()) << (safe.ok() ? "" : safe.error().message);
    if (!safe.ok())
        return {};
    auto st = con.Exec("COPY (" + safe.value() + ") TO " + SqlQuote(path) +
                       " (FORMAT csv, HEADER true)");
    EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().message);
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

TEST(CsvSafeSelect, GuardsFormulasAndControlCharactersLikeCsvCell) {
    MemoryDb m;
    ASSERT_TRUE(m.con->Exec("CREATE TABLE t (n INTEGER, s VARCHAR, tags VARCHAR[], v BIGINT, "
                            "ts TIMESTAMP, \"odd \"\"name\"\"\" VARCHAR)"));
    // Row by row: a formula, text after a leading minus, @, pipe, plain text, an ANSI escape,
    // a C1 control (CSI, U+009B), a tab-led cell; lists holding escapes; negative numbers.
    const char* cells[] = {"=HYPERLINK(\"http://evil\",\"x\")",
                           "-2+3+cmd|' /C calc'!A0",
                           "@SUM(A1)",
                           "|calc",
                           "plain text",
                           "\x1b[31mred",
                           "\xc2\x9b"
                           "2J",
                           "\tlead"};
    for (size_t i = 0; i < std::size(cells); ++i) {
        std::string sql = "INSERT INTO t VALUES (" + std::to_string(i) + ", " +
                          SqlQuote(cells[i]) + ", ['a', " + SqlQuote("\x1b]0;t\x07") +
                          "], -" + std::to_string(i + 1) + ", TIMESTAMP '2024-03-01 10:00:00', 'x')";
        ASSERT_TRUE(m.con->Exec(sql)) << i;
    }
    test::TempDir tmp;
    auto lines =
        SafeCsvLines(*m.con, "SELECT * FROM t ORDER BY n", (tmp.path / "t.csv").string());
    ASSERT_EQ(lines.size(), std::size(cells) + 1);
    EXPECT_EQ(lines[0], "n,s,tags,v,ts,\"odd \"\"name\"\"\"");
    const std::string fffd = "\xEF\xBF\xBD";
    EXPECT_EQ(lines[1].substr(0, 8), "0,\"'=HYP"); // quoted: the cell holds quotes
    EXPECT_EQ(lines[2].substr(0, 5), "1,'-2");
    EXPECT_EQ(lines[3].substr(0, 5), "2,'@S");
    EXPECT_EQ(lines[4].substr(0, 5), "3,'|c");
    EXPECT_EQ(lines[5].substr(0, 13), "4,plain text,");
    EXPECT_EQ(lines[6].substr(0, 2 + fffd.size() + 5), "5," + fffd + "[31mr");
    EXPECT_EQ(lines[7].substr(0, 2 + fffd.size() + 2), "6," + fffd + "2J");
    EXPECT_EQ(lines[8].substr(0, 4), "7,'\t");
    for (size_t i = 1; i < lines.size(); ++i) {
        // No raw escape anywhere (lists included); numbers and times are left as they are.
        EXPECT_EQ(lines[i].find('\x1b'), std::string::npos) << lines[i];
        EXPECT_EQ(lines[i].find('\x07'), std::string::npos) << lines[i];
        EXPECT_NE(lines[i].find(",-" + std::to_string(i) + ",2024-03-01 10:00:00,x"),
                  std::string::npos)
            << lines[i];
    }
}

TEST(CsvSafeSelect, ReportsABadQuery) {
    MemoryDb m;
    EXPECT_FALSE(CsvSafeSelect(*m.con, "SELECT * FROM no_such_table").ok());
}

// A single SELECT streams in batches of whole chunks; cells read as text (nested values too),
// NULL as no value; a result without rows still names its columns; other statements and bad SQL
// take the materialized path and its errors.
TEST(QueryBatches, StreamsASelectInBatchesOfText) {
    MemoryDb m;
    ASSERT_TRUE(m.con->Exec("CREATE TABLE t AS SELECT i, CASE WHEN i % 7 = 0 THEN NULL ELSE "
                            "'v' || i END AS s, [i, i + 1] AS l FROM range(5000) r(i)"));
    size_t calls = 0, rows = 0;
    std::vector<std::string> cols;
    auto st = m.con->QueryBatches("SELECT * FROM t ORDER BY i;\n", 1000, [&](const Table& b) {
        ++calls;
        cols = b.columns;
        for (const auto& row : b.rows) {
            EXPECT_EQ(row[0].value_or("?"), std::to_string(rows));
            if (rows % 7 == 0)
                EXPECT_FALSE(row[1].has_value());
            else
                EXPECT_EQ(row[1].value_or("?"), "v" + std::to_string(rows));
            EXPECT_EQ(row[2].value_or("?"),
                      "[" + std::to_string(rows) + ", " + std::to_string(rows + 1) + "]");
            ++rows;
        }
        if (rows < 5000)
            EXPECT_GE(b.rows.size(), 1000u);
        return Status(Ok{});
    });
    ASSERT_TRUE(st.ok()) << st.error().message;
    EXPECT_EQ(rows, 5000u);
    EXPECT_GE(calls, 2u);
    EXPECT_EQ(cols, (std::vector<std::string>{"i", "s", "l"}));

    calls = 0;
    ASSERT_TRUE(m.con->QueryBatches("SELECT i AS only FROM t WHERE false -- none", 10,
                                    [&](const Table& b) {
                                        ++calls;
                                        EXPECT_EQ(b.columns, std::vector<std::string>{"only"});
                                        EXPECT_TRUE(b.rows.empty());
                                        return Status(Ok{});
                                    }));
    EXPECT_EQ(calls, 1u);

    calls = 0;
    ASSERT_TRUE(m.con->QueryBatches("SHOW TABLES", 10, [&](const Table& b) {
        ++calls;
        EXPECT_EQ(b.rows.size(), 1u);
        return Status(Ok{});
    }));
    EXPECT_EQ(calls, 1u);
    EXPECT_FALSE(m.con->QueryBatches("SELECT nope FROM t", 10, [](const Table&) {
        return Status(Ok{});
    }));
    // An error from each stops the query and is returned.
    auto stopped = m.con->QueryBatches("SELECT * FROM t", 100, [](const Table&) -> Status {
        return Error{"test.stop", "enough"};
    });
    ASSERT_FALSE(stopped);
    EXPECT_EQ(stopped.error().code, "test.stop");
}

// Batches render as one output: CSV names its columns once, JSON stays one valid array, and a
// table shows at most its row limit and says how many rows there were.
TEST(BatchRenderer, BatchesRenderAsOneResult) {
    Table a{{"k", "v"}, {{std::string("1"), std::string("=x")}, {std::string("2"), std::nullopt}}};
    Table b{{"k", "v"}, {{std::string("3"), std::string("z")}}};
    auto render = [&](RenderFormat fmt, size_t table_rows) {
        std::ostringstream os;
        BatchRenderer r(os, fmt, 80, table_rows);
        r.Add(a);
        r.Add(b);
        r.Finish();
        return os.str();
    };
    EXPECT_EQ(render(RenderFormat::Csv, SIZE_MAX), "k,v\n1,'=x\n2,\n3,z\n");
    EXPECT_EQ(render(RenderFormat::Json, SIZE_MAX),
              "[{\"k\":\"1\",\"v\":\"=x\"},\n{\"k\":\"2\",\"v\":null},\n{\"k\":\"3\",\"v\":\"z\"}]\n");
    EXPECT_EQ(render(RenderFormat::Jsonl, SIZE_MAX),
              "{\"k\":\"1\",\"v\":\"=x\"}\n{\"k\":\"2\",\"v\":null}\n{\"k\":\"3\",\"v\":\"z\"}\n");
    std::string table = render(RenderFormat::Table, 2);
    EXPECT_NE(table.find("(3 rows; the first 2 shown"), std::string::npos) << table;
    EXPECT_EQ(table.find("z"), std::string::npos) << table;
    EXPECT_NE(render(RenderFormat::Table, SIZE_MAX).find("(3 rows)\n"), std::string::npos);
    // No batch at all: still a valid (empty) JSON array.
    std::ostringstream os;
    BatchRenderer none(os, RenderFormat::Json);
    none.Finish();
    EXPECT_EQ(os.str(), "[]\n");
}

} // namespace
} // namespace cloudsift::store
