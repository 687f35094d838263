// Format: one log format's sniffer and decoder. Every decoder turns bytes into records
// (native Event + Normalized fields) and counts what it cannot read; it never throws past a file
// and never prints.
//
// Feeding contract: for a line-oriented format, Feed() receives runs of whole lines (each run
// ends with '\n' or at end of file) with the 1-based number of the first line; for a document
// format, Feed() is called once with the whole decompressed file. In both cases at least 64
// readable bytes follow data.end() (simdjson padding), so JSON can be parsed in place.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/function_ref.h"
#include "event/event.h"
#include "event/normalized.h"

namespace cloudsift {

//! What the path tells about a file (AWSLogs/<acct>/<service>/<region>/YYYY/MM/DD/ layout).
struct PathHints {
    std::string account;
    std::string service; //!< "CloudTrail", "vpcflowlogs", "elasticloadbalancing", "CloudTrail-Digest" …
    std::string region;
    std::string org_id;  //!< "o-xxxx" for organization trails
    int64_t day = -1;    //!< days since epoch of the YYYY/MM/DD in the path, -1 when absent
};

//! A file being decoded.
struct FileInfo {
    std::string path;       //!< as given / discovered (display form)
    PathHints hints;
    uint64_t size = 0;      //!< bytes on disk
    TimeMs mtime = 0;       //!< last modification time of the file (0 = unknown, e.g. stdin)
};

//! One decoded record handed to the consumer; valid only during the callback.
struct Record {
    const Event& event;
    const Normalized& norm;
    uint64_t line = 0;  //!< 1-based line in the (decompressed) file, 0 when not line-based
    uint64_t index = 0; //!< 0-based index of the record within its file
};

//! Callback receiving records.
using RecordFn = FunctionRef<void(const Record&)>;

//! Per-file account of what could not be decoded (Zeek's "weird"): counts by reason and the
//! first few samples with their position.
class DecodeReport {
public:
    struct Sample {
        uint64_t position; //!< line (line formats) or byte offset / record index (documents)
        std::string reason;
        std::string excerpt; //!< at most 120 bytes of the offending input, unsanitized
    };
    //! Counts one bad line/record at position with a short reason ("vpcflow.field_count").
    void Bad(uint64_t position, std::string_view reason, std::string_view excerpt = {});
    //! Records a note about the file that is not an error ("cloudtrail digest file").
    void Note(std::string_view note) { notes_.emplace_back(note); }
    //! Total bad lines/records.
    uint64_t bad() const { return bad_; }
    //! Bad counts per reason.
    const std::map<std::string, uint64_t>& reasons() const { return reasons_; }
    //! The first samples (at most kMaxSamples).
    const std::vector<Sample>& samples() const { return samples_; }
    //! Notes.
    const std::vector<std::string>& notes() const { return notes_; }

    static constexpr size_t kMaxSamples = 5;

private:
    uint64_t bad_ = 0;
    std::map<std::string, uint64_t> reasons_;
    std::vector<Sample> samples_;
    std::vector<std::string> notes_;
};

//! Stateful decoder for one file (headers seen earlier in the file shape later lines).
class FileDecoder {
public:
    virtual ~FileDecoder() = default;
    //! Decodes data (see the feeding contract above); first_line is 1-based.
    virtual void Feed(std::string_view data, uint64_t first_line, RecordFn emit,
                      DecodeReport& report) = 0;
    //! Called once after the last Feed.
    virtual void Finish(RecordFn emit, DecodeReport& report) {}
};

//! A log format: name, sniffing, and a decoder factory. Implementations are stateless.
class Format {
public:
    virtual ~Format() = default;
    //! Short name used by --format and in output ("cloudtrail", "vpcflow").
    virtual std::string_view Name() const = 0;
    //! One-line description.
    virtual std::string_view Description() const = 0;
    //! A representative example line or document.
    virtual std::string_view Example() const = 0;
    //! Confidence 0..100 that a file starting with head (first ≤ 64 KiB, decompressed) is in this
    //! format; info.path and info.hints may help.
    virtual int Sniff(std::string_view head, const FileInfo& info) const = 0;
    //! Whether Feed receives runs of lines (true) or the whole document (false).
    virtual bool LineOriented() const = 0;
    //! A fresh decoder for one file.
    virtual std::unique_ptr<FileDecoder> Open(const FileInfo& info) const = 0;
};

//! Every format cloudsift knows, in listing order.
const std::vector<const Format*>& AllFormats();

//! The format named name, or nullptr.
const Format* FindFormat(std::string_view name);

//! The best-sniffing format for a file (nullptr when none reaches a confidence of 30).
const Format* SniffFormat(std::string_view head, const FileInfo& info);

} // namespace cloudsift
