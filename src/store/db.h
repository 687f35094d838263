// Thin RAII layer over the DuckDB C API: database, connection, materialized results, appender.
// Every call reports failure as a value; nothing here prints or throws.
#pragma once
#include <duckdb.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/shared_text.h"

namespace cloudsift::store {

//! A fully materialized query result: column names and rows of optional text cells.
struct Table {
    std::vector<std::string> columns;
    std::vector<std::vector<std::optional<std::string>>> rows;
    //! Index of the named column, or -1.
    int Column(std::string_view name) const;
    //! Cell text ("" for NULL or out of range).
    std::string Cell(size_t row, size_t col) const;
    //! Cell text by column name ("" for NULL or unknown column).
    std::string Cell(size_t row, std::string_view name) const;
};

//! An open DuckDB database file (or ":memory:" / "" for an in-memory database).
class Database {
public:
    //! Opens path; read_only opens in DuckDB's READ_ONLY access mode.
    static Result<std::unique_ptr<Database>> Open(const std::string& path, bool read_only);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;
    //! The raw handle.
    duckdb_database handle() const { return db_; }

private:
    Database() = default;
    duckdb_database db_ = nullptr;
};

//! One connection; not thread-safe (one thread at a time).
class Connection {
public:
    //! Connects to db (db must outlive the connection).
    static Result<std::unique_ptr<Connection>> Open(const Database& db);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    //! Runs one or more statements, discarding results.
    Status Exec(const std::string& sql);
    //! Runs sql and materializes its result (every cell rendered as text).
    Result<Table> Query(const std::string& sql);
    //! Runs sql with positional string parameters ($1, $2 …; std::nullopt binds NULL).
    Result<Table> QueryParams(const std::string& sql,
                              const std::vector<std::optional<std::string>>& params);
    //! Runs sql and hands its result to each in batches (whole DuckDB chunks, at least
    //! batch_rows rows but the last), cells as text as DuckDB casts them to VARCHAR (lists and
    //! structs included); each is called at least once, so the columns are known even without
    //! rows, and its error stops the query. A single SELECT is streamed (memory bounded whatever
    //! the result size); other SQL goes through Query and is handed over whole.
    Status QueryBatches(const std::string& sql, size_t batch_rows,
                        const std::function<Status(const Table&)>& each);
    //! Interrupts a running query from another thread.
    void Interrupt();
    //! The raw handle.
    duckdb_connection handle() const { return con_; }

private:
    Connection() = default;
    duckdb_connection con_ = nullptr;
};

//! Row-wise appender to one table of a connection (used inside the connection's transaction).
class Appender {
public:
    //! Creates an appender on table (in the default schema).
    static Result<std::unique_ptr<Appender>> Open(Connection& con, const std::string& table);
    ~Appender();
    Appender(const Appender&) = delete;
    Appender& operator=(const Appender&) = delete;
    //! Appends a string cell; empty text is stored as NULL when empty_is_null. Text that is not
    //! valid UTF-8 is stored with U+FFFD for each broken byte (DuckDB refuses it otherwise).
    void Str(std::string_view s, bool empty_is_null = true);
    //! Appends a NULL cell.
    void Null();
    //! Appends a 64-bit integer cell.
    void Int(int64_t v);
    //! Appends an unsigned 64-bit integer cell.
    void UInt(uint64_t v);
    //! Appends a double cell.
    void Double(double v);
    //! Appends a boolean cell.
    void Bool(bool v);
    //! Appends a TIMESTAMP cell from milliseconds since the epoch (0 → NULL when zero_is_null).
    void TimeMs(int64_t ms, bool zero_is_null = true);
    //! Appends a VARCHAR[] cell (texts repaired as by Str).
    void StrList(const std::vector<std::string>& items);
    //! Appends a VARCHAR[] value of shared texts.
    void StrList(const std::vector<SharedText>& items);
    //! Ends the current row; an error from any cell of the row is reported here.
    Status EndRow();
    //! Flushes buffered rows into the connection's transaction.
    Status Flush();
    //! Appends the rows of a filled chunk (columns in table order) and empties the chunk.
    Status Append(class ColumnChunk& chunk);

private:
    Appender() = default;
    Status Check(duckdb_state st);
    template <typename Items> void StrListOf(const Items& items);
    duckdb_appender app_ = nullptr;
    std::string error_;
    std::string scratch_; // text repaired to valid UTF-8
};

//! A block of rows built column by column, for Appender::Append (faster than cell by cell).
//! Strings that are not valid UTF-8 are stored with U+FFFD for each broken byte.
class ColumnChunk {
public:
    enum class Type { Varchar, UBigInt, Timestamp };
    //! A chunk with these column types (as in the target table).
    explicit ColumnChunk(const std::vector<Type>& types);
    ~ColumnChunk();
    ColumnChunk(const ColumnChunk&) = delete;
    ColumnChunk& operator=(const ColumnChunk&) = delete;
    //! Rows a chunk holds at most.
    static size_t Capacity();
    //! Sets a string cell (copied); empty text is stored as NULL.
    void Str(size_t col, size_t row, std::string_view s);
    //! Sets a string cell to a view of s, not a copy: s must stay valid and unchanged until the
    //! chunk has been appended (Appender::Append copies it) or reset. Empty text is NULL; text
    //! that is not valid UTF-8 is copied, repaired, as Str does.
    void StrView(size_t col, size_t row, std::string_view s);
    //! Sets an unsigned 64-bit integer cell.
    void UInt(size_t col, size_t row, uint64_t v);
    //! Sets a TIMESTAMP cell from milliseconds since the epoch (0 → NULL).
    void TimeMs(size_t col, size_t row, int64_t ms);
    //! Declares rows [0, n) filled.
    void SetRows(size_t n);
    //! Empties the chunk for the next rows (every cell unset, none NULL).
    void Reset();
    //! The raw handle.
    duckdb_data_chunk handle() const { return chunk_; }

private:
    void SetNull(size_t col, size_t row);
    duckdb_data_chunk chunk_ = nullptr;
    std::vector<duckdb_vector> vectors_;
    std::vector<void*> data_;
    std::vector<uint64_t*> validity_;
    std::string scratch_; // text repaired to valid UTF-8
};

//! Whether the loaded DuckDB library is at least version major.minor.
bool LibraryAtLeast(int major, int minor);

//! SQL string literal for s ('it''s').
std::string SqlQuote(std::string_view s);

//! SQL identifier for name ("odd ""name""").
std::string SqlIdent(std::string_view name);

} // namespace cloudsift::store
