#include "analytics/ioc.h"

#include <nlohmann/json.hpp>

#include <regex>

#include "common/strings.h"

namespace cloudsift::analytics {

std::string NormalizeDomain(std::string_view d) {
    std::string s = ToLower(Trim(d));
    while (!s.empty() && s.back() == '.')
        s.pop_back();
    return s;
}

Status IocSet::Add(std::string_view type, std::string_view value, std::string_view description) {
    std::string t = ToLower(Trim(type));
    std::string v(Trim(value));
    if (v.empty())
        return Error{"ioc.value", "empty indicator value"};
    Indicator ind;
    ind.description = std::string(Trim(description));
    if (t == "ip" || t == "ipv4" || t == "ipv6" || t == "cidr" || t == "ipv4-addr" ||
        t == "ipv6-addr") {
        if (v.find('/') != std::string::npos) {
            auto c = ParseCidr(v);
            if (!c)
                return Error{"ioc.cidr", "not a CIDR block: '" + v + "'"};
            ind.kind = Kind::Cidr;
            ind.value = v;
            cidrs_.emplace_back(*c, indicators_.size());
        } else {
            if (!ParseIp(v))
                return Error{"ioc.ip", "not an IP address: '" + v + "'"};
            ind.kind = Kind::Ip;
            ind.value = v;
            exact_["ip:" + v] = indicators_.size();
        }
    } else if (t == "domain" || t == "domain-name" || t == "hostname" || t == "fqdn") {
        ind.kind = Kind::Domain;
        ind.value = NormalizeDomain(v);
        if (ind.value.find_first_of(" /\\:@") != std::string::npos || ind.value.empty())
            return Error{"ioc.domain", "not a domain name: '" + v + "'"};
        exact_["domain:" + ind.value] = indicators_.size();
    } else if (t == "user_agent" || t == "ua" || t == "user-agent" || t == "useragent") {
        ind.kind = Kind::UserAgent;
        ind.value = v;
        user_agents_.emplace_back(ToLower(v), indicators_.size());
    } else if (t == "access_key" || t == "access-key" || t == "accesskey" || t == "key") {
        ind.kind = Kind::AccessKey;
        ind.value = v;
        if (v.size() < 16 || v.size() > 128)
            return Error{"ioc.key", "not an access key id: '" + v + "'"};
        exact_["key:" + v] = indicators_.size();
    } else {
        return Error{"ioc.type", "unknown indicator type '" + t +
                                     "' (expected ip, cidr, domain, user_agent, access_key)"};
    }
    indicators_.push_back(std::move(ind));
    return Ok{};
}

void IocSet::Parse(std::string_view text, std::vector<Problem>& problems) {
    std::string_view t = Trim(text);
    if (!t.empty() && t.front() == '{')
        ParseStix(text, problems);
    else
        ParseCsv(text, problems);
}

void IocSet::ParseCsv(std::string_view text, std::vector<Problem>& problems) {
    size_t line_no = 0;
    for (std::string_view line : Split(text, '\n')) {
        ++line_no;
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        std::string_view s = Trim(line);
        if (s.empty() || s.front() == '#')
            continue;
        auto cells = Split(s, ',');
        if (line_no == 1 && ToLower(Trim(cells[0])) == "type")
            continue;
        if (cells.size() < 2) {
            problems.push_back({line_no, "expected `type,value[,description]`"});
            continue;
        }
        std::string desc;
        for (size_t i = 2; i < cells.size(); ++i) {
            if (i > 2)
                desc += ',';
            desc += std::string(cells[i]);
        }
        auto st = Add(cells[0], cells[1], desc);
        if (!st.ok())
            problems.push_back({line_no, st.error().message});
    }
}

void IocSet::ParseStix(std::string_view text, std::vector<Problem>& problems) {
    nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) {
        problems.push_back({1, "not valid JSON (expected a STIX 2.1 bundle)"});
        return;
    }
    const auto objs = doc.find("objects");
    if (objs == doc.end() || !objs->is_array()) {
        problems.push_back({1, "STIX bundle has no `objects` array"});
        return;
    }
    static const std::regex kCmp(
        R"(([a-z0-9-]+):([a-z0-9_.'\[\]-]+)\s*(=|LIKE|MATCHES)\s*'((?:[^'\\]|\\.)*)')",
        std::regex::icase);
    size_t idx = 0;
    for (const auto& o : *objs) {
        ++idx;
        if (!o.is_object() || o.value("type", "") != "indicator")
            continue;
        std::string ptype = o.value("pattern_type", "stix");
        if (ptype != "stix") {
            problems.push_back({idx, "indicator pattern_type '" + ptype + "' is not supported"});
            continue;
        }
        std::string pattern = o.value("pattern", "");
        std::string desc = o.value("name", o.value("description", ""));
        size_t added = 0;
        for (auto it = std::sregex_iterator(pattern.begin(), pattern.end(), kCmp);
             it != std::sregex_iterator(); ++it) {
            std::string obj = ToLower((*it)[1].str()), prop = ToLower((*it)[2].str());
            std::string op = ToLower((*it)[3].str()), val = (*it)[4].str();
            std::string type;
            if (obj == "ipv4-addr" || obj == "ipv6-addr")
                type = "ip";
            else if (obj == "domain-name")
                type = "domain";
            else if (obj == "network-traffic" && prop.find("ref.value") != std::string::npos)
                type = ParseIp(val) || ParseCidr(val) ? "ip" : "domain";
            else if (obj == "url") {
                std::string_view u = val;
                if (auto p = u.find("://"); p != std::string_view::npos)
                    u.remove_prefix(p + 3);
                u = u.substr(0, u.find_first_of("/:?"));
                val = std::string(u);
                type = ParseIp(val) ? "ip" : "domain";
            } else if (prop.find("user_agent") != std::string::npos ||
                       prop.find("user-agent") != std::string::npos)
                type = "user_agent";
            else if (obj == "user-account" || prop.find("access_key") != std::string::npos)
                type = "access_key";
            if (type.empty() || op != "=") {
                problems.push_back({idx, "unsupported comparison '" + (*it)[0].str() + "'"});
                continue;
            }
            auto st = Add(type, val, desc);
            if (!st.ok())
                problems.push_back({idx, st.error().message});
            else
                ++added;
        }
        if (added == 0 && pattern.find('[') == std::string::npos)
            problems.push_back({idx, "indicator has no STIX pattern"});
    }
}

