#include "analytics/incident.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <map>
#include <numeric>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>

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
    std::vector<size_t> parent;
    explicit UnionFind(size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
    size_t Find(size_t x) {
        while (parent[x] != x)
            x = parent[x] = parent[parent[x]];
        return x;
    }
    void Union(size_t a, size_t b) {
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
    //! Notes f (findings sharing a rule, technique list or event name are looked at once).
    void Add(const Finding& f) {
        if (rule_seen_.First(f.rule_id().identity()))
            for (size_t i = 0; i < std::size(kRuleMarks); ++i)
                if (f.rule_id().find(kRuleMarks[i]) != std::string::npos)
                    rules_ |= 1u << i;
        if (techniques_seen_.First(f.techniques().identity()))
            for (const auto& t : f.techniques())
                for (size_t i = 0; i < std::size(kTechniqueMarks); ++i)
                    if (StartsWith(t, kTechniqueMarks[i]))
                        techniques_ |= 1u << i;
        if (event_seen_.First(f.event_name.identity()))
            for (size_t i = 0; i < std::size(kEventMarks); ++i)
                if (StartsWith(f.event_name, kEventMarks[i]))
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

std::string DeriveTitle(const std::vector<const Finding*>& fs, const GroupMarks& m,
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
        return fs.front()->rule_title();
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
} // namespace

std::vector<std::string> EntityKeys(const Finding& f) {
    std::vector<std::string> keys;
    if (!f.access_key.empty())
        keys.push_back("key:" + f.access_key);
    if (!f.actor.empty()) {
        keys.push_back("principal:" + f.actor);
        std::string_view a = f.actor;
        if (auto p = a.find(":assumed-role/"); p != std::string_view::npos) {
            std::string_view rest = a.substr(p + 14);
            keys.push_back("role:" + std::string(rest.substr(0, rest.find('/'))));
        }
        if (auto inst = InstanceSessionId(f.actor); !inst.empty())
            keys.push_back("instance:" + std::string(inst));
        else if (IsInstanceId(f.actor))
            keys.push_back("instance:" + f.actor); // host-level evidence (resolver, flow v5)
    }
    std::string_view ip = f.source_ip;
    if (!ip.empty() && ip != "AWS Internal" && ip != "-" &&
        ip.find(".amazonaws.com") == std::string_view::npos)
        keys.push_back("ip:" + f.source_ip);
    if (HostLocal(f))
        keys.push_back("host:" + f.file.substr(0, f.file.rfind("/var/log/")));
    return keys;
}

namespace {

// Entity keys as small integers, memoized per distinct (actor, key, ip, file, source type) text
// identity: findings share interned text, so a run of a million findings builds a few thousand
// key lists instead of a million.
class EntityIndex {
public:
    explicit EntityIndex(const std::vector<std::pair<std::string, std::string>>& links) {
        for (const auto& [a, b] : links)
            alias_.emplace(Id(b), Id(a));
    }
    //! Entity ids of f: its own keys (the first own of them), then their aliases.
    struct Keys {
        std::vector<uint32_t> ids;
        size_t own = 0;
    };
    const Keys& Of(const Finding& f) {
        // The file counts only for host-local logs (a "host:" key); leaving it out otherwise
        // lets the findings of one principal share a memo entry across files.
        if (f.file.identity() != host_file_ || f.source_type.identity() != host_source_) {
            host_file_ = f.file.identity();
            host_source_ = f.source_type.identity();
            host_local_ = HostLocal(f);
        }
        Memo key{f.actor.identity(), f.access_key.identity(), f.source_ip.identity(),
                 host_local_ ? f.file.identity() : nullptr, f.source_type.identity()};
        // The findings of one record are adjacent and share every one of these texts.
        if (last_ && key == last_key_)
            return *last_;
        auto [it, inserted] = memo_.try_emplace(key);
        last_key_ = key;
        last_ = &it->second;
        if (inserted) {
            auto& ids = it->second.ids;
            for (auto& k : EntityKeys(f))
                ids.push_back(Id(std::move(k)));
            it->second.own = ids.size();
            for (size_t i = 0, n = ids.size(); i < n; ++i)
                if (auto a = alias_.find(ids[i]); a != alias_.end())
                    ids.push_back(a->second);
        }
        return it->second;
    }
    size_t size() const { return names_.size(); }
    const std::string& name(uint32_t id) const { return names_[id]; }

private:
    struct Memo {
        const void* p[5];
        bool operator==(const Memo& o) const { return std::equal(p, p + 5, o.p); }
    };
    struct MemoHash {
        size_t operator()(const Memo& m) const {
            size_t h = 0;
            for (const void* x : m.p)
                h = h * 1000003u ^ std::hash<const void*>()(x);
            return h;
        }
    };
    uint32_t Id(std::string k) {
        auto [it, inserted] = ids_.try_emplace(std::move(k), uint32_t(names_.size()));
        if (inserted)
            names_.push_back(it->first);
        return it->second;
    }
    std::unordered_map<std::string, uint32_t> ids_;
    std::vector<std::string> names_;
    std::unordered_map<uint32_t, uint32_t> alias_; // created identity → creator
    std::unordered_map<Memo, Keys, MemoHash> memo_;
    const void* host_file_ = nullptr;   // file and source type HostLocal() last looked at
    const void* host_source_ = nullptr; //
    bool host_local_ = false;           // its answer
    Memo last_key_{};
    const Keys* last_ = nullptr; // memo_ entry of last_key_ (map nodes do not move)
};

} // namespace

std::vector<Incident>
BuildIncidents(const std::vector<Finding>& findings, const IncidentOptions& opt,
               const std::vector<std::pair<std::string, std::string>>& links) {
    std::vector<size_t> order(findings.size());
    std::iota(order.begin(), order.end(), 0);
    auto by_time = [&](size_t a, size_t b) { return findings[a].time < findings[b].time; };
    if (!std::is_sorted(order.begin(), order.end(), by_time)) // hunts hand them sorted
        std::stable_sort(order.begin(), order.end(), by_time);
    EntityIndex entities(links);
    UnionFind uf(findings.size());
    constexpr size_t kNone = SIZE_MAX;
    std::vector<const EntityIndex::Keys*> keys_of(findings.size());
    std::vector<std::pair<size_t, TimeMs>> last;  // entity → (latest finding, its time)
    const EntityIndex::Keys* prev_keys = nullptr; // of the finding before (prev)
    size_t prev = kNone;
    for (size_t i : order) {
        const Finding& f = findings[i];
        keys_of[i] = &entities.Of(f); // map nodes: the address stays valid
        if (keys_of[i] == prev_keys && !prev_keys->ids.empty()) {
            // The entities of the finding before (another finding of its record, mostly): it is
            // every entity's latest finding, so one union with it does what one per entity would.
            if (f.time - findings[prev].time <= opt.gap_ms)
                uf.Union(i, prev);
            for (uint32_t k : prev_keys->ids)
                last[k] = {i, f.time};
            prev = i;
            continue;
        }
        prev_keys = keys_of[i];
        prev = i;
        for (uint32_t k : keys_of[i]->ids) {
            if (k >= last.size())
                last.resize(entities.size(), {kNone, 0});
            auto& l = last[k];
            if (l.first != kNone && f.time - l.second <= opt.gap_ms)
                uf.Union(i, l.first);
            l = {i, f.time};
        }
    }
    // Groups in order of their root (the lowest finding index), members in time order.
    std::vector<uint32_t> group_of(findings.size(), UINT32_MAX);
    std::vector<std::pair<size_t, std::vector<size_t>>> groups;
    for (size_t i : order) {
        size_t root = uf.Find(i);
        if (group_of[root] == UINT32_MAX) {
            group_of[root] = uint32_t(groups.size());
            groups.emplace_back(root, std::vector<size_t>());
        }
        groups[group_of[root]].second.push_back(i);
    }
    std::sort(groups.begin(), groups.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });

    // Each group's incident is built on its own (the entity index and keys are only read), on
    // up to opt.threads threads; the biggest groups are handed out first.
    auto build = [&](const std::vector<size_t>& members) {
        std::vector<const Finding*> fs;
        fs.reserve(members.size());
        for (size_t i : members)
            fs.push_back(&findings[i]);
        Incident inc;
        inc.first_seen = fs.front()->time;
        inc.last_seen = fs.back()->time;
        std::set<std::string> ents, srcs;
        std::set<uint32_t> seen;
        int max_level = 0;
        bool root_actor = false, admin = false;
        std::string id_key;
        inc.finding_ids.reserve(fs.size());
        GroupMarks marks;
        SeenOnce tactics_seen, source_seen, level_seen, actor_seen, event_seen;
        SeenOnce keys_seen;
        for (size_t m = 0; m < fs.size(); ++m) {
            const Finding* f = fs[m];
            inc.finding_ids.push_back(f->finding_id);
            id_key.append(f->finding_id.hex().view());
            marks.Add(*f);
            if (tactics_seen.First(f->tactics().identity()))
                for (const auto& t : f->tactics())
                    if (std::find(inc.tactics.begin(), inc.tactics.end(), t) == inc.tactics.end())
                        inc.tactics.push_back(t);
            const auto& keys = *keys_of[members[m]];
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
            if (source_seen.First(f->source_type.identity()) && !f->source_type.empty())
                srcs.insert(f->source_type);
            if (level_seen.First(f->level().identity()))
                max_level = std::max(max_level, LevelRank(f->level()));
            if (actor_seen.First(f->actor.identity()) &&
                f->actor.find(":root") != std::string::npos)
                root_actor = true;
            if (event_seen.First(f->event_name.identity()) &&
                (f->event_name == "AttachUserPolicy" || f->event_name == "PutUserPolicy" ||
                 f->event_name == "AttachRolePolicy"))
                admin = true;
        }
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
        if (fs.size() >= 5) {
            score += 5;
            inc.reasons.push_back(std::to_string(fs.size()) + " corroborating findings");
        }
        inc.score = std::min(100, score);
        inc.severity = inc.score >= 80   ? "critical"
                       : inc.score >= 60 ? "high"
                       : inc.score >= 35 ? "medium"
                                         : "low";
        inc.title = DeriveTitle(fs, marks, inc.tactics);
        inc.incident_id = "INC-" + StableId(id_key).substr(0, 12);
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
