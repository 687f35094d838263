// Attack scenarios: each writes a timed sequence of malicious records (with their ATT&CK step
// metadata, the ground truth) into the same sources the background uses, plus an exercise brief
// and an answer key.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/world.h"

namespace cloudsift::sim {

//! Output sources of the simulator.
enum class Source { CloudTrail, VpcFlow, Alb, Resolver, Nginx, AuthLog };

//! Decoder-style name of a source ("cloudtrail", "vpcflow", "alb", "route53resolver", "nginx",
//! "syslog").
std::string_view SourceName(Source s);

//! What a malicious record is, for truth.jsonl.
struct TruthMeta {
    std::string scenario;
    int step = 0;
    std::string action; //!< short description of the step
    std::string tactic; //!< ATT&CK tactic, hyphen form ("defense-evasion")
    std::string technique; //!< "T1562.008"
};

//! One malicious record, already rendered.
struct SimRecord {
    TimeMs time = 0;
    Source source = Source::CloudTrail;
    int account = 0;
    std::string region; //!< CloudTrail only
    int host = -1;      //!< nginx/auth: index into the prod account's hosts
    std::string text;   //!< CloudTrail JSON object, or one line with its newline
    std::string event_id; //!< CloudTrail eventID
    TruthMeta meta;
};

//! A generated scenario.
struct ScenarioRun {
    std::string name;
    std::vector<SimRecord> records; //!< in time order
    std::string brief;              //!< exercise brief (markdown)
    std::string answer;             //!< answer key (markdown)
};

//! Names of all scenarios, in listing order.
const std::vector<std::string>& ScenarioNames();

//! Longest time span a scenario's records may cover (used to place it inside the run).
TimeMs ScenarioSpan(std::string_view name);

//! Generates scenario name starting at t0 (the name must be one of ScenarioNames()).
ScenarioRun RunScenario(std::string_view name, const World& w, TimeMs t0, uint64_t seed);

} // namespace cloudsift::sim
