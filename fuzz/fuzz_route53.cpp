// libFuzzer target: feeds arbitrary bytes to the "route53" decoder (sniffing included).
#include "formats/fuzz_feed.h"
#include "formats/source_formats.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    cloudsift::formats::FuzzFeed(cloudsift::Route53Format(), data, size);
    return 0;
}
