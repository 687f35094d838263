// `cloudsift simulate`: writes a believable AWS organization's logs with injected attack
// scenarios and their ground truth. Output is a pure function of the options (same seed → the
// same bytes), produced window by window (5 minutes) so memory stays bounded at any --events.
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/time_util.h"

namespace cloudsift::sim {

//! What to simulate.
struct SimOptions {
    std::vector<std::string> scenarios; //!< names from ScenarioNames(); empty → background only
    std::filesystem::path out;          //!< must not exist or be empty
    uint64_t seed = 1;
    TimeMs start = 1709596800000;       //!< 2024-03-05T00:00:00Z
    TimeMs duration = 24 * 3600 * 1000LL;
    uint64_t events = 20000;            //!< background records over all sources
    int accounts = 3;
    std::vector<std::string> regions = {"us-east-1", "us-west-2", "eu-west-1"};
    int threads = 2; //!< worker threads; never changes the output
};

//! What was written.
struct SimSummary {
    uint64_t files = 0;
    uint64_t bytes = 0;
    uint64_t benign_events = 0;
    uint64_t malicious_events = 0;
    std::map<std::string, uint64_t> benign_by_source;
    std::map<std::string, uint64_t> malicious_by_source;
};

//! Parses "all" or a comma list into scenario names; Error "usage.scenario" on unknown names.
Result<std::vector<std::string>> ParseScenarioList(std::string_view list);

//! Parses "24h", "90m", "2d", "3600s" into milliseconds; nullopt when malformed or not positive.
std::optional<TimeMs> ParseDuration(std::string_view s);

//! Runs the simulation. Errors: code "usage.*" for invalid options, "io.*" for output failures
//! (then nothing is left at opts.out: output is built in a sibling ".partial" directory and
//! renamed into place only when complete, with MANIFEST.json written last).
Result<SimSummary> Simulate(const SimOptions& opts);

} // namespace cloudsift::sim
