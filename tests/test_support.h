// Helpers shared by unit tests: locating fixtures and the optional third-party datasets.
#pragma once
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

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

} // namespace cloudsift::test
