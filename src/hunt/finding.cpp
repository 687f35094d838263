#include "hunt/finding.h"

#include "common/sanitize.h"

namespace cloudsift {

int LevelRank(std::string_view level) {
    if (level == "informational") return 0;
    if (level == "low") return 1;
    if (level == "medium") return 2;
    if (level == "high") return 3;
    if (level == "critical") return 4;
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
        if (i) out += ',';
        AppendJsonString(out, v[i]);
    }
    out += ']';
}
} // namespace

void AppendFindingJson(std::string& out, const Finding& f) {
    out += "{\"time\":";
    AppendJsonString(out, f.time ? FormatIsoTime(f.time, true) : "");
    StrField(out, "finding_id", f.finding_id);
    StrField(out, "rule_id", f.rule_id);
    StrField(out, "rule_title", f.rule_title);
    StrField(out, "level", f.level);
    ListField(out, "tags", f.tags);
    ListField(out, "tactics", f.tactics);
    ListField(out, "techniques", f.techniques);
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
