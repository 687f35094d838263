// Incidents: findings grouped by shared entities (access key, principal, role chain, instance,
// IP address) within a time gap, across sources (union-find over entity keys), with a title,
// severity, score and reasons derived from the tactics and analytics present.
#pragma once
#include <algorithm>
#include <memory>
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

//! Findings gathered for grouping as they stream by, without holding them: per finding 12 bytes
//! (its id and the episode it joins: a run of findings sharing an entity key, each within the
//! gap of the one before); everything else per distinct entity, episode, rule and event name,
//! so millions of findings read back from temporary files cost little memory.
class IncidentInput {
public:
    //! options.gap_ms and links (extra equivalences between entity keys learned by the
    //! analytics: an instance and its private address) apply as findings are added;
    //! options.singletons and threads when the incidents are built.
    explicit IncidentInput(const IncidentOptions& options = {},
                           const std::vector<std::pair<std::string, std::string>>& links = {});
    ~IncidentInput();
    IncidentInput(IncidentInput&&) noexcept;
    IncidentInput& operator=(IncidentInput&&) noexcept;
    //! Makes room for n findings.
    void Reserve(size_t n);
    //! Adds f. Findings come in time order, equal times in the order their incident lists them
    //! (a hunt's order); a finding earlier than a key's latest one counts as within its gap.
    void Add(const Finding& f);
    //! Findings added.
    size_t size() const;

private:
    friend std::vector<Incident> BuildIncidents(IncidentInput&& input);
    struct State;
    std::unique_ptr<State> s_;
};

//! Groups the findings of input into incidents sorted by score, then first_seen (the input is
//! used up).
std::vector<Incident> BuildIncidents(IncidentInput&& input);
//! The same over findings held in memory, in any order.
std::vector<Incident>
BuildIncidents(const std::vector<Finding>& findings, const IncidentOptions& options = {},
               const std::vector<std::pair<std::string, std::string>>& links = {});

//! Appends the incident as one JSON object (no newline).
void AppendIncidentJson(std::string& out, const Incident& inc);

} // namespace cloudsift::analytics
