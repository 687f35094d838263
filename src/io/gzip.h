// Gzip compression of a whole buffer (tests, benchmarks, evidence fixtures). Deterministic:
// the header carries no file name and mtime 0, so equal input gives equal bytes.
#pragma once
#include <string>
#include <string_view>

namespace cloudsift {

//! data as one gzip member (libdeflate, level 6).
std::string GzipCompress(std::string_view data);

} // namespace cloudsift