const IocSet::Indicator* IocSet::MatchIp(std::string_view ip) const {
    if (ip.empty())
        return nullptr;
    if (auto it = exact_.find("ip:" + std::string(ip)); it != exact_.end())
        return &indicators_[it->second];
    if (cidrs_.empty())
        return nullptr;
    auto a = ParseIp(ip);
    if (!a)
        return nullptr;
    for (const auto& [c, i] : cidrs_)
        if (CidrContains(c, *a))
            return &indicators_[i];
    return nullptr;
}

const IocSet::Indicator* IocSet::MatchDomain(std::string_view domain) const {
    if (domain.empty())
        return nullptr;
    std::string d = NormalizeDomain(domain);
    std::string_view v = d;
    while (!v.empty()) {
        if (auto it = exact_.find("domain:" + std::string(v)); it != exact_.end())
            return &indicators_[it->second];
        auto dot = v.find('.');
        if (dot == std::string_view::npos)
            break;
        v.remove_prefix(dot + 1);
    }
    return nullptr;
}

const IocSet::Indicator* IocSet::MatchUserAgent(std::string_view ua) const {
    if (ua.empty() || user_agents_.empty())
        return nullptr;
    std::string l = ToLower(ua);
    for (const auto& [needle, i] : user_agents_)
        if (l.find(needle) != std::string::npos)
            return &indicators_[i];
    return nullptr;
}

const IocSet::Indicator* IocSet::MatchAccessKey(std::string_view key) const {
    if (key.empty())
        return nullptr;
    auto it = exact_.find("key:" + std::string(key));
    return it == exact_.end() ? nullptr : &indicators_[it->second];
}

} // namespace cloudsift::analytics
