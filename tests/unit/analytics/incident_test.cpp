// Incident grouping checked against the rule written out plainly, finding by finding: which
// findings share an incident (entity keys, aliases learned by the analytics, host-local files,
// gaps) and what the incident says of them (ids in time order, first and last seen, tactics in
// order of first appearance, entities, sources, title), whether the findings are handed over
// at once or streamed one by one.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "analytics/incident.h"

namespace cloudsift {
namespace {

uint64_t Next(uint64_t& seed) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    return seed >> 33;
}

// Findings of principals, keys, addresses and hosts drawn from small pools, at times with
// short steps and now and then a step beyond the gap.
std::vector<Finding> RandomFindings(uint64_t seed, size_t n, int64_t gap) {
    const char* tactics[] = {"discovery", "persistence", "impact", "exfiltration",
                             "defense-evasion"};
    const char* levels[] = {"low", "medium", "high"};
    std::vector<SharedText> actors, keys, ips, files, sources, rules;
    for (int i = 0; i < 8; ++i) {
        actors.emplace_back(i == 7 ? std::string("arn:aws:iam::1:root")
                                   : "arn:aws:sts::1:assumed-role/r" + std::to_string(i % 3) +
                                         "/i-0abc123456789010" + std::to_string(i));
        keys.emplace_back("ASIA" + std::to_string(7000 + i));
        ips.emplace_back("10.0.0." + std::to_string(i));
        files.emplace_back(i < 4 ? "AWSLogs/1/CloudTrail/us-east-1/f" + std::to_string(i)
                                 : "host" + std::to_string(i) + "/var/log/nginx/access.log");
        sources.emplace_back(i < 4 ? "cloudtrail" : "nginx");
        rules.emplace_back("rule-" + std::to_string(i));
    }
    std::vector<SharedRule> rule_of;
    for (int i = 0; i < 8; ++i) {
        RuleFields r;
        r.id = rules[i];
        r.title = SharedText("Rule " + std::to_string(i));
        r.level = SharedText(levels[i % 3]);
        r.tactics = SharedStrings{tactics[i % 5], tactics[(i + 2) % 5]};
        rule_of.push_back(SharedRule(std::move(r)));
    }
    std::vector<Finding> fs;
    TimeMs t = 1'700'000'000'000;
    while (fs.size() < n) {
        t += Next(seed) % 25 == 0 ? 3 * gap : TimeMs(Next(seed) % uint64_t(gap / 6));
        Finding base;
        base.time = t;
        const size_t where = Next(seed) % 8;
        base.file = files[where];
        base.source_type = sources[where];
        switch (Next(seed) % 5) {
        case 0: // nothing to link on (unless the file is a host's)
            break;
        case 1:
            base.source_ip = ips[Next(seed) % ips.size()];
            break;
        default:
            base.actor = actors[Next(seed) % actors.size()];
            if (Next(seed) % 2)
                base.access_key = keys[Next(seed) % keys.size()];
            base.source_ip = ips[Next(seed) % ips.size()];
        }
        // A run of findings sharing every text: of one record (one time), or of one actor's
        // calls spread over more than the gap, each within it of the one before.
        const size_t of_record = 1 + Next(seed) % 3;
        const bool spread = Next(seed) % 3 == 0;
        for (size_t j = 0; j < of_record && fs.size() < n; ++j) {
            if (spread && j > 0)
                t += gap * 2 / 3;
            Finding f = base;
            f.time = t;
            f.rule = rule_of[Next(seed) % rule_of.size()];
            f.event_name = SharedText(Next(seed) % 9 == 0 ? "AttachRolePolicy" : "ListBuckets");
            f.finding_id = FindingId::Of("finding " + std::to_string(fs.size()));
            fs.push_back(std::move(f));
        }
    }
    return fs;
}

// The grouping rule, finding by finding in time order: a finding joins the latest earlier
// finding of each of its entity keys (and of each key an alias stands for) when that one is at
// most gap before it. Returns each finding's group as the index of the group's first finding.
std::vector<size_t> ReferenceGroups(const std::vector<Finding>& fs, int64_t gap,
                                    const std::vector<std::pair<std::string, std::string>>& links) {
    std::vector<size_t> parent(fs.size());
    for (size_t i = 0; i < fs.size(); ++i)
        parent[i] = i;
    auto find = [&](size_t x) {
        while (parent[x] != x)
            x = parent[x];
        return x;
    };
    std::map<std::string, size_t> last;
    for (size_t i = 0; i < fs.size(); ++i) {
        std::vector<std::string> keys = analytics::EntityKeys(fs[i]);
        for (size_t k = 0, own = keys.size(); k < own; ++k)
            for (const auto& [a, b] : links)
                if (b == keys[k]) {
                    keys.push_back(a);
                    break;
                }
        for (const auto& k : keys) {
            auto it = last.find(k);
            if (it != last.end() && fs[i].time - fs[it->second].time <= gap) {
                size_t a = find(i), b = find(it->second);
                parent[std::max(a, b)] = std::min(a, b);
            }
            last[k] = i;
        }
    }
    std::vector<size_t> group(fs.size());
    for (size_t i = 0; i < fs.size(); ++i)
        group[i] = find(i);
    return group;
}

// What an incident of these members (in time order) must say.
struct Expected {
    std::vector<FindingId> ids;
    TimeMs first = 0, last = 0;
    std::vector<std::string> tactics, entities, sources;
    bool root_or_admin = false;
};

Expected ExpectedOf(const std::vector<const Finding*>& members) {
    Expected e;
    std::set<std::string> entities, sources;
    e.first = members.front()->time;
    e.last = members.back()->time;
    for (const Finding* f : members) {
        e.ids.push_back(f->finding_id);
        for (const auto& t : f->tactics())
            if (std::find(e.tactics.begin(), e.tactics.end(), t) == e.tactics.end())
                e.tactics.push_back(t);
        for (const auto& k : analytics::EntityKeys(*f))
            entities.insert(k);
        if (!f->source_type.empty())
            sources.insert(f->source_type);
        e.root_or_admin = e.root_or_admin || f->actor.find(":root") != std::string::npos ||
                          f->event_name == "AttachRolePolicy";
    }
    e.entities.assign(entities.begin(), entities.end());
    e.sources.assign(sources.begin(), sources.end());
    return e;
}

void ExpectIncidentsOfTheRule(const std::vector<Finding>& fs, const analytics::IncidentOptions& opt,
                              const std::vector<std::pair<std::string, std::string>>& links,
                              const std::vector<analytics::Incident>& incs) {
    std::vector<size_t> group = ReferenceGroups(fs, opt.gap_ms, links);
    std::map<size_t, std::vector<const Finding*>> members; // by first finding
    for (size_t i = 0; i < fs.size(); ++i)
        members[group[i]].push_back(&fs[i]);
    std::map<FindingId, const analytics::Incident*> by_first_id;
    for (const auto& inc : incs) {
        ASSERT_FALSE(inc.finding_ids.empty());
        by_first_id[inc.finding_ids.front()] = &inc;
    }
    size_t expected_incidents = 0, several = 0;
    for (const auto& [first, list] : members) {
        if (list.size() == 1 && !opt.singletons) {
            EXPECT_EQ(by_first_id.count(list.front()->finding_id), 0u);
            continue;
        }
        ++expected_incidents;
        several += list.size() > 1;
        auto it = by_first_id.find(list.front()->finding_id);
        ASSERT_NE(it, by_first_id.end()) << "no incident starts with finding " << first;
        const analytics::Incident& inc = *it->second;
        Expected e = ExpectedOf(list);
        EXPECT_EQ(inc.finding_ids, e.ids) << "group of finding " << first;
        EXPECT_EQ(inc.first_seen, e.first);
        EXPECT_EQ(inc.last_seen, e.last);
        EXPECT_EQ(inc.tactics, e.tactics);
        EXPECT_EQ(inc.entities, e.entities);
        EXPECT_EQ(inc.sources, e.sources);
        const bool reason = std::find(inc.reasons.begin(), inc.reasons.end(),
                                      "root principal involved") != inc.reasons.end() ||
                            std::find(inc.reasons.begin(), inc.reasons.end(),
                                      "administrator privileges granted") != inc.reasons.end();
        EXPECT_EQ(reason, e.root_or_admin);
        if (e.tactics.empty())
            EXPECT_EQ(inc.title, list.front()->rule_title());
    }
    EXPECT_EQ(incs.size(), expected_incidents);
    EXPECT_GT(several, 10u); // the case links many findings, not none
    EXPECT_LT(several, expected_incidents + 1);
}

TEST(Incidents, GroupsAndFieldsAreThoseOfThePlainRule) {
    const int64_t gap = 15 * 60000;
    std::vector<Finding> fs = RandomFindings(3, 6000, gap);
    // An instance and its private address are one entity to the analytics.
    const std::vector<std::pair<std::string, std::string>> links = {
        {"instance:i-0abc1234567890101", "ip:10.0.0.5"},
        {"instance:i-0abc1234567890103", "ip:10.0.0.6"}};
    // (they join findings the keys alone would not)
    ASSERT_NE(ReferenceGroups(fs, gap, links), ReferenceGroups(fs, gap, {}));
    for (bool singletons : {true, false})
        for (unsigned threads : {1u, 3u}) {
            analytics::IncidentOptions opt;
            opt.gap_ms = gap;
            opt.singletons = singletons;
            opt.threads = threads;
            SCOPED_TRACE(testing::Message()
                         << "singletons " << singletons << ", threads " << threads);
            ExpectIncidentsOfTheRule(fs, opt, links, analytics::BuildIncidents(fs, opt, links));
            // Streamed one by one, as a hunt reads them back from its temporary files.
            analytics::IncidentInput input(opt, links);
            for (const auto& f : fs)
                input.Add(f);
            EXPECT_EQ(input.size(), fs.size());
            ExpectIncidentsOfTheRule(fs, opt, links, analytics::BuildIncidents(std::move(input)));
        }
}

// Neighbours with the same entities join only within the gap; entity-less neighbours, one
// millisecond apart, stay apart.
TEST(Incidents, NeighboursJoinOnlyThroughEntitiesWithinTheGap) {
    analytics::IncidentOptions opt;
    opt.gap_ms = 60000;
    const SharedText bob("arn:aws:iam::1:user/bob"), cloudtrail("cloudtrail");
    std::vector<Finding> same(3);
    for (size_t i = 0; i < same.size(); ++i) {
        same[i].actor = bob;
        same[i].source_type = cloudtrail;
        same[i].finding_id = FindingId::Of("same" + std::to_string(i));
    }
    same[1].time = 1;
    same[2].time = 1 + opt.gap_ms + 1;
    auto incs = analytics::BuildIncidents(same, opt);
    ASSERT_EQ(incs.size(), 2u);
    EXPECT_EQ(incs[0].finding_ids.size() + incs[1].finding_ids.size(), 3u);
    std::vector<Finding> bare(2);
    bare[0].finding_id = FindingId::Of("a");
    bare[1].finding_id = FindingId::Of("b");
    bare[1].time = 1;
    EXPECT_EQ(analytics::BuildIncidents(bare, opt).size(), 2u);
}

// Findings handed over out of time order are grouped as if sorted.
TEST(Incidents, UnsortedFindingsAreGroupedInTimeOrder) {
    const int64_t gap = 15 * 60000;
    std::vector<Finding> fs = RandomFindings(8, 3000, gap);
    for (size_t i = 0; i < fs.size(); ++i)
        fs[i].time += TimeMs(i); // distinct times: one order
    std::vector<Finding> shuffled = fs;
    uint64_t seed = 21;
    for (size_t i = shuffled.size() - 1; i > 0; --i)
        std::swap(shuffled[i], shuffled[Next(seed) % (i + 1)]);
    analytics::IncidentOptions opt;
    opt.gap_ms = gap;
    ExpectIncidentsOfTheRule(fs, opt, {}, analytics::BuildIncidents(shuffled, opt));
}

// No findings, no incidents; a used-up input builds none either.
TEST(Incidents, EmptyInputGivesNoIncidents) {
    EXPECT_TRUE(analytics::BuildIncidents(std::vector<Finding>{}).empty());
    analytics::IncidentInput input;
    Finding f;
    f.finding_id = FindingId::Of("only");
    input.Add(f);
    analytics::IncidentInput moved = std::move(input);
    EXPECT_EQ(analytics::BuildIncidents(std::move(moved)).size(), 1u);
    EXPECT_TRUE(analytics::BuildIncidents(std::move(moved)).empty());
}

} // namespace
} // namespace cloudsift
