// Shared body of the decoder fuzz targets (fuzz/fuzz_<format>.cpp): sniffs and decodes one input
// the way the scan pipeline would, touching every record's fields.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "formats/format.h"

namespace cloudsift::formats {

//! Sniffs and decodes data with format (line formats in runs of up to 4 lines).
inline void FuzzFeed(const Format& format, const uint8_t* bytes, size_t size) {
    std::string_view data(reinterpret_cast<const char*>(bytes), size);
    FileInfo info;
    info.path = "fuzz";
    (void)format.Sniff(data.substr(0, 65536), info);
    auto dec = format.Open(info);
    DecodeReport report;
    std::string json;
    auto emit = [&](const Record& r) {
        json.clear();
        r.event.AppendJson(json);
        // The case store's payload columns.
        r.event.AppendMemberJson("requestParameters", json);
        r.event.AppendMemberJson("responseElements", json);
        r.event.ForEachLeaf([](const Value&) { return true; });
    };
    if (!format.LineOriented()) {
        dec->Feed(data, 1, emit, report);
    } else {
        size_t pos = 0;
        uint64_t line = 1;
        while (pos < data.size()) {
            size_t end = pos;
            int count = 0;
            while (end < data.size() && count < 4) {
                size_t nl = data.find('\n', end);
                end = nl == std::string_view::npos ? data.size() : nl + 1;
                ++count;
            }
            dec->Feed(data.substr(pos, end - pos), line, emit, report);
            line += uint64_t(count);
            pos = end;
        }
    }
    dec->Finish(emit, report);
}

} // namespace cloudsift::formats
