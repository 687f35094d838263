// Hunter: runs the loaded detection content (Sigma rules) over records and produces findings.
// One RuleSet is shared read-only by all threads; each thread owns a RecordMatcher.
#pragma once
#include <array>
#include <memory>
#include <string>
#include <vector>

#include "analytics/behavior.h"
#include "analytics/incident.h"
#include "analytics/suppress.h"
#include "formats/format.h"
#include "hunt/finding.h"
#include "hunt/finding_run.h"
#include "hunt/finding_spill.h"
#include "io/scan.h"
#include "sigma/rule_set.h"

namespace cloudsift {

//! Per-thread builder of findings: rule fields are built once per rule and shared, the record
//! fields once per record (several rules matching one record share them), repeated values
//! (principals, user agents, regions …) are interned.
class FindingFactory {
public:
    //! rules must outlive the factory.
    explicit FindingFactory(const sigma::RuleSet& rules);
    //! Starts a new record: the next Make() rebuilds the record fields.
    void NewRecord() { have_evidence_ = false; }
    //! The finding of rule number rule_index on rec (call NewRecord() before each record).
    Finding Make(size_t rule_index, const Record& rec, const FileInfo& file);
    //! The record fields Make() built for the current record (null before its first Make()).
    const Finding* RecordEvidence() const { return have_evidence_ ? &evidence_ : nullptr; }

