// SortFindings: time, then file path, position and rule id as text — whether equal texts are
// shared (same identity) or separate copies.
#include <gtest/gtest.h>

#include "analytics/incident.h"
#include "hunt/hunter.h"

namespace cloudsift {
namespace {

Finding Make(TimeMs time, SharedText file, uint64_t pos, SharedText rule) {
    Finding f;
    f.time = time;
    f.file = std::move(file);
    f.line_or_index = pos;
    f.rule_fields().id = std::move(rule);
    // The event id carries a label that names the finding (it is not a sort key).
    f.event_id = SharedText(std::string(f.rule_id()) + "@" + std::to_string(time) + "/" +
                            std::string(f.file) + ":" + std::to_string(pos));
    return f;
}

// Random findings with few distinct keys (many ties; texts both shared and copied) and ids
// that record their creation order, from a fixed seed.
class RandomFindings {
public:
    explicit RandomFindings(uint64_t seed) : seed_(seed) {}
    uint64_t Next() { return seed_ = seed_ * 6364136223846793005ull + 1442695040888963407ull; }
    Finding Make() {
        Finding f =
            cloudsift::Make(TimeMs(Next() % 5), files_[Next() % 3], Next() % 3, rules_[Next() % 3]);
        f.event_id = SharedText(std::to_string(serial_++));
        return f;
    }
    void NewRound() { serial_ = 0; }

private:
    uint64_t seed_;
    int serial_ = 0;
    SharedText files_[3] = {SharedText("a.json"), SharedText("b.json"), SharedText("b.json")};
    SharedText rules_[3] = {SharedText("r1"), SharedText("r2"), SharedText("r2")};
};

std::vector<std::string> Ids(const std::vector<Finding>& fs) {
    std::vector<std::string> out;
    for (const auto& f : fs)
        out.push_back(std::string(f.event_id));
    return out;
}

TEST(SortFindings, OrdersByTimeFilePositionRuleText) {
    SharedText a("a.json"), b("b.json"), b_copy("b.json"), r1("rule-1"), r2("rule-2"),
        r2_copy("rule-2");
    std::vector<Finding> fs = {
        Make(20, a, 1, r1),      Make(10, b, 5, r2), Make(10, b_copy, 5, r1),
        Make(10, a, 9, r2_copy), Make(10, b, 2, r2), Make(5, b_copy, 7, r2_copy),
        Make(10, a, 9, r1),
    };
    SortFindings(fs);
    EXPECT_EQ(Ids(fs), (std::vector<std::string>{"rule-2@5/b.json:7", "rule-1@10/a.json:9",
                                                 "rule-2@10/a.json:9", "rule-2@10/b.json:2",
                                                 "rule-1@10/b.json:5", "rule-2@10/b.json:5",
                                                 "rule-1@20/a.json:1"}));
}

TEST(SortFindings, PositionsCompareNumerically) {
    SharedText f("x.json"), r("r");
    std::vector<Finding> fs = {Make(1, f, 10, r), Make(1, f, 9, r), Make(1, f, 100, r)};
    SortFindings(fs);
    EXPECT_EQ(Ids(fs),
              (std::vector<std::string>{"r@1/x.json:9", "r@1/x.json:10", "r@1/x.json:100"}));
}

TEST(SortFindings, EmptyAndSingle) {
    std::vector<Finding> none;
    SortFindings(none);
    EXPECT_TRUE(none.empty());
    std::vector<Finding> one = {Make(1, SharedText("f"), 1, SharedText("r"))};
    SortFindings(one);
    EXPECT_EQ(Ids(one), std::vector<std::string>{"r@1/f:1"});
}

// Random runs: mostly small, now and then several blocks long.
std::vector<FindingRun> RandomRuns(RandomFindings& random, int round, std::vector<Finding>& all) {
    std::vector<FindingRun> parts(1 + random.Next() % 4);
    for (auto& part : parts) {
        size_t n =
            round % 10 == 3 ? FindingRun::kBlock * 2 + random.Next() % 100 : random.Next() % 30;
        for (; n > 0; --n) {
            part.push_back(random.Make());
            all.push_back(part[part.size() - 1]);
        }
    }
    return parts;
}

// Sorting runs apart (in place, block storage) and merging them gives the order of one sort of
// the runs concatenated, including the order of findings with equal keys (the earlier run's
// first); the runs are left empty, every block handed back.
TEST(MergeSortedRuns, EqualsOneSortOfTheConcatenation) {
    RandomFindings random(7);
    for (int round = 0; round < 50; ++round) {
        random.NewRound();
        std::vector<Finding> all;
        auto parts = RandomRuns(random, round, all);
        SortFindings(all);
        std::vector<FindingRun*> runs;
        for (auto& part : parts) {
            SortFindings(part);
            runs.push_back(&part);
        }
        auto merged = MergeSortedRuns(runs, 5);
        ASSERT_EQ(Ids(merged), Ids(all)) << "round " << round;
        EXPECT_GE(merged.capacity(), merged.size() + 5);
        for (auto& part : parts) {
            EXPECT_TRUE(part.empty());
            EXPECT_EQ(part.mapped_blocks(), 0u);
        }
    }
}

// The hunt's path: suppression (EraseIf) on each run, runs sorted in place and merged, then a
// last run merged in after them (in place when there is room, into a new vector otherwise),
// gives the same order as one sort of everything kept, concatenated.
TEST(MergeSortedRuns, AfterEraseIfThenMergeAfterEqualsOneSort) {
    RandomFindings random(11);
    auto drop = [](const Finding& f) { return f.time == 3 && f.line_or_index == 1; };
    for (int round = 0; round < 60; ++round) {
        random.NewRound();
        std::vector<Finding> later, all;
        auto parts = RandomRuns(random, round, all);
        for (size_t n = random.Next() % 10; n > 0; --n) {
            later.push_back(random.Make());
            all.push_back(later.back());
        }
        size_t dropped = std::erase_if(all, drop);
        SortFindings(all);
        std::vector<FindingRun*> runs;
        size_t erased = 0;
        for (auto& part : parts) {
            erased += part.EraseIf(drop);
            SortFindings(part);
            runs.push_back(&part);
        }
        erased += std::erase_if(later, drop);
        EXPECT_EQ(erased, dropped);
        auto merged = MergeSortedRuns(runs, round % 2 ? later.size() : 0); // odd: in place
        SortFindings(later);
        MergeAfter(merged, std::move(later));
        ASSERT_EQ(Ids(merged), Ids(all)) << "round " << round;
        EXPECT_TRUE(later.empty());
    }
}

// Blocks before a read position go back to the system; the findings after it stay readable.
TEST(FindingRun, ReleasesWholeBlocksBeforeAPositionOnly) {
    RandomFindings random(3);
    FindingRun run;
    const size_t n = FindingRun::kBlock * 2 + FindingRun::kBlock / 2;
    for (size_t i = 0; i < n; ++i)
        run.push_back(random.Make());
    EXPECT_EQ(run.mapped_blocks(), 3u);
    std::string last = std::string(run[n - 1].event_id);
    run.ReleaseBefore(FindingRun::kBlock - 1); // inside the first block: nothing released
    EXPECT_EQ(run.mapped_blocks(), 3u);
    run.ReleaseBefore(FindingRun::kBlock + 7);
    EXPECT_EQ(run.mapped_blocks(), 2u);
    EXPECT_EQ(std::string(run[FindingRun::kBlock].event_id), std::to_string(FindingRun::kBlock));
    EXPECT_EQ(std::string(run[n - 1].event_id), last);
    EXPECT_EQ(run.size(), n); // indices never shift
    FindingRun moved = std::move(run);
    EXPECT_EQ(run.mapped_blocks(), 0u);
    EXPECT_EQ(moved.mapped_blocks(), 2u);
    moved.Clear();
    EXPECT_EQ(moved.mapped_blocks(), 0u);
    EXPECT_TRUE(moved.empty());
}

// Incident titles look at every finding of the group, not only the first of a run of findings
// sharing their texts.
TEST(Incidents, TitleSeesLaterFindingsOfAGroup) {
    SharedText file("AWSLogs/1/CloudTrail/x.json"), actor("arn:aws:iam::1:user/bob");
    std::vector<Finding> fs;
    for (int i = 0; i < 3; ++i) {
        Finding f = Make(1000 * i, file, uint64_t(i), SharedText("plain-" + std::to_string(i)));
        f.actor = actor;
        f.source_type = SharedText("cloudtrail");
        f.rule_fields().level = SharedText("medium");
        f.event_name = SharedText(i == 2 ? "StopLogging" : "ListBuckets");
        f.rule_fields().tactics = SharedStrings{"discovery"};
        if (i == 2) {
            f.rule_fields().techniques = SharedStrings{"T1562.008"};
            f.rule_fields().tactics = SharedStrings{"defense-evasion"};
        }
        fs.push_back(std::move(f));
    }
    auto incs = analytics::BuildIncidents(fs);
    ASSERT_EQ(incs.size(), 1u);
    EXPECT_EQ(incs[0].title, "Security logging disabled to blind defenders");
    EXPECT_EQ(incs[0].tactics, (std::vector<std::string>{"discovery", "defense-evasion"}));
    EXPECT_EQ(incs[0].finding_ids.size(), 3u);
}

// Incidents built on several threads are the ones built on one, in the same order: many groups
// of different sizes (principals, keys, addresses), levels and tactics, with and without
// single-finding incidents.
TEST(Incidents, SeveralThreadsBuildTheSameIncidents) {
    RandomFindings random(5);
    const char* levels[] = {"informational", "low", "medium", "high", "critical"};
    const char* tactics[] = {"discovery", "persistence", "impact", "exfiltration"};
    std::vector<SharedText> actors, keys, ips;
    for (int i = 0; i < 40; ++i) {
        actors.emplace_back("arn:aws:sts::1:assumed-role/r" + std::to_string(i % 9) + "/s" +
                            std::to_string(i));
        keys.emplace_back("ASIA" + std::to_string(1000 + i));
        ips.emplace_back("198.51.100." + std::to_string(i));
    }
    std::vector<Finding> fs;
    for (int i = 0; i < 5000; ++i) {
        Finding f = random.Make();
        f.time = TimeMs(i) * 60000 * int64_t(1 + random.Next() % 3);
        f.actor = actors[random.Next() % actors.size()];
        if (random.Next() % 2)
            f.access_key = keys[random.Next() % keys.size()];
        f.source_ip = ips[random.Next() % ips.size()];
        f.source_type = SharedText("cloudtrail");
        f.rule_fields().level = SharedText(levels[random.Next() % 5]);
        f.rule_fields().tactics = SharedStrings{tactics[random.Next() % 4]};
        f.finding_id = FindingId::Of(std::to_string(i));
        fs.push_back(std::move(f));
    }
    SortFindings(fs);
    for (bool singletons : {true, false}) {
        analytics::IncidentOptions one;
        one.gap_ms = 30 * 60000; // many groups
        one.singletons = singletons;
        analytics::IncidentOptions four = one;
        four.threads = 4;
        auto a = analytics::BuildIncidents(fs, one);
        auto b = analytics::BuildIncidents(fs, four);
        ASSERT_GT(a.size(), 5u);
        ASSERT_EQ(a.size(), b.size());
        for (size_t i = 0; i < a.size(); ++i) {
            std::string ja, jb;
            analytics::AppendIncidentJson(ja, a[i]);
            analytics::AppendIncidentJson(jb, b[i]);
            EXPECT_EQ(ja, jb) << i;
        }
    }
}

} // namespace
} // namespace cloudsift

