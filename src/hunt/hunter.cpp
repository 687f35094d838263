#include "hunt/hunter.h"

#include <xxhash.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>
#include <tuple>
#include <unordered_map>

#include "analytics/correlation.h"
#include "common/ip.h"
#include "formats/findings.h"

namespace cloudsift {
namespace fs = std::filesystem;

namespace {

// The finding id: a hash of rule id, file, position and event id (stable across runs).
FindingId FindingIdOf(std::string& key, std::string_view rule_id, const Finding& f,
                      const Record& rec) {
    key.clear();
    key.append(rule_id);
    key += '\0';
    key.append(f.file.view());
    key += '\0';
    char digits[48];
    auto end = std::to_chars(digits, digits + 24, rec.line).ptr;
    *end++ = ':';
    end = std::to_chars(end, digits + sizeof digits, rec.index).ptr;
    key.append(digits, end);
    key += '\0';
    key.append(f.event_id.view());
    return FindingId::Of(key);
}

} // namespace

SharedRule FindingFactory::RuleOf(const sigma::Rule& rule) {
    RuleFields r;
    r.id = SharedText(rule.id.empty() ? rule.title : rule.id);
    r.title = SharedText(rule.title);
    r.level = SharedText(sigma::LevelName(rule.level));
    r.tags = rule.tags;
    r.tactics = rule.tactics;
    r.techniques = rule.techniques;
    return SharedRule(std::move(r));
}

void FindingFactory::Apply(const SharedRule& rule, Finding& f, const Record& rec,
                           std::string& key) {
    f.rule = rule;
    f.finding_id = FindingIdOf(key, rule->id, f, rec);
}

FindingFactory::FindingFactory(const sigma::RuleSet& rules)
    : rules_(rules), rule_fields_(rules.size()), built_(rules.size(), false) {}

Finding FindingFactory::Make(size_t rule_index, const Record& rec, const FileInfo& file) {
    if (file_ != &file || file_path_ != file.path) {
        file_ = &file;
        file_path_ = SharedText(file.path);
        have_evidence_ = false;
    }
    if (!have_evidence_) {
        FillEvidence(evidence_, rec, file_path_, &interner_);
        have_evidence_ = true;
    }
    if (!built_[rule_index]) {
        rule_fields_[rule_index] = RuleOf(rules_.rule(rule_index));
        built_[rule_index] = true;
    }
    Finding f = evidence_;
    Apply(rule_fields_[rule_index], f, rec, key_);
    return f;
}

RecordMatcher::RecordMatcher(const sigma::RuleSet& rules)
    : rules_(rules), scratch_(rules.NewScratch()), factory_(rules) {}

RecordMatcher::~RecordMatcher() = default;

void RecordMatcher::Match(const Record& rec, const FileInfo& file, std::vector<Finding>& out) {
    factory_.NewRecord();
    rules_.Match(rec.event, rec.norm, *scratch_, [&](size_t i) {
        if (rules_.rule(i).correlation_only)
            return;
        out.push_back(factory_.Make(i, rec, file));
    });
}

Finding MakeFinding(const sigma::Rule& rule, const Record& rec, const FileInfo& file) {
    Finding f;
    FillEvidence(f, rec, SharedText(file.path), nullptr);
    std::string key;
    FindingFactory::Apply(FindingFactory::RuleOf(rule), f, rec, key);
    return f;
}

Finding ImportedFinding(const Record& rec, const FileInfo& file) {
    const Normalized& n = rec.norm;
    std::string type(n.finding_type.empty() ? std::string_view("finding") : n.finding_type);
    Finding f;
    FillEvidence(f, rec, SharedText(file.path), nullptr);
    std::string id = std::string(n.source_type) + ":" + type;
    if (!n.resource.empty())
        type += " on " + std::string(n.resource);
    f.rule =
        SharedRule(RuleFields{id, type, SharedText(formats::FindingLevel(n.severity)), {}, {}, {}});
    std::string key;
    f.finding_id = FindingIdOf(key, id, f, rec);
    return f;
}

namespace {
// Findings of each level (informational … critical) in a collection of findings.
template <typename Findings> std::array<uint64_t, 5> LevelCountsOf(const Findings& findings) {
    std::array<uint64_t, 5> counts{};
    for (const Finding& f : findings)
        if (int r = LevelRank(f.level()); r >= 0)
            ++counts[size_t(r)];
    return counts;
}
void AddCounts(std::array<uint64_t, 5>& into, const std::array<uint64_t, 5>& more) {
    for (size_t i = 0; i < into.size(); ++i)
        into[i] += more[i];
}
} // namespace

std::array<uint64_t, 5> LevelCounts(const HuntResult& r) {
    return r.spilled ? r.spilled_levels : LevelCountsOf(r.findings);
}

uint64_t FindingCount(const HuntResult& r) {
    return r.spilled ? r.spilled->size() : r.findings.size();
}

uint64_t ForEachFinding(const HuntResult& r, FunctionRef<void(const Finding&)> fn) {
    if (r.spilled)
        return r.spilled->ForEach(fn);
    for (const auto& f : r.findings)
        fn(f);
    return 0;
}

std::string BuiltinRulesDir() {
    if (const char* env = std::getenv("CLOUDSIFT_RULES_DIR"); env && *env)
        return env;
    std::error_code ec;
    auto exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        for (auto dir = exe.parent_path(); !dir.empty() && dir != dir.root_path();
             dir = dir.parent_path()) {
            if (fs::is_directory(dir / "rules") && fs::exists(dir / "CMakeLists.txt"))
                return (dir / "rules").string();
            if (fs::is_directory(dir / "share" / "cloudsift" / "rules"))
                return (dir / "share" / "cloudsift" / "rules").string();
        }
    }
    return (fs::path(CLOUDSIFT_SOURCE_DIR) / "rules").string();
}

