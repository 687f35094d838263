#include "store/db.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <iterator>

#include "common/sanitize.h"

namespace cloudsift::store {
namespace {

Error DbError(std::string code, const char* msg) {
    return Error{std::move(code), msg ? msg : "unknown DuckDB error"};
}

// Materializes a result and destroys it.
Result<Table> TakeResult(duckdb_result& res) {
    Table t;
    idx_t ncol = duckdb_column_count(&res);
    idx_t nrow = duckdb_row_count(&res);
    t.columns.reserve(ncol);
    for (idx_t c = 0; c < ncol; ++c)
        t.columns.emplace_back(duckdb_column_name(&res, c));
    t.rows.resize(nrow);
    for (idx_t r = 0; r < nrow; ++r) {
        auto& row = t.rows[r];
        row.resize(ncol);
        for (idx_t c = 0; c < ncol; ++c) {
            if (duckdb_value_is_null(&res, c, r))
                continue;
            char* v = duckdb_value_varchar(&res, c, r);
            if (v) {
                row[c] = std::string(v);
                duckdb_free(v);
            }
        }
    }
    duckdb_destroy_result(&res);
    return t;
}

} // namespace

int Table::Column(std::string_view name) const {
    for (size_t i = 0; i < columns.size(); ++i)
        if (columns[i] == name)
            return int(i);
    return -1;
}

std::string Table::Cell(size_t row, size_t col) const {
    if (row >= rows.size() || col >= rows[row].size() || !rows[row][col])
        return {};
    return *rows[row][col];
}

std::string Table::Cell(size_t row, std::string_view name) const {
    int c = Column(name);
    return c < 0 ? std::string() : Cell(row, size_t(c));
}

bool LibraryAtLeast(int major, int minor) {
    const char* v = duckdb_library_version();
    int ma = 0, mi = 0;
    if (!v || std::sscanf(v, "v%d.%d", &ma, &mi) != 2)
        return false;
    return ma > major || (ma == major && mi >= minor);
}

Result<std::unique_ptr<Database>> Database::Open(const std::string& path, bool read_only) {
    std::unique_ptr<Database> db(new Database());
    duckdb_config config = nullptr;
    if (duckdb_create_config(&config) != DuckDBSuccess)
        return Error{"store.open", "cannot allocate DuckDB configuration"};
    duckdb_set_config(config, "access_mode", read_only ? "READ_ONLY" : "READ_WRITE");
    // Extensions are built in; never fetch anything from the network.
    duckdb_set_config(config, "autoinstall_known_extensions", "false");
    duckdb_set_config(config, "autoload_known_extensions", "true");
    // New case files use the v1.4 storage format (ZSTD for long text, dictionary+FSST) when the
    // library knows it; an older system DuckDB writes its own default format.
    if (LibraryAtLeast(1, 4))
        duckdb_set_config(config, "storage_compatibility_version", "v1.4.0");
    char* err = nullptr;
    const char* p = path.empty() ? nullptr : path.c_str();
    duckdb_state st = duckdb_open_ext(p, &db->db_, config, &err);
    duckdb_destroy_config(&config);
    if (st != DuckDBSuccess) {
        Error e = DbError("store.open", err);
        if (err)
            duckdb_free(err);
        db->db_ = nullptr;
        return e;
    }
    return db;
}

Database::~Database() {
    if (db_)
        duckdb_close(&db_);
}

Result<std::unique_ptr<Connection>> Connection::Open(const Database& db) {
    std::unique_ptr<Connection> c(new Connection());
    if (duckdb_connect(db.handle(), &c->con_) != DuckDBSuccess)
        return Error{"store.connect", "cannot connect to the case database"};
    return c;
}

Connection::~Connection() {
    if (con_)
        duckdb_disconnect(&con_);
}

Status Connection::Exec(const std::string& sql) {
    duckdb_result res;
    if (duckdb_query(con_, sql.c_str(), &res) != DuckDBSuccess) {
        Error e = DbError("sql", duckdb_result_error(&res));
        duckdb_destroy_result(&res);
        return e;
    }
    duckdb_destroy_result(&res);
    return Ok{};
}

Result<Table> Connection::Query(const std::string& sql) {
    duckdb_result res;
    if (duckdb_query(con_, sql.c_str(), &res) != DuckDBSuccess) {
        Error e = DbError("sql", duckdb_result_error(&res));
        duckdb_destroy_result(&res);
        return e;
    }
    return TakeResult(res);
}

Result<Table> Connection::QueryParams(const std::string& sql,
                                      const std::vector<std::optional<std::string>>& params) {
    duckdb_prepared_statement stmt = nullptr;
    if (duckdb_prepare(con_, sql.c_str(), &stmt) != DuckDBSuccess) {
        Error e = DbError("sql", duckdb_prepare_error(stmt));
        duckdb_destroy_prepare(&stmt);
        return e;
    }
    for (size_t i = 0; i < params.size(); ++i) {
        duckdb_state st = params[i] ? duckdb_bind_varchar_length(stmt, i + 1, params[i]->data(),
                                                                 params[i]->size())
                                    : duckdb_bind_null(stmt, i + 1);
        if (st != DuckDBSuccess) {
            Error e = DbError("sql.bind", duckdb_prepare_error(stmt));
            duckdb_destroy_prepare(&stmt);
            return e;
        }
    }
    duckdb_result res;
    if (duckdb_execute_prepared(stmt, &res) != DuckDBSuccess) {
        Error e = DbError("sql", duckdb_result_error(&res));
        duckdb_destroy_result(&res);
        duckdb_destroy_prepare(&stmt);
        return e;
    }
    duckdb_destroy_prepare(&stmt);
    return TakeResult(res);
}

namespace {

// Whether sql is one SELECT statement; its column names go to names.
bool IsSingleSelect(duckdb_connection con, const std::string& sql,
                    std::vector<std::string>& names) {
    duckdb_extracted_statements ex = nullptr;
    idx_t n = duckdb_extract_statements(con, sql.c_str(), &ex);
    duckdb_prepared_statement st = nullptr;
    bool select = n == 1 && duckdb_prepare_extracted_statement(con, ex, 0, &st) == DuckDBSuccess &&
                  duckdb_prepared_statement_type(st) == DUCKDB_STATEMENT_TYPE_SELECT;
    for (idx_t c = 0, nc = select ? duckdb_prepared_statement_column_count(st) : 0; c < nc; ++c) {
        const char* name = duckdb_prepared_statement_column_name(st, c);
        names.emplace_back(name ? name : "");
        duckdb_free(const_cast<char*>(name));
    }
    duckdb_destroy_prepare(&st);
    duckdb_destroy_extracted(&ex);
    return select;
}

// sql without the blanks and semicolons that end it.
std::string_view WithoutEnd(std::string_view sql) {
    size_t end = sql.find_last_not_of(" \t\r\n;");
    return end == std::string_view::npos ? std::string_view() : sql.substr(0, end + 1);
}

} // namespace

Status Connection::QueryBatches(const std::string& sql, size_t batch_rows,
                                const std::function<Status(const Table&)>& each) {
    std::vector<std::string> names;
    duckdb_prepared_statement st = nullptr;
    if (IsSingleSelect(con_, sql, names)) {
        // Every column as text, cast by DuckDB as Query's cells are; the newlines keep a
        // trailing line comment inside the parentheses.
        std::string text =
            "SELECT COLUMNS(*)::VARCHAR FROM (\n" + std::string(WithoutEnd(sql)) + "\n)";
        if (duckdb_prepare(con_, text.c_str(), &st) != DuckDBSuccess ||
            duckdb_prepared_statement_column_count(st) != names.size()) {
            duckdb_destroy_prepare(&st);
            st = nullptr;
        }
    }
    if (!st) {
        auto t = Query(sql);
        if (!t)
            return t.error();
        return each(t.value());
    }
    duckdb_result res;
    if (duckdb_execute_prepared_streaming(st, &res) != DuckDBSuccess) {
        Error e = DbError("sql", duckdb_result_error(&res));
        duckdb_destroy_result(&res);
        duckdb_destroy_prepare(&st);
        return e;
    }
    Table batch;
    batch.columns = std::move(names);
    const size_t ncol = batch.columns.size();
    // Rows handed on are kept for the next batch, so their cells' memory is reused rather than
    // allocated again for every row.
    std::vector<std::vector<std::optional<std::string>>> spare;
    Status status = Ok{};
    bool handed = false;
    while (status) {
        duckdb_data_chunk chunk = duckdb_fetch_chunk(res);
        if (!chunk)
            break;
        idx_t rows = duckdb_data_chunk_get_size(chunk);
        size_t first = batch.rows.size();
        for (idx_t r = 0; r < rows; ++r) {
            if (spare.empty()) {
                batch.rows.emplace_back(ncol);
            } else {
                batch.rows.push_back(std::move(spare.back()));
                spare.pop_back();
            }
        }
        for (size_t c = 0; c < ncol; ++c) {
            duckdb_vector v = duckdb_data_chunk_get_vector(chunk, c);
            auto* data = static_cast<duckdb_string_t*>(duckdb_vector_get_data(v));
            uint64_t* valid = duckdb_vector_get_validity(v);
            for (idx_t r = 0; r < rows; ++r) {
                std::optional<std::string>& cell = batch.rows[first + r][c];
                if (!duckdb_validity_row_is_valid(valid, r))
                    cell.reset();
                else if (cell)
                    cell->assign(duckdb_string_t_data(&data[r]), duckdb_string_t_length(data[r]));
                else
                    cell.emplace(duckdb_string_t_data(&data[r]), duckdb_string_t_length(data[r]));
            }
        }
        duckdb_destroy_data_chunk(&chunk);
        if (batch.rows.size() >= batch_rows) {
            status = each(batch);
            handed = true;
            std::move(batch.rows.begin(), batch.rows.end(), std::back_inserter(spare));
            batch.rows.clear();
        }
    }
    if (const char* err = duckdb_result_error(&res); status && err)
        status = DbError("sql", err);
    else if (status && (!batch.rows.empty() || !handed))
        status = each(batch);
    duckdb_destroy_result(&res);
    duckdb_destroy_prepare(&st);
    return status;
}

void Connection::Interrupt() {
    duckdb_interrupt(con_);
}

Result<std::unique_ptr<Appender>> Appender::Open(Connection& con, const std::string& table) {
    std::unique_ptr<Appender> a(new Appender());
    if (duckdb_appender_create(con.handle(), nullptr, table.c_str(), &a->app_) != DuckDBSuccess) {
        Error e = DbError("store.appender", duckdb_appender_error(a->app_));
        duckdb_appender_destroy(&a->app_);
        a->app_ = nullptr;
        return e;
    }
    return a;
}

Appender::~Appender() {
    if (app_)
        duckdb_appender_destroy(&app_);
}

Status Appender::Check(duckdb_state st) {
    if (st != DuckDBSuccess && error_.empty()) {
        const char* m = duckdb_appender_error(app_);
        error_ = m ? m : "append failed";
    }
    return Ok{};
}

void Appender::Str(std::string_view s, bool empty_is_null) {
    if (s.empty() && empty_is_null) {
        Null();
        return;
    }
    std::string_view text = ValidUtf8(s, scratch_);
    (void)Check(duckdb_append_varchar_length(app_, text.data(), text.size()));
}

void Appender::Null() {
    (void)Check(duckdb_append_null(app_));
}
void Appender::Int(int64_t v) {
    (void)Check(duckdb_append_int64(app_, v));
}
void Appender::UInt(uint64_t v) {
    (void)Check(duckdb_append_uint64(app_, v));
}
void Appender::Double(double v) {
    (void)Check(duckdb_append_double(app_, v));
}
void Appender::Bool(bool v) {
    (void)Check(duckdb_append_bool(app_, v));
}

void Appender::TimeMs(int64_t ms, bool zero_is_null) {
    if (ms == 0 && zero_is_null) {
        Null();
        return;
    }
    duckdb_timestamp ts{ms * 1000};
    (void)Check(duckdb_append_timestamp(app_, ts));
}

void Appender::StrList(const std::vector<std::string>& items) {
    StrListOf(items);
}
void Appender::StrList(const std::vector<SharedText>& items) {
    StrListOf(items);
}

template <typename Items> void Appender::StrListOf(const Items& items) {
    duckdb_logical_type vt = duckdb_create_logical_type(DUCKDB_TYPE_VARCHAR);
    std::vector<duckdb_value> vals;
    vals.reserve(items.size());
    for (const auto& s : items) {
        std::string_view text = ValidUtf8(std::string_view(s.data(), s.size()), scratch_);
        vals.push_back(duckdb_create_varchar_length(text.data(), text.size()));
    }
    // DuckDB refuses a null values pointer (an empty vector's data()) or element: an empty list
    // is passed with a dummy pointer, a list it could not build is stored as NULL.
    bool valid = std::all_of(vals.begin(), vals.end(), [](duckdb_value v) { return v; });
    duckdb_value none = nullptr;
    duckdb_value list =
        valid ? duckdb_create_list_value(vt, vals.empty() ? &none : vals.data(), vals.size())
              : nullptr;
    if (list)
        (void)Check(duckdb_append_value(app_, list));
    else
        Null();
    duckdb_destroy_value(&list);
    for (auto& v : vals)
        duckdb_destroy_value(&v);
    duckdb_destroy_logical_type(&vt);
}

Status Appender::EndRow() {
    (void)Check(duckdb_appender_end_row(app_));
    if (!error_.empty())
        return Error{"store.append", error_};
    return Ok{};
}

Status Appender::Flush() {
    (void)Check(duckdb_appender_flush(app_));
    if (!error_.empty())
        return Error{"store.append", error_};
    return Ok{};
}

Status Appender::Append(ColumnChunk& chunk) {
    (void)Check(duckdb_append_data_chunk(app_, chunk.handle()));
    chunk.Reset();
    if (!error_.empty())
        return Error{"store.append", error_};
    return Ok{};
}

ColumnChunk::ColumnChunk(const std::vector<Type>& types) {
    std::vector<duckdb_logical_type> lt;
    for (Type t : types)
        lt.push_back(duckdb_create_logical_type(t == Type::Varchar   ? DUCKDB_TYPE_VARCHAR
                                                : t == Type::UBigInt ? DUCKDB_TYPE_UBIGINT
                                                                     : DUCKDB_TYPE_TIMESTAMP));
    chunk_ = duckdb_create_data_chunk(lt.data(), lt.size());
    for (auto& t : lt)
        duckdb_destroy_logical_type(&t);
    for (size_t c = 0; c < types.size(); ++c) {
        duckdb_vector v = duckdb_data_chunk_get_vector(chunk_, c);
        vectors_.push_back(v);
        data_.push_back(duckdb_vector_get_data(v));
        validity_.push_back(nullptr);
    }
}

ColumnChunk::~ColumnChunk() {
    if (chunk_)
        duckdb_destroy_data_chunk(&chunk_);
}

size_t ColumnChunk::Capacity() {
    return duckdb_vector_size();
}

void ColumnChunk::SetNull(size_t col, size_t row) {
    // The validity mask is made writable on first use after each reset (a reset may drop it).
    if (!validity_[col]) {
        duckdb_vector_ensure_validity_writable(vectors_[col]);
        validity_[col] = duckdb_vector_get_validity(vectors_[col]);
    }
    duckdb_validity_set_row_invalid(validity_[col], row);
}

void ColumnChunk::Str(size_t col, size_t row, std::string_view s) {
    if (s.empty()) {
        SetNull(col, row);
        return;
    }
    std::string_view text = ValidUtf8(s, scratch_);
    duckdb_vector_assign_string_element_len(vectors_[col], row, text.data(), text.size());
}

void ColumnChunk::StrView(size_t col, size_t row, std::string_view s) {
    if (s.empty()) {
        SetNull(col, row);
        return;
    }
    if (s.size() > UINT32_MAX || !IsValidUtf8(s)) {
        Str(col, row, s);
        return;
    }
    // DuckDB's string_t as the C API lays it out: up to 12 bytes inline, else a 4-byte prefix
    // and a pointer to the text (the appender copies the text into its own buffers).
    duckdb_string_t& cell = static_cast<duckdb_string_t*>(data_[col])[row];
    cell = {};
    cell.value.inlined.length = uint32_t(s.size());
    if (s.size() <= sizeof(cell.value.inlined.inlined)) {
        std::memcpy(cell.value.inlined.inlined, s.data(), s.size());
    } else {
        std::memcpy(cell.value.pointer.prefix, s.data(), sizeof(cell.value.pointer.prefix));
        cell.value.pointer.ptr = const_cast<char*>(s.data());
    }
}

void ColumnChunk::UInt(size_t col, size_t row, uint64_t v) {
    static_cast<uint64_t*>(data_[col])[row] = v;
}

void ColumnChunk::TimeMs(size_t col, size_t row, int64_t ms) {
    if (ms == 0) {
        SetNull(col, row);
        return;
    }
    static_cast<duckdb_timestamp*>(data_[col])[row] = duckdb_timestamp{ms * 1000};
}

void ColumnChunk::SetRows(size_t n) {
    duckdb_data_chunk_set_size(chunk_, n);
}

void ColumnChunk::Reset() {
    duckdb_data_chunk_reset(chunk_);
    for (size_t c = 0; c < vectors_.size(); ++c) {
        vectors_[c] = duckdb_data_chunk_get_vector(chunk_, c);
        data_[c] = duckdb_vector_get_data(vectors_[c]);
        validity_[c] = nullptr;
    }
}

namespace {

// s between two quote characters q, each q inside doubled.
std::string Quoted(std::string_view s, char q) {
    std::string out(1, q);
    for (char c : s) {
        if (c == q)
            out += q;
        out += c;
    }
    out += q;
    return out;
}

} // namespace

std::string SqlQuote(std::string_view s) {
    return Quoted(s, '\'');
}

std::string SqlIdent(std::string_view name) {
    return Quoted(name, '"');
}

} // namespace cloudsift::store
