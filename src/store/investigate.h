// Investigation queries over a case: merged timeline, per-principal summary, entity profile and
// credential lineage. Each returns tables; rendering is the caller's business.
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "common/time_util.h"
#include "store/db.h"

namespace cloudsift::store {

//! Filters of a timeline (empty = no constraint).
struct TimelineFilter {
    std::string actor;    //!< substring of the principal ARN or name
    std::string ip;
    std::string key;      //!< access key id
    std::string resource; //!< substring of the target resource or the raw record
    std::string source;   //!< source_type ("cloudtrail", "vpcflow" …)
    std::optional<TimeMs> since, until;
    bool findings_only = false;
    size_t limit = 0;     //!< 0 = no limit
};

//! The time-sorted merged timeline: time, source, actor, action, outcome, src_ip, region,
//! access_key, resource, findings (rule titles), message.
Result<Table> Timeline(Connection& con, const TimelineFilter& filter);
//! The query Timeline runs (one SELECT, for Connection::QueryBatches).
std::string TimelineSql(const TimelineFilter& filter);

//! Per-principal overview: principal, type, first/last seen, events, failed, regions, source
//! IPs, user agents, access keys, abused APIs called (those in abused_apis).
Result<Table> PrincipalSummary(Connection& con, const std::vector<std::string>& abused_apis);

//! Per principal and API: succeeded, failed, abused flag, tactic; abused APIs first.
Result<Table> PrincipalApis(Connection& con,
                            const std::vector<std::pair<std::string, std::string>>& abused);

//! Reads the abused-API data file (event name, TAB, tactic; '#' comments).
std::vector<std::pair<std::string, std::string>> LoadAbusedApis(const std::string& path);

//! What kind of value an entity is.
enum class EntityKind { AccessKey, Ip, Instance, Role, Principal, Other };

//! Classifies a user-supplied entity value.
EntityKind ClassifyEntity(std::string_view value);

//! Name of an entity kind ("access_key" …).
std::string_view EntityKindName(EntityKind k);

//! A named section of an entity or lineage report.
struct Section {
    std::string title;
    Table table;
};

//! Profile of an entity: overview, activity per day and hour, actions, resources, related
//! entities, findings, and what is new after its first active day.
Result<std::vector<Section>> EntityProfile(Connection& con, const std::string& value);

//! One link of a credential chain.
struct LineageLink {
    std::string key;         //!< access key of this link
    std::string principal;   //!< who used the key
    std::string issued_by;   //!< event that minted it (AssumeRole …), "" for the root
    std::string issued_at;
    std::string parent_key;  //!< caller's key on the issuing event
    std::string parent_principal;
    std::string region, account, source_ip;
    std::string note;        //!< "instance profile of i-…", "web identity", "long-term key" …
};

//! Credential lineage of key: links from key back to the first principal, plus activity per
//! link and keys the chain minted later.
struct Lineage {
    std::vector<LineageLink> chain; //!< [0] = key asked about, last = origin
    std::vector<Section> activity;  //!< one section per link
    Table children;                 //!< keys minted by any key of the chain
};

//! Walks the issuing events (responseElements.credentials.accessKeyId) back from key.
Result<Lineage> CredentialLineage(Connection& con, const std::string& key, size_t max_depth = 16);

} // namespace cloudsift::store
