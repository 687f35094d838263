// CaseStore: one investigation case on disk — a directory holding case.duckdb (tables files,
// events, findings, incidents, custody, meta; view cloudtrail_logs), evidence/ (read-only copies
// of the ingested files) and custody.jsonl (a mirror of the hash-chained custody table).
//
// Custody entry canonical form (the bytes that are hashed, compact JSON, fixed key order):
//   {"seq":N,"time":"YYYY-MM-DDTHH:MM:SS.mmmZ","action":"ingest","details":{...}}
// hash = hex(SHA-256(prev_hash_hex || canonical)); the first entry has prev_hash = 64 × "0".
#pragma once
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "common/result.h"
#include "store/db.h"

namespace cloudsift::store {

//! Version of the case schema written to meta.schema_version.
//! 2: events.mentions (the identifiers each record names; see AppendMentions).
//! 3: events.request_parameters / response_elements (CloudTrail payloads as JSON text).
inline constexpr int kSchemaVersion = 3;
//! File name of the database inside a case directory.
inline constexpr const char* kCaseDbName = "case.duckdb";
//! SHA-256 hex of nothing-before-the-first-entry.
inline const std::string kGenesisHash(64, '0');

//! How a case is opened.
enum class OpenMode {
    ReadOnly,  //!< the case must exist; nothing is written
    ReadWrite, //!< the case must exist
    Create,    //!< created when absent, opened read-write otherwise
};

//! One custody log entry.
struct CustodyEntry {
    int64_t seq = 0;
    std::string time;    //!< ISO 8601 with milliseconds
    std::string action;  //!< ingest | export | verify | create …
    std::string details; //!< a compact JSON object
    std::string prev_hash;
    std::string hash;
    //! The canonical bytes hashed with prev_hash.
    std::string Canonical() const;
    //! The custody.jsonl line (canonical fields plus prev_hash and hash, no newline).
    std::string JsonLine() const;
};

//! Result of checking the custody chain of the table and of custody.jsonl.
struct CustodyCheck {
    bool ok = true;
    int64_t entries = 0;
    std::vector<std::string> problems; //!< one line per broken link or divergence
};

//! An open case.
class CaseStore {
public:
    //! Opens (or creates) the case directory dir. Refuses a database that is not a cloudsift case,
    //! a newer schema, and a directory it cannot write to (unless ReadOnly).
    static Result<std::unique_ptr<CaseStore>> Open(const std::string& dir, OpenMode mode);
    ~CaseStore();

    //! The case directory.
    const std::string& dir() const { return dir_; }
    //! The evidence directory (dir/evidence).
    std::string EvidenceDir() const;
    //! The main connection (one thread at a time).
    Connection& conn() { return *conn_; }
    //! The database (for extra connections).
    Database& db() { return *db_; }
    //! Whether the case was opened read-only.
    bool read_only() const { return read_only_; }
    //! The schema version the case was created with (meta.schema_version).
    int schema_version() const { return schema_version_; }

    //! SHA-256 of every file already ingested.
    Result<std::set<std::string>> IngestedHashes();

    //! Inserts the next custody entries, one per details JSON in order, through con (inside the
    //! caller's open transaction, with one appender) and returns them, chained from the last
    //! committed entry. Call CustodyCommitted after the transaction commits.
    Result<std::vector<CustodyEntry>> StageCustody(Connection& con, std::string_view action,
                                                   std::vector<std::string> details_json);
    //! Advances the chain after a commit and mirrors the entries (in order) to custody.jsonl.
    void CustodyCommitted(const std::vector<CustodyEntry>& entries);
    //! Records one custody entry in its own transaction.
    Result<CustodyEntry> RecordCustody(std::string_view action, std::string details_json);
    //! Checks the hash chain of the custody table and that custody.jsonl mirrors it.
    CustodyCheck CheckCustody();

private:
    CaseStore() = default;
    Status Initialize(bool created);
    Status SyncJournal();

    std::string dir_;
    bool read_only_ = false;
    int schema_version_ = 0;
    std::unique_ptr<Database> db_;
    std::unique_ptr<Connection> conn_;
    int64_t last_seq_ = 0;
    std::string last_hash_ = kGenesisHash;
};

//! Hex SHA-256 of data.
std::string Sha256Hex(std::string_view data);

//! The SQL that (re)creates the cloudtrail_logs view and the Athena-compatibility macros for a
//! case of the given schema version (from 3 on the payload columns back requestparameters and
//! responseelements; before, every event's raw record does).
std::string CloudTrailViewSql(int schema_version);

} // namespace cloudsift::store
