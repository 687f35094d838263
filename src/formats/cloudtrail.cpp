#include "formats/cloudtrail.h"

#include <cstring>

#include "common/strings.h"
#include "event/json_event.h"
#include "formats/all_formats.h"

namespace cloudsift {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

constexpr std::string_view kInsightType = "AwsCloudTrailInsight";

simdjson::dom::parser& ThreadParser() {
    thread_local simdjson::dom::parser parser;
    return parser;
}

simdjson::dom::parser& ThreadInnerParser() {
    thread_local simdjson::dom::parser parser;
    return parser;
}

bool Has(element e, std::string_view key) {
    simdjson::dom::object obj;
    if (e.get_object().get(obj) != simdjson::SUCCESS)
        return false;
    element v;
    return obj.at_key(key).get(v) == simdjson::SUCCESS;
}

// A parsed JSON null standing for "absent": a default-constructed element must never be read.
element Absent() {
    static simdjson::dom::parser parser;
    static const element null_element =
        parser.parse(simdjson::padded_string(std::string_view("null"))).value();
    return null_element;
}

element At(element e, std::string_view key) {
    simdjson::dom::object obj;
    element v;
    if (e.get_object().get(obj) == simdjson::SUCCESS && obj.at_key(key).get(v) == simdjson::SUCCESS)
        return v;
    return Absent();
}

std::string_view Str(element e) {
    std::string_view s;
    if (e.get_string().get(s) == simdjson::SUCCESS)
        return s;
    return {};
}

// End (one past the closing quote) of the JSON string whose opening quote is s[open]; npos when
// cut off. Skips quote to quote (memchr): a quote is escaped when an odd run of backslashes
// precedes it. Strings are most of a record's bytes.
size_t StringEnd(std::string_view s, size_t open) {
    const char* b = s.data();
    for (size_t i = open;;) {
        const void* q = std::memchr(b + i + 1, '"', s.size() - i - 1);
        if (!q)
            return std::string_view::npos;
        i = size_t(static_cast<const char*>(q) - b);
        size_t backslashes = 0;
        while (i - backslashes - 1 > open && b[i - backslashes - 1] == '\\')
            ++backslashes;
        if (backslashes % 2 == 0)
            return i + 1;
    }
}

// Finds the end of the JSON value starting at s[pos] ('{' or '['), honouring strings; npos when
// the value is cut off.
size_t MatchingEnd(std::string_view s, size_t pos) {
    int depth = 0;
    for (size_t i = pos; i < s.size(); ++i) {
        char c = s[i];
        if (c == '"') {
            size_t end = StringEnd(s, i);
            if (end == std::string_view::npos)
                return end;
            i = end - 1;
        } else if (c == '{' || c == '[') {
            ++depth;
        } else if (c == '}' || c == ']') {
            if (--depth == 0)
                return i + 1;
        }
    }
    return std::string_view::npos;
}

// End of the JSON value starting at s[pos] in text that parsed as JSON (a string, an object or
// array, or a bare number / literal); npos when cut off.
size_t ValueEnd(std::string_view s, size_t pos) {
    if (pos >= s.size())
        return std::string_view::npos;
    char c = s[pos];
    if (c == '{' || c == '[')
        return MatchingEnd(s, pos);
    if (c == '"')
        return StringEnd(s, pos);
    size_t end = s.find_first_of(",]} \t\r\n", pos);
    return end == std::string_view::npos ? s.size() : end;
}

size_t SkipWs(std::string_view s, size_t pos) {
    while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\t' || s[pos] == '\r' || s[pos] == '\n'))
        ++pos;
    return pos;
}

// The text of each element of the event array of a document that parsed: the value of the
// top-level member key, or the document itself when key is empty. Empty when the layout is not
// the plain one (a top-level key before it written with escapes could be the member the parser
// chose, so the caller falls back to re-serializing).
std::vector<std::string_view> ElementTexts(std::string_view s, std::string_view key) {
    size_t p = 0;
    if (s.substr(0, 3) == "\xef\xbb\xbf")
        p = 3;
    p = SkipWs(s, p);
    if (!key.empty()) {
        if (p >= s.size() || s[p] != '{')
            return {};
        p = SkipWs(s, p + 1);
        while (true) {
            if (p >= s.size() || s[p] != '"')
                return {};
            size_t q = p + 1;
            while (q < s.size() && s[q] != '"') {
                if (s[q] == '\\')
                    return {};
                ++q;
            }
            if (q >= s.size())
                return {};
            std::string_view name = s.substr(p + 1, q - p - 1);
            p = SkipWs(s, q + 1);
            if (p >= s.size() || s[p] != ':')
                return {};
            p = SkipWs(s, p + 1);
            if (name == key)
                break;
            p = ValueEnd(s, p);
            if (p == std::string_view::npos)
                return {};
            p = SkipWs(s, p);
            if (p >= s.size() || s[p] != ',')
                return {};
            p = SkipWs(s, p + 1);
        }
    }
    if (p >= s.size() || s[p] != '[')
        return {};
    std::vector<std::string_view> out;
    p = SkipWs(s, p + 1);
    if (p < s.size() && s[p] == ']')
        return out;
    while (true) {
        size_t end = ValueEnd(s, p);
        if (end == std::string_view::npos)
            return {};
        out.push_back(s.substr(p, end - p));
        p = SkipWs(s, end);
        if (p >= s.size())
            return {};
        if (s[p] == ']')
            return out;
        if (s[p] != ',')
            return {};
        p = SkipWs(s, p + 1);
    }
}

// The original texts of the elements of a document's event array, found on first use.
class ArraySource final : public SourceText {
public:
    ArraySource(std::string_view doc, std::string_view key, size_t elements)
        : doc_(doc), key_(key), elements_(elements) {}
    std::string_view Text(uint64_t i) const override {
        if (!built_) {
            built_ = true;
            texts_ = ElementTexts(doc_, key_);
            if (texts_.size() != elements_)
                texts_.clear();
        }
        return i < texts_.size() ? texts_[i] : std::string_view();
    }

private:
    std::string_view doc_, key_;
    size_t elements_;
    mutable bool built_ = false;
    mutable std::vector<std::string_view> texts_;
};

// Emits CloudTrail events found in JSON values, unwrapping envelopes and LookupEvents entries.
class Emitter {
public:
    Emitter(RecordFn emit, DecodeReport& report) : emit_(emit), report_(report) {}

