// Behavioural analytics: detectors that need state across records (instance credentials used
// elsewhere, crypto-mining, first-seen behaviour, discovery bursts, console anomalies, logging
// blind windows, S3 mass operations, bulk secret reads, threat-intel matches).
//
// Two phases. During the parallel scan each thread's BehaviorCollector keeps (a) findings that
// need one record only (mining-pool DNS, mining-port flows, attack-tool user agents, IOC hits),
// (b) a compact ActivityRow for the CloudTrail events the stateful detectors read, (c) first-seen
// aggregates (principal×API, account×region, principal×user-agent family → earliest event).
// Rows beyond a per-collector limit go to sorted temporary files (analytics/activity_rows.h).
// After the scan RunBehavior() merges the threads' rows in time order and runs the detectors.
// Sizes and every parameter are documented in docs/analytics.md.
#pragma once
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "analytics/activity_rows.h"
#include "analytics/ioc.h"
#include "formats/format.h"
#include "hunt/finding.h"

namespace cloudsift::analytics {

//! Tunable parameters of the detectors.
struct BehaviorOptions {
    int64_t learning_ms = 0; //!< first-seen learning window; 0 = 25% of the data span
    int64_t burst_window_ms = 10 * 60 * 1000;
    size_t discovery_distinct = 8; //!< distinct List/Describe/Get APIs in the window …
    size_t discovery_novel = 3;    //!< … of which the principal never called this many before
    size_t denied_min = 3;         //!< distinct APIs denied (AccessDenied) in the window …
    double denied_ratio = 0.25;    //!< … and their share of the principal's calls
    size_t s3_mass_objects = 20;   //!< distinct objects read/copied/deleted in the window
    size_t secrets_distinct = 5;   //!< distinct secrets/parameters read in the window
    size_t console_failures = 3;   //!< failed console logins before a success (1 h)
    size_t gpu_burst = 2;          //!< GPU/large RunInstances calls in the window
    //! Activity rows a collector (one per scan thread) keeps in memory; beyond that they are
    //! sorted and written to temporary files in TMPDIR and merged back for the detectors, so
    //! memory stays bounded whatever the input size (0 = all in memory).
    size_t rows_in_memory = size_t(1) << 18;
};

//! What the detectors read: rows collected, rows that went through temporary files.
struct BehaviorStats {
    uint64_t rows = 0;
    uint64_t spilled = 0;      //!< rows written to temporary files and read back
    size_t runs = 0;           //!< temporary files written
    bool spill_failed = false; //!< a temporary file could not be written (rows kept in memory)
    uint64_t unread = 0;       //!< rows lost to a read error on a temporary file
};

//! Reference data: mining pools, mining ports, attack-tool markers, indicators.
struct Intel {
    std::unordered_set<std::string> mining_domains; //!< lower-case registrable suffixes
    std::unordered_set<uint32_t> mining_ports = {3333, 4444, 5555, 7777, 14444, 45700};
    std::vector<std::string> attack_agents = {
        "kali",           "pacu",     "stratus",   "cloudfox",   "parrot",  "scoutsuite",
        "prowler-attack", "weirdaal", "cloudgoat", "trufflehog", "endgame", "pmapper"};
    IocSet iocs;
    //! Whether name (or a parent domain) is a known mining pool.
    bool IsMiningDomain(std::string_view name) const;
    //! Loads one domain per line ('#' comments); returns the number loaded.
    size_t LoadMiningDomains(std::string_view text);
};

//! Earliest event of a first-seen key.
struct FirstSeen {
    TimeMs first = 0;
    uint64_t count = 0;
    Evidence ev;
};

//! Per-thread collector (one per scan worker).
class BehaviorCollector {
public:
    //! intel must outlive the collector; rows_in_memory as in BehaviorOptions.
    explicit BehaviorCollector(const Intel& intel, size_t rows_in_memory = 0)
        : rows(rows_in_memory), intel_(intel) {}
    //! Inspects one record; single-record findings go to findings(). record_evidence, when
    //! given, is rec's evidence as FillEvidence built it for another finding of rec (it is
    //! copied instead of being built again).
    void OnRecord(const Record& rec, const FileInfo& file,
                  const Finding* record_evidence = nullptr);

    ActivityRows rows;
    //! "api|p|a", "region|acct|r" …
    std::unordered_map<std::string, FirstSeen, TransparentStringHash, std::equal_to<>> first_seen;
    std::vector<Finding> findings;
    //! Entity equivalences for incident grouping learned from identity-creating calls: the
    //! creator ("key:…" or "principal:…") first, the created identity second ("key:AKIA…" of a
    //! new access key, "principal:arn…:user/U" of a new user, "principal:…assumed-role/R/F" of a
    //! Lambda function F created with role R). Pass them to BuildIncidents.
    std::vector<std::pair<std::string, std::string>> links;
    //! EC2 role sessions named after their instance → time and private address of the
    //! instance's earliest row (its home address).
    std::map<std::string, std::pair<TimeMs, SharedText>, std::less<>> instance_homes;

private:
    void LearnCreation(const Record& rec);
    //! Counts the first-seen key made of parts joined by \x1f; keeps the earliest evidence.
    void Touch(std::initializer_list<std::string_view> parts, const Record& rec,
               const FileInfo& file);
    //! What a user agent tells: the attack tool it names (empty if none) and its family.
    struct UserAgentFacts {
        std::string tool;
        std::string family;
    };
    //! The facts of ua, from a bounded cache (user agents repeat across many records).
    const UserAgentFacts& FactsOf(std::string_view ua);
    //! EvidenceOf(rec, file), from the record's evidence when OnRecord was given it.
    Evidence EvidenceFor(const Record& rec, const FileInfo& file);
    const Intel& intel_;
    const Finding* record_evidence_ = nullptr; // of the record OnRecord inspects
    TextInterner interner_;
    std::string key_; // scratch for Touch()
    std::unordered_map<std::string, UserAgentFacts, TransparentStringHash, std::equal_to<>>
        ua_facts_;
};

//! Builds the evidence part of a finding for rec (no rule fields); interner may be null.
Evidence EvidenceOf(const Record& rec, const FileInfo& file, TextInterner* interner = nullptr);

//! Turns evidence into an analytic finding of the given GuardDuty-style type.
Finding AnalyticFinding(const Evidence& evidence, std::string_view type, std::string_view title,
                        std::string_view level, std::string_view tactic,
                        std::string_view technique);

//! Merges the collectors and runs the time-ordered detectors; returns every analytic finding
//! (stats, when given, says how the rows were read).
std::vector<Finding> RunBehavior(const std::vector<BehaviorCollector*>& collectors,
                                 const BehaviorOptions& options, BehaviorStats* stats = nullptr);

//! Links for incident grouping: each instance ("instance:i-…") and the private address its
//! role session was first seen at ("ip:…"), over all collectors (the earliest wins; on equal
//! times the first collector's).
std::vector<std::pair<std::string, std::string>>
InstanceLinks(const std::vector<BehaviorCollector*>& collectors);

//! The family of a user agent ("aws-cli", "Boto3", "console", "Mozilla" …).
std::string UserAgentFamily(std::string_view ua);

//! Instance id ("i-0abc…") when the actor is an EC2 role session named after its instance.
std::string_view InstanceSessionId(std::string_view actor);

} // namespace cloudsift::analytics
