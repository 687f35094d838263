#include "store/investigate.h"

#include <fstream>
#include <regex>
#include <set>

#include "common/ip.h"
#include "common/strings.h"

namespace cloudsift::store {
namespace {

constexpr const char* kIso = "strftime(event_time, '%Y-%m-%dT%H:%M:%S.%gZ')";
constexpr const char* kActor = "coalesce(actor_arn, actor_name)";
constexpr const char* kIssuers =
    "('AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity', 'GetSessionToken', "
    "'GetFederationToken', 'GetRoleCredentials')";

std::string Ts(TimeMs ms) {
    return "make_timestamp(" + std::to_string(ms * 1000) + ")";
}

std::string AbusedValues(const std::vector<std::pair<std::string, std::string>>& abused) {
    if (abused.empty())
        return "SELECT NULL::VARCHAR AS api, NULL::VARCHAR AS tactic WHERE false";
    std::string v = "SELECT * FROM (VALUES ";
    for (size_t i = 0; i < abused.size(); ++i) {
        if (i)
            v += ", ";
        v += "(" + SqlQuote(abused[i].first) + ", " + SqlQuote(abused[i].second) + ")";
    }
    return v + ") AS t(api, tactic)";
}

Result<Section> Run(Connection& con, std::string title, const std::string& sql) {
    auto t = con.Query(sql);
    if (!t)
        return Error{t.error().code, title + ": " + t.error().message};
    return Section{std::move(title), std::move(t.value())};
}

} // namespace

Result<Table> Timeline(Connection& con, const TimelineFilter& f) {
    return con.Query(TimelineSql(f));
}

std::string TimelineSql(const TimelineFilter& f) {
    std::vector<std::string> where;
    if (!f.actor.empty())
        where.push_back("(contains(coalesce(e.actor_arn, ''), " + SqlQuote(f.actor) +
                        ") OR e.actor_name = " + SqlQuote(f.actor) + ")");
    if (!f.ip.empty())
        where.push_back("(e.src_ip = " + SqlQuote(f.ip) + " OR e.dst_ip = " + SqlQuote(f.ip) + ")");
    if (!f.key.empty())
        where.push_back("e.access_key = " + SqlQuote(f.key));
    if (!f.resource.empty())
        where.push_back("(contains(coalesce(e.resource, ''), " + SqlQuote(f.resource) +
                        ") OR contains(e.raw, " + SqlQuote(f.resource) + "))");
    if (!f.source.empty())
        where.push_back("e.source_type = " + SqlQuote(f.source));
    if (f.since)
        where.push_back("e.event_time >= " + Ts(*f.since));
    if (f.until)
        where.push_back("e.event_time <= " + Ts(*f.until));
    if (f.findings_only)
        where.push_back("fd.findings IS NOT NULL");
    std::string sql =
        "WITH fd AS (SELECT file_sha256, line_or_index, "
        "string_agg(DISTINCT level || ': ' || rule_title, '; ' ORDER BY level || ': ' || "
        "rule_title) "
        "AS findings "
        "FROM findings GROUP BY ALL) "
        "SELECT strftime(e.event_time, '%Y-%m-%dT%H:%M:%S.%gZ') AS time, e.source_type AS source, "
        "coalesce(e.actor_arn, e.actor_name) AS actor, e.action, e.outcome, e.src_ip, e.region, "
        "e.access_key, e.resource, fd.findings, "
        "concat_ws(' ', coalesce(e.actor_arn, e.actor_name, e.src_ip, '-'), e.action, "
        "CASE WHEN e.service IS NOT NULL THEN 'on ' || e.service END, "
        "CASE WHEN e.resource IS NOT NULL THEN 'target ' || e.resource END, "
        "CASE WHEN e.src_ip IS NOT NULL THEN 'from ' || e.src_ip END, "
        "CASE WHEN e.error_code IS NOT NULL THEN 'failed: ' || e.error_code END) AS message "
        "FROM events e LEFT JOIN fd ON fd.file_sha256 = e.file_sha256 AND fd.line_or_index = "
        "CASE WHEN e.line > 0 THEN e.line ELSE e.idx END";
    for (size_t i = 0; i < where.size(); ++i)
        sql += (i ? " AND " : " WHERE ") + where[i];
    sql += " ORDER BY e.event_time NULLS LAST, e.file_sha256, e.idx";
    if (f.limit)
        sql += " LIMIT " + std::to_string(f.limit);
    return sql;
}

std::vector<std::pair<std::string, std::string>> LoadAbusedApis(const std::string& path) {
    std::vector<std::pair<std::string, std::string>> out;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        std::string_view t = Trim(line);
        if (t.empty() || t[0] == '#')
            continue;
        auto parts = Split(t, '\t');
        out.emplace_back(std::string(Trim(parts[0])),
                         parts.size() > 1 ? std::string(Trim(parts[1])) : std::string());
    }
    return out;
}

