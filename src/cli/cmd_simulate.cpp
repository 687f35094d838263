// `cloudsift simulate`: writes a simulated AWS organization's logs with attack scenarios and
// their ground truth (see docs/simulate.md).
#include <iostream>

#include "cli/command.h"
#include "common/sanitize.h"
#include "common/strings.h"
#include "sim/scenario.h"
#include "sim/simulate.h"

namespace cloudsift::cli {
namespace {

struct SimulateArgs {
    std::string scenarios;
    std::string out;
    uint64_t seed = 1;
    std::string start = "2024-03-05T00:00:00Z";
    std::string duration = "24h";
    uint64_t events = 20000;
    int accounts = 3;
    std::string regions = "us-east-1,us-west-2,eu-west-1";
    int threads = 2;
    bool list = false;
    bool quiet = false;
};

int Usage(const std::string& msg) {
    std::cerr << "cloudsift simulate: " << TerminalSafe(msg) << "\n";
    return kExitUsage;
}

int RunSimulate(const SimulateArgs& a) {
    if (a.list) {
        for (auto& n : sim::ScenarioNames()) std::cout << n << "\n";
        return kExitOk;
    }
    sim::SimOptions o;
    if (a.out.empty()) return Usage("--out DIR is required");
    o.out = a.out;
    if (!a.scenarios.empty()) {
        auto list = sim::ParseScenarioList(a.scenarios);
        if (!list.ok()) return Usage(list.error().message);
        o.scenarios = list.value();
    }
    o.seed = a.seed;
    auto start = ParseIsoTime(a.start);
    if (!start) return Usage("--start: not an ISO 8601 time: " + a.start);
    o.start = *start - *start % 1000;
    auto dur = sim::ParseDuration(a.duration);
    if (!dur) return Usage("--duration: expected a positive span like 24h, 90m, 2d: " + a.duration);
    o.duration = *dur;
    o.events = a.events;
    o.accounts = a.accounts;
    o.regions.clear();
    for (auto r : Split(a.regions, ','))
        if (!Trim(r).empty()) o.regions.emplace_back(Trim(r));
    o.threads = a.threads;
    auto r = sim::Simulate(o);
    if (!r.ok()) {
        std::cerr << "cloudsift simulate: " << TerminalSafe(r.error().message) << "\n";
        return StartsWith(r.error().code, "usage.") ? kExitUsage : kExitFatal;
    }
    if (!a.quiet) {
        const auto& s = r.value();
        std::cerr << "wrote " << s.files << " files (" << HumanBytes(s.bytes) << "), "
                  << s.benign_events << " background and " << s.malicious_events
                  << " malicious records to " << TerminalSafe(a.out) << "\n";
    }
    return kExitOk;
}

const Registration kSimulate{
    "simulate", "Write simulated AWS logs with attack scenarios and ground truth",
    [](CLI::App& sub) -> std::function<int()> {
        auto args = std::make_shared<SimulateArgs>();
        sub.add_option("--scenario", args->scenarios,
                       "Scenario names, comma separated, or 'all' (see --list)");
        sub.add_option("--out", args->out, "Output directory (must not exist or be empty)");
        sub.add_option("--seed", args->seed, "Random seed; same seed, same bytes");
        sub.add_option("--start", args->start, "Start of the period (ISO 8601)");
        sub.add_option("--duration", args->duration, "Length of the period (e.g. 24h, 90m, 2d)");
        sub.add_option("--events", args->events, "Background records over all sources");
        sub.add_option("--accounts", args->accounts, "Number of accounts (1-50)");
        sub.add_option("--regions", args->regions, "Regions in use, comma separated");
        sub.add_option("--threads", args->threads, "Worker threads (output is identical)");
        sub.add_flag("--list", args->list, "List scenario names and exit");
        sub.add_flag("--quiet", args->quiet, "No summary on stderr");
        return [args] { return RunSimulate(*args); };
    }};

} // namespace
} // namespace cloudsift::cli