namespace cloudsift {
namespace {

// The id held as a number reads as StableId's 16 hex digits and orders as those digits do;
// an unset id reads as "" and comes first.
TEST(FindingId, ReadsAndOrdersAsItsDigits) {
    std::vector<std::string> keys = {"", "a", std::string("rule\0file\0" "1:2", 13), "x", "y", "z",
                                     "long key 123"};
    for (int i = 0; i < 200; ++i)
        keys.push_back("k" + std::to_string(i));
    std::vector<FindingId> ids;
    for (const auto& k : keys) {
        FindingId id = FindingId::Of(k);
        EXPECT_EQ(id.str(), StableId(k));
        EXPECT_EQ(std::string(id.hex().view()), StableId(k));
        EXPECT_FALSE(id.empty());
        ids.push_back(id);
    }
    for (size_t i = 0; i < ids.size(); ++i)
        for (size_t j = 0; j < ids.size(); ++j)
            EXPECT_EQ(ids[i] < ids[j], ids[i].str() < ids[j].str()) << keys[i] << " " << keys[j];
    // XXH3-64 of the empty input (the reference value): ids stay stable across versions.
    EXPECT_EQ(FindingId::Of("").str(), "2d06800538d394c2");
    FindingId none;
    EXPECT_TRUE(none.empty());
    EXPECT_EQ(none.str(), "");
    EXPECT_TRUE(none < ids[0]);
    EXPECT_EQ(FindingId::Of("a"), FindingId::Of(std::string("a")));
}

} // namespace
} // namespace cloudsift
