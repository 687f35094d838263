// Scan: discover input files, read and decompress them, sniff their format, and decode them in
// parallel, handing every record to a per-thread consumer. The batch engine under hunt, ingest,
// metrics and backtest.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/time_util.h"
#include "formats/format.h"

namespace cloudsift {

//! Options for a scan.
struct ScanOptions {
    std::vector<std::string> inputs;       //!< files, directories (recursive), globs, "-" for stdin
    unsigned threads = 0;                  //!< 0 = all cores
    std::optional<TimeMs> since, until;    //!< prune AWSLogs files by path date; drop records outside
    std::string format;                    //!< force a format by name ("" = sniff)
    //! Configured variants of registered formats (e.g. vpcflow with --vpcflow-fields, nginx with
    //! --log-format): used in place of the registered format of the same name.
    std::vector<std::shared_ptr<const Format>> custom_formats;
    uint64_t max_document_bytes = 1ull << 30; //!< cap for whole-document formats after decompression
    uint64_t max_line_bytes = 64ull << 20;    //!< longest line accepted in line formats
};

//! What happened to one input file.
struct FileOutcome {
    FileInfo info;
    std::string format;        //!< decoder used ("" when none)
    std::string compression;   //!< "none", "gzip", "zstd"
    uint64_t bytes_read = 0;   //!< compressed bytes
    uint64_t bytes_decoded = 0;
    uint64_t records = 0;
    TimeMs first_time = 0, last_time = 0;
    bool skipped = false;      //!< not decoded at all (unknown format, unreadable, pruned)
    bool pruned = false;       //!< skipped by --since/--until on the path date
    std::string error;         //!< why the file was skipped or cut short ("" when fine)
    DecodeReport report;       //!< bad lines/records and notes
};

//! Receives the records of the files one worker thread decodes. One instance per thread;
//! calls on one instance never overlap.
class RecordConsumer {
public:
    virtual ~RecordConsumer() = default;
    //! A file is about to be decoded with the named format.
    virtual void BeginFile(const FileInfo& info, std::string_view format) {}
    //! One record of the current file.
    virtual void OnRecord(const Record& rec) = 0;
    //! The current file is done (its outcome is final).
    virtual void EndFile(const FileOutcome& outcome) {}
};

//! Totals of a scan.
struct ScanSummary {
    std::vector<FileOutcome> files; //!< in input order
    uint64_t bytes_read = 0, bytes_decoded = 0, records = 0, bad_records = 0;
    uint64_t files_skipped = 0, files_pruned = 0, files_with_errors = 0;
    std::vector<std::string> input_errors; //!< inputs that matched nothing / could not be listed
    double seconds = 0;
};

//! Expands inputs into a sorted, de-duplicated list of files (directories recursively, globs).
//! Unmatched inputs are reported in errors.
std::vector<std::string> DiscoverFiles(const std::vector<std::string>& inputs,
                                       std::vector<std::string>& errors);

//! Parses AWSLogs/<account>/<service>/<region>/YYYY/MM/DD out of a path (also with o-xxxx).
PathHints ParsePathHints(std::string_view path);

//! Runs the scan: make_consumer is called once per worker thread (thread index 0..n-1).
//! Never throws for bad input; everything is in the summary.
ScanSummary Scan(const ScanOptions& options,
                 const std::function<std::unique_ptr<RecordConsumer>(unsigned)>& make_consumer);

//! Decodes one in-memory buffer (already decompressed or not) as a file named path: used by tests,
//! fuzzers and stdin. format = "" sniffs.
FileOutcome DecodeBuffer(std::string_view data, const std::string& path, const std::string& format,
                         RecordConsumer& consumer, const ScanOptions& options = {});

} // namespace cloudsift
