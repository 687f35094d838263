#include "analytics/behavior.h"

#include <xxhash.h>

#include <algorithm>
#include <deque>
#include <map>
#include <set>

#include "common/ip.h"
#include "common/strings.h"

namespace cloudsift::analytics {
namespace {

constexpr int64_t kHour = 3600 * 1000;

bool IsReadApi(std::string_view a) {
    return StartsWith(a, "List") || StartsWith(a, "Describe") || StartsWith(a, "Get") ||
           StartsWith(a, "Head") || StartsWith(a, "Lookup") || StartsWith(a, "Search");
}

bool IsDenied(std::string_view code) {
    return code == "AccessDenied" || code == "Client.UnauthorizedOperation" ||
           code == "UnauthorizedOperation" || code == "AccessDeniedException";
}

bool IsGpuOrLarge(std::string_view type) {
    std::string t = ToLower(type);
    for (const char* p : {"p2.", "p3.", "p4d.", "p4de.", "p5.", "g3.", "g4dn.", "g4ad.", "g5.",
                          "g5g.", "g6.", "trn1.", "inf1.", "inf2.", "dl1."})
        if (StartsWith(t, p))
            return true;
    for (const char* s :
         {".24xlarge", ".32xlarge", ".48xlarge", ".metal", ".16xlarge", ".12xlarge"})
        if (EndsWith(t, s))
            return true;
    return false;
}

// Which CloudTrail events the stateful detectors read.
bool Interesting(std::string_view action, std::string_view actor, std::string_view error) {
    static const std::unordered_set<std::string_view> kNames = {"ConsoleLogin",
                                                                "DeactivateMFADevice",
                                                                "DeleteVirtualMFADevice",
                                                                "StopLogging",
                                                                "DeleteTrail",
                                                                "StartLogging",
                                                                "CreateTrail",
                                                                "UpdateTrail",
                                                                "PutEventSelectors",
                                                                "GetObject",
                                                                "CopyObject",
                                                                "DeleteObject",
                                                                "DeleteObjects",
                                                                "PutObject",
                                                                "GetSecretValue",
                                                                "GetParameter",
                                                                "GetParameters",
                                                                "GetParametersByPath",
                                                                "RunInstances",
                                                                "DeleteFlowLogs",
                                                                "DeleteResolverQueryLogConfig",
                                                                "DeleteDetector",
                                                                "StopConfigurationRecorder",
                                                                "DeleteDeliveryChannel"};
    return kNames.count(action) || IsReadApi(action) || IsDenied(error) ||
           !InstanceSessionId(actor).empty();
}

// APIs of GuardDuty's persistence category: new credentials, users, policies and trust.
bool IsPersistenceApi(std::string_view a) {
    static const std::unordered_set<std::string_view> kApis = {"CreateAccessKey",
                                                               "CreateLoginProfile",
                                                               "UpdateLoginProfile",
                                                               "CreateUser",
                                                               "AddUserToGroup",
                                                               "AttachUserPolicy",
                                                               "AttachRolePolicy",
                                                               "AttachGroupPolicy",
                                                               "PutUserPolicy",
                                                               "PutRolePolicy",
                                                               "PutGroupPolicy",
                                                               "CreateRole",
                                                               "UpdateAssumeRolePolicy",
                                                               "CreatePolicyVersion",
                                                               "SetDefaultPolicyVersion",
                                                               "CreateServiceSpecificCredential",
                                                               "UploadSSHPublicKey",
                                                               "ImportKeyPair",
                                                               "CreateKeyPair",
                                                               "CreateSAMLProvider",
                                                               "CreateOpenIDConnectProvider",
                                                               "ModifyInstanceAttribute",
                                                               "DeactivateMFADevice",
                                                               "DeleteVirtualMFADevice"};
    return kApis.count(a) > 0;
}

// First-seen key of a principal's access to a bucket (per S3 operation) or a secret.
std::string ResourceKey(std::string_view principal, std::string_view action,
                        std::string_view what) {
    std::string op = StartsWith(action, "Delete") ? "delete"
                     : action == "CopyObject"     ? "copy"
                     : action == "GetObject"      ? "read"
                                                  : "secret";
    return "res\x1f" + std::string(principal) + "\x1f" + op + ":" + std::string(what);
}

bool IsAwsInternal(std::string_view ip) {
    return ip.empty() || ip == "AWS Internal" || EndsWith(ip, ".amazonaws.com") ||
           ip.find_first_of(" abcdefghijklmnopqrstuvwxyz") != std::string_view::npos;
}

} // namespace

bool Intel::IsMiningDomain(std::string_view name) const {
    std::string d = NormalizeDomain(name);
    std::string_view v = d;
    while (!v.empty()) {
        if (mining_domains.count(std::string(v)))
            return true;
        auto dot = v.find('.');
        if (dot == std::string_view::npos)
            break;
        v.remove_prefix(dot + 1);
    }
    return false;
}

size_t Intel::LoadMiningDomains(std::string_view text) {
    size_t n = 0;
    for (std::string_view line : Split(text, '\n')) {
        std::string_view s = Trim(line);
        if (s.empty() || s.front() == '#')
            continue;
        mining_domains.insert(NormalizeDomain(s));
        ++n;
    }
    return n;
}

std::string_view InstanceSessionId(std::string_view actor) {
    auto slash = actor.rfind('/');
    if (slash == std::string_view::npos || actor.find(":assumed-role/") == std::string_view::npos)
        return {};
    std::string_view s = actor.substr(slash + 1);
    if (s.size() < 10 || !StartsWith(s, "i-"))
        return {};
    for (char c : s.substr(2))
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return {};
    return s;
}

std::string UserAgentFamily(std::string_view ua) {
    if (ua.empty())
        return "";
    if (ua.find(".amazonaws.com") != std::string_view::npos || ua == "AWS Internal")
        return std::string(ua.substr(0, 40));
    size_t end = ua.find_first_of("/ ;(");
    return std::string(ua.substr(0, std::min<size_t>(end, 40)));
}

namespace {

// EvidenceOf's additions to the record's evidence f: the instance as actor, the id.
void FinishEvidence(Evidence& f, const Record& rec) {
    const Normalized& n = rec.norm;
    if (f.actor.empty() && StartsWith(n.instance_id, "i-"))
        f.actor = SharedText(n.instance_id); // the instance that queried / connected
    std::string key;
    key.reserve(f.file.view().size() + f.event_id.view().size() + 48);
    key.append(f.file.view()).append(1, '\0').append(std::to_string(rec.line)).append(1, ':');
    key.append(std::to_string(rec.index)).append(1, '\0').append(f.event_id.view());
    f.finding_id = FindingId::Of(key);
}

} // namespace

Evidence EvidenceOf(const Record& rec, const FileInfo& file, TextInterner* interner) {
    Evidence f;
    FillEvidence(f, rec, interner ? interner->Get(file.path, 9) : SharedText(file.path), interner);
    FinishEvidence(f, rec);
    return f;
}

Evidence BehaviorCollector::EvidenceFor(const Record& rec, const FileInfo& file) {
    if (!record_evidence_)
        return EvidenceOf(rec, file, &interner_);
    Evidence f = *record_evidence_; // the record half of the record's finding
    FinishEvidence(f, rec);
    return f;
}

Finding AnalyticFinding(const Evidence& evidence, std::string_view type, std::string_view title,
                        std::string_view level, std::string_view tactic,
                        std::string_view technique) {
    Finding f;
    static_cast<Evidence&>(f) = evidence;
    RuleFields& r = f.rule_fields();
    r.id = std::string(type);
    r.title = std::string(title);
    r.level = std::string(level);
    std::string tac(tactic);
    r.tactics = {tac};
    std::string tag_tac = tac;
    std::replace(tag_tac.begin(), tag_tac.end(), '-', '_');
    SharedStrings::List tags = {"attack." + tag_tac};
    if (!technique.empty()) {
        r.techniques = {std::string(technique)};
        tags.push_back("attack." + ToLower(technique));
    }
    r.tags = std::move(tags);
    f.finding_id = FindingId::Of(f.rule_id() + '\0' + evidence.finding_id.str());
    return f;
}

void BehaviorCollector::Touch(std::initializer_list<std::string_view> parts, const Record& rec,
                              const FileInfo& file) {
    key_.clear();
    for (std::string_view p : parts) {
        if (!key_.empty())
            key_ += '\x1f';
        key_.append(p);
    }
    auto it = first_seen.find(key_); // the common case: a known key, no allocation
    if (it == first_seen.end())
        it = first_seen.try_emplace(key_).first;
    FirstSeen& fs = it->second;
    bool first = fs.count++ == 0;
    if (first || rec.norm.time < fs.first) {
        fs.first = rec.norm.time;
        fs.ev = EvidenceFor(rec, file);
    }
}

const BehaviorCollector::UserAgentFacts& BehaviorCollector::FactsOf(std::string_view ua) {
    if (auto it = ua_facts_.find(ua); it != ua_facts_.end())
        return it->second;
    if (ua_facts_.size() >= 4096)
        ua_facts_.clear();
    UserAgentFacts facts;
    std::string lower(ua);
    for (auto& c : lower)
        c = AsciiLower(c);
    for (const auto& tool : intel_.attack_agents)
        if (lower.find(tool) != std::string::npos) {
            facts.tool = tool;
            break;
        }
    facts.family = UserAgentFamily(ua);
    return ua_facts_.emplace(std::string(ua), std::move(facts)).first->second;
}

void BehaviorCollector::LearnCreation(const Record& rec) {
    const Normalized& n = rec.norm;
    if (n.action != "CreateAccessKey" && n.action != "CreateUser" &&
        !StartsWith(n.action, "CreateFunction"))
        return;
    if (!n.error_code.empty() || n.account.empty())
        return;
    std::string creator = !n.access_key.empty()  ? "key:" + std::string(n.access_key)
                          : !n.actor_arn.empty() ? "principal:" + std::string(n.actor_arn)
                                                 : "";
    if (creator.empty())
        return;
    std::string buf;
    auto text = [&](const char* path) {
        std::string out;
        rec.event.Find(FieldPath::Parse(path), [&](const Value& v) {
            if (v.IsScalar())
                out = std::string(v.Text(buf));
            return false;
        });
        return out;
    };
    const std::string acct(n.account);
    if (StartsWith(n.action, "CreateFunction")) {
        std::string fn = text("requestParameters.functionName");
        std::string role = text("requestParameters.role");
        if (fn.empty() || role.empty() || fn.find('/') != std::string::npos)
            return;
        role = role.substr(role.rfind('/') + 1);
        links.emplace_back(creator,
                           "principal:arn:aws:sts::" + acct + ":assumed-role/" + role + "/" + fn);
        return;
    }
    std::string user = text("requestParameters.userName");
    if (user.empty())
        return;
    links.emplace_back(creator, "principal:arn:aws:iam::" + acct + ":user/" + user);
    if (n.action == "CreateAccessKey") {
        std::string key = text("responseElements.accessKey.accessKeyId");
        if (!key.empty())
            links.emplace_back(creator, "key:" + key);
    }
}

void BehaviorCollector::OnRecord(const Record& rec, const FileInfo& file,
                                 const Finding* record_evidence) {
    record_evidence_ = record_evidence;
    const Normalized& n = rec.norm;
    // Threat intelligence on any source.
    if (!intel_.iocs.empty()) {
        const IocSet::Indicator* hit = nullptr;
        std::string_view what;
        if ((hit = intel_.iocs.MatchIp(n.src_ip)))
            what = n.src_ip;
        else if ((hit = intel_.iocs.MatchIp(n.dst_ip)))
            what = n.dst_ip;
        else if ((hit = intel_.iocs.MatchAccessKey(n.access_key)))
            what = n.access_key;
        else if (n.cls == EventClass::DnsActivity && (hit = intel_.iocs.MatchDomain(n.resource)))
            what = n.resource;
        else if ((hit = intel_.iocs.MatchUserAgent(n.user_agent)))
            what = "user agent";
        if (hit) {
            std::string title = "Threat-intel indicator matched: " + hit->value;
            if (!hit->description.empty())
                title += " (" + hit->description + ")";
            findings.push_back(AnalyticFinding(EvidenceFor(rec, file),
                                               "UnauthorizedAccess:Runtime/ThreatIntelIndicator",
                                               title, "high", "command-and-control", ""));
        }
    }
    switch (n.cls) {
    case EventClass::DnsActivity:
        if (!n.resource.empty() && intel_.IsMiningDomain(n.resource))
            findings.push_back(AnalyticFinding(
                EvidenceFor(rec, file), "CryptoCurrency:EC2/BitcoinTool.B!DNS",
                "DNS query for a cryptocurrency mining pool", "high", "impact", "T1496"));
        return;
    case EventClass::NetworkActivity: {
        if (n.dst_port.empty() || StartsWith(n.action, "REJECT"))
            return;
        uint32_t port = 0;
        for (char c : n.dst_port) {
            if (c < '0' || c > '9' || port > 65535)
                return;
            port = port * 10 + uint32_t(c - '0');
        }
        if (!intel_.mining_ports.count(port))
            return;
        auto ip = ParseIp(n.dst_ip);
        if (!ip || IsPrivateIp(*ip))
            return;
        findings.push_back(AnalyticFinding(
            EvidenceFor(rec, file), "CryptoCurrency:EC2/BitcoinTool.B",
            "Outbound connection on a cryptocurrency mining port", "high", "impact", "T1496"));
        return;
    }
    case EventClass::ApiActivity:
        break;
    default:
        return;
    }
    if (n.source_type.find("cloudtrail") == std::string_view::npos)
        return;
    LearnCreation(rec);
    std::string_view principal = !n.actor_arn.empty() ? n.actor_arn : n.actor_name;
    const bool service_actor = n.actor_type == "AWSService" || n.actor_type == "AWSAccount";
    // Attack-tool user agents: one finding per (principal, tool) — the first event.
    const UserAgentFacts& ua = FactsOf(n.user_agent);
    if (!ua.tool.empty())
        Touch({"tool", principal, ua.tool}, rec, file);
    // Calls made by or through an AWS service (service-linked roles, console back-end calls)
    // are not the principal's own behaviour.
    static const FieldPath kInvokedBy = FieldPath::Parse("userIdentity.invokedBy");
    bool invoked = rec.event.Find(kInvokedBy, [](const Value&) { return true; });
    const bool via_service = service_actor || invoked || n.src_ip == "AWS Internal" ||
                             EndsWith(n.src_ip, ".amazonaws.com") || n.user_agent == "AWS Internal";
    // First-seen baselines are per IAM identity: sessions of one role share the role's baseline.
    std::string_view baseline = !n.session_issuer.empty() ? n.session_issuer : principal;
    if (!via_service && !baseline.empty()) {
        Touch({"principal", baseline}, rec, file);
        Touch({"api", baseline, n.action}, rec, file);
        if (!ua.family.empty())
            Touch({"ua", baseline, ua.family}, rec, file);
    }
    if (!n.account.empty() && !n.region.empty() && n.outcome != "failure")
        Touch({"region", n.account, n.region}, rec, file);
    if (!Interesting(n.action, n.actor_arn, n.error_code))
        return;
    ActivityRow row;
    row.ev = EvidenceFor(rec, file);
    // Interner slots 10–15 (FillEvidence takes 0–8, the file 9); resources are mostly unique
    // (object keys), so they are not interned.
    row.actor_type = interner_.Get(n.actor_type, 10);
    row.error_code = interner_.Get(n.error_code, 11);
    row.mfa = interner_.Get(n.mfa, 12);
    row.outcome = interner_.Get(n.outcome, 13);
    row.resource = SharedText(n.resource);
    // What the principal reads or deletes: bucket per S3 operation, secret or parameter name.
    if (!via_service && !baseline.empty() && !n.resource.empty()) {
        std::string_view a = n.action;
        std::string_view what;
        if (a == "GetObject" || a == "CopyObject" || a == "DeleteObject" || a == "DeleteObjects")
            what = n.resource.substr(0, n.resource.find('/'));
        else if (a == "GetSecretValue" || StartsWith(a, "GetParameter"))
            what = n.resource;
        if (!what.empty())
            Touch({ResourceKey(baseline, a, what)}, rec, file);
    }
    row.baseline = interner_.Get(baseline, 15);
    row.via_service = via_service;
    if (n.action == "RunInstances") {
        static const FieldPath kType = FieldPath::Parse("requestParameters.instanceType");
        static const FieldPath kItems =
            FieldPath::Parse("requestParameters.instancesSet.items.instanceType");
        std::string buf;
        auto grab = [&](const Value& v) {
            if (v.IsScalar())
                row.resource = interner_.Get(v.Text(buf), 14); // instance types repeat
            return false;
        };
        if (!rec.event.Find(kType, grab))
            rec.event.Find(kItems, grab);
    } else if (n.action == "ConsoleLogin") {
        static const FieldPath kResp = FieldPath::Parse("responseElements.ConsoleLogin");
        static const FieldPath kMfa = FieldPath::Parse("additionalEventData.MFAUsed");
        std::string buf;
        rec.event.Find(kResp, [&](const Value& v) {
            if (v.IsScalar())
                row.outcome = interner_.Get(ToLower(v.Text(buf)), 13);
            return false;
        });
        rec.event.Find(kMfa, [&](const Value& v) {
            if (v.IsScalar())
                row.mfa = interner_.Get(ToLower(v.Text(buf)) == "yes" ? "true" : "false", 12);
            return false;
        });
    }
    // The instance's home: the private address its role session was first seen at.
    if (auto inst = InstanceSessionId(row.ev.actor); !inst.empty() && !row.ev.source_ip.empty()) {
        if (auto ip = ParseIp(row.ev.source_ip); ip && IsPrivateIp(*ip)) {
            auto it = instance_homes.find(inst);
            if (it == instance_homes.end())
                instance_homes.emplace(std::string(inst), std::pair{row.ev.time, row.ev.source_ip});
            else if (row.ev.time < it->second.first)
                it->second = {row.ev.time, row.ev.source_ip};
        }
    }
    rows.Add(std::move(row));
}

std::vector<std::pair<std::string, std::string>>
InstanceLinks(const std::vector<BehaviorCollector*>& collectors) {
    std::map<std::string_view, std::pair<TimeMs, SharedText>> home;
    for (const auto* c : collectors)
        for (const auto& [inst, first] : c->instance_homes) {
            auto [it, inserted] = home.try_emplace(inst, first);
            if (!inserted && first.first < it->second.first)
                it->second = first;
        }
    std::vector<std::pair<std::string, std::string>> links;
    for (const auto& [inst, v] : home)
        links.emplace_back("instance:" + std::string(inst), "ip:" + std::string(v.second));
    return links;
}

namespace {

// A map keyed by text that is looked up by string_view too.
template <typename V>
using StrMap = std::unordered_map<std::string, V, TransparentStringHash, std::equal_to<>>;

// Sliding per-key windows over time-ordered rows. A window holds its rows (rows read back from
// temporary files live as long as a window or the detector loop holds them).
using RowRef = std::shared_ptr<const ActivityRow>;

// Texts ordered by text, looked up by string_view.
struct TextLess {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const { return a < b; }
};

struct Window {
    std::deque<RowRef> rows;
    TimeMs fired_until = 0; // no new finding for this key before this time (one per window)
    void Push(const RowRef& r, int64_t span) {
        rows.push_back(r);
        while (r->ev.time - rows.front()->ev.time > span)
            rows.pop_front();
    }
};

// The discovery window keeps its API counts up to date as rows enter and leave, so each new row
// costs O(log APIs) instead of a rescan of the window. The counted names are held by the maps
// (a row that leaves may be the one whose text a key was made of).
struct CountingWindow {
    std::deque<RowRef> rows;
    std::map<SharedText, size_t, TextLess> reads;   // distinct read APIs in the window → rows
    std::map<SharedText, size_t, TextLess> denials; // APIs denied in the window → rows
    size_t denied = 0;
    void Push(const RowRef& r, int64_t span) {
        rows.push_back(r);
        Count(*r, +1);
        while (r->ev.time - rows.front()->ev.time > span) {
            Count(*rows.front(), -1);
            rows.pop_front();
        }
    }

private:
    static void Bump(std::map<SharedText, size_t, TextLess>& m, const SharedText& k, int d) {
        if (d > 0)
            ++m.try_emplace(k, 0).first->second;
        else if (auto it = m.find(k.view()); it != m.end() && --it->second == 0)
            m.erase(it);
    }
    void Count(const ActivityRow& x, int d) {
        if (IsReadApi(x.ev.event_name))
            Bump(reads, x.ev.event_name, d);
        if (IsDenied(x.error_code)) {
            Bump(denials, x.ev.event_name, d);
            denied = d > 0 ? denied + 1 : denied - 1;
        }
    }
};

// Whose behaviour a row is: its access key, else its actor (a view of the row's text).
std::string_view PrincipalKey(const Evidence& ev) {
    return !ev.access_key.empty() ? ev.access_key.view() : ev.actor.view();
}

// The value of key in m, inserted (default-built) when missing; looked up without building a
// string (the rows' principals are views).
template <typename Map> auto& Slot(Map& m, std::string_view key) {
    auto it = m.find(key);
    if (it == m.end())
        it = m.try_emplace(std::string(key)).first;
    return it->second;
}

} // namespace

std::vector<Finding> RunBehavior(const std::vector<BehaviorCollector*>& collectors,
                                 const BehaviorOptions& opt, BehaviorStats* stats) {
    std::vector<Finding> out;
    std::vector<ActivityRows*> row_sets;
    StrMap<FirstSeen> seen;
    TimeMs tmin = INT64_MAX, tmax = INT64_MIN;
    BehaviorStats counted;
    for (BehaviorCollector* c : collectors) {
        for (auto& f : c->findings)
            out.push_back(std::move(f));
        c->findings.clear();
        row_sets.push_back(&c->rows);
        tmin = std::min(tmin, c->rows.min_time());
        tmax = std::max(tmax, c->rows.max_time());
        counted.rows += c->rows.size();
        counted.spilled += c->rows.spilled();
        counted.runs += c->rows.runs();
        counted.spill_failed = counted.spill_failed || c->rows.spill_failed();
        // The first collector's aggregates are taken over whole (RunBehavior consumes them),
        // the others merged in.
        if (seen.empty())
            seen.swap(c->first_seen);
        for (auto at = c->first_seen.begin(); at != c->first_seen.end();) {
            auto next = std::next(at);
            if (auto it = seen.find(at->first); it == seen.end()) {
                seen.insert(c->first_seen.extract(at)); // the entry moves, nothing is copied
            } else {
                const FirstSeen& v = at->second;
                it->second.count += v.count;
                if (v.first < it->second.first) {
                    it->second.first = v.first;
                    it->second.ev = v.ev;
                }
            }
            at = next;
        }
    }
    for (const auto& [k, v] : seen)
        if (v.first) {
            tmin = std::min(tmin, v.first);
            tmax = std::max(tmax, v.first);
        }

    // --- First-seen behaviour after the learning window ---------------------------------------
    // No rows (or one instant): no span to learn from (and tmax - tmin must not overflow).
    int64_t learn = opt.learning_ms > 0 ? opt.learning_ms : tmin < tmax ? (tmax - tmin) / 4 : 0;
    learn = std::min<int64_t>(std::max<int64_t>(learn, 0), 7 * 24 * kHour);
    const TimeMs learned = tmin < tmax ? tmin + learn : INT64_MAX;
    // Each principal learns for `learn` from its own first call; nothing fires meanwhile.
    // Keys are looked up through scratch strings: these lookups run once per row and API.
    std::string principal_probe, key_probe;
    auto principal_seen = [&](std::string_view p) -> const FirstSeen* {
        principal_probe.assign("principal\x1f").append(p);
        auto it = seen.find(std::string_view(principal_probe));
        return it == seen.end() ? nullptr : &it->second;
    };
    auto learned_of = [&](std::string_view p) -> TimeMs {
        const FirstSeen* s = principal_seen(p);
        return s ? s->first + learn : INT64_MAX;
    };
    // Burst detectors ask whether an API, bucket or secret is new for the principal: used for the
    // first time within the burst window (first use at or after `since`) and at least an hour
    // after the principal's own first call (it had a history without it), or used by a principal
    // that appeared only after the account's learning window (an identity no baseline knows). Data
    // spanning under 4 h is no baseline: then everything counts as new. Unlike the first-seen
    // findings this needs no full learning window, so an attack early in the data is still measured
    // against the hour of history before it.
    const bool baselined = tmin < tmax && learn >= kHour;
    // Whether p's keys count as new: true for all (no baseline at all, or p appeared after the
    // learning window), false for all (p unknown), or decided per key: then *check is set to
    // p's first-seen entry and the answer is false.
    // The detectors ask about the same principals and (principal, API) pairs row after row:
    // their first-seen entries are remembered by the identities of the texts asked about (rows
    // share their texts, so a burst re-counting its window's APIs hashes two pointers per API,
    // not a built key). The entries of seen never move (nothing is added to it from here on);
    // each remembered answer holds the texts it was asked about, so no other text can take
    // their address while it is remembered, and the memory is bounded by a clear when full.
    struct IdentityPairHash {
        size_t operator()(const std::pair<const void*, const void*>& k) const {
            return size_t((reinterpret_cast<uintptr_t>(k.first) * 0x9E3779B97F4A7C15ULL) ^
                          reinterpret_cast<uintptr_t>(k.second));
        }
    };
    struct Remembered {
        SharedText principal, api;
        const FirstSeen* entry = nullptr;
    };
    // (principal, nullptr) or (principal, API) → the first-seen entry or null.
    std::unordered_map<std::pair<const void*, const void*>, Remembered, IdentityPairHash>
        seen_by_identity;
    // The remembered entry of principal p (api empty) or of (p, api); look(key) finds it.
    auto remembered = [&](const SharedText& p, const SharedText* api,
                          auto look) -> const FirstSeen* {
        if (seen_by_identity.size() >= (size_t(1) << 16))
            seen_by_identity.clear();
        auto [it, added] = seen_by_identity.try_emplace(
            {p.identity(), api ? api->identity() : nullptr}, Remembered{});
        if (added)
            it->second = {p, api ? *api : SharedText(), look()};
        return it->second.entry;
    };
    auto principal_gate = [&](const SharedText& p, const FirstSeen*& check) {
        check = nullptr;
        if (!baselined)
            return true;
        if (p.empty())
            return false;
        const FirstSeen* ps = remembered(p, nullptr, [&] { return principal_seen(p); });
        if (!ps)
            return false;
        if (ps->first > learned)
            return true;
        check = ps;
        return false;
    };
    auto key_new = [&](const FirstSeen& ps, std::string_view key, TimeMs since) {
        auto it = seen.find(key);
        return it != seen.end() && it->second.first >= since && it->second.first > ps.first + kHour;
    };
    auto novel_key = [&](const SharedText& p, std::string_view key, TimeMs since) {
        const FirstSeen* ps;
        bool all = principal_gate(p, ps);
        return ps ? key_new(*ps, key, since) : all;
    };
    // How many of apis (a map keyed by API name) are novel for p: novel() for each, with the
    // principal looked up once.
    auto count_novel_apis = [&](const SharedText& p, const auto& apis, TimeMs since) -> size_t {
        const FirstSeen* ps;
        if (bool all = principal_gate(p, ps); !ps)
            return all ? apis.size() : 0;
        size_t n = 0;
        for (const auto& entry : apis) {
            const auto& api = entry.first; // a plain reference: lambdas cannot capture bindings
            const FirstSeen* s = remembered(p, &api, [&]() -> const FirstSeen* {
                key_probe.assign("api\x1f").append(p).append("\x1f").append(api);
                auto found = seen.find(std::string_view(key_probe));
                return found == seen.end() ? nullptr : &found->second;
            });
            n += s && s->first >= since && s->first > ps->first + kHour; // as key_new()
        }
        return n;
    };
    auto novel = [&](const SharedText& p, std::string_view api, TimeMs since) {
        key_probe.assign("api\x1f").append(p).append("\x1f").append(api);
        return novel_key(p, key_probe, since);
    };
    // Reads and deletions count toward mass-access detectors only on buckets and secrets new
    // for the principal (an app reading its own bucket is routine).
    auto novel_resource = [&](const ActivityRow* r) {
        if (r->via_service)
            return false;
        std::string_view res = r->resource;
        if (r->ev.event_name.find("Object") != std::string::npos)
            res = res.substr(0, res.find('/'));
        return novel_key(r->baseline, ResourceKey(r->baseline, r->ev.event_name, res),
                         r->ev.time - opt.burst_window_ms);
    };
    if (tmin < tmax) {
        std::vector<std::pair<std::string_view, const FirstSeen*>> keys;
        for (const auto& [k, v] : seen)
            keys.emplace_back(k, &v);
        std::sort(keys.begin(), keys.end());
        for (const auto& [k, v] : keys) {
            auto parts = Split(k, '\x1f');
            if (parts[0] == "tool") {
                out.push_back(
                    AnalyticFinding(v->ev, "Discovery:IAMUser/AttackToolUserAgent",
                                    "API calls from an attack tool (" + std::string(parts[2]) + ")",
                                    "high", "discovery", "T1580"));
                continue;
            }
            if (v->first <= learned)
                continue;
            if ((parts[0] == "api" || parts[0] == "ua") && v->first <= learned_of(parts[1]))
                continue;
            if (parts[0] == "region") {
                out.push_back(AnalyticFinding(v->ev, "Discovery:IAMUser/FirstSeenRegion",
                                              "First activity in a region the account never "
                                              "used: " +
                                                  std::string(parts[2]),
                                              "medium", "defense-evasion", "T1535"));
            } else if (parts[0] == "api" && IsPersistenceApi(parts[2])) {
                out.push_back(AnalyticFinding(v->ev, "Persistence:IAMUser/AnomalousBehavior",
                                              "Principal called an API it never used before: " +
                                                  std::string(parts[2]),
                                              "low", "persistence", ""));
            } else if (parts[0] == "ua") {
                out.push_back(AnalyticFinding(v->ev, "InitialAccess:IAMUser/NewUserAgentFamily",
                                              "Principal used a new user-agent family: " +
                                                  std::string(parts[2]),
                                              "low", "initial-access", "T1078.004"));
            }
        }
    }

    // --- Time-ordered detectors -----------------------------------------------------------------
    // Keyed by text (principals, sessions, dedupe keys), hashed with XXH3; none is iterated.
    StrMap<std::string> instance_home; // session → first IP
    StrMap<TimeMs> fired;              // dedupe key → window end
    auto once = [&](const std::string& key, TimeMs t, int64_t span) {
        auto it = fired.find(key);
        if (it != fired.end() && t < it->second)
            return false;
        fired[key] = t + span;
        return true;
    };
    StrMap<CountingWindow> discovery;
    StrMap<Window> denied_all, s3, secrets, gpu;
    StrMap<std::deque<TimeMs>> console_fail;
    struct Blind {
        RowRef start;
    };
    std::map<std::string, Blind> blind; // account|region → StopLogging/DeleteTrail row
    const int64_t W = opt.burst_window_ms;

    // Rows come in time order, one at a time: those on disk are read back as the loop reaches
    // them and freed when no window holds them any more.
    RowMerger merged(row_sets);
    while (RowRef held = merged.Next()) {
        const ActivityRow* r = held.get();
        const Evidence& ev = r->ev;
        const std::string_view a = ev.event_name.view();
        const bool ok = r->error_code.empty();
        // Instance credentials used away from their instance.
        if (auto inst = InstanceSessionId(ev.actor);
            !inst.empty() && !IsAwsInternal(ev.source_ip)) {
            auto it = instance_home.find(ev.actor.view());
            const bool first = it == instance_home.end();
            if (first)
                instance_home.try_emplace(ev.actor, ev.source_ip);
            else if (it->second != ev.source_ip) {
                auto ip = ParseIp(ev.source_ip);
                auto home = ParseIp(it->second);
                if (ip && home) {
                    bool outside = !IsPrivateIp(*ip);
                    std::string type =
                        outside
                            ? "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS"
                            : "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.InsideAWS";
                    if (once(type + ev.actor + ev.source_ip, ev.time, 24 * kHour))
                        out.push_back(AnalyticFinding(
                            ev, type,
                            "Credentials of instance " + std::string(inst) + " used from " +
                                (outside ? "outside AWS" : "another address inside AWS"),
                            "high", "initial-access", "T1078.004"));
                }
            }
        }
        const std::string_view who = PrincipalKey(ev);
        // Discovery bursts and AccessDenied ratio.
        if ((IsReadApi(a) || IsDenied(r->error_code)) && !r->via_service) {
            CountingWindow& w = Slot(discovery, who);
            w.Push(held, W);
            const auto& distinct = w.reads;
            const auto& denied_apis = w.denials;
            const size_t denied = w.denied;
            // A burst is anomalous only when it goes beyond the principal's known behaviour.
            size_t new_apis = 0;
            if (distinct.size() >= opt.discovery_distinct)
                new_apis = count_novel_apis(r->baseline, distinct, ev.time - W);
            if (distinct.size() >= opt.discovery_distinct && new_apis >= opt.discovery_novel &&
                once("disc" + std::string(who), ev.time, W))
                out.push_back(AnalyticFinding(ev, "Discovery:IAMUser/AnomalousBehavior",
                                              "Burst of " + std::to_string(distinct.size()) +
                                                  " distinct discovery APIs in minutes",
                                              "medium", "discovery", "T1580"));
            // Probing is denial on several different APIs; one API denied over and over is a
            // missing permission of a workload.
            if (denied_apis.size() >= opt.denied_min &&
                double(denied) / double(w.rows.size()) >= opt.denied_ratio &&
                once("denied" + std::string(who), ev.time, W))
                out.push_back(AnalyticFinding(ev, "Recon:IAMUser/AccessDeniedBurst",
                                              std::to_string(denied) + " AccessDenied errors in " +
                                                  std::to_string(w.rows.size()) + " calls",
                                              "medium", "discovery", "T1580"));
        }
        // Console anomalies.
        if (a == "ConsoleLogin") {
            std::string user = ev.actor;
            auto& fails = console_fail[user];
            while (!fails.empty() && ev.time - fails.front() > kHour)
                fails.pop_front();
            bool success = r->outcome == "success";
            if (!success)
                fails.push_back(ev.time);
            else {
                if (fails.size() >= opt.console_failures)
                    out.push_back(
                        AnalyticFinding(ev, "CredentialAccess:IAMUser/ConsoleBruteForceSuccess",
                                        "Console login succeeded after " +
                                            std::to_string(fails.size()) + " failures",
                                        "high", "credential-access", "T1110"));
                fails.clear();
                if (r->actor_type == "Root")
                    out.push_back(AnalyticFinding(
                        ev, "Policy:IAMUser/RootCredentialUsage",
                        r->mfa == "false" ? "Root console login without MFA" : "Root console login",
                        r->mfa == "false" ? "high" : "medium", "initial-access", "T1078.004"));
            }
        }
        if ((a == "DeactivateMFADevice" || a == "DeleteVirtualMFADevice") && ok)
            out.push_back(AnalyticFinding(ev, "Persistence:IAMUser/MFARemoved",
                                          "MFA device removed", "medium", "persistence",
                                          "T1556.006"));
        // Logging tampering and blind windows.
        const bool stops = (a == "StopLogging" || a == "DeleteTrail") && ok;
        const bool starts = (a == "StartLogging" || a == "CreateTrail") && ok;
        const std::string scope = stops || starts ? ev.account + "|" + ev.region : std::string();
        if (stops && !blind.count(scope))
            blind[scope] = {held};
        if (starts) {
            if (auto it = blind.find(scope); it != blind.end()) {
                int64_t gap = ev.time - it->second.start->ev.time;
                out.push_back(AnalyticFinding(
                    it->second.start->ev, "Stealth:IAMUser/CloudTrailLoggingDisabled",
                    "CloudTrail blind window of " + std::to_string(gap / 60000) + " min", "high",
                    "defense-evasion", "T1562.008"));
                blind.erase(it);
            }
        }
        // S3 mass reads / copies / deletions.
        if ((a == "GetObject" || a == "CopyObject" || a == "DeleteObject" ||
             a == "DeleteObjects") &&
            !r->resource.empty() && novel_resource(r)) {
            std::string op = a == "GetObject" ? "read" : a == "CopyObject" ? "copy" : "delete";
            Window& w = s3[std::string(who) + "|" + op];
            w.Push(held, W);
            std::set<std::string_view> objs;
            for (const RowRef& x : w.rows)
                objs.insert(x->resource);
            if (objs.size() >= opt.s3_mass_objects &&
                once("s3" + std::string(who) + op, ev.time, W)) {
                bool del = op == "delete";
                out.push_back(AnalyticFinding(
                    ev,
                    del            ? "Impact:S3/ObjectDeletion.Unusual"
                    : op == "copy" ? "Impact:S3/ObjectCopy.Unusual"
                                   : "Exfiltration:S3/ObjectRead.Unusual",
                    "Mass S3 " + op + " of " + std::to_string(objs.size()) + " objects", "high",
                    del || op == "copy" ? "impact" : "exfiltration",
                    del            ? "T1485"
                    : op == "copy" ? "T1486"
                                   : "T1530"));
            }
        }
        // Bulk secret reads.
        if ((a == "GetSecretValue" || a == "GetParameter" || a == "GetParameters" ||
             a == "GetParametersByPath") &&
            (r->resource.empty() ? novel(r->baseline, a, ev.time - W) : novel_resource(r))) {
            Window& w = Slot(secrets, who);
            w.Push(held, W);
            std::set<std::string_view> names;
            for (const RowRef& x : w.rows)
                names.insert(x->resource.empty() ? std::string_view(x->ev.event_id)
                                                 : std::string_view(x->resource));
            if (names.size() >= opt.secrets_distinct && once("sec" + std::string(who), ev.time, W))
                out.push_back(AnalyticFinding(ev, "CredentialAccess:IAMUser/BulkSecretRead",
                                              "Bulk read of " + std::to_string(names.size()) +
                                                  " secrets or parameters",
                                              "high", "credential-access", "T1555.006"));
        }
        // GPU / large instance bursts.
        if (a == "RunInstances" && IsGpuOrLarge(r->resource)) {
            Window& w = Slot(gpu, who);
            w.Push(held, kHour);
            if (w.rows.size() >= opt.gpu_burst && once("gpu" + std::string(who), ev.time, kHour))
                out.push_back(
                    AnalyticFinding(ev, "CryptoCurrency:IAMUser/GpuInstanceBurst",
                                    "Burst of GPU/large instance launches (" + r->resource + ")",
                                    "high", "impact", "T1496"));
        }
    }
    for (const auto& [scope, b] : blind)
        out.push_back(AnalyticFinding(b.start->ev, "Stealth:IAMUser/CloudTrailLoggingDisabled",
                                      "CloudTrail logging stopped and never restarted", "high",
                                      "defense-evasion", "T1562.008"));
    counted.unread = merged.unread();
    if (stats)
        *stats = counted;
    return out;
}

} // namespace cloudsift::analytics
