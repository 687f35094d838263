// Finding: one rule match on one record, owned, ready for any sink (the DESIGN.md contract).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "common/time_util.h"

namespace cloudsift {

//! A detection on a record (from a Sigma rule, a behavioural analytic, or an imported finding).
struct Finding {
    TimeMs time = 0;
    std::string rule_id;
    std::string rule_title;
    std::string level;                   //!< informational | low | medium | high | critical
    std::vector<std::string> tags;       //!< as in the rule ("attack.t1098")
    std::vector<std::string> tactics;    //!< "persistence"
    std::vector<std::string> techniques; //!< "T1098"
    std::string event_id;
    std::string event_name;
    std::string event_source;
    std::string source_type;             //!< decoder name
    std::string actor;                   //!< principal ARN or name
    std::string access_key;
    std::string source_ip;
    std::string user_agent;
    std::string account;
    std::string region;
    std::string file;
    uint64_t line_or_index = 0;          //!< line for line formats, record index otherwise
    std::string finding_id;              //!< stable id: hash of rule id + file + position
};

//! Numeric rank of a level name (informational 0 … critical 4; unknown -1).
int LevelRank(std::string_view level);

//! Appends the finding as one JSON object (no newline) with the DESIGN.md field names.
void AppendFindingJson(std::string& out, const Finding& f);

} // namespace cloudsift
