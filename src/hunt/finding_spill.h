// Findings beyond memory: a scan thread whose findings reach the hunt's limit sorts them and
// writes them to an unnamed temporary file as one sorted run (FindingSpill), handing the memory
// back. SpilledFindings then holds every finding of the hunt (runs on disk and the sorted runs
// still in memory) and reads them as one stream in SortFindings order, as often as asked.
#pragma once
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "common/function_ref.h"
#include "common/spill_file.h"
#include "hunt/finding.h"
#include "hunt/finding_run.h"

namespace cloudsift {

//! Text fields the evidence codec numbers 0 … kEvidenceTexts - 1 in a run's text table.
inline constexpr size_t kEvidenceTexts = 11;

//! Appends the record half of a finding: time, position and finding id (8 bytes each), then its
//! texts (the event id as it is, the others through table).
void PutEvidence(std::string& out, const Evidence& e, spill::TextTableWriter& table);
//! Reads what PutEvidence wrote into e; false at the end of the run or on an error.
bool ReadEvidence(spill::RunReader& in, Evidence& e);

//! One scan thread's findings written to disk, as sorted runs.
class FindingSpill {
public:
    FindingSpill() = default;
    ~FindingSpill();
    FindingSpill(FindingSpill&& o) noexcept;
    FindingSpill& operator=(FindingSpill&& o) noexcept;
    FindingSpill(const FindingSpill&) = delete;
    FindingSpill& operator=(const FindingSpill&) = delete;

    //! Writes run (in SortFindings order) as one run on disk and empties it; false when no
    //! temporary file could be made or written (run is then left as it was).
    bool Write(FindingRun& run);
    //! Findings written, and the number of runs.
    uint64_t size() const { return findings_; }
    size_t runs() const { return runs_.size(); }

private:
    friend class SpilledFindings;
    struct Run {
        std::FILE* file;
        uint64_t findings, bytes;
    };
    void Close();
    std::vector<Run> runs_;
    uint64_t findings_ = 0;
};

//! Every finding of a hunt, in sorted runs on disk and in memory, read as one ordered stream.
class SpilledFindings {
public:
    //! Adds spill's runs (taken over). Sources added earlier come first among equal findings.
    void Add(FindingSpill&& spill);
    //! Adds a run in SortFindings order (taken over).
    void Add(FindingRun&& run);
    //! Adds findings in SortFindings order (taken over).
    void Add(std::vector<Finding>&& findings);
    //! Findings held (in memory and on disk).
    uint64_t size() const { return size_; }
    //! Findings written to disk.
    uint64_t on_disk() const;
    //! Calls fn with every finding in SortFindings order (equal ones in the order of their
    //! sources); returns how many could not be read back (an I/O error on a temporary file).
    uint64_t ForEach(FunctionRef<void(const Finding&)> fn) const;

private:
    std::vector<FindingSpill> spills_;
    std::vector<FindingRun> runs_;
    std::vector<std::vector<Finding>> vectors_;
    // Sources in tie order: (kind, index): 0 spill run (spill, run), 1 run, 2 vector.
    struct SourceRef {
        int kind;
        size_t a, b;
    };
    std::vector<SourceRef> order_;
    uint64_t size_ = 0;
};

} // namespace cloudsift