Result<Table> PrincipalSummary(Connection& con, const std::vector<std::string>& abused_apis) {
    std::vector<std::pair<std::string, std::string>> pairs;
    for (auto& a : abused_apis)
        pairs.emplace_back(a, "");
    auto top = [](const char* col) {
        return std::string("array_to_string(list_slice(list(DISTINCT ") + col + " ORDER BY " + col +
               "), 1, 10), ', ')";
    };
    std::string sql = "WITH abused AS (" + AbusedValues(pairs) + ") SELECT " + kActor +
                      " AS principal, any_value(actor_type) AS type, "
                      "strftime(min(event_time), '%Y-%m-%dT%H:%M:%SZ') AS first_seen, "
                      "strftime(max(event_time), '%Y-%m-%dT%H:%M:%SZ') AS last_seen, "
                      "count(*) AS events, "
                      "count(*) FILTER (WHERE error_code IS NOT NULL) AS failed, "
                      "array_to_string(list(DISTINCT action ORDER BY action) FILTER (WHERE action "
                      "IN (SELECT api FROM abused)), ', ') AS abused_apis, " +
                      top("region") + " AS regions, " + top("src_ip") + " AS source_ips, " +
                      top("user_agent") + " AS user_agents, " + top("access_key") +
                      " AS access_keys FROM events WHERE " + kActor +
                      " IS NOT NULL GROUP BY 1 ORDER BY count(DISTINCT action) FILTER (WHERE "
                      "action IN (SELECT api FROM abused)) DESC, events DESC, principal";
    return con.Query(sql);
}

Result<Table> PrincipalApis(Connection& con,
                            const std::vector<std::pair<std::string, std::string>>& abused) {
    std::string sql = "WITH abused AS (" + AbusedValues(abused) + ") SELECT " + kActor +
                      " AS principal, e.action AS api, any_value(e.service) AS service, "
                      "count(*) FILTER (WHERE e.error_code IS NULL) AS succeeded, "
                      "count(*) FILTER (WHERE e.error_code IS NOT NULL) AS failed, "
                      "any_value(a.tactic) AS tactic, bool_or(a.api IS NOT NULL) AS abused "
                      "FROM events e LEFT JOIN abused a ON a.api = e.action WHERE " +
                      kActor +
                      " IS NOT NULL AND e.action IS NOT NULL GROUP BY 1, 2 "
                      "ORDER BY principal, abused DESC, succeeded + failed DESC, api";
    return con.Query(sql);
}

EntityKind ClassifyEntity(std::string_view v) {
    if (v.size() >= 16 && (StartsWith(v, "AKIA") || StartsWith(v, "ASIA")))
        return EntityKind::AccessKey;
    if (ParseIp(v))
        return EntityKind::Ip;
    if (StartsWith(v, "i-"))
        return EntityKind::Instance;
    if (StartsWith(v, "arn:") && v.find(":role/") != std::string_view::npos)
        return EntityKind::Role;
    if (StartsWith(v, "arn:"))
        return EntityKind::Principal;
    return EntityKind::Other;
}

