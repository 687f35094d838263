#include "analytics/incident.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <deque>
#include <limits>
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

namespace {

// Entity keys as small integers: each distinct who entry of the input (actor, key, ip, host
// file, source type) gets its key list once, plus the aliases the analytics learned.
class EntityIndex {
public:
    explicit EntityIndex(const std::vector<std::pair<std::string, std::string>>& links) {
        for (const auto& [a, b] : links)
            alias_.emplace(Id(b), Id(a));
    }
    //! Appends to ids the entity ids of these texts: their own keys, then their aliases;
    //! returns how many are their own.
    size_t KeysOf(const SharedText& actor, const SharedText& access_key,
                  const SharedText& source_ip, const SharedText& host_file,
                  std::vector<uint32_t>& ids) {
        const size_t from = ids.size();
        for (auto& name : analytics::KeysOf(actor, access_key, source_ip, host_file))
            ids.push_back(Id(std::move(name)));
        const size_t own = ids.size() - from;
        for (size_t i = from, n = ids.size(); i < n; ++i)
            if (auto a = alias_.find(ids[i]); a != alias_.end())
                ids.push_back(a->second);
        return own;
    }
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
};

// What was detected: the rule and the event name.
struct What {
    SharedRule rule;
    SharedText event_name;
};
// The texts entity keys are made of (host_file only for host-local logs).
struct WhoTexts {
    SharedText actor, access_key, source_ip, host_file, source_type;
};
// A distinct who entry, held without its texts: its entity ids (a span of one pool: its own
// keys, then their aliases), its source type (an index into a small table) and whether the
// actor is an account's root.
struct Who {
    uint32_t keys_at = 0;
    uint16_t keys = 0, own = 0;
    uint16_t source = 0;
    bool root = false;
};
// What table keys: the event name (found by content: texts read back from temporary files are
// copies) and the rule's identity (rules differ by more than their texts).
struct WhatKey {
    const void* rule;
    std::string_view event_name;
    bool operator==(const WhatKey&) const = default;
};
struct KeyHash {
    size_t operator()(const WhatKey& k) const {
        return std::hash<const void*>()(k.rule) * 1000003u ^
               std::hash<std::string_view>()(k.event_name);
    }
};

constexpr uint32_t kNone = UINT32_MAX;

// A set of 64-bit values by open addressing: 8 bytes a slot in one array (millions of entries
// without a node each), kept at most half full. kEmpty itself cannot be held.
class FlatSet {
public:
    static constexpr uint64_t kEmpty = UINT64_MAX;
    //! Inserts v (not kEmpty); whether it was not there yet.
    bool Insert(uint64_t v) {
        if (2 * (size_ + 1) > slots_.size())
            Grow();
        const size_t mask = slots_.size() - 1;
        for (size_t i = Hash(v) & mask;; i = (i + 1) & mask) {
            if (slots_[i] == v)
                return false;
            if (slots_[i] == kEmpty) {
                slots_[i] = v;
                ++size_;
                return true;
            }
        }
    }

private:
    static size_t Hash(uint64_t v) {
        v *= 0x9E3779B97F4A7C15ull;
        return size_t(v ^ (v >> 29));
    }
    void Grow() {
        std::vector<uint64_t> old(std::max<size_t>(64, slots_.size() * 2), kEmpty);
        old.swap(slots_);
        size_ = 0;
        for (uint64_t v : old)
            if (v != kEmpty)
                Insert(v);
    }
    std::vector<uint64_t> slots_;
    size_t size_ = 0;
};

// 128-bit digests to small integers by open addressing: 24 bytes a slot in one array, kept at
// most half full.
class DigestMap {
public:
    //! The value of digest d, or kNone.
    uint32_t Find(const XXH128_hash_t& d) const {
        if (slots_.empty())
            return kNone;
        const size_t mask = slots_.size() - 1;
        for (size_t i = size_t(d.low64) & mask;; i = (i + 1) & mask) {
            const Slot& s = slots_[i];
            if (s.value == kNone)
                return kNone;
            if (s.low == d.low64 && s.high == d.high64)
                return s.value;
        }
    }
    //! Sets the value of d (not present yet).
    void Insert(const XXH128_hash_t& d, uint32_t value) {
        if (2 * (size_ + 1) > slots_.size())
            Grow();
        const size_t mask = slots_.size() - 1;
        size_t i = size_t(d.low64) & mask;
        while (slots_[i].value != kNone)
            i = (i + 1) & mask;
        slots_[i] = {d.low64, d.high64, value};
        ++size_;
    }

private:
    struct Slot {
        uint64_t low = 0, high = 0;
        uint32_t value = kNone;
    };
    void Grow() {
        std::vector<Slot> old(std::max<size_t>(64, slots_.size() * 2));
        old.swap(slots_);
        size_ = 0;
        for (const Slot& s : old)
            if (s.value != kNone)
                Insert({s.low, s.high}, s.value);
    }
    std::vector<Slot> slots_;
    size_t size_ = 0;
};

} // namespace