std::string BuiltinDataDir() {
    if (const char* env = std::getenv("CLOUDSIFT_DATA_DIR"); env && *env)
        return env;
    fs::path rules = BuiltinRulesDir();
    if (fs::is_directory(rules.parent_path() / "data"))
        return (rules.parent_path() / "data").string();
    return (fs::path(CLOUDSIFT_SOURCE_DIR) / "data").string();
}

std::shared_ptr<analytics::Intel> LoadIntel(const std::string& ioc_path,
                                            std::vector<analytics::IocSet::Problem>& problems,
                                            std::string& error) {
    auto intel = std::make_shared<analytics::Intel>();
    auto slurp = [](const fs::path& p, std::string& out) {
        std::ifstream in(p, std::ios::binary);
        if (!in)
            return false;
        std::stringstream ss;
        ss << in.rdbuf();
        out = ss.str();
        return true;
    };
    std::string text;
    if (slurp(fs::path(BuiltinDataDir()) / "mining_pools.txt", text))
        intel->LoadMiningDomains(text);
    if (!ioc_path.empty()) {
        if (!slurp(ioc_path, text)) {
            error = "cannot read IOC file " + ioc_path;
            return intel;
        }
        intel->iocs.Parse(text, problems);
    }
    return intel;
}

std::unique_ptr<sigma::RuleSet> LoadRules(const HuntOptions& options,
                                          std::vector<sigma::FileReport>& reports) {
    auto rules = std::make_unique<sigma::RuleSet>();
    std::vector<std::string> paths = options.rule_paths;
    if (paths.empty())
        paths.push_back(BuiltinRulesDir());
    for (const auto& p : paths)
        rules->LoadPath(p, options.load, reports);
    for (const auto& p : options.filter_paths)
        rules->LoadPath(p, options.load, reports);
    rules->Compile();
    return rules;
}

