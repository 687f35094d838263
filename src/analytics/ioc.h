// Threat-intelligence indicators for `--ioc FILE`.
//
// Accepted inputs:
//   CSV   one indicator per line: `type,value[,description]`; blank lines and lines starting with
//         '#' are ignored; a first line `type,value…` is a header. type is one of ip, cidr,
//         domain, user_agent (or ua), access_key.
//   STIX  a STIX 2.1 bundle ({"type":"bundle","objects":[…]}); every object of type indicator
//         with pattern_type stix (or none) contributes the comparisons of its pattern joined by
//         OR/AND: [ipv4-addr:value = '…'], [ipv6-addr:value = '…'], [domain-name:value = '…'],
//         [url:value = '…'] (host part), [network-traffic:dst_ref.value = '…'] (also src_ref),
//         [user-agent… / x-http-request-ext user agent], [user-account:account_login = 'AKIA…'].
//         An address with a /prefix is a CIDR.
// Bad lines / indicators are reported with their line (CSV) or object index (STIX), never dropped
// silently.
#pragma once
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/ip.h"
#include "common/result.h"

namespace cloudsift::analytics {

//! A loaded indicator set.
class IocSet {
public:
    //! Kinds of indicators.
    enum class Kind { Ip, Cidr, Domain, UserAgent, AccessKey };
    //! One indicator.
    struct Indicator {
        Kind kind = Kind::Ip;
        std::string value;       //!< normalized (lower-case domain without trailing dot …)
        std::string description; //!< from the file ("" when none)
    };
    //! A problem in the file.
    struct Problem {
        size_t line = 0; //!< CSV line or STIX object index (1-based)
        std::string message;
    };

    //! Parses CSV or STIX text (sniffed); problems collects bad lines.
    void Parse(std::string_view text, std::vector<Problem>& problems);
    //! Number of indicators.
    size_t size() const { return indicators_.size(); }
    //! Whether no indicator is loaded.
    bool empty() const { return indicators_.empty(); }
    //! Indicator matching an IP address text (exact or CIDR), or nullptr.
    const Indicator* MatchIp(std::string_view ip) const;
    //! Indicator matching a domain or any parent domain of it, or nullptr.
    const Indicator* MatchDomain(std::string_view domain) const;
    //! Indicator whose text occurs in the user agent (case-insensitive), or nullptr.
    const Indicator* MatchUserAgent(std::string_view ua) const;
    //! Indicator equal to the access key id, or nullptr.
    const Indicator* MatchAccessKey(std::string_view key) const;

    //! Adds one indicator from its type name; Error on an unknown type or bad value.
    Status Add(std::string_view type, std::string_view value, std::string_view description);

private:
    void ParseCsv(std::string_view text, std::vector<Problem>& problems);
    void ParseStix(std::string_view text, std::vector<Problem>& problems);

    std::vector<Indicator> indicators_;
    std::unordered_map<std::string, size_t> exact_; //!< "ip:…", "domain:…", "key:…" → index
    std::vector<std::pair<Cidr, size_t>> cidrs_;
    std::vector<std::pair<std::string, size_t>> user_agents_; //!< lower-case needle
};

//! Lower-case domain without a trailing dot.
std::string NormalizeDomain(std::string_view d);

} // namespace cloudsift::analytics