// Findings are linked through episodes: for each entity key, a run of findings carrying it,
// each within the gap of the one before. A finding joins (or starts) one episode per key and
// ties them together (union-find over episodes), so two findings end in one incident exactly
// when a chain of shared keys within the gap joins them. Of each finding only its id and the
// episode of its first key are kept; what the incident reports is gathered per distinct
// (episode, what, who) sighting, in the order of first sight.
struct IncidentInput::State {
    IncidentOptions options;
    EntityIndex entities;
    std::vector<What> what;
    std::deque<Who> who;            // (addresses stay: they tell entries apart in SeenOnce)
    std::vector<uint32_t> who_keys; // the entity ids of every who entry
    std::deque<SharedText> sources; // distinct source types (addresses stay, as above)
    // What entries by key (the views are of the texts the entries hold); who entries by the
    // 128-bit XXH3 digest of their texts (each with its length before it), not the texts:
    // millions of distinct principal / key / address entries are held in a few bytes each.
    std::unordered_map<WhatKey, uint32_t, KeyHash> what_ids;
    DigestMap who_ids;
    std::string digest_scratch;
    // The last finding's what and who entries and the texts they were found for (held, so
    // that their identities are not reused meanwhile): its neighbours mostly share them.
    What last_what_texts;
    WhoTexts last_who_texts;
    uint32_t last_what = kNone, last_who = kNone;
    // The file and source type whose host-locality was last decided (held, so that their
    // identities are not reused meanwhile), and the answer.
    bool host_set = false, host_local = false;
    SharedText host_file, host_source;

    // Per entity key: its current episode and the time of its latest finding.
    struct KeyState {
        uint32_t episode = kNone;
        TimeMs last = 0;
    };
    std::vector<KeyState> keys;
    // Per episode: its union-find parent and the times of the first and last findings that
    // were kept under it.
    std::vector<uint32_t> parent;
    std::vector<TimeMs> first_time, last_time;
    // Per finding, in the order added: the episode it is kept under, and its id.
    std::vector<uint32_t> member_episode;
    std::vector<FindingId> member_id;
    // Distinct (episode, what, who) in order of first sight.
    struct Sight {
        uint32_t episode, what, who;
    };
    std::vector<Sight> sights;
    FlatSet sighted; // (episode, what, who) packed
    // The finding before: its who entry, time, episode and sighting.
    uint32_t prev_who = kNone, prev_episode = kNone;
    TimeMs prev_time = 0;
    Sight prev_sight{kNone, kNone, kNone};

    State(const IncidentOptions& o, const std::vector<std::pair<std::string, std::string>>& l)
        : options(o), entities(l) {}

    uint32_t NewEpisode() {
        parent.push_back(uint32_t(parent.size()));
        first_time.push_back(std::numeric_limits<TimeMs>::max());
        last_time.push_back(std::numeric_limits<TimeMs>::min());
        return parent.back();
    }
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
    uint32_t WhatOf(const Finding& f);
    uint32_t WhoOf(const Finding& f);
};

uint32_t IncidentInput::State::WhatOf(const Finding& f) {
    if (last_what == kNone || &*last_what_texts.rule != &*f.rule ||
        last_what_texts.event_name.identity() != f.event_name.identity()) {
        WhatKey key{&*f.rule, f.event_name.view()};
        auto it = what_ids.find(key);
        if (it == what_ids.end()) {
            what.push_back({f.rule, f.event_name});
            key.event_name = what.back().event_name.view();
            it = what_ids.emplace(key, uint32_t(what.size() - 1)).first;
        }
        last_what = it->second;
        last_what_texts = {f.rule, f.event_name};
    }
    return last_what;
}

