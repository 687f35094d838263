// libFuzzer target: feeds arbitrary bytes to the "nlb" decoder (sniffing included).
#include "formats/fuzz_feed.h"
#include "formats/source_formats.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    cloudsift::formats::FuzzFeed(cloudsift::NlbFormat(), data, size);
    return 0;
}
