// Writing one evidence file into a case: an owned, columnar batch of decoded records (filled on
// a decoding thread) and a per-file transaction (driven by the single writer thread) that appends
// the batches and commits them together with the file's manifest row and custody entry.
// A file's events become visible only when its `files` row commits with them.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "formats/format.h"
#include "hunt/finding.h"
#include "store/case_store.h"

namespace cloudsift::store {

//! Owned copy of a run of records of one file (normalized columns and raw JSON) plus findings.
class EventBatch {
public:
    //! CloudTrail native fields kept as columns (ct_*), in `events` table order.
    static constexpr size_t kNativeCols = 25;
    //! Number of string columns kept per record (normalized, native, raw).
    static constexpr size_t kStrCols = 31 + kNativeCols + 1;
    //! Copies rec (its Normalized fields and Event::AppendJson) into the batch.
    void Add(const Record& rec);
    //! Records in the batch.
    size_t size() const { return times_.size(); }
    //! Approximate bytes held.
    size_t bytes() const { return arena_.size() + spans_.size() * sizeof(Span); }
    //! Findings produced on these records.
    std::vector<Finding>& findings() { return findings_; }
    const std::vector<Finding>& findings() const { return findings_; }
    //! Appends every record to the events appender (columns in `events` table order after
    //! file_sha256).
    Status AppendTo(class Appender& events, std::string_view file_sha256) const;

private:
    struct Span {
        uint32_t off, len;
    };
    std::string arena_;
    std::vector<Span> spans_; // kStrCols per record
    std::vector<int64_t> times_;
    std::vector<uint64_t> lines_, idx_;
    std::vector<Finding> findings_;
};

//! Manifest row of one evidence file (table `files`).
struct FileEntry {
    std::string sha256;
    std::string path;           //!< original path as given
    std::string evidence_path;  //!< relative to the case dir when copied, else absolute
    bool copied = false;
    uint64_t size = 0;
    std::string format, compression;
    uint64_t events = 0, bad_records = 0;
    TimeMs first_event = 0, last_event = 0;
    std::string error;
};

//! One file's open transaction on its own connection.
class FileTxn {
public:
    //! Opens a connection on the case and begins a transaction.
    static Result<std::unique_ptr<FileTxn>> Begin(CaseStore& store);
    ~FileTxn();
    //! Appends a batch of the file's records and findings.
    Status Append(const EventBatch& batch, std::string_view file_sha256,
                  std::string_view original_path);
    //! Writes the manifest row and the custody entry, then commits; on failure rolls back.
    Status Commit(const FileEntry& entry);
    //! Abandons everything appended.
    void Rollback();

private:
    FileTxn() = default;
    CaseStore* store_ = nullptr;
    std::unique_ptr<Connection> con_;
    std::unique_ptr<Appender> events_, findings_;
    bool open_ = false;
};

//! Custody details JSON for an ingested file.
std::string IngestDetails(const FileEntry& entry);

} // namespace cloudsift::store
