// Decoder throughput on synthesized lines, against a line-splitting-only baseline measured in
// the same run (MB/s in the "bytes_per_second" counter).
#include <benchmark/benchmark.h>

#include <string>

#include "formats/source_formats.h"
#include "formats/text_util.h"

namespace {

using namespace cloudsift;

std::string VpcFlowCorpus(size_t bytes) {
    std::string out;
    unsigned i = 0;
    while (out.size() < bytes) {
        out += "2 111122223333 eni-0a1b2c3d4e5f60718 10.0.";
        out += std::to_string(i % 250) + "." + std::to_string((i * 7) % 250);
        out += " 198.51.100." + std::to_string(i % 200) + " " + std::to_string(1024 + i % 60000);
        out += " 443 6 " + std::to_string(i % 90 + 1) + " " + std::to_string(i % 9000 + 40);
        out += " 1709294400 1709294460 ";
        out += (i % 5 ? "ACCEPT OK\n" : "REJECT OK\n");
        ++i;
    }
    return out;
}

std::string AlbCorpus(size_t bytes) {
    std::string out;
    unsigned i = 0;
    while (out.size() < bytes) {
        out += "https 2024-03-01T12:00:00.123456Z app/web/50dc6c495c0c9188 203.0.113.";
        out += std::to_string(i % 250) + ":" + std::to_string(1024 + i % 60000);
        out += " 10.0.1.15:8080 0.001 0.020 0.000 200 200 310 2048 \"GET "
               "https://shop.example.com:443/cart/item/";
        out += std::to_string(i);
        out += "?id=7 HTTP/1.1\" \"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36\" "
               "ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 "
               "arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/73e2d6bc24d8a067 "
               "\"Root=1-65e1c3a0-1234567890abcdef12345678\" \"shop.example.com\" \"-\" 1 "
               "2024-03-01T12:00:00.100000Z \"forward\" \"-\" \"-\" \"10.0.1.15:8080\" \"200\" "
               "\"-\" \"-\" TID_1234\n";
        ++i;
    }
    return out;
}

void Decode(benchmark::State& state, const Format& format, const std::string& data) {
    size_t records = 0;
    for (auto _ : state) {
        auto dec = format.Open(FileInfo{});
        DecodeReport report;
        auto emit = [&](const Record& r) {
            benchmark::DoNotOptimize(&r);
            ++records;
        };
        // Runs of ~1 MiB of whole lines, as the scan pipeline feeds them.
        size_t pos = 0;
        uint64_t line = 1;
        while (pos < data.size()) {
            size_t end = std::min(data.size(), pos + (1u << 20));
            size_t nl = data.find('\n', end);
            end = nl == std::string::npos ? data.size() : nl + 1;
            dec->Feed(std::string_view(data).substr(pos, end - pos), line, emit, report);
            pos = end;
        }
        if (report.bad()) state.SkipWithError("bad lines in corpus");
    }
    state.SetBytesProcessed(int64_t(state.iterations() * data.size()));
    state.counters["records"] = benchmark::Counter(double(records), benchmark::Counter::kIsRate);
}

void Baseline(benchmark::State& state, const std::string& data) {
    for (auto _ : state) {
        size_t n = 0;
        formats::ForEachLine(data, 1, [&](std::string_view line, uint64_t) { n += line.size(); });
        benchmark::DoNotOptimize(n);
    }
    state.SetBytesProcessed(int64_t(state.iterations() * data.size()));
}

const std::string& Vpc() {
    static const std::string s = VpcFlowCorpus(32u << 20);
    return s;
}
const std::string& Alb() {
    static const std::string s = AlbCorpus(32u << 20);
    return s;
}

void BM_LineSplitBaseline_VpcFlow(benchmark::State& s) { Baseline(s, Vpc()); }
void BM_Decode_VpcFlow(benchmark::State& s) { Decode(s, VpcFlowFormat(), Vpc()); }
void BM_LineSplitBaseline_Alb(benchmark::State& s) { Baseline(s, Alb()); }
void BM_Decode_Alb(benchmark::State& s) { Decode(s, AlbFormat(), Alb()); }

BENCHMARK(BM_LineSplitBaseline_VpcFlow)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Decode_VpcFlow)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LineSplitBaseline_Alb)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Decode_Alb)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
