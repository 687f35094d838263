// Finding sinks: terminal table, JSONL, JSON and CSV. Every sink neutralizes log-supplied text
// (control characters for terminals, formula triggers for spreadsheets, valid JSON always).
#pragma once
#include <array>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "common/function_ref.h"
#include "hunt/finding.h"

namespace cloudsift {

//! Gathers text for os and writes it in chunks of about 1 MiB: a few large writes instead of one
//! per line (small writes to a file cost the kernel far more than the copy). Writes the rest
//! when destroyed or flushed.
class ChunkedWriter {
public:
    static constexpr size_t kChunk = size_t(1) << 20;
    explicit ChunkedWriter(std::ostream& os) : os_(os) { buf_.reserve(kChunk + 64 * 1024); }
    ~ChunkedWriter() { Flush(); }
    ChunkedWriter(const ChunkedWriter&) = delete;
    ChunkedWriter& operator=(const ChunkedWriter&) = delete;
    //! The text not yet written: append to it, then call Wrote().
    std::string& text() { return buf_; }
    //! Writes the gathered text once it reaches a chunk.
    void Wrote() {
        if (buf_.size() >= kChunk)
            Flush();
    }
    //! Writes all gathered text.
    void Flush() {
        if (!buf_.empty())
            os_.write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
        buf_.clear();
    }

private:
    std::ostream& os_;
    std::string buf_;
};

//! Output formats of finding lists.
enum class OutputFormat { Table, Jsonl, Json, Csv };

//! Parses "table" | "jsonl" | "json" | "csv".
bool ParseOutputFormat(std::string_view s, OutputFormat& out);

//! A sequence of findings too big to hold: calling it calls its argument with each finding,
//! in order (it may be called more than once).
using FindingStream = FunctionRef<void(FunctionRef<void(const Finding&)>)>;

//! Writes findings as JSON Lines (one object per line).
void WriteFindingsJsonl(std::ostream& os, const std::vector<Finding>& findings);
void WriteFindingsJsonl(std::ostream& os, FindingStream findings);

//! Writes findings as CSV with a header row (formula-guarded cells).
void WriteFindingsCsv(std::ostream& os, const std::vector<Finding>& findings);
void WriteFindingsCsv(std::ostream& os, FindingStream findings);

//! Writes a level-sorted table of findings; colour adds ANSI colours for levels (never from
//! log content); width bounds each row (0 = unbounded).
void WriteFindingsTable(std::ostream& os, const std::vector<Finding>& findings, bool colour,
                        size_t width);
//! The same for time-ordered findings read once per level (none held).
void WriteFindingsTable(std::ostream& os, FindingStream findings, bool colour, size_t width);

//! Per-level counts line from counts, informational (0) … critical (4), e.g.
//! "critical 2 · high 10 · medium 3 · low 0 · informational 0".
std::string LevelTotals(const std::array<uint64_t, 5>& counts);

} // namespace cloudsift
