// Hunt throughput against its floor, measured in the same run:
//   floor = discover + read + decompress + parse + normalize every record (no rules)
//   hunt  = the same plus every loaded Sigma rule, findings collected
// Usage: bench_hunt CORPUS_DIR RULES_PATH... [--threads N] [--repeat N] [--only floor|rules|hunt]
// (--only runs one of the three, for profiling; no ratio is printed then).
// Prints MB/s (compressed and decompressed), events/s, the hunt/floor ratio and peak RSS.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "hunt/hunter.h"

using namespace cloudsift;

namespace {

struct Timing {
    double seconds = 1e300;
    uint64_t bytes_read = 0, bytes_decoded = 0, records = 0, findings = 0;
};

class NullConsumer final : public RecordConsumer {
public:
    void OnRecord(const Record&) override { ++n_; }
    uint64_t n_ = 0;
};

double PeakRssMb() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

void Print(const char* name, const Timing& t) {
    std::printf("%-6s %8.2f s  %8.1f MB/s gz  %8.1f MB/s json  %10.0f events/s  %8llu events  "
                "%6llu findings\n",
                name, t.seconds, t.bytes_read / 1e6 / t.seconds, t.bytes_decoded / 1e6 / t.seconds,
                t.records / t.seconds, static_cast<unsigned long long>(t.records),
                static_cast<unsigned long long>(t.findings));
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr,
                     "usage: bench_hunt CORPUS_DIR RULES_PATH... [--threads N] [--repeat N] "
                     "[--only floor|rules|hunt]\n");
        return 2;
    }
    HuntOptions options;
    options.scan.inputs.push_back(argv[1]);
    int repeat = 3;
    std::string only;
    for (int i = 2; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--threads") && i + 1 < argc)
            options.scan.threads = std::stoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--repeat") && i + 1 < argc)
            repeat = std::stoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--only") && i + 1 < argc)
            only = argv[++i];
        else
            options.rule_paths.push_back(argv[i]);
    }
    std::vector<sigma::FileReport> reports;
    auto t0 = std::chrono::steady_clock::now();
    auto rules = LoadRules(options, reports);
    double load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("rules: %zu loaded (%zu indexed by eventName, eventSource or another required "
                "field) in %.2f s\n",
                rules->size(), rules->indexed_rules(), load_s);

    HuntOptions rules_only = options;
    rules_only.analytics = rules_only.correlations = rules_only.incidents = false;
    Timing floor, hunt, plain;
    HuntResult::Timings stages;
    auto runs = [&](const char* stage) { return only.empty() || only == stage; };
    for (int r = 0; r < repeat; ++r) {
        if (runs("floor")) {
            auto start = std::chrono::steady_clock::now();
            ScanSummary s =
                Scan(options.scan, [](unsigned) { return std::make_unique<NullConsumer>(); });
            double secs =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            if (secs < floor.seconds)
                floor = {secs, s.bytes_read, s.bytes_decoded, s.records, 0};
        }
        if (runs("hunt")) {
            auto start = std::chrono::steady_clock::now();
            HuntResult h = RunHunt(options, *rules);
            double secs =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            if (secs < hunt.seconds) {
                hunt = {secs, h.scan.bytes_read, h.scan.bytes_decoded, h.scan.records,
                        FindingCount(h)};
                stages = h.timings;
            }
        }
        if (runs("rules")) {
            auto start = std::chrono::steady_clock::now();
            HuntResult p = RunHunt(rules_only, *rules);
            double secs =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            if (secs < plain.seconds)
                plain = {secs, p.scan.bytes_read, p.scan.bytes_decoded, p.scan.records,
                         FindingCount(p)};
        }
    }
    std::printf("best of %d runs, %u thread(s):\n", repeat,
                options.scan.threads ? options.scan.threads : std::thread::hardware_concurrency());
    auto print_stages = [&] {
        std::printf(
            "hunt stages: scan (decode + rules + per-record analytics) %.2f s, correlation "
            "%.2f s, behaviour %.2f s (both alongside sort and merge), sort %.2f s, merge %.2f s, "
            "join %.2f s, release %.2f s, incidents %.2f s\n",
            stages.scan, stages.correlate, stages.behavior, stages.sort, stages.merge, stages.join,
            stages.release, stages.incidents);
    };
    if (!only.empty()) {
        Print(only.c_str(), only == "floor" ? floor : only == "rules" ? plain : hunt);
        if (only == "hunt")
            print_stages();
        std::printf("peak RSS: %.0f MB\n", PeakRssMb());
        return 0;
    }
    Print("floor", floor);
    Print("rules", plain);
    Print("hunt", hunt);
    print_stages();
    std::printf("cost of correlation + analytics + incidents: %.1f%% of rules-only throughput "
                "(target <= 15%%)\n",
                100.0 * (1.0 - plain.seconds / hunt.seconds));
    std::printf("ratio hunt/floor: %.1f%% (target >= 60%%)\n",
                100.0 * floor.seconds / hunt.seconds);
    std::printf("peak RSS: %.0f MB (target < 1024 MB)\n", PeakRssMb());
    return 0;
}
