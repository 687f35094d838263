#include "analytics/incident.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <map>
#include <numeric>
#include <set>
#include <span>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <xxhash.h>

#include "analytics/behavior.h"
#include "common/sanitize.h"
#include "common/strings.h"

namespace cloudsift::analytics {
namespace {

// Kill-chain position of a tactic (unknown tactics sort last).
int TacticRank(std::string_view t) {
    static const std::map<std::string_view, int> kRank = {
        {"reconnaissance", 0},  {"resource-development", 1},
        {"initial-access", 2},  {"execution", 3},
        {"persistence", 4},     {"privilege-escalation", 5},
        {"defense-evasion", 6}, {"credential-access", 7},
        {"discovery", 8},       {"lateral-movement", 9},
        {"collection", 10},     {"command-and-control", 11},
        {"exfiltration", 12},   {"impact", 13}};
    auto it = kRank.find(t);
    return it == kRank.end() ? 14 : it->second;
}

struct UnionFind {
    std::vector<uint32_t> parent;
    explicit UnionFind(uint32_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0u); }
    uint32_t Find(uint32_t x) {
        while (parent[x] != x)
            x = parent[x] = parent[parent[x]];
        return x;
    }
    void Union(uint32_t a, uint32_t b) {
        a = Find(a);
        b = Find(b);
        if (a != b)
            parent[std::max(a, b)] = std::min(a, b);
    }
};

// What the title of an incident looks for, gathered in one pass over its findings: substrings
// of rule ids, technique prefixes and event-name prefixes.
constexpr std::string_view kRuleMarks[] = {"CryptoCurrency",    "InstanceCredentialExfiltration",
                                           "ObjectDeletion",    "ObjectRead",
                                           "ConsoleBruteForce", "BulkSecretRead"};
constexpr std::string_view kTechniqueMarks[] = {"T1496.001", "T1496.004", "T1486", "T1537", "T1530",
                                                "T1110",     "T1555",     "T1552", "T1562"};
constexpr std::string_view kEventMarks[] = {"InvokeModel", "PutUseCaseForModelAccess",
                                            "CreateFunction", "PassRole"};

// A value no identity() returns (identities are text addresses or nullptr for empty texts).
const void* const kNoIdentity = &kNoIdentity;

// The identities of a group's texts met so far: each distinct text (a rule id, a tactic list …)
// is examined once per group, however its findings interleave with others in time. Consecutive
// findings mostly share their texts, which the last-seen check answers without hashing.
class SeenOnce {
public:
    //! Whether id is met for the first time.
    bool First(const void* id) {
        if (id == last_)
            return false;
        last_ = id;
        return seen_.insert(id).second;
    }

private:
    const void* last_ = kNoIdentity;
    std::unordered_set<const void*> seen_;
};

class GroupMarks {
public:
    //! Notes a finding of rule on event_name (findings sharing a rule, technique list or
    //! event name are looked at once).
    void Add(const RuleFields& rule, const SharedText& event_name) {
        if (rule_seen_.First(rule.id.identity()))
            for (size_t i = 0; i < std::size(kRuleMarks); ++i)
                if (rule.id.find(kRuleMarks[i]) != std::string::npos)
                    rules_ |= 1u << i;
        if (techniques_seen_.First(rule.techniques.identity()))
            for (const auto& t : rule.techniques)
                for (size_t i = 0; i < std::size(kTechniqueMarks); ++i)
                    if (StartsWith(t, kTechniqueMarks[i]))
                        techniques_ |= 1u << i;
        if (event_seen_.First(event_name.identity()))
            for (size_t i = 0; i < std::size(kEventMarks); ++i)
                if (StartsWith(event_name, kEventMarks[i]))
                    events_ |= 1u << i;
    }
    bool Rule(std::string_view mark) const { return Has(rules_, kRuleMarks, mark); }
    bool Technique(std::string_view mark) const { return Has(techniques_, kTechniqueMarks, mark); }
    bool Event(std::string_view mark) const { return Has(events_, kEventMarks, mark); }

private:
    template <size_t N>
    static bool Has(uint32_t bits, const std::string_view (&marks)[N], std::string_view mark) {
        for (size_t i = 0; i < N; ++i)
            if (marks[i] == mark)
                return bits >> i & 1u;
        return false; // not a known mark
    }
    uint32_t rules_ = 0, techniques_ = 0, events_ = 0;
    SeenOnce rule_seen_, techniques_seen_, event_seen_;
};

// first_title: the rule title of the group's first finding.
std::string DeriveTitle(const SharedText& first_title, const GroupMarks& m,
                        const std::vector<std::string>& tactics) {
    bool mining = m.Rule("CryptoCurrency") || m.Technique("T1496.001");
    bool stolen_instance = m.Rule("InstanceCredentialExfiltration");
    if (stolen_instance && mining)
        return "Stolen EC2 role credentials used to mine cryptocurrency";
    if (m.Event("InvokeModel") || m.Event("PutUseCaseForModelAccess") || m.Technique("T1496.004"))
        return "LLMjacking: stolen credentials used to invoke Bedrock models";
    if (mining)
        return "Cryptocurrency mining on cloud resources";
    if (m.Technique("T1486") || m.Rule("ObjectDeletion"))
        return "S3 ransomware: objects re-encrypted or destroyed";
    if (m.Technique("T1537"))
        return "Snapshots or images shared with a foreign account";
    if (m.Rule("ObjectRead") || m.Technique("T1530"))
        return "Leaked credentials used to exfiltrate S3 data";
    if (m.Rule("ConsoleBruteForce") || m.Technique("T1110"))
        return "Console password guessing followed by account takeover";
    if (m.Rule("BulkSecretRead") || m.Technique("T1555") || m.Technique("T1552"))
        return "Secrets harvested from Secrets Manager and Parameter Store";
    if (m.Event("CreateFunction") || m.Event("PassRole"))
        return "Privilege escalation through iam:PassRole and Lambda";
    if (m.Technique("T1562"))
        return "Security logging disabled to blind defenders";
    if (stolen_instance)
        return "Stolen EC2 instance credentials used outside the instance";
    if (tactics.empty())
        return first_title;
    if (tactics.size() == 1)
        return "Suspicious " + tactics.front() + " activity";
    return "Activity from " + tactics.front() + " to " + tactics.back();
}

} // namespace

