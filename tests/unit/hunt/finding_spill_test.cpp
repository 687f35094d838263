// Findings written to temporary files and read back: every field survives, the merged stream is
// the stable sort of its sources, and a hunt whose findings spill gives exactly the findings,
// levels and incidents of one that holds them in memory.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "hunt/finding_spill.h"
#include "hunt/hunter.h"
#include "test_support.h"

namespace cloudsift {
namespace {

std::vector<std::string> Json(const SpilledFindings& all) {
    std::vector<std::string> out;
    EXPECT_EQ(all.ForEach([&](const Finding& f) {
        std::string line;
        AppendFindingJson(line, f);
        out.push_back(std::move(line));
    }),
              0u);
    return out;
}

std::vector<std::string> Json(const std::vector<Finding>& fs) {
    std::vector<std::string> out;
    for (const auto& f : fs) {
        std::string line;
        AppendFindingJson(line, f);
        out.push_back(std::move(line));
    }
    return out;
}

// A finding with every field set from n (some texts repeat, some are unique, some empty).
Finding Full(uint64_t n, const SharedRule& rule) {
    Finding f;
    f.time = TimeMs(1'700'000'000'000LL + int64_t(n / 3) * 1000);
    f.event_id = SharedText("ev-" + std::to_string(n));
    f.event_name = SharedText(n % 2 ? "AssumeRole" : "GetObject");
    f.event_source = SharedText("sts.amazonaws.com");
    f.source_type = SharedText("cloudtrail");
    f.actor = SharedText("arn:aws:iam::111122223333:user/u" + std::to_string(n % 7));
    f.access_key = n % 5 ? SharedText("AKIA" + std::to_string(n % 5)) : SharedText();
    f.source_ip = SharedText("203.0.113." + std::to_string(n % 11));
    f.user_agent = SharedText("ua \"quoted\" \xc3\xa9 \x1b[31m");
    f.account = SharedText("111122223333");
    f.region = SharedText("eu-west-1");
    f.file = SharedText("AWSLogs/111122223333/CloudTrail/eu-west-1/f" + std::to_string(n % 4));
    f.line_or_index = n % 13;
    f.finding_id = FindingId::Of("id" + std::to_string(n));
    f.rule = rule;
    return f;
}

// Findings sorted, written as one run and read back: what was read, and what was written.
struct RoundTrip {
    std::vector<std::string> read, written;
};
RoundTrip WriteAndRead(std::vector<Finding> findings) {
    SortFindings(findings);
    FindingRun run;
    for (const auto& f : findings)
        run.push_back(Finding(f));
    FindingSpill spill;
    EXPECT_TRUE(spill.Write(run));
    EXPECT_TRUE(run.empty());
    EXPECT_EQ(spill.size(), findings.size());
    SpilledFindings all;
    all.Add(std::move(spill));
    EXPECT_EQ(all.size(), findings.size());
    EXPECT_EQ(all.on_disk(), findings.size());
    auto read = Json(all);
    EXPECT_EQ(Json(all), read); // a second pass reads the same
    return {read, Json(findings)};
}

TEST(FindingSpill, EveryFieldSurvivesTheRoundTrip) {
    SharedRule tagged(RuleFields{SharedText("rule-1"), SharedText("Title, with \"quotes\""),
                                 SharedText("high"), SharedStrings{"attack.t1098", "attack.x"},
                                 SharedStrings{"persistence"}, SharedStrings{"T1098"}});
    SharedRule bare; // no rule fields at all
    std::vector<Finding> findings;
    for (uint64_t n = 0; n < 5000; ++n)
        findings.push_back(Full(n, n % 3 ? tagged : bare));
    auto trip = WriteAndRead(std::move(findings));
    EXPECT_EQ(trip.read.size(), 5000u);
    EXPECT_EQ(trip.read, trip.written);
}

TEST(FindingSpill, TextsBeyondTheRunTableAreWrittenAsTheyAre) {
    // More distinct actors than a run's text table holds.
    SharedRule rule(RuleFields{SharedText("r"), SharedText("t"), SharedText("low"), {}, {}, {}});
    std::vector<Finding> findings;
    for (uint64_t n = 0; n < 20000; ++n) {
        findings.push_back(Full(n, rule));
        findings.back().actor =
            SharedText("arn:aws:iam::111122223333:user/distinct-" + std::to_string(n));
    }
    auto trip = WriteAndRead(std::move(findings));
    EXPECT_EQ(trip.read.size(), 20000u);
    EXPECT_EQ(trip.read, trip.written);
}

TEST(FindingSpill, TheStreamIsTheStableSortOfItsSources) {
    // Few distinct keys: many findings compare equal, and must come in source order.
    SharedText files[] = {SharedText("a.json"), SharedText("b.json")};
    SharedRule rules[] = {
        SharedRule(RuleFields{SharedText("r1"), {}, SharedText("low"), {}, {}, {}}),
        SharedRule(RuleFields{SharedText("r2"), {}, SharedText("high"), {}, {}, {}})};
    uint64_t seed = 42, serial = 0;
    auto next = [&] { return seed = seed * 6364136223846793005ull + 1442695040888963407ull; };
    auto make = [&] {
        Finding f;
        f.time = TimeMs(next() % 4);
        f.file = files[next() % 2];
        f.line_or_index = next() % 3;
        f.rule = rules[next() % 2];
        f.event_id = SharedText(std::to_string(serial++));
        return f;
    };
    auto sorted_batch = [&](size_t n) {
        std::vector<Finding> v;
        for (size_t i = 0; i < n; ++i)
            v.push_back(make());
        SortFindings(v);
        return v;
    };
    auto to_run = [](std::vector<Finding> v) {
        FindingRun r;
        for (auto& f : v)
            r.push_back(std::move(f));
        return r;
    };
    std::vector<std::vector<Finding>> sources = {sorted_batch(300), sorted_batch(200),
                                                 sorted_batch(250), sorted_batch(100)};
    std::vector<Finding> expected;
    for (const auto& s : sources)
        expected.insert(expected.end(), s.begin(), s.end());
    std::stable_sort(expected.begin(), expected.end(), FindingOrderLess);

    FindingSpill spill;
    FindingRun first = to_run(sources[0]), second = to_run(sources[1]);
    ASSERT_TRUE(spill.Write(first));
    ASSERT_TRUE(spill.Write(second));
    EXPECT_EQ(spill.runs(), 2u);
    SpilledFindings all;
    all.Add(std::move(spill));
    all.Add(to_run(sources[2]));
    all.Add(std::vector<Finding>(sources[3]));
    EXPECT_EQ(all.size(), 850u);
    EXPECT_EQ(all.on_disk(), 500u);
    EXPECT_EQ(Json(all), Json(expected));
}

// A simulated organization with every attack scenario, hunted with its findings held in memory
// and with them spilled to many small runs.
TEST(FindingSpill, SpilledHuntGivesTheSameFindingsLevelsAndIncidents) {
    test::SimulatedHunt org("spill", 20000, 12);
    ASSERT_TRUE(org.ok);
    auto hunt = [&](size_t in_memory) {
        HuntOptions o = org.options;
        o.findings_in_memory = in_memory;
        return RunHunt(o, *org.rules);
    };
    HuntResult memory = hunt(0), spilled = hunt(6);
    ASSERT_EQ(memory.spilled, nullptr);
    ASSERT_NE(spilled.spilled, nullptr);
    EXPECT_TRUE(spilled.findings.empty());
    EXPECT_GT(memory.findings.size(), 20u);
    EXPECT_GT(spilled.spilled->on_disk(), memory.findings.size() / 2);
    EXPECT_EQ(FindingCount(spilled), memory.findings.size());
    EXPECT_EQ(LevelCounts(spilled), LevelCounts(memory));
    EXPECT_EQ(Json(*spilled.spilled), Json(memory.findings));
    std::vector<std::string> streamed;
    EXPECT_EQ(ForEachFinding(
                  spilled, [&](const Finding& f) { streamed.push_back(std::string(f.event_id)); }),
              0u);
    EXPECT_EQ(streamed.size(), memory.findings.size());
    ASSERT_EQ(spilled.incidents.size(), memory.incidents.size());
    EXPECT_GT(memory.incidents.size(), 3u);
    for (size_t i = 0; i < memory.incidents.size(); ++i) {
        std::string a, b;
        analytics::AppendIncidentJson(a, memory.incidents[i]);
        analytics::AppendIncidentJson(b, spilled.incidents[i]);
        EXPECT_EQ(b, a);
    }
}

// Levels of spilled findings are counted as they are written (the stream is not read again
// for them): without incidents too, every finding once.
TEST(FindingSpill, SpilledLevelsCountEveryFindingOnceWithoutIncidents) {
    test::SimulatedHunt org("spill-levels", 20000, 12);
    ASSERT_TRUE(org.ok);
    HuntOptions o = org.options;
    o.incidents = false;
    o.findings_in_memory = 0;
    HuntResult memory = RunHunt(o, *org.rules);
    o.findings_in_memory = 5;
    HuntResult spilled = RunHunt(o, *org.rules);
    ASSERT_NE(spilled.spilled, nullptr);
    EXPECT_TRUE(spilled.incidents.empty());
    const auto levels = LevelCounts(spilled);
    EXPECT_EQ(levels, LevelCounts(memory));
    uint64_t sum = 0;
    for (uint64_t n : levels)
        sum += n;
    EXPECT_EQ(sum, FindingCount(spilled));
    EXPECT_GT(levels[3] + levels[4], 0u); // high or critical findings among them
}

} // namespace
} // namespace cloudsift
