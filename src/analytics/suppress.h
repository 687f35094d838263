// Suppression list for `--suppress FILE`, applied to findings after matching.
//
// Accepted inputs:
//   YAML  a list (or `suppress:` list) of mappings with any of rule, principal, ip, user_agent
//         (all given keys must match), plus optional expires (ISO 8601 date/time) and reason.
//   CSV   `field,value[,expires[,reason]]` per line, field one of rule, principal, ip,
//         user_agent; '#' comments and a `field,value…` header are ignored.
// Matching: rule equals rule_id or rule_title; principal equals the actor or its last path
// segment; ip equals source_ip or is a CIDR containing it; user_agent is a case-insensitive
// substring. Expired entries are kept (reported) but never applied.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/ip.h"
#include "hunt/finding.h"

namespace cloudsift::analytics {

//! A loaded suppression list.
class SuppressionList {
public:
    //! One entry (empty fields are wildcards).
    struct Entry {
        std::string rule, principal, ip, user_agent, reason;
        std::optional<TimeMs> expires;
        size_t line = 0;
        uint64_t hits = 0;
    };
    //! A problem in the file.
    struct Problem {
        size_t line = 0;
        std::string message;
    };
    //! Parses YAML or CSV (sniffed by content); problems collects bad entries.
    void Parse(std::string_view text, std::vector<Problem>& problems);
    //! Whether f is suppressed at time now (counts the hit on the entry).
    bool Suppressed(const Finding& f, TimeMs now);
    //! Loaded entries.
    const std::vector<Entry>& entries() const { return entries_; }

private:
    bool Add(Entry e, std::string& why);
    std::vector<Entry> entries_;
};

} // namespace cloudsift::analytics
