// libFuzzer target: arbitrary bytes as a Sigma rule file (rules, filters, correlations), then
// Compile() and one Match() against a fixed CloudTrail-like event. Must never crash or leak.
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "event/json_event.h"
#include "event/normalized.h"
#include "sigma/rule_set.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace cloudsift;
    std::string_view text(reinterpret_cast<const char*>(data), size);
    sigma::RuleSet set;
    std::vector<sigma::FileReport> reports;
    set.LoadString(text, "fuzz.yml", {}, reports);
    set.Compile();
    static simdjson::dom::parser parser;
    static const simdjson::padded_string json(std::string_view(
        R"({"eventName":"CreateUser","eventSource":"iam.amazonaws.com","n":5,)"
        R"("userIdentity":{"arn":"arn:aws:iam::1:user/a"},"tags":["x",null,1.5,true],)"
        R"("requestParameters":{"userName":"bob","policy":{"a":[1,2]}}})"));
    simdjson::dom::element root;
    if (parser.parse(json).get(root) != simdjson::SUCCESS) return 0;
    JsonEvent ev(root);
    Normalized norm;
    norm.logsource = {"aws", "cloudtrail", {"", ""}};
    norm.action = "CreateUser";
    norm.service = "iam.amazonaws.com";
    auto scratch = set.NewScratch();
    size_t hits = 0;
    set.Match(ev, norm, *scratch, [&](size_t) { ++hits; });
    if (hits > set.size()) __builtin_trap(); // each rule reported at most once
    return 0;
}