    //! Handles one value that should be an event (or wrap one); position for diagnostics;
    //! source (may be null) has v's original text as its record number source_index.
    void Value(element v, uint64_t line, uint64_t position, const SourceText* source = nullptr,
               uint64_t source_index = 0) {
        if (v.type() != element_type::OBJECT) {
            report_.Bad(position, "cloudtrail.not_an_object");
            return;
        }
        if (LooksLikeCloudTrailEvent(v))
            return Emit(v, line, source, source_index);
        element detail = At(v, "detail");
        if (Has(v, "detail-type") && detail.type() == element_type::OBJECT &&
            LooksLikeCloudTrailEvent(detail))
            return Emit(detail, line);
        std::string_view inner = Str(At(v, "CloudTrailEvent"));
        if (!inner.empty())
            return Lookup(inner, line, position);
        report_.Bad(position, "cloudtrail.not_an_event");
    }

    //! Handles a top-level document (text is what root was parsed from).
    void Document(element root, std::string_view text) {
        if (root.type() == element_type::ARRAY) {
            simdjson::dom::array events(root);
            ArraySource source(text, "", events.size());
            uint64_t i = 0;
            for (auto v : events) {
                Value(v, 0, i, &source, i);
                ++i;
            }
            return;
        }
        element records = At(root, "Records");
        if (records.type() == element_type::ARRAY) {
            simdjson::dom::array events(records);
            ArraySource source(text, "Records", events.size());
            uint64_t i = 0;
            for (auto v : events) {
                Value(v, 0, i, &source, i);
                ++i;
            }
            return;
        }
        element events = At(root, "Events");
        if (events.type() == element_type::ARRAY) {
            uint64_t i = 0;
            for (auto v : simdjson::dom::array(events))
                Value(v, 0, i++);
            return;
        }
        size_t first = SkipWs(text, text.substr(0, 3) == "\xef\xbb\xbf" ? 3 : 0);
        size_t end = ValueEnd(text, first);
        FixedSourceText source(end == std::string_view::npos ? std::string_view()
                                                             : text.substr(first, end - first));
        Value(root, 0, 0, &source);
    }