std::string_view EntityKindName(EntityKind k) {
    switch (k) {
    case EntityKind::AccessKey:
        return "access_key";
    case EntityKind::Ip:
        return "ip";
    case EntityKind::Instance:
        return "instance";
    case EntityKind::Role:
        return "role";
    case EntityKind::Principal:
        return "principal";
    case EntityKind::Other:
        return "resource";
    }
    return "resource";
}

namespace {

// The schema version the case was created with (0 when unreadable): every event of a case has
// the columns of its version (mentions from 2, request_parameters / response_elements from 3).
int CaseSchemaVersion(Connection& con) {
    auto t = con.Query("SELECT value FROM meta WHERE key = 'schema_version'");
    return t.ok() && !t.value().rows.empty() ? std::atoi(t.value().Cell(0, 0).c_str()) : 0;
}

// Whether every event of the case has its mentions column (cases created with schema 2 on).
bool HasMentions(Connection& con) {
    return CaseSchemaVersion(con) >= 2;
}

// SQL for the string at path inside a CloudTrail payload ("responseElements" or
// "requestParameters" followed by a JSON path such as ".credentials.accessKeyId"): from the
// payload column when every event has it (payload_columns), else from the raw record.
std::string PayloadString(bool payload_columns, std::string_view member, std::string_view path) {
    if (!payload_columns)
        return "json_extract_string(raw, '$." + std::string(member) + std::string(path) + "')";
    return "json_extract_string(" +
           std::string(member == "responseElements" ? "response_elements" : "request_parameters") +
           ", '$" + std::string(path) + "')";
}

// Where an access key, instance id or ARN v (quoted) is named: the mentions column when the
// case has it (HasMentions: a column scan), else every raw record (~3 s per 10 M events).
std::string NamedIn(bool mentions, const std::string& v) {
    return (mentions ? "contains(mentions, " : "contains(raw, ") + v + ")";
}

} // namespace

