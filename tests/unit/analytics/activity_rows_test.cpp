// Activity rows in bounded memory: rows written to temporary runs come back complete and in the
// order one stable sort of all rows gives, and the detectors find the same on spilled rows.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <random>

#include <unistd.h>

#include "analytics/activity_rows.h"
#include "hunt/hunter.h"
#include "sim/scenario.h"
#include "sim/simulate.h"
#include "test_support.h"

namespace cloudsift::analytics {
namespace {

// Every field of a row, as one comparable text.
std::string Describe(const ActivityRow& r) {
    const Evidence& e = r.ev;
    std::string s = std::to_string(e.time) + "|" + std::to_string(e.line_or_index) + "|" +
                    e.finding_id.str() + "|" + (r.via_service ? "svc" : "own");
    for (const SharedText* t :
         {&e.event_id, &e.event_name, &e.event_source, &e.source_type, &e.actor, &e.access_key,
          &e.source_ip, &e.user_agent, &e.account, &e.region, &e.file, &r.actor_type, &r.error_code,
          &r.mfa, &r.resource, &r.outcome, &r.baseline})
        s += "|" + std::string(t->view());
    return s;
}

ActivityRow RandomRow(std::mt19937& rng, int serial) {
    auto pick = [&](int n) { return int(rng() % unsigned(n)); };
    // Shared texts (one identity, many rows), as a collector's interner hands them out.
    static const std::vector<SharedText> agents = {"aws-cli/2.15", "Boto3/1.34", "console"};
    ActivityRow r;
    // Few distinct times, files and positions: many rows tie on the whole key.
    r.ev.time = 1700000000000 + pick(20) * 1000;
    r.ev.file = "AWSLogs/f" + std::to_string(pick(3)) + ".json.gz";
    r.ev.line_or_index = uint64_t(pick(4));
    r.ev.event_id = "id-" + std::to_string(serial); // identifies the row
    r.ev.event_name = pick(2) ? "GetObject" : "ListBuckets";
    r.ev.event_source = "s3.amazonaws.com";
    r.ev.source_type = "cloudtrail";
    r.ev.actor = "arn:aws:iam::1:user/u" + std::to_string(pick(5));
    r.ev.access_key = pick(2) ? "AKIAEXAMPLE" : "";
    r.ev.source_ip = "203.0.113." + std::to_string(pick(250));
    r.ev.user_agent = pick(2) ? agents[size_t(pick(3))]
                              : SharedText(std::string(size_t(pick(300)), 'a')); // or unshared
    r.ev.account = "111122223333";
    r.ev.region = "eu-west-1";
    r.ev.finding_id = FindingId::Of(r.ev.event_id);
    r.actor_type = "IAMUser";
    r.error_code = pick(4) ? "" : "AccessDenied";
    r.mfa = pick(2) ? "true" : "false";
    r.resource = "bucket/key-" + std::to_string(serial);
    r.outcome = "success";
    r.baseline = r.ev.actor;
    r.via_service = pick(3) == 0;
    return r;
}

TEST(ActivityRows, MergedRunsAreOneStableSortOfAllRows) {
    std::mt19937 rng(7);
    // Collector 0 writes a run every 5 rows, collector 1 every 64, collector 2 never.
    ActivityRows a(5), b(64), c(0);
    std::vector<std::pair<ActivityRow, size_t>> all; // row, collector
    int serial = 0;
    for (auto [rows, n, which] : {std::tuple{&a, 203, 0}, {&b, 150, 1}, {&c, 40, 2}}) {
        for (int i = 0; i < n; ++i) {
            ActivityRow r = RandomRow(rng, serial++);
            all.emplace_back(r, size_t(which));
            rows->Add(std::move(r));
        }
    }
    EXPECT_EQ(a.size(), 203u);
    EXPECT_EQ(a.runs(), 40u); // 200 rows in runs of 5, 3 in memory
    EXPECT_EQ(a.spilled(), 200u);
    EXPECT_EQ(b.runs(), 2u);
    EXPECT_EQ(c.runs(), 0u);
    EXPECT_FALSE(a.spill_failed());
    // Expected: the rows in collector order, then in the order added, stably sorted.
    std::stable_sort(all.begin(), all.end(),
                     [](const auto& x, const auto& y) { return RowOrderLess(x.first, y.first); });
    RowMerger merged({&a, &b, &c});
    size_t i = 0;
    std::vector<std::shared_ptr<const ActivityRow>> held; // rows stay valid while held
    while (auto r = merged.Next()) {
        ASSERT_LT(i, all.size());
        EXPECT_EQ(Describe(*r), Describe(all[i].first)) << "row " << i;
        held.push_back(std::move(r));
        ++i;
    }
    EXPECT_EQ(i, all.size());
    EXPECT_EQ(merged.unread(), 0u);
    EXPECT_EQ(merged.Next(), nullptr);
    // Rows read back from disk outlive the merger while a pointer holds them.
    std::string first = Describe(*held.front());
    held.resize(1);
    EXPECT_EQ(Describe(*held.front()), first);
}

// A run with more distinct texts than its text table holds writes the rest as they are.
TEST(ActivityRows, RunsWithManyDistinctTextsComeBackWhole) {
    std::mt19937 rng(3);
    ActivityRows rows(50000);
    std::vector<ActivityRow> all;
    for (int i = 0; i < 50001; ++i) {
        ActivityRow r = RandomRow(rng, i);
        r.ev.actor = "arn:aws:iam::1:user/distinct-" + std::to_string(i);
        r.baseline = r.ev.actor; // another identity of the same text
        all.push_back(r);
        rows.Add(std::move(r));
    }
    ASSERT_EQ(rows.runs(), 1u);
    std::stable_sort(all.begin(), all.end(), RowOrderLess);
    RowMerger merged({&rows});
    size_t i = 0;
    while (auto r = merged.Next()) {
        ASSERT_LT(i, all.size());
        ASSERT_EQ(Describe(*r), Describe(all[i])) << "row " << i;
        ++i;
    }
    EXPECT_EQ(i, all.size());
}

TEST(ActivityRows, TimesSpanEveryRowWrittenOrNot) {
    ActivityRows rows(2);
    EXPECT_EQ(rows.min_time(), INT64_MAX);
    std::mt19937 rng(1);
    for (TimeMs t : {50, 10, 90, 30, 70}) {
        ActivityRow r = RandomRow(rng, int(t));
        r.ev.time = t;
        rows.Add(std::move(r));
    }
    EXPECT_EQ(rows.min_time(), 10);
    EXPECT_EQ(rows.max_time(), 90);
    EXPECT_EQ(rows.spilled(), 4u);
}

// The whole detector chain on a simulated organization with every attack scenario: rows written
// to many small runs give exactly the findings and incidents of rows held in memory.
TEST(ActivityRows, SpilledRowsGiveTheSameFindingsAndIncidents) {
    test::SimulatedHunt org("rows", 20000, 12);
    ASSERT_TRUE(org.ok);
    auto hunt = [&](size_t rows_in_memory) {
        HuntOptions o = org.options;
        o.behavior.rows_in_memory = rows_in_memory;
        return RunHunt(o, *org.rules);
    };
    HuntResult memory = hunt(0), spilled = hunt(97);
    EXPECT_EQ(memory.behavior.spilled, 0u);
    EXPECT_GT(spilled.behavior.rows, 1000u);
    EXPECT_GT(spilled.behavior.runs, 10u);
    EXPECT_EQ(spilled.behavior.rows, memory.behavior.rows);
    EXPECT_GT(spilled.behavior.spilled, spilled.behavior.rows / 2);
    EXPECT_EQ(spilled.behavior.unread, 0u);

    auto json = [](const HuntResult& r) {
        std::vector<std::string> out;
        for (const auto& f : r.findings) {
            std::string line;
            AppendFindingJson(line, f);
            out.push_back(std::move(line));
        }
        return out;
    };
    auto analytic = [](const HuntResult& r) {
        return std::count_if(r.findings.begin(), r.findings.end(), [](const Finding& f) {
            return f.rule_id().view().find(':') != std::string_view::npos;
        });
    };
    EXPECT_GT(analytic(memory), 5); // the detectors on rows found something to compare
    EXPECT_EQ(json(spilled), json(memory));
    ASSERT_EQ(spilled.incidents.size(), memory.incidents.size());
    for (size_t i = 0; i < memory.incidents.size(); ++i) {
        EXPECT_EQ(spilled.incidents[i].incident_id, memory.incidents[i].incident_id);
        EXPECT_EQ(spilled.incidents[i].entities, memory.incidents[i].entities);
        EXPECT_EQ(spilled.incidents[i].finding_ids, memory.incidents[i].finding_ids);
    }
}

} // namespace
} // namespace cloudsift::analytics
