// libFuzzer target: feeds arbitrary bytes to the "guardduty" decoder (sniffing included).
#include "formats/fuzz_feed.h"
#include "formats/source_formats.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    cloudsift::formats::FuzzFeed(cloudsift::GuardDutyFormat(), data, size);
    return 0;
}
