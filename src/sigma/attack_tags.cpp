#include "sigma/attack_tags.h"

#include <algorithm>
#include <string_view>

#include "common/strings.h"

namespace cloudsift::sigma {
namespace {

constexpr std::string_view kTactics[] = {
    "reconnaissance",    "resource-development", "initial-access",  "execution",
    "persistence",       "privilege-escalation", "defense-evasion", "stealth",
    "defense-impairment", "credential-access",   "discovery",       "lateral-movement",
    "collection",        "command-and-control",  "exfiltration",    "impact"};

bool IsTechnique(std::string_view s) {
    // tNNNN or tNNNN.NNN
    auto digits = [](std::string_view d) {
        return std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    if (s.size() != 5 && s.size() != 9) return false;
    if (s[0] != 't' || !digits(s.substr(1, 4))) return false;
    return s.size() == 5 || (s[5] == '.' && digits(s.substr(6)));
}

void AddUnique(std::vector<std::string>& v, std::string s) {
    if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(std::move(s));
}

} // namespace

void ParseAttackTags(const std::vector<std::string>& tags, std::vector<std::string>& tactics,
                     std::vector<std::string>& techniques) {
    for (const auto& tag : tags) {
        std::string t = ToLower(Trim(tag));
        if (!StartsWith(t, "attack.")) continue;
        std::string rest = t.substr(7);
        if (IsTechnique(rest)) {
            rest[0] = 'T';
            AddUnique(techniques, rest);
            continue;
        }
        std::replace(rest.begin(), rest.end(), '_', '-');
        for (auto known : kTactics)
            if (rest == known) AddUnique(tactics, rest);
    }
}

} // namespace cloudsift::sigma