namespace {
// Host-local logs (nginx, auth.log): one file per host, so the file names the host.
bool HostLocal(const Finding& f) {
    return !f.file.empty() && f.file.find("AWSLogs/") == std::string::npos &&
           f.source_type != "cloudtrail" && f.source_type != "cloudtrail-jsonl";
}

// The entity keys of a finding's texts; host_file is set for host-local logs only.
std::vector<std::string> KeysOf(const SharedText& actor, const SharedText& access_key,
                                const SharedText& source_ip, const SharedText& host_file) {
    std::vector<std::string> keys;
    if (!access_key.empty())
        keys.push_back("key:" + access_key);
    if (!actor.empty()) {
        keys.push_back("principal:" + actor);
        std::string_view a = actor;
        if (auto p = a.find(":assumed-role/"); p != std::string_view::npos) {
            std::string_view rest = a.substr(p + 14);
            keys.push_back("role:" + std::string(rest.substr(0, rest.find('/'))));
        }
        if (auto inst = InstanceSessionId(actor); !inst.empty())
            keys.push_back("instance:" + std::string(inst));
        else if (IsInstanceId(actor))
            keys.push_back("instance:" + actor); // host-level evidence (resolver, flow v5)
    }
    std::string_view ip = source_ip;
    if (!ip.empty() && ip != "AWS Internal" && ip != "-" &&
        ip.find(".amazonaws.com") == std::string_view::npos)
        keys.push_back("ip:" + source_ip);
    if (!host_file.empty())
        keys.push_back("host:" + host_file.substr(0, host_file.rfind("/var/log/")));
    return keys;
}
} // namespace

