// Finding sinks: every finding is written, in order, whole, across the writers' 1 MiB chunks;
// log-supplied text cannot start a spreadsheet formula or reach a terminal as a control code.
#include <gtest/gtest.h>

#include <sstream>

#include "output/finding_writer.h"

namespace cloudsift {
namespace {

// Findings whose lines together span several chunks, each line naming its finding.
std::vector<Finding> ManyFindings(size_t n) {
    std::vector<Finding> fs;
    const SharedText rule("rule-1"), agent(std::string(300, 'a'));
    for (size_t i = 0; i < n; ++i) {
        Finding f;
        f.time = TimeMs(1700000000000) + TimeMs(i);
        f.rule_fields().id = rule;
        f.user_agent = agent;
        f.event_id = SharedText("event-" + std::to_string(i));
        f.line_or_index = i;
        fs.push_back(std::move(f));
    }
    return fs;
}

TEST(FindingWriter, JsonlWritesEveryFindingInOrderAcrossChunks) {
    auto fs = ManyFindings(9000); // ≈ 4 MiB
    std::ostringstream os;
    WriteFindingsJsonl(os, fs);
    std::string expected;
    for (const auto& f : fs) {
        AppendFindingJson(expected, f);
        expected += '\n';
    }
    ASSERT_GT(expected.size(), 3 * ChunkedWriter::kChunk);
    EXPECT_EQ(os.str(), expected);
}

TEST(FindingWriter, CsvHasHeaderRowsInOrderAndGuardsFormulas) {
    auto fs = ManyFindings(6000);
    fs[4321].actor = SharedText("=HYPERLINK(\"http://x\",\"y\")");
    fs[4322].actor = SharedText("\x1b]0;owned\x07bob");
    std::ostringstream os;
    WriteFindingsCsv(os, fs);
    std::istringstream in(os.str());
    std::string line;
    std::vector<std::string> lines;
    while (std::getline(in, line))
        lines.push_back(line);
    ASSERT_EQ(lines.size(), fs.size() + 1);
    EXPECT_EQ(lines[0].rfind("time,level,rule_id,", 0), 0u);
    for (size_t i : {size_t(0), size_t(2999), size_t(5999)})
        EXPECT_NE(lines[i + 1].find(",event-" + std::to_string(i) + ","), std::string::npos) << i;
    EXPECT_NE(lines[4322].find(",\"'=HYPERLINK("), std::string::npos) << lines[4322];
    EXPECT_EQ(lines[4323].find('\x1b'), std::string::npos);
    EXPECT_EQ(lines[4323].find('\x07'), std::string::npos);
}

TEST(ChunkedWriter, WritesWhatItGatheredWhenFullFlushedOrDestroyed) {
    std::ostringstream os;
    {
        ChunkedWriter w(os);
        w.text() += "head";
        w.Wrote();
        EXPECT_EQ(os.str(), ""); // below a chunk: kept
        w.text() += std::string(ChunkedWriter::kChunk, 'x');
        w.Wrote();
        EXPECT_EQ(os.str().size(), ChunkedWriter::kChunk + 4);
        w.text() += "tail";
        w.Flush();
        EXPECT_EQ(os.str().size(), ChunkedWriter::kChunk + 8);
        w.text() += "end";
    }
    EXPECT_EQ(os.str().substr(os.str().size() - 11), "xxxxtailend");
}

} // namespace
} // namespace cloudsift
