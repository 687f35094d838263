#include "formats/format.h"

namespace cloudsift {

void DecodeReport::Bad(uint64_t position, std::string_view reason, std::string_view excerpt) {
    ++bad_;
    ++reasons_[std::string(reason)];
    if (samples_.size() < kMaxSamples)
        samples_.push_back({position, std::string(reason), std::string(excerpt.substr(0, 120))});
}

} // namespace cloudsift
