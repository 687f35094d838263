// MITRE ATT&CK tags of Sigma rules (sigma-appendix-tags "Namespace: attack").
//
// Accepted tag forms (case-insensitive):
//   attack.<tactic>            -- tactic name, '_' or '-' separated ("attack.defense_evasion")
//   attack.t<4 digits>[.<3 digits>]   -- technique / sub-technique ("attack.t1098.001")
// Other attack.* tags (groups gNNNN, software sNNNN) and other namespaces are ignored here.
#pragma once
#include <string>
#include <vector>

namespace cloudsift::sigma {

//! Appends the tactics (hyphen form, "defense-evasion") and techniques ("T1098.001") named by
//! tags, without duplicates.
void ParseAttackTags(const std::vector<std::string>& tags, std::vector<std::string>& tactics,
                     std::vector<std::string>& techniques);

} // namespace cloudsift::sigma
