// Sigma correlation engine (Sigma correlation specification v2: event_count, value_count,
// temporal, temporal_ordered, value_sum, value_avg, value_percentile; group-by, aliases,
// timespan, condition ranges, generate, chains of correlations).
//
// Batch design: during the parallel scan every record matching a rule that feeds a correlation
// (directly or through a chain) is captured as a compact CorrelationRow by a per-thread
// Collector; after the scan Evaluate() sorts the rows by time and runs each correlation, in
// dependency order, over per-group windows. The per-group state (see docs/analytics.md) is the
// same one a live engine would keep between watermarks.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "event/field_path.h"
#include "formats/format.h"
#include "hunt/finding.h"
#include "sigma/rule_set.h"

namespace cloudsift::analytics {

//! A captured base-rule match: when, which rule, the fields correlations need, and the finding
//! the match would raise (the evidence a correlation finding points at).
struct CorrelationRow {
    TimeMs time = 0;
    uint32_t rule = 0;               //!< index into RuleSet::rule()
    //! Aligned with CorrelationEngine::CapturedFields(rule); interned per collector (the rows
    //! of one principal share its ARN).
    std::vector<SharedText> values;
    Finding evidence;
};

//! Longest accepted correlation timespan (a longer one is rejected with a diagnostic).
inline constexpr int64_t kMaxCorrelationTimespanMs = 31LL * 24 * 3600 * 1000;

//! Evaluates the correlations of one compiled RuleSet. Immutable after construction.
class CorrelationEngine {
public:
    //! rules must be compiled and outlive the engine. Invalid correlations (unknown rules,
    //! cycles, absurd timespans, missing fields) are disabled and reported in diagnostics().
    explicit CorrelationEngine(const sigma::RuleSet& rules);

    //! Problems found in the correlations (each names the correlation's file and line).
    const std::vector<sigma::Diagnostic>& diagnostics() const { return diags_; }
    //! Number of correlations that will be evaluated.
    size_t active() const { return active_count_; }
    //! Whether matches of rule i must be captured.
    bool Feeds(size_t rule) const { return rule < fields_.size() && !fields_[rule].empty(); }
    //! Field names captured for rule i (in CorrelationRow::values order).
    const std::vector<std::string>& CapturedFields(size_t rule) const { return names_[rule]; }

    //! Per-thread capture buffer.
    struct Collector {
        std::vector<CorrelationRow> rows;
        TextInterner interner; //!< of the captured values
    };
    //! Captures a match of rule on rec (call only when Feeds(rule)); evidence is the finding the
    //! match raises (FindingFactory::Make or MakeFinding of rule on rec), kept for the
    //! correlation findings that point at it.
    void Capture(size_t rule, const Record& rec, Finding evidence, Collector& out) const;

    //! Runs every active correlation over the captured rows; returns the correlation findings
    //! (those of correlations that are not hidden inside a non-generating chain).
    std::vector<Finding> Evaluate(const std::vector<const Collector*>& collectors) const;

private:
    const sigma::RuleSet& rules_;
    std::vector<std::vector<FieldPath>> fields_;  //!< per rule: paths to capture
    std::vector<std::vector<std::string>> names_; //!< per rule: their names
    std::vector<size_t> order_;                   //!< active correlations, dependencies first
    std::vector<bool> emit_;                      //!< per correlation: raise findings
    std::vector<sigma::Diagnostic> diags_;
    size_t active_count_ = 0;
};

//! Whether v satisfies every operator of a correlation condition ({"gte",10},{"lt",20} …).
bool ConditionHolds(const std::vector<std::pair<std::string, double>>& condition, double v);

} // namespace cloudsift::analytics