    void Finish() {
        if (insights_ > 0)
            report_.Note(std::to_string(insights_) + " CloudTrail Insights event(s)");
    }

private:
    void Lookup(std::string_view json, uint64_t line, uint64_t position) {
        simdjson::padded_string copy(json);
        element inner;
        auto err = ThreadInnerParser().parse(copy).get(inner);
        if (err) {
            report_.Bad(
                position,
                std::string("cloudtrail.lookup_inner_json: ") + simdjson::error_message(err), json);
            return;
        }
        if (!LooksLikeCloudTrailEvent(inner)) {
            report_.Bad(position, "cloudtrail.not_an_event", json);
            return;
        }
        FixedSourceText source(json);
        Emit(inner, line, &source, 0);
    }

    void Emit(element ev, uint64_t line, const SourceText* source = nullptr,
              uint64_t source_index = 0) {
        JsonEvent event(ev, source, source_index);
        Normalized norm;
        NormalizeCloudTrail(event, norm, scratch_);
        element type;
        if (event.Member("eventType", type) && Str(type) == kInsightType) {
            ++insights_;
            norm.source_type = "cloudtrail-insight";
            norm.logsource.service = "cloudtrail_insight";
        }
        emit_(Record{event, norm, line, index_++});
    }

    RecordFn emit_;
    DecodeReport& report_;
    CloudTrailScratch scratch_;
    uint64_t index_ = 0;
    uint64_t insights_ = 0;
};

// When a whole document does not parse (truncated gzip, a bad byte in one record …), recovers every
// complete record of its event array, one by one, and reports the rest with byte offsets.
void Salvage(std::string_view data, simdjson::error_code doc_error, Emitter& emitter,
             DecodeReport& report) {
    size_t start = std::string_view::npos;
    size_t key = data.find("\"Records\"");
    if (key == std::string_view::npos)
        key = data.find("\"Events\"");
    if (key != std::string_view::npos) {
        start = data.find('[', key);
    } else {
        size_t first = data.find_first_not_of(" \t\r\n");
        if (first != std::string_view::npos && data[first] == '[')
            start = first;
    }
    if (start == std::string_view::npos) {
        report.Bad(0, std::string("json.invalid: ") + simdjson::error_message(doc_error),
                   data.substr(0, 120));
        return;
    }
    size_t pos = start + 1;
    uint64_t index = 0;
    while (pos < data.size()) {
        pos = data.find_first_not_of(" \t\r\n,", pos);
        if (pos == std::string_view::npos || data[pos] == ']')
            return;
        if (data[pos] != '{') {
            report.Bad(pos, "json.unexpected_byte_in_array", data.substr(pos, 120));
            return;
        }
        size_t end = MatchingEnd(data, pos);
        if (end == std::string_view::npos) {
            report.Bad(pos, "json.truncated_record", data.substr(pos, 120));
            return;
        }
        simdjson::padded_string copy(data.substr(pos, end - pos));
        element v;
        auto err = ThreadInnerParser().parse(copy).get(v);
        if (err) {
            report.Bad(pos, std::string("json.invalid_record: ") + simdjson::error_message(err),
                       data.substr(pos, 120));
        } else {
            FixedSourceText source(data.substr(pos, end - pos));
            emitter.Value(v, 0, index, &source);
        }
        ++index;
        pos = end;
    }
    report.Bad(data.size(), "json.truncated_document");
}

class CloudTrailDocDecoder final : public FileDecoder {
public:
    void Feed(std::string_view data, uint64_t, RecordFn emit, DecodeReport& report) override {
        Emitter emitter(emit, report);
        element root;
        auto err = ThreadParser().parse(data.data(), data.size(), false).get(root);
        if (err)
            Salvage(data, err, emitter, report);
        else
            emitter.Document(root, data);
        emitter.Finish();
    }
};

class CloudTrailJsonlDecoder final : public FileDecoder {
public:
    void Feed(std::string_view data, uint64_t first_line, RecordFn emit,
              DecodeReport& report) override {
        Emitter emitter(emit, report);
        uint64_t line = first_line;
        size_t pos = 0;
        while (pos < data.size()) {
            size_t nl = data.find('\n', pos);
            size_t end = nl == std::string_view::npos ? data.size() : nl;
            std::string_view text = Trim(data.substr(pos, end - pos));
            if (!text.empty()) {
                element v;
                auto err = ThreadParser().parse(text.data(), text.size(), false).get(v);
                if (err) {
                    report.Bad(line,
                               std::string("json.invalid_line: ") + simdjson::error_message(err),
                               text);
                } else {
                    FixedSourceText source(text);
                    emitter.Value(v, line, line, &source);
                }
            }
            ++line;
            pos = end + 1;
        }
        emitter.Finish();
    }
};

class DigestDecoder final : public FileDecoder {
public:
    void Feed(std::string_view data, uint64_t, RecordFn, DecodeReport& report) override {
        element root;
        auto err = ThreadParser().parse(data.data(), data.size(), false).get(root);
        if (err) {
            report.Bad(0, std::string("json.invalid: ") + simdjson::error_message(err),
                       data.substr(0, 120));
            return;
        }
        simdjson::dom::array files;
        size_t n = 0;
        if (At(root, "logFiles").get_array().get(files) == simdjson::SUCCESS)
            n = files.size();
        report.Note("CloudTrail digest file covering " + std::to_string(n) + " log file(s), " +
                    std::string(Str(At(root, "digestStartTime"))) + " to " +
                    std::string(Str(At(root, "digestEndTime"))));
    }
};

std::string_view SkipSpace(std::string_view s) {
    size_t i = s.find_first_not_of(" \t\r\n\xef\xbb\xbf");
    return i == std::string_view::npos ? std::string_view() : s.substr(i);
}

bool MentionsEventFields(std::string_view s) {
    return s.find("\"eventVersion\"") != std::string_view::npos ||
           (s.find("\"eventSource\"") != std::string_view::npos &&
            s.find("\"eventName\"") != std::string_view::npos &&
            s.find("\"eventTime\"") != std::string_view::npos);
}

class CloudTrailFormatImpl final : public Format {
public:
    std::string_view Name() const override { return "cloudtrail"; }
    std::string_view Description() const override {
        return "CloudTrail S3 delivery files {\"Records\":[…]}, JSON arrays of events, "
               "lookup-events output, single events and EventBridge envelopes";
    }
    std::string_view Example() const override {
        return R"({"Records":[{"eventVersion":"1.08","eventTime":"2024-05-01T12:00:00Z","eventSource":"iam.amazonaws.com","eventName":"CreateUser",…}]})";
    }
    int Sniff(std::string_view head, const FileInfo& info) const override {
        std::string_view s = SkipSpace(head);
        if (s.empty())
            return 0;
        bool ct_path =
            info.hints.service == "CloudTrail" || info.hints.service == "CloudTrail-Insight";
        if (s[0] == '{') {
            size_t records = s.find("\"Records\"");
            if (records != std::string_view::npos && records < 64)
                return MentionsEventFields(s) || ct_path ||
                               s.find("[]", records) != std::string_view::npos
                           ? 95
                           : 60;
            if (s.find("\"Events\"") < 64 &&
                s.find("\"CloudTrailEvent\"") != std::string_view::npos)
                return 95;
            if (MentionsEventFields(s))
                return ct_path ? 90 : 70;
            return 0;
        }
        if (s[0] == '[') {
            if (MentionsEventFields(s) || s.find("\"CloudTrailEvent\"") != std::string_view::npos)
                return 85;
            return ct_path ? 40 : 0;
        }
        return 0;
    }
    bool LineOriented() const override { return false; }
    std::unique_ptr<FileDecoder> Open(const FileInfo&) const override {
        return std::make_unique<CloudTrailDocDecoder>();
    }
};

class CloudTrailJsonlFormatImpl final : public Format {
public:
    std::string_view Name() const override { return "cloudtrail-jsonl"; }
    std::string_view Description() const override {
        return "CloudTrail events one JSON object per line (Lake, Athena, SIEM exports)";
    }
    std::string_view Example() const override {
        return R"({"eventVersion":"1.08","eventTime":"2024-05-01T12:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject",…})";
    }
    int Sniff(std::string_view head, const FileInfo&) const override {
        std::string_view s = SkipSpace(head);
        if (s.empty() || s[0] != '{')
            return 0;
        size_t nl = s.find('\n');
        std::string_view first = Trim(s.substr(0, nl));
        if (first.empty() || first.back() != '}')
            return 0;
        if (MentionsEventFields(first) ||
            first.find("\"CloudTrailEvent\"") != std::string_view::npos)
            return 80;
        return 0;
    }
    bool LineOriented() const override { return true; }
    std::unique_ptr<FileDecoder> Open(const FileInfo&) const override {
        return std::make_unique<CloudTrailJsonlDecoder>();
    }
};

class CloudTrailDigestFormatImpl final : public Format {
public:
    std::string_view Name() const override { return "cloudtrail-digest"; }
    std::string_view Description() const override {
        return "CloudTrail digest files (hash chain of delivered log files): recognized, not "
               "hunted";
    }
    std::string_view Example() const override {
        return R"({"awsAccountId":"111122223333","digestStartTime":"2024-05-01T11:00:00Z","digestEndTime":"2024-05-01T12:00:00Z","logFiles":[…],…})";
    }
    int Sniff(std::string_view head, const FileInfo& info) const override {
        // The digest keys come first in the document (awsAccountId, digestStartTime, …).
        std::string_view s = SkipSpace(head).substr(0, 1024);
        if (s.empty() || s[0] != '{')
            return 0;
        if (s.find("\"digestStartTime\"") != std::string_view::npos ||
            s.find("\"digestPublicKeyFingerprint\"") != std::string_view::npos)
            return 98;
        return info.hints.service == "CloudTrail-Digest" ? 50 : 0;
    }
    bool LineOriented() const override { return false; }
    std::unique_ptr<FileDecoder> Open(const FileInfo&) const override {
        return std::make_unique<DigestDecoder>();
    }
};

} // namespace