uint32_t IncidentInput::State::WhoOf(const Finding& f) {
    // The file counts only for host-local logs (a "host:" key); leaving it out otherwise lets
    // the findings of one principal share a table entry across files.
    if (!host_set || f.file.identity() != host_file.identity() ||
        f.source_type.identity() != host_source.identity()) {
        host_set = true;
        host_file = f.file;
        host_source = f.source_type;
        host_local = HostLocal(f);
    }
    static const SharedText kNoText;
    const SharedText& host = host_local ? f.file : kNoText;
    auto same = [](const SharedText& a, const SharedText& b) {
        return a.identity() == b.identity();
    };
    const WhoTexts& lw = last_who_texts;
    if (last_who == kNone || !same(lw.actor, f.actor) || !same(lw.access_key, f.access_key) ||
        !same(lw.source_ip, f.source_ip) || !same(lw.host_file, host) ||
        !same(lw.source_type, f.source_type)) {
        digest_scratch.clear();
        for (const SharedText* t : {&f.actor, &f.access_key, &f.source_ip, &host, &f.source_type}) {
            const uint64_t n = t->size();
            digest_scratch.append(reinterpret_cast<const char*>(&n), sizeof n);
            digest_scratch.append(t->view());
        }
        const XXH128_hash_t digest = XXH3_128bits(digest_scratch.data(), digest_scratch.size());
        last_who = who_ids.Find(digest);
        if (last_who == kNone) {
            Who w;
            w.keys_at = uint32_t(who_keys.size());
            w.own = uint16_t(entities.KeysOf(f.actor, f.access_key, f.source_ip, host, who_keys));
            w.keys = uint16_t(who_keys.size() - w.keys_at);
            w.root = f.actor.find(":root") != std::string::npos;
            auto src = std::find_if(sources.begin(), sources.end(), [&](const SharedText& t) {
                return t.view() == f.source_type.view();
            });
            if (src == sources.end())
                src = sources.insert(sources.end(), f.source_type);
            w.source = uint16_t(src - sources.begin());
            who.push_back(w);
            last_who = uint32_t(who.size() - 1);
            who_ids.Insert(digest, last_who);
        }
        last_who_texts = {f.actor, f.access_key, f.source_ip, host, f.source_type};
    }
    return last_who;
}

IncidentInput::IncidentInput(const IncidentOptions& options,
                             const std::vector<std::pair<std::string, std::string>>& links)
    : s_(std::make_unique<State>(options, links)) {}
IncidentInput::~IncidentInput() = default;
IncidentInput::IncidentInput(IncidentInput&&) noexcept = default;
IncidentInput& IncidentInput::operator=(IncidentInput&&) noexcept = default;

void IncidentInput::Reserve(size_t n) {
    s_->member_episode.reserve(n);
    s_->member_id.reserve(n);
}

size_t IncidentInput::size() const {
    return s_->member_id.size();
}

