// Helpers for the simulator tests: run a small simulation once, read its (gzip) files.
#pragma once
#include <zlib.h>

#include <filesystem>
#include <string>
#include <unistd.h>

#include "sim/simulate.h"
#include "test_support.h"

namespace cloudsift::sim::testing {

//! Whole file, gunzipped when it ends in .gz.
inline std::string ReadMaybeGz(const std::filesystem::path& p) {
    if (p.extension() != ".gz") return cloudsift::test::ReadFile(p);
    gzFile f = gzopen(p.c_str(), "rb");
    std::string out;
    if (!f) return out;
    char buf[65536];
    int n;
    while ((n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, size_t(n));
    gzclose(f);
    return out;
}

//! A fresh, not yet existing directory under the system temp dir.
inline std::filesystem::path FreshDir(const std::string& name) {
    auto p = std::filesystem::temp_directory_path() /
             ("cloudsift_sim_" + name + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(p);
    return p;
}

//! Small options with every scenario (6h so the longest scenario fits).
inline SimOptions SmallOptions(const std::filesystem::path& out) {
    SimOptions o;
    o.out = out;
    o.scenarios = ParseScenarioList("all").value();
    o.duration = 6 * 3600 * 1000LL;
    o.events = 3000;
    o.seed = 42;
    return o;
}

} // namespace cloudsift::sim::testing