namespace {

// One worker thread's state: the matcher, the correlation capture and the analytics collector;
// its findings go to a slot owned by RunHunt.
struct ThreadSlot {
    FindingRun findings;
    FindingSpill spill;        // this thread's findings beyond its share of memory
    bool spill_failed = false; // a run could not be written: the findings stay in memory
    uint64_t suppressed = 0;   // findings suppressed before they were written
    std::array<uint64_t, 5> spilled_levels{}; // of the findings written to spill
    analytics::CorrelationEngine::Collector correlation;
    std::unique_ptr<analytics::BehaviorCollector> behavior;
};

class HuntConsumer final : public RecordConsumer {
public:
    // spill_at: findings of this thread that go to a temporary file (0 = never); suppressed
    // (may be null) tells the findings suppressed at now that are not written.
    HuntConsumer(const sigma::RuleSet& rules, const analytics::CorrelationEngine* corr,
                 ThreadSlot& slot, size_t spill_at, FunctionRef<bool(const Finding&)>* suppressed)
        : rules_(rules), corr_(corr), scratch_(rules.NewScratch()), factory_(rules), slot_(slot),
          spill_at_(spill_at), suppressed_(suppressed) {}
    void BeginFile(const FileInfo& info, std::string_view) override { file_ = &info; }
    void OnRecord(const Record& rec) override {
        // Between records, so that the findings of one record stay in one run.
        if (spill_at_ && slot_.findings.size() >= spill_at_ && !slot_.spill_failed)
            Spill();
        factory_.NewRecord();
        rules_.Match(rec.event, rec.norm, *scratch_, [&](size_t i) {
            // A captured match keeps the finding the rule raises (its texts shared with it).
            const bool feeds = corr_ && corr_->Feeds(i);
            if (rules_.rule(i).correlation_only) {
                if (feeds)
                    corr_->Capture(i, rec, factory_.Make(i, rec, *file_), slot_.correlation);
                return;
            }
            Finding f = factory_.Make(i, rec, *file_);
            if (feeds)
                corr_->Capture(i, rec, f, slot_.correlation);
            slot_.findings.push_back(std::move(f));
        });
        if (rec.norm.cls == EventClass::DetectionFinding)
            slot_.findings.push_back(ImportedFinding(rec, *file_));
        if (slot_.behavior)
            slot_.behavior->OnRecord(rec, *file_, factory_.RecordEvidence());
    }

private:
    void Spill() {
        if (suppressed_)
            slot_.suppressed += slot_.findings.EraseIf(*suppressed_);
        SortFindings(slot_.findings);
        std::array<uint64_t, 5> levels = LevelCountsOf(slot_.findings);
        slot_.spill_failed = !slot_.spill.Write(slot_.findings);
        if (!slot_.spill_failed)
            AddCounts(slot_.spilled_levels, levels);
    }
    const sigma::RuleSet& rules_;
    const analytics::CorrelationEngine* corr_;
    std::unique_ptr<sigma::RuleSet::Scratch> scratch_;
    FindingFactory factory_;
    ThreadSlot& slot_;
    size_t spill_at_;
    FunctionRef<bool(const Finding&)>* suppressed_;
    const FileInfo* file_ = nullptr;
};

} // namespace

std::vector<uint32_t> FindingOrder(const std::vector<Finding>& findings) {
    return FindingOrderOf(findings, [](const Finding& f) -> const Finding& { return f; });
}

void SortFindings(std::vector<Finding>& findings) {
    ApplyOrder(findings, FindingOrder(findings));
}

bool FindingOrderLess(const Finding& a, const Finding& b) {
    if (a.time != b.time)
        return a.time < b.time;
    if (int c = a.file.view().compare(b.file.view()))
        return c < 0;
    if (a.line_or_index != b.line_or_index)
        return a.line_or_index < b.line_or_index;
    return a.rule_id().view() < b.rule_id().view();
}

std::vector<Finding> MergeSortedRuns(const std::vector<FindingRun*>& runs, size_t spare) {
    size_t total = 0;
    for (const auto* r : runs)
        total += r->size();
    std::vector<Finding> out;
    // Capacity that is never written is never touched: spare costs address space only.
    out.reserve(total + spare);
    // Few runs: a linear scan for the least head beats a heap. Equal keys: the earlier run wins.
    std::vector<size_t> pos(runs.size(), 0);
    while (out.size() < total) {
        size_t best = SIZE_MAX;
        for (size_t r = 0; r < runs.size(); ++r) {
            if (pos[r] == runs[r]->size())
                continue;
            if (best == SIZE_MAX || FindingOrderLess((*runs[r])[pos[r]], (*runs[best])[pos[best]]))
                best = r;
        }
        FindingRun& run = *runs[best];
        out.push_back(std::move(run[pos[best]++]));
        if (pos[best] % FindingRun::kBlock == 0) // the last finding of a block was read
            run.ReleaseBefore(pos[best]);
    }
    for (auto* r : runs)
        r->Clear();
    return out;
}

