#include "analytics/suppress.h"

#include <yaml-cpp/yaml.h>

#include "common/strings.h"
#include "common/yaml_syntax.h"

namespace cloudsift::analytics {

bool SuppressionList::Add(Entry e, std::string& why) {
    if (e.rule.empty() && e.principal.empty() && e.ip.empty() && e.user_agent.empty()) {
        why = "entry names none of rule, principal, ip, user_agent";
        return false;
    }
    if (!e.ip.empty() && !ParseCidr(e.ip)) {
        why = "not an IP address or CIDR: '" + e.ip + "'";
        return false;
    }
    entries_.push_back(std::move(e));
    return true;
}

void SuppressionList::Parse(std::string_view text, std::vector<Problem>& problems) {
    auto parse_expiry = [&](std::string_view s, Entry& e, size_t line) {
        s = Trim(s);
        if (s.empty())
            return true;
        auto t = ParseIsoTime(s);
        if (!t) {
            problems.push_back({line, "expires is not an ISO 8601 date: '" + std::string(s) + "'"});
            return false;
        }
        e.expires = *t;
        return true;
    };
    std::string_view head = Trim(text);
    bool yaml = StartsWith(head, "-") || StartsWith(head, "suppress:") || StartsWith(head, "---");
    if (yaml) {
        if (auto refused = YamlRefusal(text)) {
            problems.push_back({refused->line, std::move(refused->message)});
            return;
        }
        YAML::Node doc;
        try {
            doc = YAML::Load(std::string(text));
        } catch (const YAML::Exception& ex) {
            problems.push_back({size_t(ex.mark.line + 1), ex.msg});
            return;
        }
        if (doc.IsMap() && doc["suppress"])
            doc = doc["suppress"];
        if (!doc.IsSequence()) {
            problems.push_back({1, "expected a list of suppression entries"});
            return;
        }
        for (const auto& n : doc) {
            size_t line = size_t(n.Mark().line + 1);
            if (!n.IsMap()) {
                problems.push_back({line, "entry is not a mapping"});
                continue;
            }
            Entry e;
            e.line = line;
            bool ok = true;
            for (auto it = n.begin(); it != n.end(); ++it) {
                std::string k = it->first.as<std::string>();
                std::string v = it->second.IsScalar() ? it->second.Scalar() : "";
                if (k == "rule" || k == "rule_id")
                    e.rule = v;
                else if (k == "principal" || k == "actor")
                    e.principal = v;
                else if (k == "ip" || k == "source_ip")
                    e.ip = v;
                else if (k == "user_agent")
                    e.user_agent = v;
                else if (k == "reason")
                    e.reason = v;
                else if (k == "expires")
                    ok = parse_expiry(v, e, line) && ok;
                else {
                    problems.push_back({line, "unknown key '" + k + "'"});
                    ok = false;
                }
            }
            std::string why;
            if (ok && !Add(std::move(e), why)) {
                problems.push_back({line, why});
            } else if (!ok && e.rule.empty() && e.principal.empty() && e.ip.empty() &&
                       e.user_agent.empty()) {
                problems.push_back({line, "entry names no rule, principal, ip or user_agent"});
            }
        }
        return;
    }
    size_t line_no = 0;
    for (std::string_view line : Split(text, '\n')) {
        ++line_no;
        std::string_view s = Trim(line);
        if (s.empty() || s.front() == '#')
            continue;
        auto cells = Split(s, ',');
        std::string field = ToLower(Trim(cells[0]));
        if (line_no == 1 && field == "field")
            continue;
        if (cells.size() < 2) {
            problems.push_back({line_no, "expected `field,value[,expires[,reason]]`"});
            continue;
        }
        Entry e;
        e.line = line_no;
        std::string v(Trim(cells[1]));
        if (field == "rule")
            e.rule = v;
        else if (field == "principal")
            e.principal = v;
        else if (field == "ip")
            e.ip = v;
        else if (field == "user_agent")
            e.user_agent = v;
        else {
            problems.push_back({line_no, "unknown field '" + field +
                                             "' (expected rule, principal, ip, user_agent)"});
            continue;
        }
        if (cells.size() > 2 && !parse_expiry(cells[2], e, line_no))
            continue;
        for (size_t i = 3; i < cells.size(); ++i)
            e.reason += std::string(cells[i]);
        std::string why;
        if (!Add(std::move(e), why))
            problems.push_back({line_no, why});
    }
}

bool SuppressionList::Suppressed(const Finding& f, TimeMs now) {
    for (auto& e : entries_) {
        if (e.expires && now > *e.expires)
            continue;
        if (!e.rule.empty() && e.rule != f.rule_id() && e.rule != f.rule_title())
            continue;
        if (!e.principal.empty() && e.principal != f.actor &&
            !(EndsWith(f.actor, "/" + e.principal)))
            continue;
        if (!e.ip.empty()) {
            auto c = ParseCidr(e.ip);
            auto a = ParseIp(f.source_ip);
            if (!c || !a || !CidrContains(*c, *a))
                continue;
        }
        if (!e.user_agent.empty() &&
            ToLower(f.user_agent).find(ToLower(e.user_agent)) == std::string::npos)
            continue;
        ++e.hits;
        return true;
    }
    return false;
}

} // namespace cloudsift::analytics
