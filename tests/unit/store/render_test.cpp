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

} // namespace
} // namespace cloudsift::store
