// Writing evidence files into a case: an owned, columnar batch of decoded records (filled on a
// decoding thread) and a transaction (driven by the single writer thread) that appends the
// batches of one or more files and commits them together with their manifest rows, findings and
// custody entries. A file's events become visible only when its `files` row commits with them.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analytics/incident.h"
#include "common/result.h"
#include "formats/format.h"
#include "hunt/finding.h"
#include "store/case_store.h"

namespace cloudsift::store {

//! Appends to out the identifiers raw (a record's text) names, other than the own ones:
//! access key ids (AKIA / ASIA and upper-case letters or digits, 16 to 128 in all), EC2 instance
//! ids (i- and 8 or 17 hex digits) and ARNs (arn: up to the next quote, backslash, comma, space or
//! bracket, with at least five colons), each standing alone (no letter or digit around it);
//! distinct, sorted, space-separated (the `events.mentions` column: a column scan finds where an
//! entity is named without reading raw records).
void AppendMentions(std::string& out, std::string_view raw,
                    std::initializer_list<std::string_view> own);

//! Owned copy of a run of records of one file (normalized columns and raw JSON).
class EventBatch {
public:
    //! CloudTrail native fields kept as columns (ct_*), in `events` table order.
    static constexpr size_t kNativeCols = 25;
    //! Number of string columns kept per record (normalized, native, raw, mentions, and the
    //! request_parameters / response_elements JSON of CloudTrail records).
    static constexpr size_t kStrCols = 31 + kNativeCols + 4;
    //! Copies rec (its Normalized fields and Event::AppendJson) into the batch.
    void Add(const Record& rec);
    //! Empties the batch, keeping its memory for the next records.
    void Clear();
    //! Records in the batch.
    size_t size() const { return times_.size(); }
    //! Approximate bytes held.
    size_t bytes() const { return arena_.size() + spans_.size() * sizeof(Span); }
    //! A chunk shaped like the `events` table, for AppendTo (reusable from one batch to the next).
    static std::unique_ptr<ColumnChunk> NewChunk();
    //! Appends every record to the events appender (columns in `events` table order after
    //! file_sha256), through chunk (from NewChunk()).
    Status AppendTo(Appender& events, std::string_view file_sha256, ColumnChunk& chunk) const;

private:
    struct Span {
        uint32_t off, len;
    };
    std::string arena_;
    std::vector<Span> spans_; // kStrCols per record
    std::vector<int64_t> times_;
    std::vector<uint64_t> lines_, idx_;
    std::string mentions_; // scratch
};

//! Manifest row of one evidence file (table `files`).
struct FileEntry {
    std::string sha256;
    std::string path;          //!< original path as given
    std::string evidence_path; //!< relative to the case dir when copied, else absolute
    bool copied = false;
    uint64_t size = 0;
    std::string format, compression;
    uint64_t events = 0, bad_records = 0;
    TimeMs first_event = 0, last_event = 0;
    std::string error;
};

//! One open transaction on its own connection, holding the rows of one or more files.
class IngestTxn {
public:
    //! Opens a connection on the case and begins a transaction.
    static Result<std::unique_ptr<IngestTxn>> Begin(CaseStore& store);
    ~IngestTxn();
    //! Appends a batch of a file's records.
    Status Append(const EventBatch& batch, std::string_view file_sha256);
    //! Appends findings of a file (original_path goes to findings.file).
    Status AppendFindings(const std::vector<Finding>& findings, std::string_view file_sha256,
                          std::string_view original_path);
    //! Writes a file's manifest row (the file is complete); its custody entry is written by
    //! Commit.
    Status AddFile(const FileEntry& entry);
    //! Inserts incidents, replacing those with the same id.
    Status PutIncidents(const std::vector<analytics::Incident>& incidents);
    //! Hands the rows appended so far to the transaction (Commit does it too; calling it
    //! before taking a commit lock keeps that work outside the lock).
    Status Flush();
    //! Files added so far.
    size_t files() const { return custody_.size(); }
    //! Writes the custody entries of the files added, chained after the last committed entry,
    //! and commits everything; on failure rolls back. Commits of transactions that run at the
    //! same time must be serialized by the caller (the custody chain follows commit order).
    Status Commit();
    //! AddFile(entry), then Commit().
    Status Commit(const FileEntry& entry);
    //! Abandons everything appended.
    void Rollback();

private:
    IngestTxn() = default;
    // Opens the appender on table into app unless it is open already.
    Status OpenOnce(std::unique_ptr<Appender>& app, const char* table);
    CaseStore* store_ = nullptr;
    std::unique_ptr<Connection> con_;
    std::unique_ptr<Appender> events_, findings_, files_;
    std::unique_ptr<ColumnChunk> chunk_; // events go through it (~2 MB, built once)
    static constexpr size_t kFlushRows = 32768;
    std::vector<std::string> custody_; // details of the files added, in order
    size_t unflushed_ = 0;
    bool open_ = false;
};

//! Custody details JSON for an ingested file.
std::string IngestDetails(const FileEntry& entry);

} // namespace cloudsift::store
