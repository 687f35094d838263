#include "store/writer.h"

#include <algorithm>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "common/sanitize.h"
#include "common/strings.h"
#include "common/time_util.h"
#include "event/field_path.h"
#include "event/normalized.h"

namespace cloudsift::store {
namespace {

// Native CloudTrail fields stored as ct_* columns (same order as the ct_* columns of `events`).
const std::vector<FieldPath>& NativePaths() {
    static const std::vector<FieldPath> paths = [] {
        std::vector<FieldPath> v;
        for (const char* p : {"eventVersion",
                              "userIdentity.principalId",
                              "userIdentity.accountId",
                              "userIdentity.invokedBy",
                              "userIdentity.userName",
                              "userIdentity.sessionContext.attributes.mfaAuthenticated",
                              "userIdentity.sessionContext.attributes.creationDate",
                              "userIdentity.sessionContext.sessionIssuer.type",
                              "userIdentity.sessionContext.sessionIssuer.principalId",
                              "userIdentity.sessionContext.sessionIssuer.accountId",
                              "userIdentity.sessionContext.sessionIssuer.userName",
                              "userIdentity.sessionContext.ec2RoleDelivery",
                              "userIdentity.sessionContext.sourceIdentity",
                              "eventTime",
                              "requestID",
                              "eventType",
                              "apiVersion",
                              "readOnly",
                              "recipientAccountId",
                              "sharedEventID",
                              "vpcEndpointId",
                              "eventCategory",
                              "tlsDetails.tlsVersion",
                              "tlsDetails.cipherSuite",
                              "tlsDetails.clientProvidedHostHeader"})
            v.push_back(FieldPath::Parse(p));
        return v;
    }();
    return paths;
}

bool IsAlnum(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Whether raw[at, at + n) stands alone: no letter or digit just before or after it.
bool StandsAlone(std::string_view raw, size_t at, size_t n) {
    return (at == 0 || !IsAlnum(raw[at - 1])) && (at + n == raw.size() || !IsAlnum(raw[at + n]));
}

} // namespace

namespace {

// Calls at(i) for every i where an identifier may start: "AK" / "AS" (access keys), "ar" (ARNs),
// "i-" (instances). Sixteen positions at a time where SSE2 is there: a record is mostly
// neither, and a search per prefix stopped at every 'A', 'a' and 'i' of it (1.8 µs a record).
template <typename Fn> void ForEachAnchor(std::string_view s, Fn at) {
    auto anchor = [&](size_t i) {
        const char c = s[i], d = s[i + 1];
        return (c == 'A' && (d == 'K' || d == 'S')) || (c == 'a' && d == 'r') ||
               (c == 'i' && d == '-');
    };
    size_t i = 0;
#ifdef __SSE2__
    const __m128i cA = _mm_set1_epi8('A'), cK = _mm_set1_epi8('K'), cS = _mm_set1_epi8('S');
    const __m128i ca = _mm_set1_epi8('a'), cr = _mm_set1_epi8('r');
    const __m128i ci = _mm_set1_epi8('i'), cd = _mm_set1_epi8('-');
    for (; i + 17 <= s.size(); i += 16) {
        const __m128i c0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
        const __m128i c1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i + 1));
        const __m128i key = _mm_and_si128(
            _mm_cmpeq_epi8(c0, cA), _mm_or_si128(_mm_cmpeq_epi8(c1, cK), _mm_cmpeq_epi8(c1, cS)));
        const __m128i arn = _mm_and_si128(_mm_cmpeq_epi8(c0, ca), _mm_cmpeq_epi8(c1, cr));
        const __m128i inst = _mm_and_si128(_mm_cmpeq_epi8(c0, ci), _mm_cmpeq_epi8(c1, cd));
        for (unsigned bits =
                 unsigned(_mm_movemask_epi8(_mm_or_si128(key, _mm_or_si128(arn, inst))));
             bits; bits &= bits - 1)
            at(i + size_t(__builtin_ctz(bits)));
    }
#endif
    for (; i + 1 < s.size(); ++i)
        if (anchor(i))
            at(i);
}

bool IsUpperOrDigit(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

} // namespace

void AppendMentions(std::string& out, std::string_view raw,
                    std::initializer_list<std::string_view> own) {
    std::vector<std::string_view> found;
    auto keep = [&](std::string_view token) {
        for (std::string_view o : own)
            if (token == o)
                return;
        found.push_back(token);
    };
    // Anchors inside a key or an ARN already read are not looked at again: every byte is read
    // a bounded number of times, whatever the record (a run of "arn:" without a delimiter
    // would otherwise be read once per anchor in it).
    size_t read_up_to = 0;
    ForEachAnchor(raw, [&](size_t at) {
        if (at < read_up_to)
            return;
        std::string_view rest = raw.substr(at);
        if (rest.starts_with("AKIA") || rest.starts_with("ASIA")) {
            // Access key ids: 16 to 128 characters (IAM's AccessKeyIdType; AWS issues 20).
            size_t end = at + 4;
            while (end < raw.size() && IsUpperOrDigit(raw[end]))
                ++end;
            read_up_to = end;
            if (end - at >= 16 && end - at <= 128 && StandsAlone(raw, at, end - at))
                keep(raw.substr(at, end - at));
        } else if (rest.starts_with("arn:")) {
            if (at > 0 && IsAlnum(raw[at - 1]))
                return;
            // Up to the next quote, backslash, comma, space or bracket.
            size_t end = at, colons = 0;
            for (; end < raw.size(); ++end) {
                const char c = raw[end];
                if (c == '"' || c == '\\' || c == ',' || c == ' ' || c == '[' || c == ']' ||
                    c == '{' || c == '}' || c == '\n' || c == '\t' || c == '\r')
                    break;
                colons += c == ':';
            }
            read_up_to = end;
            if (colons >= 5)
                keep(raw.substr(at, end - at));
        } else if (rest.starts_with("i-")) {
            size_t end = at + 2;
            while (end < raw.size() && end - at < 20 && IsLowerHexDigit(raw[end]))
                ++end;
            std::string_view token = raw.substr(at, end - at);
            if (IsInstanceId(token) && StandsAlone(raw, at, token.size()))
                keep(token);
        }
    });
    std::sort(found.begin(), found.end());
    found.erase(std::unique(found.begin(), found.end()), found.end());
    for (size_t i = 0; i < found.size(); ++i) {
        if (i)
            out += ' ';
        out.append(found[i]);
    }
}

void EventBatch::Add(const Record& rec) {
    const Normalized& n = rec.norm;
    auto put = [&](std::string_view s) {
        spans_.push_back({uint32_t(arena_.size()), uint32_t(s.size())});
        arena_.append(s);
    };
    put(EventClassName(n.cls));
    put(n.logsource.product);
    put(n.logsource.service);
    {
        // Categories joined by ','.
        uint32_t off = uint32_t(arena_.size());
        for (auto c : n.logsource.categories) {
            if (c.empty())
                continue;
            if (arena_.size() > off)
                arena_ += ',';
            arena_.append(c);
        }
        spans_.push_back({off, uint32_t(arena_.size() - off)});
    }
    put(n.source_type);
    put(n.event_id);
    put(n.action);
    put(n.service);
    put(n.actor_arn);
    put(n.actor_type);
    put(n.actor_name);
    put(n.access_key);
    put(n.session_issuer);
    put(n.mfa);
    put(n.src_ip);
    put(n.src_port);
    put(n.dst_ip);
    put(n.dst_port);
    put(n.protocol);
    put(n.instance_id);
    put(n.vpc_id);
    put(n.interface_id);
    put(n.resource);
    put(n.outcome);
    put(n.error_code);
    put(n.error_message);
    put(n.region);
    put(n.account);
    put(n.user_agent);
    put(n.finding_type);
    put(n.severity);
    bool cloudtrail = StartsWith(n.source_type, "cloudtrail");
    std::string text;
    for (const FieldPath& path : NativePaths()) {
        uint32_t off = uint32_t(arena_.size());
        if (cloudtrail)
            rec.event.Find(path, [&](const Value& v) {
                if (v.IsScalar() && v.type != ValueType::Null)
                    arena_.append(v.Text(text));
                return false;
            });
        spans_.push_back({off, uint32_t(arena_.size() - off)});
    }
    {
        uint32_t off = uint32_t(arena_.size());
        rec.event.AppendJson(arena_);
        spans_.push_back({off, uint32_t(arena_.size() - off)});
        // Built aside: appending to the arena while reading the raw text in it could move it.
        mentions_.clear();
        AppendMentions(mentions_, std::string_view(arena_.data() + off, arena_.size() - off),
                       {n.access_key, n.actor_arn, n.session_issuer});
        put(mentions_);
    }
    // The request and response payloads on their own: a query reading them (role assumed, group
    // changed, key created) then decompresses a few hundred bytes per event, not the whole record.
    for (std::string_view member : {"requestParameters", "responseElements"}) {
        uint32_t off = uint32_t(arena_.size());
        if (cloudtrail)
            rec.event.AppendMemberJson(member, arena_);
        spans_.push_back({off, uint32_t(arena_.size() - off)});
    }
    times_.push_back(n.time);
    lines_.push_back(rec.line);
    idx_.push_back(rec.index);
}

void EventBatch::Clear() {
    arena_.clear();
    spans_.clear();
    times_.clear();
    lines_.clear();
    idx_.clear();
}

std::unique_ptr<ColumnChunk> EventBatch::NewChunk() {
    using T = ColumnChunk::Type;
    std::vector<T> types = {T::Varchar, T::UBigInt, T::UBigInt, T::Timestamp};
    types.insert(types.end(), kStrCols, T::Varchar);
    return std::make_unique<ColumnChunk>(types);
}

Status EventBatch::AppendTo(Appender& events, std::string_view file_sha256,
                            ColumnChunk& chunk) const {
    const size_t cap = ColumnChunk::Capacity();
    for (size_t first = 0; first < times_.size(); first += cap) {
        size_t n = std::min(cap, times_.size() - first);
        for (size_t i = 0; i < n; ++i) {
            size_t r = first + i;
            chunk.StrView(0, i, file_sha256);
            chunk.UInt(1, i, lines_[r]);
            chunk.UInt(2, i, idx_[r]);
            chunk.TimeMs(3, i, times_[r]);
        }
        for (size_t c = 0; c < kStrCols; ++c)
            for (size_t i = 0; i < n; ++i) {
                const Span& sp = spans_[(first + i) * kStrCols + c];
                chunk.StrView(4 + c, i, std::string_view(arena_.data() + sp.off, sp.len));
            }
        chunk.SetRows(n);
        if (auto st = events.Append(chunk); !st)
            return st;
    }
    return Ok{};
}

Result<std::unique_ptr<IngestTxn>> IngestTxn::Begin(CaseStore& store) {
    std::unique_ptr<IngestTxn> t(new IngestTxn());
    t->store_ = &store;
    auto con = Connection::Open(store.db());
    if (!con)
        return con.error();
    t->con_ = std::move(con.value());
    if (auto st = t->con_->Exec("BEGIN TRANSACTION"); !st)
        return st.error();
    t->open_ = true;
    if (auto st = t->OpenOnce(t->events_, "events"); !st)
        return st.error();
    return t;
}

IngestTxn::~IngestTxn() {
    Rollback();
}

Status IngestTxn::Append(const EventBatch& batch, std::string_view file_sha256) {
    if (!open_)
        return Error{"store.txn", "transaction is not open"};
    if (!chunk_)
        chunk_ = EventBatch::NewChunk();
    if (auto st = batch.AppendTo(*events_, file_sha256, *chunk_); !st)
        return st;
    // Hand rows to the table as they come rather than all at commit (the appender would buffer
    // 200k rows), so the storage work is spread over the run and stays off the commit lock.
    unflushed_ += batch.size();
    if (unflushed_ >= kFlushRows)
        return Flush();
    return Ok{};
}

Status IngestTxn::Flush() {
    if (!open_)
        return Error{"store.txn", "transaction is not open"};
    unflushed_ = 0;
    if (auto st = events_->Flush(); !st)
        return st;
    if (findings_)
        if (auto st = findings_->Flush(); !st)
            return st;
    if (files_)
        return files_->Flush();
    return Ok{};
}

Status IngestTxn::OpenOnce(std::unique_ptr<Appender>& app, const char* table) {
    if (app)
        return Ok{};
    auto opened = Appender::Open(*con_, table);
    if (!opened)
        return opened.error();
    app = std::move(opened.value());
    return Ok{};
}

Status IngestTxn::AppendFindings(const std::vector<Finding>& findings, std::string_view file_sha256,
                                 std::string_view original_path) {
    if (!open_)
        return Error{"store.txn", "transaction is not open"};
    if (findings.empty())
        return Ok{};
    if (auto st = OpenOnce(findings_, "findings"); !st)
        return st;
    for (const Finding& f : findings) {
        Appender& a = *findings_;
        a.TimeMs(f.time);
        a.Str(f.rule_id());
        a.Str(f.rule_title());
        a.Str(f.level());
        a.StrList(f.tags());
        a.StrList(f.tactics());
        a.StrList(f.techniques());
        a.Str(f.event_id);
        a.Str(f.event_name);
        a.Str(f.event_source);
        a.Str(f.source_type);
        a.Str(f.actor);
        a.Str(f.access_key);
        a.Str(f.source_ip);
        a.Str(f.user_agent);
        a.Str(f.account);
        a.Str(f.region);
        a.Str(original_path);
        a.UInt(f.line_or_index);
        a.Str(f.finding_id.hex());
        a.Str(file_sha256);
        if (auto st = a.EndRow(); !st)
            return st;
    }
    return Ok{};
}

Status IngestTxn::AddFile(const FileEntry& e) {
    if (!open_)
        return Error{"store.txn", "transaction is not open"};
    if (auto st = OpenOnce(files_, "files"); !st)
        return st;
    Appender& a = *files_;
    a.Str(e.sha256);
    a.Str(e.path, false);
    a.Str(e.evidence_path, false);
    a.Bool(e.copied);
    a.UInt(e.size);
    a.Str(e.format, false);
    a.Str(e.compression, false);
    a.UInt(e.events);
    a.UInt(e.bad_records);
    a.TimeMs(e.first_event);
    a.TimeMs(e.last_event);
    a.TimeMs(NowMs(), false);
    a.Str(e.error);
    if (auto st = a.EndRow(); !st)
        return st;
    custody_.push_back(IngestDetails(e));
    return Ok{};
}

Status IngestTxn::PutIncidents(const std::vector<analytics::Incident>& incidents) {
    if (!open_)
        return Error{"store.txn", "transaction is not open"};
    if (incidents.empty())
        return Ok{};
    std::string ids;
    for (const auto& inc : incidents)
        ids += (ids.empty() ? "" : ", ") + SqlQuote(inc.incident_id);
    if (auto st = con_->Exec("DELETE FROM incidents WHERE incident_id IN (" + ids + ")"); !st)
        return st;
    auto app = Appender::Open(*con_, "incidents");
    if (!app)
        return app.error();
    Appender& a = *app.value();
    std::vector<std::string> finding_ids;
    for (const auto& inc : incidents) {
        a.Str(inc.incident_id);
        a.Str(inc.severity);
        a.Double(inc.score);
        a.Str(inc.title);
        a.TimeMs(inc.first_seen);
        a.TimeMs(inc.last_seen);
        a.StrList(inc.tactics);
        a.StrList(inc.entities);
        finding_ids.clear();
        for (const auto& id : inc.finding_ids)
            finding_ids.push_back(id.str());
        a.StrList(finding_ids);
        if (auto st = a.EndRow(); !st)
            return st;
    }
    return a.Flush();
}

Status IngestTxn::Commit() {
    if (!open_)
        return Error{"store.txn", "transaction is not open"};
    auto fail = [&](Error err) -> Status {
        Rollback();
        return err;
    };
    if (auto st = Flush(); !st)
        return fail(st.error());
    events_.reset();
    findings_.reset();
    files_.reset();
    // The custody entries chain from the last committed one: staged now, under the caller's
    // commit order.
    auto entries = store_->StageCustody(*con_, "ingest", std::move(custody_));
    if (!entries)
        return fail(entries.error());
    if (auto st = con_->Exec("COMMIT"); !st)
        return fail(st.error());
    open_ = false;
    custody_.clear();
    store_->CustodyCommitted(entries.value());
    return Ok{};
}

Status IngestTxn::Commit(const FileEntry& entry) {
    if (auto st = AddFile(entry); !st) {
        Rollback();
        return st;
    }
    return Commit();
}

void IngestTxn::Rollback() {
    events_.reset();
    findings_.reset();
    files_.reset();
    if (open_ && con_)
        (void)con_->Exec("ROLLBACK");
    open_ = false;
    custody_.clear();
}

std::string IngestDetails(const FileEntry& e) {
    std::string out = "{\"sha256\":\"" + e.sha256 + "\",\"path\":";
    AppendJsonString(out, e.path);
    out += ",\"evidence\":";
    AppendJsonString(out, e.evidence_path);
    out += ",\"size\":" + std::to_string(e.size) + ",\"format\":";
    AppendJsonString(out, e.format);
    out += ",\"events\":" + std::to_string(e.events) + "}";
    return out;
}

} // namespace cloudsift::store
