// Scores findings against simulator ground truth. A truth record is detected when a finding
// points at the same record: the same CloudTrail eventID, or the same file (suffix match on the
// path relative to the simulate output directory) and the same line (text logs) or record
// index (CloudTrail). Findings that point at no truth record are false positives.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/time_util.h"

namespace cloudsift::sim {

//! One line of truth.jsonl.
struct TruthEntry {
    std::string scenario;
    int step = 0;
    std::string action;
    std::string tactic;
    std::string technique;
    std::string source_type;
    std::string event_id;
    std::string file;
    int64_t line = -1;  //!< text logs, 1-based
    int64_t index = -1; //!< CloudTrail record index in file
    TimeMs time = 0;
};

//! The parts of a finding the evaluator uses.
struct FindingRef {
    TimeMs time = 0;
    std::string rule_id;
    std::string event_id;
    std::string file;
    uint64_t line_or_index = 0;
};

//! Detection result of one (scenario, technique) pair.
struct TechniqueScore {
    std::string scenario;
    std::string tactic;
    std::string technique;
    std::vector<int> steps;
    uint64_t records = 0;
    uint64_t detected_records = 0;
    bool detected = false;
    int64_t delay_ms = -1; //!< first finding's record time − the step's first record time
    std::vector<std::string> rules; //!< rule ids that fired on these records
};

//! Per-scenario totals.
struct ScenarioScore {
    std::string scenario;
    uint64_t records = 0;
    uint64_t detected_records = 0;
    uint64_t techniques = 0;
    uint64_t detected_techniques = 0;
};

//! The whole evaluation.
struct EvalReport {
    std::vector<TechniqueScore> techniques;
    std::vector<ScenarioScore> scenarios;
    uint64_t truth_records = 0;
    uint64_t detected_records = 0;
    uint64_t findings = 0;
    uint64_t true_positive_findings = 0;
    uint64_t false_positive_findings = 0;
    uint64_t benign_events = 0;
    double recall = 0;          //!< detected_records / truth_records
    double technique_recall = 0; //!< detected (scenario, technique) pairs / all pairs
    double precision = 0;       //!< true_positive_findings / findings (1 when no findings)
    double fp_per_million = 0;  //!< false_positive_findings per million benign events
    std::vector<std::string> fp_rules; //!< "rule_id count" of the noisiest false-positive rules
};

//! Parses truth.jsonl text; Error on a malformed line.
Result<std::vector<TruthEntry>> ParseTruth(std::string_view text);

//! Parses findings JSONL (the Finding contract); malformed lines are counted in *bad.
std::vector<FindingRef> ParseFindings(std::string_view text, uint64_t* bad);

//! Scores findings against truth; benign_events scales the false-positive rate.
EvalReport Evaluate(const std::vector<TruthEntry>& truth, const std::vector<FindingRef>& findings,
                    uint64_t benign_events);

//! benign_events from a simulate output's MANIFEST.json (nullopt when unreadable).
std::optional<uint64_t> ManifestBenignEvents(const std::filesystem::path& manifest);

//! The report as a JSON document.
std::string EvalReportJson(const EvalReport& r);

} // namespace cloudsift::sim
