// Incidents: findings grouped by shared entities (access key, principal, role chain, instance,
// IP address) within a time gap, across sources (union-find over entity keys), with a title,
// severity, score and reasons derived from the tactics and analytics present.
#pragma once
#include <algorithm>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "hunt/finding.h"

namespace cloudsift::analytics {

//! One incident (DESIGN.md contract fields plus reasons and sources).
struct Incident {
    std::string incident_id;
    std::string title;
    std::string severity; //!< low | medium | high | critical
    int score = 0;        //!< 0..100
    std::vector<std::string> reasons;
    std::vector<std::string> tactics; //!< ATT&CK tactics in order of first appearance
    std::vector<std::string> entities; //!< "key:ASIA…", "principal:arn…", "ip:…", "instance:i-…"
    std::vector<std::string> sources; //!< source types present
    TimeMs first_seen = 0, last_seen = 0;
    std::vector<FindingId> finding_ids; //!< in time order
};

//! Grouping parameters.
struct IncidentOptions {
    int64_t gap_ms = 6LL * 3600 * 1000; //!< findings further apart than this do not link
    bool singletons = true;             //!< also make incidents of single findings
    unsigned threads = 1;               //!< threads building the incidents of the groups
};

//! Entity keys a finding links on.
std::vector<std::string> EntityKeys(const Finding& f);

//! The fields of findings the incident grouping reads, held compactly: 24 bytes a finding, its
//! rule, event name and entity texts shared through small tables (findings streamed back from
//! temporary files need not be held whole).
class IncidentInput {
public:
    //! Makes room for n findings (the rows then never move while they are added).
    void Reserve(size_t n) { rows_.reserve(n); }
    //! Adds f (findings in time order need no sorting later).
    void Add(const Finding& f);
    //! Findings added.
    size_t size() const { return rows_.size(); }

private:
    friend std::vector<Incident>
    BuildIncidents(const IncidentInput& input, const IncidentOptions& options,
                   const std::vector<std::pair<std::string, std::string>>& links);
    struct Row {
        TimeMs time;
        FindingId id;
        uint32_t what, who; // indexes into what_ and who_
    };
    // What was detected: the rule and the event name.
    struct What {
        SharedRule rule;
        SharedText event_name;
    };
    // The texts entity keys are made of (host_file only for host-local logs).
    struct Who {
        SharedText actor, access_key, source_ip, host_file, source_type;
    };
    // Table keys: an entry's texts (found by content: texts read back from temporary files
    // are copies) and, for the what table, the rule's identity (rules differ by more than
    // their texts).
    struct WhatKey {
        const void* rule;
        std::string_view event_name;
        bool operator==(const WhatKey&) const = default;
    };
    struct WhoKey {
        std::string_view text[5];
        bool operator==(const WhoKey& o) const { return std::equal(text, text + 5, o.text); }
    };
    struct KeyHash {
        size_t operator()(const WhatKey& k) const;
        size_t operator()(const WhoKey& k) const;
    };

    std::vector<Row> rows_;
    std::vector<What> what_;
    std::vector<Who> who_;
    // Entries by key (the views are of the texts the entries hold).
    std::unordered_map<WhatKey, uint32_t, KeyHash> what_ids_;
    std::unordered_map<WhoKey, uint32_t, KeyHash> who_ids_;
    // The last finding's what and who entries and the texts they were found for (held, so
    // that their identities are not reused meanwhile): its neighbours mostly share them.
    What last_what_texts_;
    Who last_who_texts_;
    uint32_t last_what_ = UINT32_MAX, last_who_ = UINT32_MAX;
    // The file and source type whose host-locality was last decided (held, so that their
    // identities are not reused meanwhile), and the answer.
    bool host_set_ = false, host_local_ = false;
    SharedText host_file_, host_source_;
};

//! Groups findings (any order) into incidents sorted by score, then first_seen.
//! links are extra equivalences between entity keys learned by the analytics (an instance and
//! its private address).
std::vector<Incident>
BuildIncidents(const IncidentInput& input, const IncidentOptions& options = {},
               const std::vector<std::pair<std::string, std::string>>& links = {});
//! The same over findings held in memory.
std::vector<Incident>
BuildIncidents(const std::vector<Finding>& findings, const IncidentOptions& options = {},
               const std::vector<std::pair<std::string, std::string>>& links = {});

//! Appends the incident as one JSON object (no newline).
void AppendIncidentJson(std::string& out, const Incident& inc);

} // namespace cloudsift::analytics