Result<std::vector<Section>> EntityProfile(Connection& con, const std::string& value) {
    EntityKind kind = ClassifyEntity(value);
    const bool mentions = HasMentions(con);
    std::string v = SqlQuote(value);
    std::string actor, target;
    switch (kind) {
    case EntityKind::AccessKey:
        actor = "access_key = " + v;
        target = NamedIn(mentions, v);
        break;
    case EntityKind::Ip:
        actor = "src_ip = " + v;
        target = "dst_ip = " + v;
        break;
    case EntityKind::Instance:
        actor = "(instance_id = " + v + " OR ends_with(coalesce(actor_arn, ''), '/' || " + v + "))";
        target = NamedIn(mentions, v);
        break;
    case EntityKind::Role:
    case EntityKind::Principal:
        actor = "(actor_arn = " + v + " OR session_issuer = " + v + ")";
        target = "(resource = " + v + " OR " + NamedIn(mentions, v) + ")";
        break;
    case EntityKind::Other:
        actor = "(actor_name = " + v + ")";
        target = "(resource = " + v + " OR contains(raw, " + SqlQuote("\"" + value + "\"") + "))";
        break;
    }
    // The entity's events are found once (finding the targets reads every raw record: ~3 s
    // per 10 M events) into a temporary table the sections read; it lives in memory with the
    // connection (read-only cases allow it) and is dropped on the way out.
    const std::string kScope = "cloudsift_entity_scope";
    if (auto made = con.Exec("CREATE OR REPLACE TEMP TABLE " + kScope +
                             " AS SELECT event_time, action, service, region, src_ip, "
                             "user_agent, access_key, actor_arn, actor_name, instance_id, "
                             "resource, error_code, file_sha256, line, idx, CASE WHEN " +
                             actor +
                             " THEN 'actor' ELSE 'target' END AS role FROM events "
                             "WHERE " +
                             actor + " OR " + target);
        !made)
        return made.error();
    struct DropScope {
        Connection& con;
        const std::string& table;
        ~DropScope() { (void)con.Exec("DROP TABLE IF EXISTS " + table); }
    } drop{con, kScope};
    std::string scope = "WITH ent AS (SELECT * FROM " + kScope + ") ";
    std::vector<Section> out;
    auto add = [&](std::string title, const std::string& body) -> Status {
        auto s = Run(con, std::move(title), scope + body);
        if (!s)
            return s.error();
        out.push_back(std::move(s.value()));
        return Ok{};
    };
    const std::string kind_name(EntityKindName(kind));
    Status st =
        add("Overview",
            "SELECT " + SqlQuote(kind_name) +
                " AS kind, strftime(min(event_time), "
                "'%Y-%m-%dT%H:%M:%S.%gZ') AS first_seen, strftime(max(event_time), "
                "'%Y-%m-%dT%H:%M:%S.%gZ') AS last_seen, count(*) AS events, count(*) FILTER "
                "(WHERE role = 'actor') AS as_actor, count(*) FILTER (WHERE role = 'target') "
                "AS as_target, count(*) FILTER (WHERE error_code IS NOT NULL) AS failed, "
                "count(DISTINCT action) AS actions, count(DISTINCT region) AS regions, "
                "count(DISTINCT src_ip) AS source_ips FROM ent");
    if (st)
        st = add("Activity per day",
                 "SELECT strftime(date_trunc('day', event_time), '%Y-%m-%d') AS day, count(*) AS "
                 "events, count(*) FILTER (WHERE error_code IS NOT NULL) AS failed, "
                 "count(DISTINCT action) AS actions FROM ent GROUP BY 1 ORDER BY 1");
    if (st)
        st = add("Activity per hour",
                 "SELECT strftime(date_trunc('hour', event_time), '%Y-%m-%dT%H:00Z') AS hour, "
                 "count(*) AS events, array_to_string(list_slice(list(DISTINCT action ORDER BY "
                 "action), 1, 5), "
                 "', ') AS actions FROM ent GROUP BY 1 ORDER BY 1");
    if (st)
        st = add("Actions",
                 "SELECT role, service, action, count(*) AS events, count(*) FILTER (WHERE "
                 "error_code IS NOT NULL) AS failed, strftime(min(event_time), "
                 "'%Y-%m-%dT%H:%M:%SZ') AS first, strftime(max(event_time), "
                 "'%Y-%m-%dT%H:%M:%SZ') AS last FROM ent GROUP BY ALL ORDER BY events DESC, "
                 "action, role, service");
    if (st)
        st = add("Resources touched",
                 "SELECT resource, count(*) AS events, array_to_string(list(DISTINCT action ORDER "
                 "BY action), "
                 "', ') AS actions FROM ent WHERE resource IS NOT NULL AND role = 'actor' "
                 "GROUP BY 1 ORDER BY events DESC, resource LIMIT 100");
    if (st)
        st = add("Related entities",
                 "SELECT kind, value, count(*) AS events FROM (SELECT 'principal' AS kind, "
                 "coalesce(actor_arn, actor_name) AS value FROM ent UNION ALL SELECT "
                 "'access_key', access_key FROM ent UNION ALL SELECT 'ip', src_ip FROM ent "
                 "UNION ALL SELECT 'user_agent', user_agent FROM ent UNION ALL SELECT "
                 "'region', region FROM ent UNION ALL SELECT 'instance', instance_id FROM ent) "
                 "WHERE value IS NOT NULL AND value <> " +
                     v + " GROUP BY ALL ORDER BY kind, events DESC, value LIMIT 200");
    if (st)
        st = add("Findings",
                 "SELECT strftime(f.time, '%Y-%m-%dT%H:%M:%SZ') AS time, f.level, "
                 "f.rule_title, f.event_name, f.actor, f.source_ip FROM findings f WHERE "
                 "EXISTS (SELECT 1 FROM ent WHERE ent.file_sha256 = f.file_sha256 AND "
                 "f.line_or_index = CASE WHEN ent.line > 0 THEN ent.line ELSE ent.idx END) "
                 "ORDER BY f.time, f.rule_title, f.event_name, f.actor");
    if (st)
        st = add("New behaviour (first used after the first active day)",
                 "SELECT dimension, value, strftime(first_used, '%Y-%m-%dT%H:%M:%SZ') AS "
                 "first_used, events FROM (SELECT dimension, value, min(event_time) AS "
                 "first_used, count(*) AS events FROM (SELECT 'action' AS dimension, action "
                 "AS value, event_time FROM ent WHERE role = 'actor' UNION ALL SELECT "
                 "'source_ip', src_ip, event_time FROM ent WHERE role = 'actor' UNION ALL "
                 "SELECT 'region', region, event_time FROM ent WHERE role = 'actor' UNION ALL "
                 "SELECT 'user_agent', user_agent, event_time FROM ent WHERE role = 'actor' "
                 "UNION ALL SELECT 'access_key', access_key, event_time FROM ent WHERE role = "
                 "'actor') WHERE value IS NOT NULL GROUP BY ALL) WHERE first_used >= (SELECT "
                 "date_trunc('day', min(event_time)) + INTERVAL 1 DAY FROM ent WHERE role = "
                 "'actor') ORDER BY first_used, dimension, value");
    if (!st)
        return st.error();
    return out;
}

