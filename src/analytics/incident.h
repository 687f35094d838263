// Incidents: findings grouped by shared entities (access key, principal, role chain, instance,
// IP address) within a time gap, across sources (union-find over entity keys), with a title,
// severity, score and reasons derived from the tactics and analytics present.
#pragma once
#include <string>
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

//! Groups findings (any order) into incidents sorted by score, then first_seen.
//! links are extra equivalences between entity keys learned by the analytics (an instance and
//! its private address).
std::vector<Incident>
BuildIncidents(const std::vector<Finding>& findings, const IncidentOptions& options = {},
               const std::vector<std::pair<std::string, std::string>>& links = {});

//! Appends the incident as one JSON object (no newline).
void AppendIncidentJson(std::string& out, const Incident& inc);

} // namespace cloudsift::analytics
