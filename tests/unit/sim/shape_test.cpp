// Generated CloudTrail records must have the shape of real CloudTrail records with the same
// eventName (TrailDiscover's real examples and Panther's rule test events in ../shared/datasets).
#include <gtest/gtest.h>
#include <simdjson.h>

#include <map>
#include <set>

#include "common/strings.h"
#include "sim_test_util.h"

namespace cloudsift::sim {
namespace {
namespace fs = std::filesystem;

using KeyTypes = std::map<std::string, std::set<int>>; // key path → JSON types seen (non-null)

struct Shapes {
    std::set<std::string> complete; //!< eventNames with complete real examples (TrailDiscover)
    std::map<std::string, std::vector<std::map<std::string, int>>> top; // eventName → examples
    std::map<std::string, KeyTypes> identity; // userIdentity.type → path types
};

int TypeOf(simdjson::dom::element e) { return int(e.type()); }
bool IsNull(simdjson::dom::element e) { return e.type() == simdjson::dom::element_type::NULL_VALUE; }

void IdentityPaths(simdjson::dom::element e, const std::string& prefix, KeyTypes& out) {
    if (e.is_object() && simdjson::dom::object(e).size() > 0) {
        for (auto [k, v] : simdjson::dom::object(e))
            IdentityPaths(v, prefix.empty() ? std::string(k) : prefix + "." + std::string(k), out);
        return;
    }
    auto& types = out[prefix];
    if (!IsNull(e)) types.insert(TypeOf(e));
}

void AddRecord(simdjson::dom::element r, Shapes& s, bool skip_p_fields) {
    std::string_view name;
    if (!r.is_object() || r["eventName"].get_string().get(name) != simdjson::SUCCESS) return;
    std::map<std::string, int> keys;
    for (auto [k, v] : simdjson::dom::object(r)) {
        if (skip_p_fields && StartsWith(k, "p_")) continue;
        keys[std::string(k)] = IsNull(v) ? -1 : TypeOf(v);
    }
    // Panther's test events are trimmed to what a rule needs: they vouch for types only, and
    // only for eventNames TrailDiscover has no complete example of.
    if (!skip_p_fields) s.complete.insert(std::string(name));
    s.top[std::string(name)].push_back(std::move(keys));
    std::string_view type;
    if (r["userIdentity"]["type"].get_string().get(type) == simdjson::SUCCESS)
        IdentityPaths(r["userIdentity"], "", s.identity[std::string(type)]);
}

void AddDocument(simdjson::dom::element doc, Shapes& s, bool panther) {
    if (doc.is_array()) {
        for (auto r : simdjson::dom::array(doc)) AddRecord(r, s, panther);
    } else if (doc.is_object() && !doc["Records"].error()) {
        for (auto r : doc["Records"].get_array()) AddRecord(r, s, panther);
    } else {
        AddRecord(doc, s, panther);
    }
}

Shapes RealShapes(const fs::path& datasets) {
    Shapes s;
    simdjson::dom::parser parser;
    fs::path td = datasets / "cloudtrail" / "traildiscover" / "events";
    if (fs::is_directory(td))
        for (auto& e : fs::recursive_directory_iterator(td)) {
            if (!EndsWith(e.path().string(), ".json.cloudtrail")) continue;
            std::string text = cloudsift::test::ReadFile(e.path());
            simdjson::dom::element doc;
            if (parser.parse(text).get(doc) == simdjson::SUCCESS) AddDocument(doc, s, false);
        }
    fs::path pa = datasets / "cloudtrail" / "panther-analysis" / "DERIVED_tests.jsonl";
    std::string text = cloudsift::test::ReadFile(pa);
    for (auto line : Split(text, '\n')) {
        simdjson::dom::element doc;
        if (line.empty() || parser.parse(line.data(), line.size()).get(doc)) continue;
        simdjson::dom::element log;
        if (doc["log"].get(log) == simdjson::SUCCESS && log.is_object()) AddDocument(log, s, true);
    }
    return s;
}

Shapes GeneratedShapes(const fs::path& dir) {
    Shapes s;
    simdjson::dom::parser parser;
    for (auto& e : fs::recursive_directory_iterator(dir)) {
        if (e.path().string().find("_CloudTrail_") == std::string::npos) continue;
        std::string text = testing::ReadMaybeGz(e.path());
        simdjson::dom::element doc;
        if (parser.parse(text).get(doc) == simdjson::SUCCESS) AddDocument(doc, s, false);
    }
    return s;
}

TEST(SimulateShapes, MatchRealCloudTrailEvents) {
    fs::path datasets = cloudsift::test::DatasetsDir();
    if (datasets.empty() || !fs::is_directory(datasets / "cloudtrail" / "traildiscover"))
        GTEST_SKIP() << "datasets (cloudtrail/traildiscover) absent";
    Shapes real = RealShapes(datasets);
    ASSERT_GT(real.top.size(), 100u);
    auto dir = testing::FreshDir("shape");
    auto r = Simulate(testing::SmallOptions(dir));
    ASSERT_TRUE(r.ok()) << r.error().message;
    Shapes gen = GeneratedShapes(dir);
    fs::remove_all(dir);

    // Keys CloudTrail adds or omits depending on outcome and transport, not on eventName.
    const std::set<std::string> optional = {"errorCode",   "errorMessage",
                                            "tlsDetails",  "sessionCredentialFromConsole",
                                            "additionalEventData", "resources",
                                            "apiVersion",  "vpcEndpointId",
                                            "vpcEndpointAccountId", "sharedEventID",
                                            "requestID",   "eventCategory", "userIdentity"};
    const std::set<std::string> optional_identity = {
        "invokedBy", "sessionContext.ec2RoleDelivery", "sessionContext.webIdFederationData",
        "sessionContext.sourceIdentity", "userName", "accessKeyId"};
    int compared = 0;
    std::vector<std::string> problems;
    for (auto& [name, examples] : gen.top) {
        auto it = real.top.find(name);
        if (it == real.top.end()) continue;
        ++compared;
        std::map<std::string, std::set<int>> real_types;
        std::map<std::string, int> present;
        bool complete = real.complete.count(name) > 0;
        for (auto& ex : it->second)
            for (auto& [k, t] : ex) {
                ++present[k];
                if (t >= 0) real_types[k].insert(t);
            }
        for (auto& ex : examples) {
            for (auto& [k, t] : ex) {
                if (!present.count(k) && !optional.count(k) && complete)
                    problems.push_back(name + ": unexpected key " + k);
                else if (t >= 0 && real_types.count(k) && !real_types[k].count(t))
                    problems.push_back(name + ": type of " + k + " differs");
            }
            for (auto& [k, n] : present)
                if (complete && size_t(n) == it->second.size() && !ex.count(k) &&
                    !optional.count(k))
                    problems.push_back(name + ": missing key " + k);
        }
    }
    for (auto& [type, paths] : gen.identity) {
        auto it = real.identity.find(type);
        if (it == real.identity.end()) {
            problems.push_back("identity type " + type + " has no real example");
            continue;
        }
        for (auto& [path, types] : paths) {
            auto rp = it->second.find(path);
            if (rp == it->second.end()) {
                if (!optional_identity.count(path))
                    problems.push_back(type + ": unexpected userIdentity." + path);
                continue;
            }
            for (int t : types)
                if (!rp->second.empty() && !rp->second.count(t))
                    problems.push_back(type + ": type of userIdentity." + path + " differs");
        }
    }
    std::sort(problems.begin(), problems.end());
    problems.erase(std::unique(problems.begin(), problems.end()), problems.end());
    EXPECT_GE(compared, 30);
    for (auto& p : problems) ADD_FAILURE() << p;
}

} // namespace
} // namespace cloudsift::sim