Result<Lineage> CredentialLineage(Connection& con, const std::string& key, size_t max_depth) {
    Lineage out;
    // Asked once, not once per link.
    const int version = CaseSchemaVersion(con);
    const bool mentions = version >= 2, payload = version >= 3;
    auto response = [&](std::string_view path) {
        return PayloadString(payload, "responseElements", path);
    };
    std::set<std::string> visited;
    std::string cur = key;
    static const std::regex kInstanceSession(R"(:assumed-role/([^/]+)/(i-[0-9a-f]{8,17})$)");
    while (!cur.empty() && out.chain.size() < max_depth && visited.insert(cur).second) {
        LineageLink link;
        link.key = cur;
        std::string k = SqlQuote(cur);
        auto who = con.Query("SELECT coalesce(actor_arn, actor_name) AS p, count(*) AS n FROM "
                             "events WHERE access_key = " +
                             k + " GROUP BY 1 ORDER BY n DESC, p LIMIT 1");
        if (!who)
            return who.error();
        link.principal = who.value().Cell(0, 0);
        // `action || ''`: an IN list on the plain column is applied only after the scan has
        // read raw for every row (docs/case-store.md); on the expression it runs in the scan.
        // The cheap contains() goes before the JSON parses (10 M events: 2.5 → 0.7 s), on the
        // mentions column when the case has one.
        auto issued = con.Query(
            "SELECT " + std::string(kIso) +
            " AS t, action, coalesce(actor_arn, actor_name) AS "
            "caller, access_key, region, account, src_ip, " +
            response(".assumedRoleUser.arn") + " AS new_arn FROM events WHERE ((action || '') IN " +
            kIssuers + " OR action = 'CreateAccessKey') AND " + NamedIn(mentions, k) +
            " AND (((action || '') IN " + kIssuers + " AND " +
            response(".credentials.accessKeyId") + " = " + k +
            ") OR (action = 'CreateAccessKey' AND " + response(".accessKey.accessKeyId") + " = " +
            k + ")) ORDER BY event_time, event_id LIMIT 1");
        if (!issued)
            return issued.error();
        std::string next;
        if (!issued.value().rows.empty()) {
            const Table& t = issued.value();
            link.issued_at = t.Cell(0, "t");
            link.issued_by = t.Cell(0, "action");
            link.parent_principal = t.Cell(0, "caller");
            link.parent_key = t.Cell(0, "access_key");
            link.region = t.Cell(0, "region");
            link.account = t.Cell(0, "account");
            link.source_ip = t.Cell(0, "src_ip");
            if (link.principal.empty())
                link.principal = t.Cell(0, "new_arn");
            if (link.issued_by == "AssumeRoleWithWebIdentity")
                link.note = "web identity federation";
            else if (link.issued_by == "AssumeRoleWithSAML")
                link.note = "SAML federation";
            else if (link.issued_by == "CreateAccessKey")
                link.note = "long-term key created by the caller";
            next = link.parent_key;
        } else {
            std::smatch m;
            if (std::regex_search(link.principal, m, kInstanceSession)) {
                std::string instance = m[2], role = m[1];
                link.note = "EC2 instance profile session of " + instance + " (role " + role + ")";
                auto launch = con.Query(
                    "SELECT " + std::string(kIso) +
                    " AS t, action, coalesce(actor_arn, "
                    "actor_name) AS caller, access_key, region, account, src_ip FROM events "
                    "WHERE action IN ('RunInstances', 'AssociateIamInstanceProfile', "
                    "'ReplaceIamInstanceProfileAssociation') AND " +
                    NamedIn(mentions, SqlQuote(instance)) +
                    " ORDER BY event_time, event_id LIMIT 1");
                if (!launch)
                    return launch.error();
                if (!launch.value().rows.empty()) {
                    const Table& t = launch.value();
                    link.issued_at = t.Cell(0, "t");
                    link.issued_by = t.Cell(0, "action") + " (instance profile)";
                    link.parent_principal = t.Cell(0, "caller");
                    link.parent_key = t.Cell(0, "access_key");
                    link.region = t.Cell(0, "region");
                    link.account = t.Cell(0, "account");
                    link.source_ip = t.Cell(0, "src_ip");
                    next = link.parent_key;
                }
            } else if (StartsWith(cur, "AKIA")) {
                link.note = "long-term access key";
            } else if (link.principal.empty()) {
                link.note = "no event in the case uses or issues this key";
            } else {
                link.note = "issuing event not in the case";
            }
        }
        out.chain.push_back(link);
        cur = next;
    }
    std::string keys;
    for (const auto& l : out.chain) {
        auto s =
            Run(con, "Activity of " + l.key + (l.principal.empty() ? "" : " (" + l.principal + ")"),
                "SELECT service, action, count(*) AS events, count(*) FILTER (WHERE "
                "error_code IS NOT NULL) AS failed, strftime(min(event_time), "
                "'%Y-%m-%dT%H:%M:%SZ') AS first, strftime(max(event_time), "
                "'%Y-%m-%dT%H:%M:%SZ') AS last, array_to_string(list(DISTINCT region ORDER BY "
                "region), ', ') "
                "AS regions, array_to_string(list(DISTINCT src_ip ORDER BY src_ip), ', ') AS "
                "source_ips "
                "FROM events WHERE access_key = " +
                    SqlQuote(l.key) + " GROUP BY ALL ORDER BY first, action, service");
        if (!s)
            return s.error();
        out.activity.push_back(std::move(s.value()));
        keys += (keys.empty() ? "" : ", ") + SqlQuote(l.key);
    }
    auto children = con.Query(
        "SELECT " + std::string(kIso) +
        " AS time, access_key AS by_key, action, "
        "coalesce(" +
        response(".credentials.accessKeyId") + ", " + response(".accessKey.accessKeyId") +
        ") AS new_key, coalesce(" + response(".assumedRoleUser.arn") + ", " +
        PayloadString(payload, "requestParameters", ".userName") +
        ") AS new_principal, region "
        "FROM events WHERE access_key IN (" +
        keys + ") AND (action IN " + kIssuers +
        " OR action = 'CreateAccessKey') AND new_key IS NOT NULL ORDER BY event_time, by_key, "
        "new_key");
    if (!children)
        return children.error();
    out.children = std::move(children.value());
    return out;
}

} // namespace cloudsift::store