void MergeAfter(std::vector<Finding>& into, std::vector<Finding>&& later) {
    if (later.empty())
        return;
    const size_t n = into.size(), m = later.size();
    if (into.capacity() >= n + m) {
        // In place, from the back: the greater of the two tails goes last; on equal keys,
        // later's.
        size_t i = n, j = m, k = n + m;
        into.resize(k);
        while (j > 0) {
            if (i > 0 && FindingOrderLess(later[j - 1], into[i - 1]))
                into[--k] = std::move(into[--i]);
            else
                into[--k] = std::move(later[--j]);
        }
    } else {
        // Into a new vector (growing into would move every finding once more).
        std::vector<Finding> out;
        out.reserve(n + m);
        size_t i = 0, j = 0;
        while (i < n || j < m) {
            if (j == m || (i < n && !FindingOrderLess(later[j], into[i])))
                out.push_back(std::move(into[i++]));
            else
                out.push_back(std::move(later[j++]));
        }
        into.swap(out);
    }
    std::vector<Finding>().swap(later);
}

HuntResult RunHunt(const HuntOptions& options, const sigma::RuleSet& rules) {
    HuntResult result;
    result.rules_loaded = rules.size();
    std::unique_ptr<analytics::CorrelationEngine> corr;
    if (options.correlations && !rules.correlations().empty()) {
        corr = std::make_unique<analytics::CorrelationEngine>(rules);
        result.correlations_active = corr->active();
        result.correlation_diagnostics = corr->diagnostics();
        if (corr->active() == 0)
            corr.reset();
    }
    std::shared_ptr<const analytics::Intel> intel = options.intel;
    if (options.analytics && !intel)
        intel = std::make_shared<analytics::Intel>();
    using Clock = std::chrono::steady_clock;
    auto lap = [t = Clock::now()](double& into) mutable {
        auto now = Clock::now();
        into = std::chrono::duration<double>(now - t).count();
        t = now;
    };
    const TimeMs now = NowMs();
    auto suppressed = [&](const Finding& f) { return options.suppress->Suppressed(f, now); };
    FunctionRef<bool(const Finding&)> suppressed_ref(suppressed);
    const unsigned scan_threads = std::max(
        1u, options.scan.threads ? options.scan.threads : std::thread::hardware_concurrency());
    const size_t spill_at = options.findings_in_memory
                                ? std::max<size_t>(1, options.findings_in_memory / scan_threads)
                                : 0;
    std::deque<ThreadSlot> slots;
    std::mutex mu;
    result.scan = Scan(options.scan, [&](unsigned) {
        std::lock_guard<std::mutex> lock(mu);
        slots.emplace_back();
        if (options.analytics)
            slots.back().behavior = std::make_unique<analytics::BehaviorCollector>(
                *intel, options.behavior.rows_in_memory);
        return std::make_unique<HuntConsumer>(rules, corr.get(), slots.back(), spill_at,
                                              options.suppress ? &suppressed_ref : nullptr);
    });
    lap(result.timings.scan);
    std::vector<const analytics::CorrelationEngine::Collector*> corr_rows;
    std::vector<analytics::BehaviorCollector*> behavior;
    for (auto& slot : slots) {
        corr_rows.push_back(&slot.correlation);
        if (slot.behavior)
            behavior.push_back(slot.behavior.get());
    }
    // Second phase: time-ordered correlation and behaviour over the collected rows, on a thread
    // of their own while this one gathers and sorts the rule findings (they touch different
    // members of the slots).
    std::vector<Finding> derived;
    std::vector<std::pair<std::string, std::string>> links;
    auto analyze = [&] {
        auto t0 = Clock::now();
        if (corr)
            derived = corr->Evaluate(corr_rows);
        auto t1 = Clock::now();
        result.timings.correlate = std::chrono::duration<double>(t1 - t0).count();
        if (!behavior.empty()) {
            links = analytics::InstanceLinks(behavior);
            for (auto& f : analytics::RunBehavior(behavior, options.behavior, &result.behavior))
                derived.push_back(std::move(f));
            // Which identity created which (key → new key / user / Lambda role session) joins
            // the creator's incident with what the created identity did later.
            for (const auto* c : behavior)
                links.insert(links.end(), c->links.begin(), c->links.end());
        }
        result.timings.behavior = std::chrono::duration<double>(Clock::now() - t1).count();
    };
    const bool parallel = options.scan.threads != 1;
    std::thread analytics_thread;
    if (parallel && (corr || !behavior.empty()))
        analytics_thread = std::thread(analyze);
    else
        analyze();
    // Each thread's findings are sorted in place on a thread of their own, then merged in one
    // pass that moves each finding once more and hands each read block of the runs back to the
    // system (the merged findings are never held twice); both run while correlation and
    // behaviour are still at work. Their findings are merged in last, into the room left.
    std::vector<FindingRun*> runs;
    size_t total = 0;
    bool spilled = false;
    for (auto& slot : slots) {
        if (options.suppress)
            result.suppressed += slot.findings.EraseIf(suppressed);
        result.suppressed += slot.suppressed;
        result.spill_failed = result.spill_failed || slot.spill_failed;
        spilled = spilled || slot.spill.size() > 0;
        runs.push_back(&slot.findings);
        total += slot.findings.size();
    }
    if (parallel) {
        std::vector<std::thread> sorters;
        for (auto* run : runs)
            sorters.emplace_back([run] { SortFindings(*run); });
        for (auto& t : sorters)
            t.join();
    } else {
        for (auto* run : runs)
            SortFindings(*run);
    }
    lap(result.timings.sort);
    std::shared_ptr<SpilledFindings> all;
    if (spilled) {
        // Some findings are on disk: the rest join them there (the memory goes to the
        // incidents), and every thread's runs and the derived findings are read back merged
        // (ForEachFinding). A run that cannot be written stays in memory.
        all = std::make_shared<SpilledFindings>();
        for (auto& slot : slots) {
            // Levels are counted as findings go to disk or stay: the stream is not read again
            // for them.
            AddCounts(result.spilled_levels, slot.spilled_levels);
            AddCounts(result.spilled_levels, LevelCountsOf(slot.findings));
            if (!slot.spill_failed && !slot.spill.Write(slot.findings))
                result.spill_failed = true;
            all->Add(std::move(slot.spill));
            all->Add(std::move(slot.findings));
        }
    } else {
        result.findings = MergeSortedRuns(runs, total / 8 + 1024);
    }
    lap(result.timings.merge);
    if (analytics_thread.joinable())
        analytics_thread.join();
    if (options.suppress)
        result.suppressed += std::erase_if(derived, suppressed);
    SortFindings(derived);
    if (all) {
        AddCounts(result.spilled_levels, LevelCountsOf(derived));
        all->Add(std::move(derived));
        result.spilled = all;
    } else {
        MergeAfter(result.findings, std::move(derived));
    }
    lap(result.timings.join);
    // The per-thread collectors are freed on a thread of their own while the incidents are
    // grouped (their first pass is serial, so a core is free).
    std::thread releaser;
    if (parallel)
        releaser = std::thread([gone = std::move(slots)]() mutable { gone.clear(); });
    else
        slots.clear();
    lap(result.timings.release);
    if (options.incidents) {
        analytics::IncidentOptions incident = options.incident;
        if (parallel)
            incident.threads = std::max(incident.threads,
                                        options.scan.threads ? options.scan.threads
                                                             : std::thread::hardware_concurrency());
        if (result.spilled) {
            analytics::IncidentInput input(incident, links);
            input.Reserve(result.spilled->size());
            result.spilled->ForEach([&](const Finding& f) { input.Add(f); });
            result.incidents = analytics::BuildIncidents(std::move(input));
        } else {
            result.incidents = analytics::BuildIncidents(result.findings, incident, links);
        }
    }
    lap(result.timings.incidents);
    if (releaser.joinable()) {
        releaser.join();
        double wait = 0;
        lap(wait);
        result.timings.release += wait;
    }
    return result;
}

} // namespace cloudsift
