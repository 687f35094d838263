// libFuzzer target: the identifiers an attacker-written record names (events.mentions). Every
// token written must stand in the input as it is, and none may be one of the own values.
#include <algorithm>
#include <cstdlib>
#include <string>
#include <string_view>

#include "store/writer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view raw(reinterpret_cast<const char*>(data), size);
    // The first 20 bytes play the actor's own access key.
    std::string_view own = raw.substr(0, std::min<size_t>(20, raw.size()));
    std::string out;
    cloudsift::store::AppendMentions(out, raw, {own});
    for (size_t at = 0; at < out.size();) {
        size_t end = out.find(' ', at);
        if (end == std::string::npos)
            end = out.size();
        std::string_view token(out.data() + at, end - at);
        if (token.empty() || token == own || raw.find(token) == std::string_view::npos)
            std::abort();
        at = end + 1;
    }
    return 0;
}
