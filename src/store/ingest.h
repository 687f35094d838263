// Ingest: bring evidence files into a case. Files are hashed (and copied read-only into
// evidence/) on worker threads, optionally hunted, then decoded in parallel through Scan(); each
// decoding thread appends its files into its own transaction and commits whole files only: a
// file is either fully present (events, findings, manifest row, custody entry) or absent, so a
// killed run is completed by running it again. Files already in the case (same SHA-256) are
// skipped.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "analytics/incident.h"
#include "common/result.h"
#include "formats/format.h"
#include "hunt/finding.h"
#include "io/scan.h"
#include "store/case_store.h"

namespace cloudsift::store {

//! What the detection stage produced over the files of one ingest run.
struct IngestHunt {
    std::vector<Finding> findings;                 //!< Finding::file is the scanned path
    std::vector<analytics::Incident> incidents;
};

//! Options of an ingest run.
struct IngestOptions {
    //! inputs (files, directories, globs), threads (0 = all cores), since/until (records outside
    //! are not stored; AWSLogs files whose path date is outside are not ingested), format and
    //! custom formats: the options every scanning command shares.
    ScanOptions scan;
    bool copy = true;                //!< copy evidence into the case (false: reference in place)
    //! DuckDB's memory limit for the run ("2GB", "512MiB"); empty: DuckDB's own (80 % of RAM).
    //! Its buffers beyond the limit are written out or dropped, so the run's memory stays near
    //! it (at some cost in speed); the setting it had is restored afterwards.
    std::string memory_limit;
    size_t batch_rows = 2048;        //!< records buffered before they go to the appender
    //! A thread's transaction is committed at the end of a file once it holds at least this
    //! many events or commit_files files; 0 = one transaction per file.
    uint64_t commit_events = 250'000;
    size_t commit_files = 100000;
    //! Runs the detection over the files about to be stored (options are the ingest scan's, with
    //! the paths to read as inputs). Empty: no hunting.
    std::function<Result<IngestHunt>(const ScanOptions&)> hunt;
    //! Test hook: stop the process with SIGKILL when about to commit a transaction that holds
    //! file number N+1 (after its rows were appended); -1 = off. Read from
    //! CLOUDSIFT_TEST_KILL_AFTER_FILES.
    int64_t kill_after_files = -1;
};

//! What happened to one input file.
struct IngestFileReport {
    enum class Status { Ingested, AlreadyInCase, Duplicate, OutsideWindow, Failed };
    std::string path;
    std::string sha256;
    Status status = Status::Failed;
    std::string format;
    uint64_t events = 0, bad_records = 0, findings = 0;
    std::string error; //!< why it failed, or the decoder's complaint for an ingested file
};

//! Wall-clock seconds of the stages of an ingest run (writer figures are busy time of the
//! writer thread, which runs alongside decoding).
struct IngestTimings {
    double hash = 0, copy = 0, hunt = 0, decode = 0, append = 0, commit = 0, checkpoint = 0;
};

//! Totals of an ingest run.
struct IngestResult {
    std::vector<IngestFileReport> files; //!< in discovery order
    std::vector<std::string> input_errors;
    uint64_t events = 0, findings = 0, incidents = 0, bytes = 0;
    size_t ingested = 0, skipped = 0, outside = 0, failed = 0;
    size_t transactions = 0;
    double seconds = 0;
    IngestTimings timings;
};

//! Runs the ingest into an open, writable case.
Result<IngestResult> Ingest(CaseStore& store, const IngestOptions& options);

//! Hex SHA-256 of a file's bytes, read in blocks (OpenSSL EVP).
Result<std::string> Sha256File(const std::string& path);

//! Where a file's copy goes inside the case, relative to the case directory:
//! evidence/[<directories from AWSLogs/ on>/]<sha256[0:16]>-<base name>.
std::string EvidenceRelPath(const std::string& original_path, const std::string& sha256);

} // namespace cloudsift::store
