// Activity rows: the compact copies of CloudTrail calls the time-ordered behavioural detectors
// read, held in bounded memory. A collector keeps its rows in memory up to a limit; beyond it
// they are sorted and written to an unnamed temporary file as one sorted run, and the memory is
// handed back. After the scan RowMerger reads every collector's runs and in-memory rows back as
// one stream in detector order (time, file, position), holding only the rows still referenced.
#pragma once
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "common/shared_text.h"
#include "hunt/finding.h"

namespace cloudsift::analytics {

//! A compact copy of a CloudTrail event for the time-ordered detectors (168 bytes; the texts
//! are shared with the record's findings and interned per collector).
struct ActivityRow {
    // Texts are interned per collector: rows of one principal share its strings.
    Evidence ev;           //!< evidence (the finding fields a detection would carry)
    SharedText actor_type; //!< IAMUser, AssumedRole, Root …
    SharedText error_code;
    SharedText mfa;           //!< "true" / "false" / ""
    SharedText resource;      //!< bucket/key, secret id, instance type (RunInstances)
    SharedText outcome;       //!< success / failure
    SharedText baseline;      //!< first-seen identity: the role behind a session, else the actor
    bool via_service = false; //!< made by or through an AWS service (invokedBy, AWS Internal)
};

//! The order the detectors read rows in: time, then file (by text), then position.
bool RowOrderLess(const ActivityRow& a, const ActivityRow& b);

//! One collector's rows: in memory up to max_in_memory, the rest in sorted runs on disk.
class ActivityRows {
public:
    //! max_in_memory = 0: never write to disk.
    explicit ActivityRows(size_t max_in_memory = 0) : max_in_memory_(max_in_memory) {}
    ~ActivityRows();
    ActivityRows(const ActivityRows&) = delete;
    ActivityRows& operator=(const ActivityRows&) = delete;

    //! Keeps row (writes the rows in memory to a run first when they reached the limit).
    void Add(ActivityRow row);
    //! Rows added.
    uint64_t size() const { return added_; }
    //! Rows written to runs on disk, and the number of runs.
    uint64_t spilled() const { return spilled_; }
    size_t runs() const { return runs_.size(); }
    //! Whether a run could not be written (its rows stayed in memory: none is lost).
    bool spill_failed() const { return spill_failed_; }
    //! Earliest and latest row time (INT64_MAX / INT64_MIN when there is none).
    TimeMs min_time() const { return min_time_; }
    TimeMs max_time() const { return max_time_; }
    //! The rows still in memory, in the order added.
    const std::vector<ActivityRow>& in_memory() const { return mem_; }

private:
    friend class RowMerger;
    void Spill();
    size_t max_in_memory_;
    std::vector<ActivityRow> mem_;
    struct Run {
        std::FILE* file;
        uint64_t rows, bytes;
    };
    std::vector<Run> runs_;
    uint64_t added_ = 0, spilled_ = 0;
    bool spill_failed_ = false;
    TimeMs min_time_ = INT64_MAX, max_time_ = INT64_MIN;
};

//! Reads the rows of collectors (in this order) as one stream in RowOrderLess order; rows with
//! equal keys come in collector order, then in the order they were added (a stable sort of all
//! rows). The collectors must outlive the merger and not be added to meanwhile.
class RowMerger {
public:
    explicit RowMerger(const std::vector<ActivityRows*>& collectors);
    ~RowMerger();
    //! The next row (null after the last). A row read back from disk lives while a copy of its
    //! pointer does; one in memory lives as long as its collector.
    std::shared_ptr<const ActivityRow> Next();
    //! Rows of runs that could not be read back (an I/O error on the temporary file).
    uint64_t unread() const { return unread_; }

private:
    struct Source;
    bool Advance(Source& s);
    bool After(size_t a, size_t b) const; // whether source a's head comes after source b's
    std::vector<std::unique_ptr<Source>> sources_;
    std::vector<size_t> heap_; // source indexes, least head first
    uint64_t unread_ = 0;
};

} // namespace cloudsift::analytics
