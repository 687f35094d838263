#include "sim/eval.h"

#include <simdjson.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

#include "common/sanitize.h"
#include "common/strings.h"

namespace cloudsift::sim {
namespace {

std::string GetStr(simdjson::dom::element obj, const char* key) {
    std::string_view v;
    if (obj[key].get_string().get(v) == simdjson::SUCCESS) return std::string(v);
    return {};
}

int64_t GetInt(simdjson::dom::element obj, const char* key, int64_t dflt) {
    int64_t v;
    if (obj[key].get_int64().get(v) == simdjson::SUCCESS) return v;
    uint64_t u;
    if (obj[key].get_uint64().get(u) == simdjson::SUCCESS) return int64_t(u);
    return dflt;
}

template <typename Fn>
void ForEachLine(std::string_view text, Fn&& fn) {
    size_t pos = 0, n = 0;
    while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = Trim(text.substr(pos, end - pos));
        ++n;
        if (!line.empty()) fn(line, n);
        pos = end + 1;
    }
}

std::string Fmt(double v, int prec) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", prec, v);
    return buf;
}

} // namespace

Result<std::vector<TruthEntry>> ParseTruth(std::string_view text) {
    std::vector<TruthEntry> out;
    simdjson::dom::parser parser;
    std::string err;
    ForEachLine(text, [&](std::string_view line, size_t n) {
        if (!err.empty()) return;
        simdjson::dom::element e;
        if (parser.parse(line.data(), line.size()).get(e) != simdjson::SUCCESS || !e.is_object()) {
            err = "truth line " + std::to_string(n) + " is not a JSON object";
            return;
        }
        TruthEntry t;
        t.scenario = GetStr(e, "scenario");
        t.step = int(GetInt(e, "step", 0));
        t.action = GetStr(e, "action");
        t.tactic = GetStr(e, "tactic");
        t.technique = GetStr(e, "technique");
        t.source_type = GetStr(e, "source_type");
        t.event_id = GetStr(e, "event_id");
        t.file = GetStr(e, "file");
        t.line = GetInt(e, "line", -1);
        t.index = GetInt(e, "index", -1);
        t.time = ParseIsoTime(GetStr(e, "time")).value_or(0);
        if (t.scenario.empty() || (t.event_id.empty() && (t.file.empty() || t.line < 0))) {
            err = "truth line " + std::to_string(n) + " lacks scenario or record reference";
            return;
        }
        out.push_back(std::move(t));
    });
    if (!err.empty()) return Error{"eval.truth", err};
    return out;
}

std::vector<FindingRef> ParseFindings(std::string_view text, uint64_t* bad) {
    std::vector<FindingRef> out;
    simdjson::dom::parser parser;
    ForEachLine(text, [&](std::string_view line, size_t) {
        simdjson::dom::element e;
        if (parser.parse(line.data(), line.size()).get(e) != simdjson::SUCCESS || !e.is_object()) {
            if (bad) ++*bad;
            return;
        }
        FindingRef f;
        f.time = ParseIsoTime(GetStr(e, "time")).value_or(0);
        f.rule_id = GetStr(e, "rule_id");
        f.event_id = GetStr(e, "event_id");
        f.file = GetStr(e, "file");
        f.line_or_index = uint64_t(GetInt(e, "line_or_index", 0));
        out.push_back(std::move(f));
    });
    return out;
}