void IncidentInput::Add(const Finding& f) {
    State& s = *s_;
    const uint32_t what = s.WhatOf(f), who = s.WhoOf(f);
    const TimeMs t = f.time;
    const Who& w = s.who[who];
    const std::span<const uint32_t> keys(s.who_keys.data() + w.keys_at, w.keys);
    uint32_t episode;
    if (keys.empty()) {
        episode = s.NewEpisode(); // nothing to link on: an incident of its own
    } else if (who == s.prev_who && t - s.prev_time <= s.options.gap_ms) {
        // The entities of the finding before (another finding of its record, mostly): it is
        // every key's latest finding, so its episodes go on.
        episode = s.prev_episode;
        for (uint32_t k : keys)
            s.keys[k].last = t;
    } else {
        episode = kNone;
        for (uint32_t k : keys) {
            if (k >= s.keys.size())
                s.keys.resize(std::max<size_t>(k + 1, s.entities.size()));
            auto& ks = s.keys[k];
            if (ks.episode == kNone || t - ks.last > s.options.gap_ms)
                ks.episode = s.NewEpisode();
            ks.last = t;
            if (episode == kNone)
                episode = ks.episode;
            else
                s.Union(episode, ks.episode);
        }
    }
    s.first_time[episode] = std::min(s.first_time[episode], t);
    s.last_time[episode] = std::max(s.last_time[episode], t);
    s.prev_who = who;
    s.prev_time = t;
    s.prev_episode = episode;
    s.member_episode.push_back(episode);
    s.member_id.push_back(f.finding_id);
    if (episode != s.prev_sight.episode || what != s.prev_sight.what || who != s.prev_sight.who) {
        s.prev_sight = {episode, what, who};
        // Packed in 64 bits: the episode in 24, the what and who entries in 20 each. A sighting
        // with a wider value is always recorded (a repeated sighting changes nothing).
        const uint64_t packed = (uint64_t(episode) << 40) | (uint64_t(what) << 20) | who;
        if (episode >= (1u << 24) || what >= (1u << 20) || who >= (1u << 20) ||
            packed == FlatSet::kEmpty || s.sighted.Insert(packed))
            s.sights.push_back(s.prev_sight);
    }
}

std::vector<Incident>
BuildIncidents(const std::vector<Finding>& findings, const IncidentOptions& opt,
               const std::vector<std::pair<std::string, std::string>>& links) {
    IncidentInput input(opt, links);
    input.Reserve(findings.size());
    // Time order, equal times as given (hunts hand them sorted: nothing to order then).
    if (std::is_sorted(findings.begin(), findings.end(),
                       [](const Finding& a, const Finding& b) { return a.time < b.time; })) {
        for (const auto& f : findings)
            input.Add(f);
    } else {
        std::vector<uint32_t> order(findings.size());
        std::iota(order.begin(), order.end(), 0u);
        std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
            return findings[a].time < findings[b].time;
        });
        for (uint32_t i : order)
            input.Add(findings[i]);
    }
    return BuildIncidents(std::move(input));
}

