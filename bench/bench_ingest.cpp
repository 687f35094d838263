// Ingest throughput: a synthetic CloudTrail corpus (fixture events replicated with unique ids,
// gzip files of 1000 records) ingested into a fresh case, including hashing, evidence copies and
// the single-writer DuckDB load; then a saved-query latency and the case size per million events.
// Usage: bench_ingest [files=300] [threads=2] [queries|noqueries] [commit_events]

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "io/gzip.h"
#include "store/case_store.h"
#include "store/ingest.h"
#include "store/saved_queries.h"

namespace fs = std::filesystem;
using namespace cloudsift;

namespace {

double CpuSeconds() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

const char* kEvent =
    R"({"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","principalId":"AROAADMIN:s%d","arn":"arn:aws:sts::111122223333:assumed-role/Admin/s%d","accountId":"111122223333","accessKeyId":"ASIABENCH%010d","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAADMIN","arn":"arn:aws:iam::111122223333:role/Admin","accountId":"111122223333","userName":"Admin"},"attributes":{"creationDate":"2024-03-01T10:10:00Z","mfaAuthenticated":"false"}}},"eventTime":"2024-03-01T%02d:%02d:%02dZ","eventSource":"%s","eventName":"%s","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.%d","userAgent":"aws-cli/2.15.0 Python/3.11","requestParameters":{"bucketName":"bucket-%d"},"responseElements":null,"requestID":"req-%d","eventID":"evt-%d","readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"})";

} // namespace

int main(int argc, char** argv) {
    int files = argc > 1 ? std::atoi(argv[1]) : 300;
    unsigned threads = argc > 2 ? unsigned(std::atoi(argv[2])) : 2;
    const int per_file = 1000;
    fs::path root = fs::temp_directory_path() / "cloudsift_bench_ingest";
    fs::remove_all(root);
    fs::path in = root / "in/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/01";
    fs::create_directories(in);
    const char* apis[][2] = {{"s3.amazonaws.com", "ListBuckets"}, {"iam.amazonaws.com", "ListUsers"},
                             {"sts.amazonaws.com", "GetCallerIdentity"},
                             {"ec2.amazonaws.com", "DescribeInstances"}};
    char buf[4096];
    long id = 0;
    for (int f = 0; f < files; ++f) {
        std::string doc = "{\"Records\":[";
        for (int i = 0; i < per_file; ++i, ++id) {
            int sec = int(id % 86400);
            auto& api = apis[id % 4];
            std::snprintf(buf, sizeof buf, kEvent, int(id % 50), int(id % 50), int(id % 97),
                          sec / 3600, (sec / 60) % 60, sec % 60, api[0], api[1], int(id % 250),
                          int(id % 20), int(id), int(id));
            if (i) doc += ',';
            doc += buf;
        }
        doc += "]}";
        std::ofstream((in / ("111122223333_CloudTrail_us-east-1_" + std::to_string(f) + ".json.gz")),
                      std::ios::binary)
            << GzipCompress(doc);
    }
    auto cs = store::CaseStore::Open((root / "case").string(), store::OpenMode::Create);
    if (!cs) {
        std::fprintf(stderr, "%s\n", cs.error().message.c_str());
        return 1;
    }
    store::IngestOptions opt;
    opt.scan.inputs = {(root / "in").string()};
    opt.scan.threads = threads;
    if (argc > 4) opt.commit_events = std::strtoull(argv[4], nullptr, 10);
    std::fprintf(stderr, "corpus ready, ingesting\n");
    double cpu0 = CpuSeconds();
    auto t0 = std::chrono::steady_clock::now();
    auto r = store::Ingest(*cs.value(), opt);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    double cpu = CpuSeconds() - cpu0;
    if (!r) {
        std::fprintf(stderr, "%s\n", r.error().message.c_str());
        return 1;
    }
    const auto& tm = r.value().timings;
    std::printf("ingest: %llu events in %.2f s = %.0f events/s (%u threads, %d files, %zu "
                "transactions)\n",
                (unsigned long long)r.value().events, secs, double(r.value().events) / secs,
                threads, files, r.value().transactions);
    std::printf("stages: hash %.2f s, copy %.2f s, decode+write %.2f s (writer busy: append "
                "%.2f s, commit %.2f s), checkpoint %.2f s\n",
                tm.hash, tm.copy, tm.decode, tm.append, tm.commit, tm.checkpoint);
    std::printf("cpu: %.2f s = %.0f events per CPU-second (%.1f us per event)\n", cpu,
                double(r.value().events) / cpu, cpu * 1e6 / double(r.value().events));
    std::vector<std::string> errors;
    bool queries = !(argc > 3 && std::string(argv[3]) == "noqueries");
    for (const auto& q : queries ? store::LoadSavedQueries(store::SavedQueriesDir(), errors)
                                 : std::vector<store::SavedQuery>{}) {
        auto sql = store::BindSavedQuery(q, {{"key", "ASIABENCH0000000001"}, {"ip", "203.0.113.7"}});
        if (!sql) continue;
        auto q0 = std::chrono::steady_clock::now();
        auto t = cs.value()->conn().Query(sql.value());
        double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - q0).count();
        std::printf("query %-24s %8.1f ms  %zu rows%s\n", q.name.c_str(), ms,
                    t.ok() ? t.value().rows.size() : 0, t.ok() ? "" : "  ERROR");
    }
    uint64_t db = fs::file_size(root / "case/case.duckdb");
    std::printf("case.duckdb: %.1f MB = %.1f MB per million events\n", db / 1e6,
                db / 1e6 / (double(r.value().events) / 1e6));
    return 0;
}