EvalReport Evaluate(const std::vector<TruthEntry>& truth, const std::vector<FindingRef>& findings,
                    uint64_t benign_events) {
    EvalReport r;
    r.truth_records = truth.size();
    r.findings = findings.size();
    r.benign_events = benign_events;
    std::unordered_map<std::string, size_t> by_event;
    std::map<std::pair<std::string, int64_t>, size_t> by_pos; // (relative file, line or index)
    for (size_t i = 0; i < truth.size(); ++i) {
        const TruthEntry& t = truth[i];
        if (!t.event_id.empty()) by_event.emplace(t.event_id, i);
        if (!t.file.empty()) {
            int64_t pos = t.line >= 0 ? t.line : t.index;
            if (pos >= 0) by_pos.emplace(std::make_pair(t.file, pos), i);
        }
    }
    std::vector<TimeMs> first_hit(truth.size(), -1);
    std::vector<std::set<std::string>> rules(truth.size());
    std::map<std::string, uint64_t> fp_rules;
    auto match_file = [&](const FindingRef& f) -> std::optional<size_t> {
        if (f.file.empty()) return std::nullopt;
        std::string_view path = f.file;
        int64_t pos = int64_t(f.line_or_index);
        // Try every suffix that starts after a '/': the hunter may have seen an absolute path.
        for (size_t start = 0;;) {
            auto it = by_pos.find({std::string(path.substr(start)), pos});
            if (it != by_pos.end()) return it->second;
            size_t slash = path.find('/', start);
            if (slash == std::string_view::npos) return std::nullopt;
            start = slash + 1;
        }
    };
    for (const FindingRef& f : findings) {
        std::optional<size_t> hit;
        if (!f.event_id.empty()) {
            auto it = by_event.find(f.event_id);
            if (it != by_event.end()) hit = it->second;
        }
        if (!hit) hit = match_file(f);
        if (!hit) {
            ++r.false_positive_findings;
            ++fp_rules[f.rule_id];
            continue;
        }
        ++r.true_positive_findings;
        TimeMs t = f.time ? f.time : truth[*hit].time;
        if (first_hit[*hit] < 0 || t < first_hit[*hit]) first_hit[*hit] = t;
        rules[*hit].insert(f.rule_id);
    }
    // Group by (scenario, technique) in order of first appearance in truth.
    std::map<std::pair<std::string, std::string>, size_t> group;
    std::map<std::pair<std::string, int>, TimeMs> step_start;
    for (const TruthEntry& t : truth) {
        auto key = std::make_pair(t.scenario, t.step);
        auto it = step_start.find(key);
        if (it == step_start.end() || t.time < it->second) step_start[key] = t.time;
    }
    std::map<std::string, size_t> scen_index;
    for (size_t i = 0; i < truth.size(); ++i) {
        const TruthEntry& t = truth[i];
        auto key = std::make_pair(t.scenario, t.technique);
        auto it = group.find(key);
        if (it == group.end()) {
            TechniqueScore s;
            s.scenario = t.scenario;
            s.tactic = t.tactic;
            s.technique = t.technique;
            r.techniques.push_back(s);
            it = group.emplace(key, r.techniques.size() - 1).first;
        }
        TechniqueScore& s = r.techniques[it->second];
        if (std::find(s.steps.begin(), s.steps.end(), t.step) == s.steps.end())
            s.steps.push_back(t.step);
        ++s.records;
        if (first_hit[i] >= 0) {
            ++s.detected_records;
            s.detected = true;
            ++r.detected_records;
            int64_t delay = std::max<int64_t>(0, first_hit[i] - step_start[{t.scenario, t.step}]);
            if (s.delay_ms < 0 || delay < s.delay_ms) s.delay_ms = delay;
            for (auto& rule : rules[i])
                if (std::find(s.rules.begin(), s.rules.end(), rule) == s.rules.end())
                    s.rules.push_back(rule);
        }
        auto sit = scen_index.find(t.scenario);
        if (sit == scen_index.end()) {
            r.scenarios.push_back({t.scenario});
            sit = scen_index.emplace(t.scenario, r.scenarios.size() - 1).first;
        }
        ScenarioScore& sc = r.scenarios[sit->second];
        ++sc.records;
        if (first_hit[i] >= 0) ++sc.detected_records;
    }
    uint64_t detected_pairs = 0;
    for (auto& s : r.techniques) {
        std::sort(s.steps.begin(), s.steps.end());
        std::sort(s.rules.begin(), s.rules.end());
        ScenarioScore& sc = r.scenarios[scen_index[s.scenario]];
        ++sc.techniques;
        if (s.detected) ++sc.detected_techniques, ++detected_pairs;
    }
    r.recall = truth.empty() ? 0 : double(r.detected_records) / double(truth.size());
    r.technique_recall =
        r.techniques.empty() ? 0 : double(detected_pairs) / double(r.techniques.size());
    r.precision = findings.empty() ? 1.0 : double(r.true_positive_findings) / double(findings.size());
    r.fp_per_million = benign_events ? double(r.false_positive_findings) * 1e6 / double(benign_events)
                                     : 0;
    std::vector<std::pair<uint64_t, std::string>> noisy;
    for (auto& [rule, n] : fp_rules) noisy.emplace_back(n, rule);
    std::sort(noisy.begin(), noisy.end(), [](auto& a, auto& b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    for (size_t i = 0; i < noisy.size() && i < 10; ++i)
        r.fp_rules.push_back(noisy[i].second + " " + std::to_string(noisy[i].first));
    return r;
}

std::optional<uint64_t> ManifestBenignEvents(const std::filesystem::path& manifest) {
    std::ifstream in(manifest, std::ios::binary);
    if (!in) return std::nullopt;
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    simdjson::dom::parser parser;
    simdjson::dom::element e;
    if (parser.parse(text).get(e) != simdjson::SUCCESS) return std::nullopt;
    uint64_t v;
    if (e["benign_events"].get_uint64().get(v) != simdjson::SUCCESS) return std::nullopt;
    return v;
}

std::string EvalReportJson(const EvalReport& r) {
    std::string o = "{\"recall\":" + Fmt(r.recall, 4) +
                    ",\"technique_recall\":" + Fmt(r.technique_recall, 4) +
                    ",\"precision\":" + Fmt(r.precision, 4) +
                    ",\"fp_per_million\":" + Fmt(r.fp_per_million, 2) +
                    ",\"truth_records\":" + std::to_string(r.truth_records) +
                    ",\"detected_records\":" + std::to_string(r.detected_records) +
                    ",\"findings\":" + std::to_string(r.findings) +
                    ",\"true_positive_findings\":" + std::to_string(r.true_positive_findings) +
                    ",\"false_positive_findings\":" + std::to_string(r.false_positive_findings) +
                    ",\"benign_events\":" + std::to_string(r.benign_events) + ",\"scenarios\":[";
    for (size_t i = 0; i < r.scenarios.size(); ++i) {
        const auto& s = r.scenarios[i];
        o += std::string(i ? "," : "") + "{\"scenario\":";
        AppendJsonString(o, s.scenario);
        o += ",\"records\":" + std::to_string(s.records) +
             ",\"detected_records\":" + std::to_string(s.detected_records) +
             ",\"techniques\":" + std::to_string(s.techniques) +
             ",\"detected_techniques\":" + std::to_string(s.detected_techniques) + "}";
    }
    o += "],\"techniques\":[";
    for (size_t i = 0; i < r.techniques.size(); ++i) {
        const auto& t = r.techniques[i];
        o += std::string(i ? "," : "") + "{\"scenario\":";
        AppendJsonString(o, t.scenario);
        o += ",\"tactic\":";
        AppendJsonString(o, t.tactic);
        o += ",\"technique\":";
        AppendJsonString(o, t.technique);
        o += ",\"steps\":[";
        for (size_t k = 0; k < t.steps.size(); ++k) {
            if (k) o += ',';
            o += std::to_string(t.steps[k]);
        }
        o += "],\"records\":" + std::to_string(t.records) +
             ",\"detected_records\":" + std::to_string(t.detected_records) +
             ",\"detected\":" + (t.detected ? "true" : "false") + ",\"delay_seconds\":" +
             (t.delay_ms < 0 ? std::string("null") : Fmt(double(t.delay_ms) / 1000, 3)) +
             ",\"rules\":[";
        for (size_t k = 0; k < t.rules.size(); ++k) {
            if (k) o += ',';
            AppendJsonString(o, t.rules[k]);
        }
        o += "]}";
    }
    o += "],\"false_positive_rules\":[";
    for (size_t i = 0; i < r.fp_rules.size(); ++i) {
        if (i) o += ',';
        AppendJsonString(o, r.fp_rules[i]);
    }
    o += "]}\n";
    return o;
}

} // namespace cloudsift::sim