std::vector<Incident> BuildIncidents(IncidentInput&& input) {
    std::unique_ptr<IncidentInput::State> state = std::move(input.s_);
    if (!state)
        return {};
    IncidentInput::State& in = *state;
    const IncidentOptions& opt = in.options;
    const size_t n = in.member_id.size();
    // Groups (union-find roots) numbered in order of their first finding; members in the
    // order added (time order), each group's a span of one array.
    std::vector<uint32_t> group_of(in.parent.size(), kNone); // by root episode
    std::vector<uint32_t> sizes;
    for (uint32_t& e : in.member_episode) {
        uint32_t& g = group_of[in.Find(e)];
        if (g == kNone) {
            g = uint32_t(sizes.size());
            sizes.push_back(0);
        }
        ++sizes[g];
        e = g; // from here on: the finding's group
    }
    const size_t groups = sizes.size();
    std::vector<Incident> built(groups);
    for (size_t g = 0; g < groups; ++g)
        built[g].finding_ids.reserve(sizes[g]);
    for (size_t i = 0; i < n; ++i)
        built[in.member_episode[i]].finding_ids.push_back(in.member_id[i]);
    std::vector<uint32_t>().swap(in.member_episode);
    std::vector<FindingId>().swap(in.member_id);
    // First and last times, and the sightings of each group in order.
    std::vector<TimeMs> first(groups, std::numeric_limits<TimeMs>::max()),
        last(groups, std::numeric_limits<TimeMs>::min());
    for (uint32_t e = 0; e < in.parent.size(); ++e) {
        if (in.first_time[e] > in.last_time[e])
            continue; // no finding kept under this episode
        const uint32_t g = group_of[in.Find(e)];
        first[g] = std::min(first[g], in.first_time[e]);
        last[g] = std::max(last[g], in.last_time[e]);
    }
    std::vector<uint32_t> sight_start(groups + 1, 0);
    for (const auto& s : in.sights)
        ++sight_start[group_of[in.Find(s.episode)] + 1];
    for (size_t g = 0; g < groups; ++g)
        sight_start[g + 1] += sight_start[g];
    std::vector<IncidentInput::State::Sight> sights(in.sights.size());
    {
        std::vector<uint32_t> fill(sight_start.begin(), sight_start.end() - 1);
        for (const auto& s : in.sights)
            sights[fill[group_of[in.Find(s.episode)]]++] = s;
    }

    // Each group's incident is built on its own (the tables are only read), on up to
    // opt.threads threads; the biggest groups are handed out first.
    auto build = [&](size_t g) {
        Incident& inc = built[g];
        inc.first_seen = first[g];
        inc.last_seen = last[g];
        std::set<std::string> ents, srcs;
        std::set<uint32_t> seen;
        int max_level = 0;
        bool root_actor = false, admin = false;
        GroupMarks marks;
        SeenOnce tactics_seen, source_seen, level_seen, event_seen;
        SeenOnce keys_seen;
        const std::span<const IncidentInput::State::Sight> mine(
            sights.data() + sight_start[g], sight_start[g + 1] - sight_start[g]);
        for (const auto& s : mine) {
            const auto& what = in.what[s.what];
            const RuleFields& rule = *what.rule;
            const auto& w = in.who[s.who];
            const SharedText& event_name = what.event_name;
            marks.Add(rule, event_name);
            if (tactics_seen.First(rule.tactics.identity()))
                for (const auto& t : rule.tactics)
                    if (std::find(inc.tactics.begin(), inc.tactics.end(), t) == inc.tactics.end())
                        inc.tactics.push_back(t);
            if (keys_seen.First(&w)) {
                for (size_t j = 0; j < w.own; ++j) {
                    uint32_t k = in.who_keys[w.keys_at + j];
                    if (!seen.insert(k).second)
                        continue;
                    const std::string& name = in.entities.name(k);
                    if (!StartsWith(name, "host:") || ents.size() < 64)
                        ents.insert(name);
                }
            }
            const SharedText& source = in.sources[w.source];
            if (source_seen.First(&source) && !source.empty())
                srcs.insert(source);
            if (level_seen.First(rule.level.identity()))
                max_level = std::max(max_level, LevelRank(rule.level));
            root_actor = root_actor || w.root;
            if (event_seen.First(event_name.identity()) &&
                (event_name == "AttachUserPolicy" || event_name == "PutUserPolicy" ||
                 event_name == "AttachRolePolicy"))
                admin = true;
        }
        // The incident id hashes the finding ids' digits in order, streamed.
        XXH3_state_t* id_state = XXH3_createState();
        XXH3_64bits_reset(id_state);
        for (const FindingId& id : inc.finding_ids) {
            auto hex = id.hex();
            XXH3_64bits_update(id_state, hex.digits, hex.size);
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
        if (inc.finding_ids.size() >= 5) {
            score += 5;
            inc.reasons.push_back(std::to_string(inc.finding_ids.size()) +
                                  " corroborating findings");
        }
        inc.score = std::min(100, score);
        inc.severity = inc.score >= 80   ? "critical"
                       : inc.score >= 60 ? "high"
                       : inc.score >= 35 ? "medium"
                                         : "low";
        inc.title = DeriveTitle(in.what[mine.front().what].rule->title, marks, inc.tactics);
        inc.incident_id = "INC-" + id.str().substr(0, 12);
    };
    std::vector<size_t> todo;
    for (size_t g = 0; g < groups; ++g)
        if (sizes[g] > 1 || opt.singletons)
            todo.push_back(g);
    const size_t threads = std::max<size_t>(1, std::min<size_t>(opt.threads, todo.size()));
    if (threads == 1) {
        for (size_t g : todo)
            build(g);
    } else {
        std::stable_sort(todo.begin(), todo.end(),
                         [&](size_t a, size_t b) { return sizes[a] > sizes[b]; });
        std::atomic<size_t> next{0};
        auto work = [&] {
            for (size_t k; (k = next.fetch_add(1)) < todo.size();)
                build(todo[k]);
        };
        std::vector<std::thread> pool;
        for (size_t t = 1; t < threads; ++t)
            pool.emplace_back(work);
        work();
        for (auto& t : pool)
            t.join();
    }
    std::vector<Incident> out;
    for (size_t g = 0; g < groups; ++g)
        if (sizes[g] > 1 || opt.singletons)
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
