// Helpers shared by unit tests: locating fixtures and the optional third-party datasets.
#pragma once
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include <unistd.h>

#include "hunt/hunter.h"
#include "sim/simulate.h"

namespace cloudsift::test {

//! tests/ directory of the source tree.
inline std::filesystem::path TestDir() { return CLOUDSIFT_TEST_DATA; }

//! ../shared/datasets (or $CLOUDSIFT_DATASETS); empty path when absent (tests then GTEST_SKIP).
inline std::filesystem::path DatasetsDir() {
    if (const char* env = std::getenv("CLOUDSIFT_DATASETS"); env && *env) {
        if (std::filesystem::is_directory(env)) return env;
        return {};
    }
    auto p = TestDir().parent_path().parent_path() / "shared" / "datasets";
    if (std::filesystem::is_directory(p)) return p;
    return {};
}

//! Whole file as a string.
inline std::string ReadFile(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

//! A simulated organization with every attack scenario (events background records over hours),
//! written to a fresh temporary directory that is removed with the value, and the built-in
//! rules loaded to hunt it on two threads.
struct SimulatedHunt {
    std::filesystem::path dir;
    HuntOptions options;
    std::unique_ptr<sigma::RuleSet> rules;
    bool ok = false; //!< whether the simulation was written and rules loaded

    SimulatedHunt(const std::string& name, uint64_t events, int hours) {
        dir = std::filesystem::temp_directory_path() /
              ("cloudsift-" + name + "-" + std::to_string(::getpid()));
        std::filesystem::remove_all(dir);
        sim::SimOptions sim;
        sim.out = dir;
        sim.scenarios = sim::ParseScenarioList("all").value();
        sim.duration = int64_t(hours) * 3600 * 1000LL;
        sim.events = events;
        if (!sim::Simulate(sim).ok())
            return;
        options.scan.inputs = {dir.string()};
        options.scan.threads = 2;
        std::vector<sigma::FileReport> reports;
        rules = LoadRules(options, reports);
        ok = rules->size() > 0;
    }
    ~SimulatedHunt() {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
    SimulatedHunt(const SimulatedHunt&) = delete;
    SimulatedHunt& operator=(const SimulatedHunt&) = delete;
};

} // namespace cloudsift::test