    //! A rule's share of its findings (id, title, level, ATT&CK tags), built once per rule.
    static SharedRule RuleOf(const sigma::Rule& rule);
    //! Sets rule on f and derives f's finding id (f's record fields must be filled).
    static void Apply(const SharedRule& rule, Finding& f, const Record& rec,
                      std::string& key_scratch);

private:
    const sigma::RuleSet& rules_;
    std::vector<SharedRule> rule_fields_; // built on first use
    std::vector<bool> built_;
    TextInterner interner_;
    const FileInfo* file_ = nullptr;
    SharedText file_path_;
    bool have_evidence_ = false;
    Finding evidence_;
    std::string key_; // scratch for the finding id
};

//! Per-thread matcher: evaluates every applicable rule on a record and appends findings.
class RecordMatcher {
public:
    //! rules must outlive the matcher and be compiled.
    explicit RecordMatcher(const sigma::RuleSet& rules);
    ~RecordMatcher();
    //! Appends one Finding per rule matching rec (file is the record's file).
    void Match(const Record& rec, const FileInfo& file, std::vector<Finding>& out);

private:
    const sigma::RuleSet& rules_;
    std::unique_ptr<sigma::RuleSet::Scratch> scratch_;
    FindingFactory factory_;
};

//! Builds the finding for rule on rec (fills every contract field from the record's Normalized).
Finding MakeFinding(const sigma::Rule& rule, const Record& rec, const FileInfo& file);
//! An imported finding (GuardDuty, Security Hub record) as a cloudsift finding: rule id
//! "<format>:<original type>", title the type and resource, level from the original severity.
//! RunHunt reports one for every such record, beside the rules that match it.
Finding ImportedFinding(const Record& rec, const FileInfo& file);

//! Options of a hunt run.
struct HuntOptions {
    ScanOptions scan;
    std::vector<std::string>
        rule_paths; //!< --rules (files or directories); empty = built-in rules/
    sigma::LoadOptions load;
    std::vector<std::string> filter_paths; //!< Sigma filter documents
    bool correlations = true;              //!< evaluate Sigma correlation rules
    bool analytics = true;                 //!< run the behavioural analytics
    bool incidents = true;                 //!< group findings into incidents
    analytics::BehaviorOptions behavior;
    analytics::IncidentOptions incident;
    //! Reference data and indicators (mining pools, --ioc); built by LoadIntel().
    std::shared_ptr<const analytics::Intel> intel;
    //! Suppressions applied after matching (--suppress); may be null.
    std::shared_ptr<analytics::SuppressionList> suppress;
    //! Findings held in memory (all scan threads together) before a thread's are sorted and
    //! written to a temporary file (TMPDIR); 0 = never.
    size_t findings_in_memory = 500'000;
};

//! Outcome of a hunt: findings sorted by time, then rule id, and what was read.
struct HuntResult {
    //! The findings, unless some went to temporary files: then findings is empty and spilled
    //! holds them all (read them with ForEachFinding, which serves both cases).
    std::vector<Finding> findings;
    std::shared_ptr<const SpilledFindings> spilled;
    bool spill_failed = false; //!< a temporary file could not be written (findings kept in memory)
    //! Findings per level (informational … critical) when spilled (counted as they are read).
    std::array<uint64_t, 5> spilled_levels{};
    ScanSummary scan;
    std::vector<sigma::FileReport> rule_reports;
    size_t rules_loaded = 0;
    size_t correlations_active = 0;
    std::vector<sigma::Diagnostic> correlation_diagnostics; //!< disabled correlations and why
    std::vector<analytics::Incident> incidents;             //!< highest score first
    uint64_t suppressed = 0;                                //!< findings dropped by --suppress
    analytics::BehaviorStats behavior; //!< rows the behavioural detectors read
    //! Wall-clock seconds of each stage of the run.
    struct Timings {
        double scan = 0;      //!< decode + rules + per-record analytics, all threads
        double correlate = 0; //!< Sigma correlation rules over the collected rows
        double behavior = 0;  //!< behavioural detectors over the collected rows
        //! findings suppressed and ordered per scan thread (correlation and behaviour run
        //! meanwhile on another thread, also during the merge)
        double sort = 0;
        double merge = 0; //!< the per-thread runs merged into one
        //! waiting for correlation and behaviour, then their findings sorted and merged in
        double join = 0;
        double release = 0;   //!< waiting for the per-thread collectors to be freed
        double incidents = 0; //!< incident grouping
    } timings;
};

//! Findings of r (in memory or spilled).
uint64_t FindingCount(const HuntResult& r);

//! Findings of r per level, informational (0) … critical (4); unknown levels are not counted.
std::array<uint64_t, 5> LevelCounts(const HuntResult& r);

//! Calls fn with every finding of r in order; returns how many could not be read back from a
//! temporary file (an I/O error).
uint64_t ForEachFinding(const HuntResult& r, FunctionRef<void(const Finding&)> fn);

//! Reference data for the analytics: data/mining_pools.txt from the data directory (next to the
//! rules) plus the indicators of ioc_path ("" = none). Problems name the IOC file lines.
std::shared_ptr<analytics::Intel> LoadIntel(const std::string& ioc_path,
                                            std::vector<analytics::IocSet::Problem>& problems,
                                            std::string& error);

//! Directory of the built-in reference data (data/ in the source tree or next to the binary).
std::string BuiltinDataDir();

//! Loads the rules named by options (reports diagnostics in rule_reports) and compiles them.
std::unique_ptr<sigma::RuleSet> LoadRules(const HuntOptions& options,
                                          std::vector<sigma::FileReport>& reports);

//! Scans options.scan.inputs in parallel and matches every record against rules.
HuntResult RunHunt(const HuntOptions& options, const sigma::RuleSet& rules);

//! Sorts findings by time, then file, position and rule id (a deterministic order).
void SortFindings(std::vector<Finding>& findings);

//! The order SortFindings gives: time, file, position, rule id.
bool FindingOrderLess(const Finding& a, const Finding& b);

//! The permutation that puts findings in SortFindings order: order[i] indexes the i-th.
std::vector<uint32_t> FindingOrder(const std::vector<Finding>& findings);

//! Merges runs that are each in SortFindings order into one vector in that order: on equal keys
//! a finding of an earlier run comes first (as one sort of the runs concatenated would place
//! it). Each run is read in order and its blocks handed back as they are read, so the findings
//! are never held twice; the runs are empty afterwards. The result has room for spare more
//! findings (for MergeAfter).
std::vector<Finding> MergeSortedRuns(const std::vector<FindingRun*>& runs, size_t spare);

//! Merges later (in SortFindings order) into into (in that order), emptying later; on equal
//! keys into's findings come first.
void MergeAfter(std::vector<Finding>& into, std::vector<Finding>&& later);

//! Directory of the built-in rule pack (rules/ in the source tree or next to the binary).
std::string BuiltinRulesDir();

} // namespace cloudsift
