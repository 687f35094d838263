// Ingest: bring evidence files into a case. Files are hashed (and copied read-only into
// evidence/) on worker threads, decoded in parallel through Scan(), optionally hunted, and
// written by one writer thread, one transaction per file: a file is either fully present
// (events, findings, manifest row, custody entry) or absent, so a killed run is completed by
// running it again. Files already in the case (same SHA-256) are skipped.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "formats/format.h"
#include "hunt/finding.h"
#include "io/scan.h"
#include "store/case_store.h"

namespace cloudsift::store {

//! Per-thread detection hook run on every ingested record.
class FindingMatcher {
public:
    virtual ~FindingMatcher() = default;
    //! Appends the findings of rec (file carries the original path) to out.
    virtual void Match(const Record& rec, const FileInfo& file, std::vector<Finding>& out) = 0;
};

//! Options of an ingest run.
struct IngestOptions {
    std::vector<std::string> inputs; //!< files, directories, globs
    bool copy = true;                //!< copy evidence into the case (false: reference in place)
    unsigned threads = 0;            //!< decoding threads (0 = all cores)
    std::string format;              //!< force a format ("" = sniff)
    size_t batch_rows = 8192;        //!< records per batch handed to the writer
    size_t queue_batches = 0;        //!< bounded writer queue (0 = 2 × threads + 2)
    //! Makes the per-thread matcher (empty: no hunting).
    std::function<std::unique_ptr<FindingMatcher>(unsigned)> make_matcher;
    //! Test hook: stop the process with SIGKILL when about to commit file number N+1
    //! (after its rows were appended); -1 = off. Read from CLOUDSIFT_TEST_KILL_AFTER_FILES.
    int64_t kill_after_files = -1;
};

//! What happened to one input file.
struct IngestFileReport {
    enum class Status { Ingested, AlreadyInCase, Duplicate, Failed };
    std::string path;
    std::string sha256;
    Status status = Status::Failed;
    std::string format;
    uint64_t events = 0, bad_records = 0, findings = 0;
    std::string error; //!< why it failed, or the decoder's complaint for an ingested file
};

//! Totals of an ingest run.
struct IngestResult {
    std::vector<IngestFileReport> files; //!< in discovery order
    std::vector<std::string> input_errors;
    uint64_t events = 0, findings = 0, bytes = 0;
    size_t ingested = 0, skipped = 0, failed = 0;
    double seconds = 0;
};

//! Runs the ingest into an open, writable case.
Result<IngestResult> Ingest(CaseStore& store, const IngestOptions& options);

//! Hex SHA-256 of a file's bytes, read in blocks (OpenSSL EVP).
Result<std::string> Sha256File(const std::string& path);

//! Where a file's copy goes inside the case, relative to the case directory:
//! evidence/<sha256[0:16]>/<the path from AWSLogs/ on, or the base name>.
std::string EvidenceRelPath(const std::string& original_path, const std::string& sha256);

} // namespace cloudsift::store