bool LooksLikeCloudTrailEvent(element e) {
    return Has(e, "eventName") &&
           (Has(e, "eventVersion") || (Has(e, "eventSource") && Has(e, "eventTime")));
}

void NormalizeCloudTrail(element ev, Normalized& n, CloudTrailScratch& scratch) {
    NormalizeCloudTrail(JsonEvent(ev), n, scratch);
}

void NormalizeCloudTrail(const JsonEvent& ev, Normalized& n, CloudTrailScratch& scratch) {
    // Top-level members through the event's key index (a linear key scan per lookup was most
    // of the normalization); nested ones with At.
    auto top = [&](std::string_view key) {
        element v;
        return ev.Member(key, v) ? v : Absent();
    };
    n = Normalized{};
    n.cls = EventClass::ApiActivity;
    n.logsource.product = "aws";
    n.logsource.service = "cloudtrail";
    n.source_type = "cloudtrail";
    std::string_view time = Str(top("eventTime"));
    if (auto t = ParseIsoTime(time))
        n.time = *t;
    n.event_id = Str(top("eventID"));
    n.action = Str(top("eventName"));
    n.service = Str(top("eventSource"));
    n.src_ip = Str(top("sourceIPAddress"));
    n.user_agent = Str(top("userAgent"));
    n.region = Str(top("awsRegion"));
    n.error_code = Str(top("errorCode"));
    n.error_message = Str(top("errorMessage"));

    element ui = top("userIdentity");
    n.actor_type = Str(At(ui, "type"));
    n.actor_arn = Str(At(ui, "arn"));
    n.access_key = Str(At(ui, "accessKeyId"));
    element ctx = At(ui, "sessionContext");
    element issuer = At(ctx, "sessionIssuer");
    n.session_issuer = Str(At(issuer, "arn"));
    n.mfa = Str(At(At(ctx, "attributes"), "mfaAuthenticated"));
    n.account = Str(top("recipientAccountId"));
    if (n.account.empty())
        n.account = Str(At(ui, "accountId"));

    std::string_view name = Str(At(ui, "userName"));
    if (name.empty())
        name = Str(At(issuer, "userName"));
    if (name.empty() && n.actor_type == "Root")
        name = "root";
    if (name.empty())
        name = Str(At(ui, "invokedBy"));
    if (name.empty())
        name = Str(At(ui, "principalId"));
    n.actor_name = name;

    // EC2 instance-profile sessions are named after the instance id.
    if (n.actor_type == "AssumedRole") {
        size_t slash = n.actor_arn.rfind('/');
        if (slash != std::string_view::npos && StartsWith(n.actor_arn.substr(slash + 1), "i-"))
            n.instance_id = n.actor_arn.substr(slash + 1);
    }

    bool failed = !n.error_code.empty();
    if (n.action == "ConsoleLogin") {
        element resp = top("responseElements");
        if (Str(At(resp, "ConsoleLogin")) == "Failure")
            failed = true;
        std::string_view mfa_used = Str(At(top("additionalEventData"), "MFAUsed"));
        if (mfa_used == "Yes")
            n.mfa = "true";
        else if (mfa_used == "No")
            n.mfa = "false";
    }
    n.outcome = failed ? "failure" : "success";

    element resources = top("resources");
    simdjson::dom::array arr;
    if (resources.get_array().get(arr) == simdjson::SUCCESS && arr.size() > 0) {
        n.resource = Str(At(arr.at(0).value_unsafe(), "ARN"));
    }
    if (n.resource.empty()) {
        element req = top("requestParameters");
        std::string_view bucket = Str(At(req, "bucketName"));
        if (!bucket.empty()) {
            std::string_view key = Str(At(req, "key"));
            if (key.empty()) {
                n.resource = bucket;
            } else {
                scratch.resource.assign(bucket);
                scratch.resource += '/';
                scratch.resource += key;
                n.resource = scratch.resource;
            }
        } else {
            for (std::string_view k :
                 {"userName", "roleName", "functionName", "name", "trailName", "secretId",
                  "groupId", "instanceId", "detectorId", "keyId", "policyArn"}) {
                n.resource = Str(At(req, k));
                if (!n.resource.empty())
                    break;
            }
        }
    }
    if (n.instance_id.empty()) {
        std::string_view id = Str(At(top("requestParameters"), "instanceId"));
        if (StartsWith(id, "i-"))
            n.instance_id = id;
    }
}

const Format& CloudTrailFormat() {
    static const CloudTrailFormatImpl f;
    return f;
}
const Format& CloudTrailJsonlFormat() {
    static const CloudTrailJsonlFormatImpl f;
    return f;
}
const Format& CloudTrailDigestFormat() {
    static const CloudTrailDigestFormatImpl f;
    return f;
}

} // namespace cloudsift
