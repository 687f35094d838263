#include "hunt/finding.h"

#include <xxhash.h>

#include "common/sanitize.h"
#include "formats/format.h"

namespace cloudsift {

std::string StableId(std::string_view key) {
    return FindingId::Of(key).str();
}

FindingId FindingId::Of(std::string_view key) {
    FindingId id;
    id.value_ = XXH3_64bits(key.data(), key.size());
    if (id.value_ == 0)
        id.value_ = 1;
    return id;
}

FindingId::Hex FindingId::hex() const {
    static const char kHex[] = "0123456789abcdef";
    Hex out{};
    if (empty())
        return out;
    uint64_t h = value_;
    for (int i = 15; i >= 0; --i, h >>= 4)
        out.digits[size_t(i)] = kHex[h & 15];
    out.size = 16;
    return out;
}

void FillEvidence(Evidence& f, const Record& rec, const SharedText& file, TextInterner* interner) {
    const Normalized& n = rec.norm;
    // One interner slot per field: consecutive records often repeat a field's value.
    auto text = [&](std::string_view s, size_t slot) {
        return interner ? interner->Get(s, slot) : SharedText(s);
    };
    f.time = n.time;
    f.event_id = SharedText(n.event_id); // unique per event: interning would only cost
    f.event_name = text(n.action, 0);
    f.event_source = text(n.service, 1);
    f.source_type = text(n.source_type, 2);
    f.actor = text(!n.actor_arn.empty() ? n.actor_arn : n.actor_name, 3);
    f.access_key = text(n.access_key, 4);
    f.source_ip = text(n.src_ip, 5);
    f.user_agent = text(n.user_agent, 6);
    f.account = text(n.account, 7);
    f.region = text(n.region, 8);
    f.file = file;
    f.line_or_index = rec.line ? rec.line : rec.index;
}

int LevelRank(std::string_view level) {
    if (level == "informational")
        return 0;
    if (level == "low")
        return 1;
    if (level == "medium")
        return 2;
    if (level == "high")
        return 3;
    if (level == "critical")
        return 4;
    return -1;
}

namespace {
void Key(std::string& out, std::string_view k) {
    out += ',';
    AppendJsonString(out, k);
    out += ':';
}
void StrField(std::string& out, std::string_view k, std::string_view v) {
    Key(out, k);
    AppendJsonString(out, v);
}
void ListField(std::string& out, std::string_view k, const std::vector<std::string>& v) {
    Key(out, k);
    out += '[';
    for (size_t i = 0; i < v.size(); ++i) {
        if (i)
            out += ',';
        AppendJsonString(out, v[i]);
    }
    out += ']';
}
} // namespace

void AppendFindingJson(std::string& out, const Finding& f) {
    out += "{\"time\":";
    AppendJsonString(out, f.time ? FormatIsoTime(f.time, true) : "");
    StrField(out, "finding_id", f.finding_id.hex());
    StrField(out, "rule_id", f.rule_id());
    StrField(out, "rule_title", f.rule_title());
    StrField(out, "level", f.level());
    ListField(out, "tags", f.tags());
    ListField(out, "tactics", f.tactics());
    ListField(out, "techniques", f.techniques());
    StrField(out, "event_id", f.event_id);
    StrField(out, "event_name", f.event_name);
    StrField(out, "event_source", f.event_source);
    StrField(out, "source_type", f.source_type);
    StrField(out, "actor", f.actor);
    StrField(out, "access_key", f.access_key);
    StrField(out, "source_ip", f.source_ip);
    StrField(out, "user_agent", f.user_agent);
    StrField(out, "account", f.account);
    StrField(out, "region", f.region);
    StrField(out, "file", f.file);
    Key(out, "line_or_index");
    out += std::to_string(f.line_or_index);
    out += '}';
}

} // namespace cloudsift
static_assert(sizeof(cloudsift::Finding) <= 120, "a Finding grew: millions are held at once");