std::vector<std::string> EntityKeys(const Finding& f) {
    return KeysOf(f.actor, f.access_key, f.source_ip, HostLocal(f) ? f.file : SharedText());
}

size_t IncidentInput::KeyHash::operator()(const WhatKey& k) const {
    return std::hash<const void*>()(k.rule) * 1000003u ^
           std::hash<std::string_view>()(k.event_name);
}

size_t IncidentInput::KeyHash::operator()(const WhoKey& k) const {
    size_t h = 0;
    for (std::string_view t : k.text)
        h = h * 1000003u ^ std::hash<std::string_view>()(t);
    return h;
}

void IncidentInput::Add(const Finding& f) {
    // The file counts only for host-local logs (a "host:" key); leaving it out otherwise lets
    // the findings of one principal share a table entry across files.
    if (!host_set_ || f.file.identity() != host_file_.identity() ||
        f.source_type.identity() != host_source_.identity()) {
        host_set_ = true;
        host_file_ = f.file;
        host_source_ = f.source_type;
        host_local_ = HostLocal(f);
    }
    static const SharedText kNoText;
    const SharedText& host = host_local_ ? f.file : kNoText;
    Row row;
    static_assert(sizeof(Row) == 24, "one Row is held per finding");
    row.time = f.time;
    row.id = f.finding_id;
    auto same = [](const SharedText& a, const SharedText& b) {
        return a.identity() == b.identity();
    };
    if (last_what_ == UINT32_MAX || &*last_what_texts_.rule != &*f.rule ||
        !same(last_what_texts_.event_name, f.event_name)) {
        WhatKey key{&*f.rule, f.event_name.view()};
        auto it = what_ids_.find(key);
        if (it == what_ids_.end()) {
            what_.push_back({f.rule, f.event_name});
            key.event_name = what_.back().event_name.view();
            it = what_ids_.emplace(key, uint32_t(what_.size() - 1)).first;
        }
        last_what_ = it->second;
        last_what_texts_ = {f.rule, f.event_name};
    }
    row.what = last_what_;
    const Who& lw = last_who_texts_;
    if (last_who_ == UINT32_MAX || !same(lw.actor, f.actor) || !same(lw.access_key, f.access_key) ||
        !same(lw.source_ip, f.source_ip) || !same(lw.host_file, host) ||
        !same(lw.source_type, f.source_type)) {
        WhoKey key{{f.actor.view(), f.access_key.view(), f.source_ip.view(), host.view(),
                    f.source_type.view()}};
        auto it = who_ids_.find(key);
        if (it == who_ids_.end()) {
            who_.push_back({f.actor, f.access_key, f.source_ip, host, f.source_type});
            const Who& w = who_.back();
            key = {{w.actor.view(), w.access_key.view(), w.source_ip.view(), w.host_file.view(),
                    w.source_type.view()}};
            it = who_ids_.emplace(key, uint32_t(who_.size() - 1)).first;
        }
        last_who_ = it->second;
        last_who_texts_ = {f.actor, f.access_key, f.source_ip, host, f.source_type};
    }
    row.who = last_who_;
    rows_.push_back(row);
}

namespace {

// Entity keys as small integers: each distinct who entry of the input (actor, key, ip, host
// file, source type) gets its key list once, plus the aliases the analytics learned.
class EntityIndex {
public:
    EntityIndex(const std::vector<std::pair<std::string, std::string>>& links, size_t who) {
        for (const auto& [a, b] : links)
            alias_.emplace(Id(b), Id(a));
        keys_.resize(who);
    }
    //! Entity ids of a who entry: its own keys (the first own of them), then their aliases.
    struct Keys {
        std::vector<uint32_t> ids;
        size_t own = 0;
        bool built = false;
    };
    const Keys& Of(uint32_t who, const SharedText& actor, const SharedText& access_key,
                   const SharedText& source_ip, const SharedText& host_file) {
        Keys& k = keys_[who];
        if (!k.built) {
            k.built = true;
            for (auto& name : KeysOf(actor, access_key, source_ip, host_file))
                k.ids.push_back(Id(std::move(name)));
            k.own = k.ids.size();
            for (size_t i = 0, n = k.ids.size(); i < n; ++i)
                if (auto a = alias_.find(k.ids[i]); a != alias_.end())
                    k.ids.push_back(a->second);
        }
        return k;
    }
    const Keys& built(uint32_t who) const { return keys_[who]; }
    size_t size() const { return names_.size(); }
    const std::string& name(uint32_t id) const { return names_[id]; }

private:
    uint32_t Id(std::string k) {
        auto [it, inserted] = ids_.try_emplace(std::move(k), uint32_t(names_.size()));
        if (inserted)
            names_.push_back(it->first);
        return it->second;
    }
    std::unordered_map<std::string, uint32_t> ids_;
    std::vector<std::string> names_;
    std::unordered_map<uint32_t, uint32_t> alias_; // created identity → creator
    std::vector<Keys> keys_;                       // by who entry
};

} // namespace

