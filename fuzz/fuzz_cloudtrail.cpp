// libFuzzer target: the whole read path for CloudTrail-shaped input — decompression (gzip, zstd,
// nested), sniffing, the Records/array/lookup-events/JSONL decoders and the salvage path.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "io/scan.h"

namespace {
class Sink final : public cloudsift::RecordConsumer {
public:
    void OnRecord(const cloudsift::Record& rec) override {
        out_.clear();
        rec.event.AppendJson(out_);
    }
    std::string out_;
};
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    Sink sink;
    cloudsift::ScanOptions options;
    options.max_document_bytes = 64 << 20;
    options.max_line_bytes = 1 << 20;
    // Sniffed, then forced through each CloudTrail decoder.
    cloudsift::DecodeBuffer(input, "fuzz.json", "", sink, options);
    cloudsift::DecodeBuffer(input, "fuzz.json", "cloudtrail", sink, options);
    cloudsift::DecodeBuffer(input, "fuzz.jsonl", "cloudtrail-jsonl", sink, options);
    return 0;
}