std::vector<Incident>
BuildIncidents(const std::vector<Finding>& findings, const IncidentOptions& opt,
               const std::vector<std::pair<std::string, std::string>>& links) {
    IncidentInput input;
    input.Reserve(findings.size());
    for (const auto& f : findings)
        input.Add(f);
    return BuildIncidents(input, opt, links);
}

std::vector<Incident>
BuildIncidents(const IncidentInput& in, const IncidentOptions& opt,
               const std::vector<std::pair<std::string, std::string>>& links) {
    const auto& rows = in.rows_;
    const uint32_t n = uint32_t(rows.size());
    // Time order: hunts hand the findings sorted, so the order is only held when they are not.
    std::vector<uint32_t> order;
    if (!std::is_sorted(rows.begin(), rows.end(),
                        [](const auto& a, const auto& b) { return a.time < b.time; })) {
        order.resize(n);
        std::iota(order.begin(), order.end(), 0u);
        std::stable_sort(order.begin(), order.end(),
                         [&](uint32_t a, uint32_t b) { return rows[a].time < rows[b].time; });
    }
    auto nth = [&](uint32_t k) { return order.empty() ? k : order[k]; };
    EntityIndex entities(links, in.who_.size());
    UnionFind uf(n);
    constexpr uint32_t kNone = UINT32_MAX;
    std::vector<std::pair<uint32_t, TimeMs>> last; // entity → (latest finding, its time)
    uint32_t prev_who = kNone;                     // of the finding before (prev)
    uint32_t prev = kNone;
    for (uint32_t k = 0; k < n; ++k) {
        const uint32_t i = nth(k);
        const auto& r = rows[i];
        const auto& w = in.who_[r.who];
        const auto& keys = entities.Of(r.who, w.actor, w.access_key, w.source_ip, w.host_file);
        if (r.who == prev_who && !keys.ids.empty()) {
            // The entities of the finding before (another finding of its record, mostly): it is
            // every entity's latest finding, so one union with it does what one per entity would.
            if (r.time - rows[prev].time <= opt.gap_ms)
                uf.Union(i, prev);
            for (uint32_t k : keys.ids)
                last[k] = {i, r.time};
            prev = i;
            continue;
        }
        prev_who = r.who;
        prev = i;
        for (uint32_t k : keys.ids) {
            if (k >= last.size())
                last.resize(entities.size(), {kNone, 0});
            auto& l = last[k];
            if (l.first != kNone && r.time - l.second <= opt.gap_ms)
                uf.Union(i, l.first);
            l = {i, r.time};
        }
    }
    std::vector<std::pair<uint32_t, TimeMs>>().swap(last);
    // Groups in order of their root (the lowest finding index), members in time order, all
    // members in one array (a group's are a span of it).
    std::vector<uint32_t> group_of(n, UINT32_MAX); // by root
    std::vector<uint32_t> roots, sizes;            // by group, in order of first member
    for (uint32_t k = 0; k < n; ++k) {
        uint32_t root = uf.Find(nth(k));
        if (group_of[root] == UINT32_MAX) {
            group_of[root] = uint32_t(roots.size());
            roots.push_back(root);
            sizes.push_back(0);
        }
        ++sizes[group_of[root]];
    }
    std::vector<uint32_t> start(roots.size()), filled(roots.size(), 0), grouped(n);
    for (size_t g = 1; g < roots.size(); ++g)
        start[g] = start[g - 1] + sizes[g - 1];
    for (uint32_t k = 0; k < n; ++k) {
        const uint32_t i = nth(k), g = group_of[uf.Find(i)];
        grouped[start[g] + filled[g]++] = i;
    }
    std::vector<uint32_t>().swap(group_of);
    std::vector<uint32_t>().swap(order);
    std::vector<uint32_t>().swap(filled);
    std::vector<std::pair<uint32_t, std::span<const uint32_t>>> groups(roots.size());
    for (size_t g = 0; g < roots.size(); ++g)
        groups[g] = {roots[g], std::span<const uint32_t>(grouped.data() + start[g], sizes[g])};
    std::sort(groups.begin(), groups.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });

    // Each group's incident is built on its own (the entity index and keys are only read), on
    // up to opt.threads threads; the biggest groups are handed out first.
    auto build = [&](std::span<const uint32_t> members) {
        Incident inc;
        inc.first_seen = rows[members.front()].time;
        inc.last_seen = rows[members.back()].time;
        std::set<std::string> ents, srcs;
        std::set<uint32_t> seen;
        int max_level = 0;
        bool root_actor = false, admin = false;
        // The incident id hashes the finding ids' digits in order, streamed.
        XXH3_state_t* id_state = XXH3_createState();
        XXH3_64bits_reset(id_state);
        inc.finding_ids.reserve(members.size());
        GroupMarks marks;
        SeenOnce tactics_seen, source_seen, level_seen, actor_seen, event_seen;
        SeenOnce keys_seen;
        for (uint32_t m : members) {
            const auto& r = rows[m];
            const auto& what = in.what_[r.what];
            const RuleFields& rule = *what.rule;
            const auto& w = in.who_[r.who];
            const SharedText& event_name = what.event_name;
            inc.finding_ids.push_back(r.id);
            auto hex = r.id.hex();
            XXH3_64bits_update(id_state, hex.digits, hex.size);
            marks.Add(rule, event_name);
            if (tactics_seen.First(rule.tactics.identity()))
                for (const auto& t : rule.tactics)
                    if (std::find(inc.tactics.begin(), inc.tactics.end(), t) == inc.tactics.end())
                        inc.tactics.push_back(t);
            const auto& keys = entities.built(r.who);
            if (keys_seen.First(&keys)) {
                for (size_t j = 0; j < keys.own; ++j) {
                    uint32_t k = keys.ids[j];
                    if (!seen.insert(k).second)
                        continue;
                    const std::string& name = entities.name(k);
                    if (!StartsWith(name, "host:") || ents.size() < 64)
                        ents.insert(name);
                }
            }
            if (source_seen.First(w.source_type.identity()) && !w.source_type.empty())
                srcs.insert(w.source_type);
            if (level_seen.First(rule.level.identity()))
                max_level = std::max(max_level, LevelRank(rule.level));
            if (actor_seen.First(w.actor.identity()) && w.actor.find(":root") != std::string::npos)
                root_actor = true;
            if (event_seen.First(event_name.identity()) &&
                (event_name == "AttachUserPolicy" || event_name == "PutUserPolicy" ||
                 event_name == "AttachRolePolicy"))
                admin = true;
        }
        const FindingId id =
            FindingId::FromValue(std::max<uint64_t>(1, XXH3_64bits_digest(id_state)));
        XXH3_freeState(id_state);
        inc.entities.assign(ents.begin(), ents.end());
        inc.sources.assign(srcs.begin(), srcs.end());
        // Score: level, tactic progression, sources, privilege, corroboration.
        int score = std::max(0, max_level) * 12;
        inc.reasons.push_back("highest finding level " + std::to_string(max_level) + "/4");
        int furthest = -1;
        for (const auto& t : inc.tactics)
            furthest = std::max(furthest, TacticRank(t));
        if (inc.tactics.size() > 1) {
            score += std::min<int>(20, int(inc.tactics.size()) * 4);
            inc.reasons.push_back(std::to_string(inc.tactics.size()) + " ATT&CK tactics");
        }
        if (furthest >= 12) {
            score += 15;
            inc.reasons.push_back("progressed to " +
                                  std::string(furthest == 13 ? "impact" : "exfiltration"));
        }
        if (inc.sources.size() > 1) {
            score += std::min<int>(15, int(inc.sources.size()) * 5);
            inc.reasons.push_back(std::to_string(inc.sources.size()) + " log sources");
        }
        if (root_actor || admin) {
            score += 10;
            inc.reasons.push_back(root_actor ? "root principal involved"
                                             : "administrator privileges granted");
        }
        if (members.size() >= 5) {
            score += 5;
            inc.reasons.push_back(std::to_string(members.size()) + " corroborating findings");
        }
        inc.score = std::min(100, score);
        inc.severity = inc.score >= 80   ? "critical"
                       : inc.score >= 60 ? "high"
                       : inc.score >= 35 ? "medium"
                                         : "low";
        inc.title =
            DeriveTitle(in.what_[rows[members.front()].what].rule->title, marks, inc.tactics);
        inc.incident_id = "INC-" + id.str().substr(0, 12);
        return inc;
    };
    std::vector<size_t> todo;
    for (size_t g = 0; g < groups.size(); ++g)
        if (groups[g].second.size() > 1 || opt.singletons)
            todo.push_back(g);
    std::vector<Incident> built(groups.size());
    const size_t threads = std::max<size_t>(1, std::min<size_t>(opt.threads, todo.size()));
    if (threads == 1) {
        for (size_t g : todo)
            built[g] = build(groups[g].second);
    } else {
        std::stable_sort(todo.begin(), todo.end(), [&](size_t a, size_t b) {
            return groups[a].second.size() > groups[b].second.size();
        });
        std::atomic<size_t> next{0};
        auto work = [&] {
            for (size_t k; (k = next.fetch_add(1)) < todo.size();)
                built[todo[k]] = build(groups[todo[k]].second);
        };
        std::vector<std::thread> pool;
        for (size_t t = 1; t < threads; ++t)
            pool.emplace_back(work);
        work();
        for (auto& t : pool)
            t.join();
    }
    std::vector<Incident> out;
    for (size_t g = 0; g < groups.size(); ++g)
        if (groups[g].second.size() > 1 || opt.singletons)
            out.push_back(std::move(built[g]));
    std::stable_sort(out.begin(), out.end(), [](const Incident& a, const Incident& b) {
        if (a.score != b.score)
            return a.score > b.score;
        return a.first_seen < b.first_seen;
    });
    return out;
}

void AppendIncidentJson(std::string& out, const Incident& inc) {
    auto list = [&](const char* name, const auto& v) {
        out += ",\"";
        out += name;
        out += "\":[";
        for (size_t i = 0; i < v.size(); ++i) {
            if (i)
                out += ',';
            AppendJsonString(out, v[i]);
        }
        out += ']';
    };
    out += "{\"incident_id\":";
    AppendJsonString(out, inc.incident_id);
    out += ",\"severity\":";
    AppendJsonString(out, inc.severity);
    out += ",\"score\":" + std::to_string(inc.score);
    out += ",\"title\":";
    AppendJsonString(out, inc.title);
    out += ",\"first_seen\":";
    AppendJsonString(out, FormatIsoTime(inc.first_seen, true));
    out += ",\"last_seen\":";
    AppendJsonString(out, FormatIsoTime(inc.last_seen, true));
    list("tactics", inc.tactics);
    list("entities", inc.entities);
    list("sources", inc.sources);
    list("reasons", inc.reasons);
    std::vector<std::string> ids;
    for (const auto& id : inc.finding_ids)
        ids.push_back(id.str());
    list("finding_ids", ids);
    out += '}';
}

} // namespace cloudsift::analytics
