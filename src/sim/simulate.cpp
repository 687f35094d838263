#include "sim/simulate.h"

#include <libdeflate.h>
#include <openssl/evp.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <memory>
#include <set>
#include <thread>
#include <tuple>

#include "common/sanitize.h"
#include "common/strings.h"
#include "sim/background.h"
#include "sim/scenario.h"
#include "sim/text_logs.h"

namespace cloudsift::sim {
namespace fs = std::filesystem;
namespace {

constexpr TimeMs kWindow = 5 * 60 * 1000;

//! Relative diurnal activity per UTC hour (business hours busier).
constexpr int kDiurnal[24] = {30, 25, 22, 20, 20, 24, 35, 55, 80, 95, 100, 100,
                              95, 100, 100, 95, 90, 80, 65, 55, 48, 42, 38, 34};

struct StreamSpec {
    Source source;
    int account;
    std::string region; //!< CloudTrail
    int host;           //!< nginx/auth
    std::string plain_path; //!< non-empty for plain text files
};

struct StreamBuf {
    std::string data;
    uint64_t records = 0;
    TimeMs last = 0; //!< time of the latest record
};

struct PendingTruth {
    size_t stream;
    uint64_t line; //!< 1-based line within the window chunk / file; record index for CloudTrail
    const SimRecord* rec;
};

struct OutFile {
    size_t stream;
    std::string rel_path; //!< empty for plain appends
    std::string bytes;
    uint64_t records = 0;
    uint64_t malicious = 0;
    TimeMs last = 0; //!< time of the latest record (the file's modification time)
};

struct WindowResult {
    std::vector<OutFile> files;
    std::vector<PendingTruth> truths;
};

std::string Compact(TimeMs t) { // YYYYMMDDTHHMMZ
    std::string iso = FormatIsoTime(t);
    return iso.substr(0, 4) + iso.substr(5, 2) + iso.substr(8, 2) + "T" + iso.substr(11, 2) +
           iso.substr(14, 2) + "Z";
}

std::string DayDir(TimeMs t) {
    std::string iso = FormatIsoTime(t);
    return iso.substr(0, 4) + "/" + iso.substr(5, 2) + "/" + iso.substr(8, 2);
}

std::string Hex(const unsigned char* md, unsigned len) {
    std::string out;
    for (unsigned i = 0; i < len; ++i) {
        out += kHexLower[md[i] >> 4];
        out += kHexLower[md[i] & 15];
    }
    return out;
}

std::string Sha256Hex(std::string_view data) {
    unsigned char md[32];
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
    return Hex(md, len);
}

class Simulation {
public:
    Simulation(const SimOptions& o, World w, std::vector<ScenarioRun> runs)
        : o_(o), w_(std::move(w)), runs_(std::move(runs)) {
        windows_ = uint64_t((o_.duration + kWindow - 1) / kWindow);
        BuildStreams();
        PlaceScenarioRecords();
        PlanCounts();
    }

    Result<SimSummary> Run(const fs::path& dir) {
        dir_ = dir;
        int threads = std::max(1, o_.threads);
        for (uint64_t w0 = 0; w0 < windows_; w0 += uint64_t(threads)) {
            uint64_t n = std::min<uint64_t>(uint64_t(threads), windows_ - w0);
            std::vector<WindowResult> results(n);
            std::vector<std::thread> pool;
            for (uint64_t i = 1; i < n; ++i)
                pool.emplace_back([&, i] { results[i] = Generate(w0 + i); });
            results[0] = Generate(w0);
            for (auto& t : pool) t.join();
            for (auto& r : results) {
                Status st = Commit(r);
                if (!st.ok()) return st.error();
            }
        }
        for (auto& [idx, f] : plain_files_) {
            f.out.close();
            if (!f.out) return Error{"io.write", "cannot write " + f.rel};
            SetModified(dir_ / f.rel, f.last);
        }
        return Finish();
    }

private:
    struct PlainFile {
        std::string rel;
        std::ofstream out;
        uint64_t lines = 0;
        uint64_t bytes = 0;
        uint64_t malicious = 0;
        TimeMs last = 0;
        std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> sha{EVP_MD_CTX_new(), EVP_MD_CTX_free};
    };

    size_t Stream(Source s, int acct, std::string_view region, int host) {
        auto key = std::make_tuple(int(s), acct, std::string(region), host);
        auto it = index_.find(key);
        if (it != index_.end()) return it->second;
        StreamSpec spec{s, acct, std::string(region), host, {}};
        if (s == Source::Nginx || s == Source::AuthLog) {
            const Account& a = w_.accounts[size_t(acct)];
            spec.plain_path = "hosts/" + a.name + "-" + a.hosts[size_t(host)].name +
                              (s == Source::Nginx ? "/var/log/nginx/access.log"
                                                  : "/var/log/auth.log");
        }
        streams_.push_back(std::move(spec));
        index_.emplace(key, streams_.size() - 1);
        return streams_.size() - 1;
    }
    //! Index of an existing stream (all background streams are created up front, so worker
    //! threads only read the table).
    size_t Existing(Source s, int acct, std::string_view region, int host) const {
        auto it = index_.find(std::make_tuple(int(s), acct, std::string(region), host));
        return it == index_.end() ? 0 : it->second;
    }
    size_t StreamOf(const SimRecord& r) {
        switch (r.source) {
        case Source::CloudTrail: return Stream(r.source, r.account, r.region, -1);
        case Source::Nginx:
        case Source::AuthLog: return Stream(r.source, r.account, "", r.host);
        default: return Stream(r.source, r.account, "", -1);
        }
    }

    void BuildStreams() {
        for (size_t a = 0; a < w_.accounts.size(); ++a) {
            for (auto& r : w_.regions) Stream(Source::CloudTrail, int(a), r, -1);
            Stream(Source::CloudTrail, int(a), "us-east-1", -1);
        }
        for (size_t a = 0; a < w_.accounts.size() && a < 2; ++a) {
            Stream(Source::VpcFlow, int(a), "", -1);
            Stream(Source::Resolver, int(a), "", -1);
        }
        Stream(Source::Alb, 0, "", -1);
        for (int h = 0; h < 2; ++h) Stream(Source::Nginx, 0, "", h);
        for (int h = 0; h < 3; ++h) Stream(Source::AuthLog, 0, "", h);
        for (auto& run : runs_)
            for (auto& r : run.records) StreamOf(r);
    }

    void PlaceScenarioRecords() {
        scen_.resize(windows_);
        for (auto& run : runs_)
            for (auto& r : run.records) {
                if (r.time < o_.start || r.time >= o_.start + o_.duration) continue;
                uint64_t win = uint64_t((r.time - o_.start) / kWindow);
                scen_[win].push_back({StreamOf(r), &r});
            }
        for (auto& v : scen_)
            std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) {
                return a.second->time < b.second->time;
            });
    }

    void PlanCounts() {
        // Shares of the background budget per source (web requests write an ALB and an nginx
        // line each).
        uint64_t n = o_.events;
        uint64_t flow = n * 22 / 100, dns = n * 8 / 100, web = n * 6 / 100, auth = n * 3 / 100;
        uint64_t ct = n - flow - dns - 2 * web - auth;
        budget_ = {ct, flow, dns, web, auth};
        std::vector<uint64_t> cum(windows_ + 1, 0);
        for (uint64_t i = 0; i < windows_; ++i) {
            TimeMs t = o_.start + TimeMs(i) * kWindow;
            TimeMs len = std::min(kWindow, o_.start + o_.duration - t);
            int hour = int((t / 3600000) % 24);
            cum[i + 1] = cum[i] + uint64_t(kDiurnal[hour]) * uint64_t(len / 1000);
        }
        counts_.assign(windows_, {});
        for (size_t s = 0; s < budget_.size(); ++s)
            for (uint64_t i = 0; i < windows_; ++i) {
                auto at = [&](uint64_t k) {
                    return uint64_t((__uint128_t(budget_[s]) * cum[k]) / cum[windows_]);
                };
                counts_[i][s] = at(i + 1) - at(i);
            }
    }

    std::vector<TimeMs> Times(Rng& rng, uint64_t n, TimeMs t0, TimeMs len) {
        std::vector<TimeMs> ts(n);
        for (auto& t : ts) t = t0 + TimeMs(rng.Below(uint64_t(len)));
        std::sort(ts.begin(), ts.end());
        return ts;
    }

    WindowResult Generate(uint64_t win) {
        TimeMs t0 = o_.start + TimeMs(win) * kWindow;
        TimeMs len = std::min(kWindow, o_.start + o_.duration - t0);
        std::vector<StreamBuf> bufs(streams_.size());
        WindowResult res;
        const auto& scen = scen_[win];
        std::vector<size_t> cursor_done(scen.size(), 0);
        size_t next_scen = 0;
        // Scenario records are merged per stream in time order: before a background record at
        // t goes to stream s, earlier scenario records of s are written.
        // Writes the pending scenario records up to time t: those of stream `only`, or of every
        // stream when only == kAll.
        constexpr size_t kAll = ~size_t(0);
        auto flush_to = [&](size_t only, TimeMs t) {
            for (size_t i = next_scen; i < scen.size(); ++i) {
                if (scen[i].second->time > t) break;
                if (cursor_done[i] || (only != kAll && scen[i].first != only)) continue;
                size_t s = scen[i].first;
                cursor_done[i] = 1;
                Put(bufs[s], s, scen[i].second->text, scen[i].second->time);
                res.truths.push_back({s, LineOf(s, bufs[s]), scen[i].second});
            }
            while (next_scen < scen.size() && cursor_done[next_scen]) ++next_scen;
        };
        auto flush = [&](size_t s, TimeMs t) { flush_to(s, t); };
        std::string scratch, scratch2;
        {
            Rng rng(DeriveSeed(o_.seed, {LabelHash("ct"), win}));
            CtBackground bg(w_);
            int acct = 0;
            std::string region;
            for (TimeMs t : Times(rng, counts_[win][0], t0, len)) {
                scratch.clear();
                bg.Next(rng, t, scratch, acct, region);
                size_t s = Existing(Source::CloudTrail, acct, region, -1);
                flush(s, t);
                Put(bufs[s], s, scratch, t);
            }
        }
        auto text_source = [&](int which, auto&& gen) {
            Rng rng(DeriveSeed(o_.seed, {LabelHash("text"), uint64_t(which), win}));
            for (TimeMs t : Times(rng, counts_[win][size_t(which)], t0, len)) gen(rng, t);
        };
        text_source(1, [&](Rng& rng, TimeMs t) {
            scratch.clear();
            int a = NextFlow(rng, w_, t, scratch);
            size_t s = Existing(Source::VpcFlow, a, "", -1);
            flush(s, t);
            Put(bufs[s], s, scratch, t);
        });
        text_source(2, [&](Rng& rng, TimeMs t) {
            scratch.clear();
            int a = NextDns(rng, w_, t, scratch);
            size_t s = Existing(Source::Resolver, a, "", -1);
            flush(s, t);
            Put(bufs[s], s, scratch, t);
        });
        text_source(3, [&](Rng& rng, TimeMs t) {
            scratch.clear();
            scratch2.clear();
            int h = NextWeb(rng, w_, t, scratch, scratch2);
            size_t sa = Existing(Source::Alb, 0, "", -1), sn = Existing(Source::Nginx, 0, "", h);
            flush(sa, t);
            Put(bufs[sa], sa, scratch, t);
            flush(sn, t);
            Put(bufs[sn], sn, scratch2, t);
        });
        text_source(4, [&](Rng& rng, TimeMs t) {
            scratch.clear();
            int h = NextAuth(rng, w_, t, scratch);
            size_t s = Existing(Source::AuthLog, 0, "", h);
            flush(s, t);
            Put(bufs[s], s, scratch, t);
        });
        flush_to(kAll, t0 + kWindow);
        Finalize(win, t0, bufs, res);
        return res;
    }

    bool IsCt(size_t s) const { return streams_[s].source == Source::CloudTrail; }

    void Put(StreamBuf& b, size_t s, std::string_view text, TimeMs t) {
        if (IsCt(s) && b.records > 0) b.data += ',';
        b.data += text;
        ++b.records;
        b.last = std::max(b.last, t);
    }

    uint64_t LineOf(size_t s, const StreamBuf& b) const {
        if (IsCt(s)) return b.records - 1; // 0-based record index in the file
        return b.records + (streams_[s].source == Source::VpcFlow ? 1 : 0);
    }

    void Finalize(uint64_t win, TimeMs t0, std::vector<StreamBuf>& bufs, WindowResult& res) {
        TimeMs stamp = t0 + kWindow;
        libdeflate_compressor* c = libdeflate_alloc_compressor(1);
        for (size_t s = 0; s < bufs.size(); ++s) {
            StreamBuf& b = bufs[s];
            if (b.records == 0) continue;
            const StreamSpec& sp = streams_[s];
            uint64_t mal = 0;
            for (auto& t : res.truths) mal += t.stream == s;
            if (!sp.plain_path.empty()) {
                res.files.push_back({s, {}, std::move(b.data), b.records, mal, b.last});
                continue;
            }
            Rng rng(DeriveSeed(o_.seed, {LabelHash("name"), win, s}));
            const Account& a = w_.accounts[size_t(sp.account)];
            std::string content;
            std::string rel = "AWSLogs/" + a.id + "/";
            const std::string& primary = w_.regions.front();
            switch (sp.source) {
            case Source::CloudTrail:
                content = "{\"Records\":[" + b.data + "]}";
                rel += "CloudTrail/" + sp.region + "/" + DayDir(stamp) + "/" + a.id +
                       "_CloudTrail_" + sp.region + "_" + Compact(stamp) + "_" +
                       rng.Chars(16, kAlnum) + ".json.gz";
                break;
            case Source::VpcFlow:
                content = std::string(kFlowHeader) + "\n" + b.data;
                rel += "vpcflowlogs/" + primary + "/" + DayDir(stamp) + "/" + a.id +
                       "_vpcflowlogs_" + primary + "_" + a.flow_log_id + "_" + Compact(stamp) +
                       "_" + rng.Chars(8, kHexLower) + ".log.gz";
                break;
            case Source::Alb: {
                std::string lb = w_.alb_name;
                std::replace(lb.begin(), lb.end(), '/', '.');
                content = std::move(b.data);
                rel += "elasticloadbalancing/" + primary + "/" + DayDir(stamp) + "/" + a.id +
                       "_elasticloadbalancing_" + primary + "_" + lb + "_" + Compact(stamp) +
                       "_" + w_.alb_ip + "_" + rng.Chars(8, "abcdefghijklmnopqrstuvwxyz0123456789") +
                       ".log.gz";
                break;
            }
            case Source::Resolver:
                content = std::move(b.data);
                rel += "vpcdnsquerylogs/" + a.vpc_id + "/" + DayDir(stamp) + "/" + a.id +
                       "_vpcdnsquerylogs_" + a.vpc_id + "_" + Compact(stamp) + "_" +
                       rng.Chars(8, kHexLower) + ".log.gz";
                break;
            default: break;
            }
            std::string gz(libdeflate_gzip_compress_bound(c, content.size()), '\0');
            size_t n = libdeflate_gzip_compress(c, content.data(), content.size(), gz.data(),
                                                gz.size());
            gz.resize(n);
            res.files.push_back({s, std::move(rel), std::move(gz), b.records, mal, b.last});
        }
        libdeflate_free_compressor(c);
    }

    Status Commit(WindowResult& r) {
        std::map<size_t, uint64_t> base; // plain stream → lines before this window
        for (auto& f : r.files) {
            const StreamSpec& sp = streams_[f.stream];
            std::string src(SourceName(sp.source));
            summary_.benign_by_source[src] += f.records - f.malicious;
            summary_.malicious_by_source[src] += f.malicious;
            summary_.benign_events += f.records - f.malicious;
            summary_.malicious_events += f.malicious;
            if (!sp.plain_path.empty()) {
                auto it = plain_files_.find(f.stream);
                if (it == plain_files_.end()) {
                    PlainFile pf;
                    pf.rel = sp.plain_path;
                    fs::path p = dir_ / pf.rel;
                    std::error_code ec;
                    fs::create_directories(p.parent_path(), ec);
                    pf.out.open(p, std::ios::binary);
                    if (!pf.out) return Error{"io.write", "cannot create " + p.string()};
                    EVP_DigestInit_ex(pf.sha.get(), EVP_sha256(), nullptr);
                    it = plain_files_.emplace(f.stream, std::move(pf)).first;
                }
                PlainFile& pf = it->second;
                base[f.stream] = pf.lines;
                pf.out.write(f.bytes.data(), std::streamsize(f.bytes.size()));
                if (!pf.out) return Error{"io.write", "cannot write " + pf.rel};
                EVP_DigestUpdate(pf.sha.get(), f.bytes.data(), f.bytes.size());
                pf.lines += f.records;
                pf.bytes += f.bytes.size();
                pf.malicious += f.malicious;
                pf.last = std::max(pf.last, f.last);
                summary_.bytes += f.bytes.size();
                continue;
            }
            fs::path p = dir_ / f.rel_path;
            std::error_code ec;
            fs::create_directories(p.parent_path(), ec);
            std::ofstream out(p, std::ios::binary);
            out.write(f.bytes.data(), std::streamsize(f.bytes.size()));
            out.close();
            if (!out) return Error{"io.write", "cannot write " + p.string()};
            SetModified(p, f.last);
            paths_[f.stream] = f.rel_path;
            manifest_files_.push_back(ManifestEntry(f.rel_path, src, f.records, f.malicious,
                                                    f.bytes.size(), Sha256Hex(f.bytes)));
            ++summary_.files;
            summary_.bytes += f.bytes.size();
        }
        for (auto& t : r.truths) {
            const StreamSpec& sp = streams_[t.stream];
            const SimRecord& rec = *t.rec;
            std::string line = "{\"scenario\":";
            AppendJsonString(line, rec.meta.scenario);
            line += ",\"step\":" + std::to_string(rec.meta.step) + ",\"action\":";
            AppendJsonString(line, rec.meta.action);
            line += ",\"tactic\":";
            AppendJsonString(line, rec.meta.tactic);
            line += ",\"technique\":";
            AppendJsonString(line, rec.meta.technique);
            line += ",\"source_type\":";
            AppendJsonString(line, SourceName(sp.source));
            if (sp.source == Source::CloudTrail) {
                line += ",\"event_id\":";
                AppendJsonString(line, rec.event_id);
                line += ",\"file\":";
                AppendJsonString(line, paths_[t.stream]);
                line += ",\"index\":" + std::to_string(t.line);
            } else {
                uint64_t l = t.line;
                std::string file = sp.plain_path.empty() ? paths_[t.stream] : sp.plain_path;
                if (!sp.plain_path.empty()) l += base[t.stream];
                line += ",\"file\":";
                AppendJsonString(line, file);
                line += ",\"line\":" + std::to_string(l);
            }
            line += ",\"time\":";
            AppendJsonString(line, FormatIsoTime(rec.time, true));
            line += "}\n";
            truth_ += line;
        }
        return Ok{};
    }

    static std::string ManifestEntry(std::string_view path, std::string_view src,
                                     uint64_t records, uint64_t malicious, uint64_t bytes,
                                     std::string_view sha) {
        std::string e = "{\"path\":";
        AppendJsonString(e, path);
        e += ",\"source_type\":";
        AppendJsonString(e, src);
        e += ",\"records\":" + std::to_string(records) +
             ",\"malicious\":" + std::to_string(malicious) + ",\"bytes\":" +
             std::to_string(bytes) + ",\"sha256\":\"" + std::string(sha) + "\"}";
        return e;
    }

    Result<SimSummary> Finish() {
        for (auto& [s, pf] : plain_files_) {
            unsigned char md[32];
            unsigned len = 0;
            EVP_DigestFinal_ex(pf.sha.get(), md, &len);
            std::string hex = Hex(md, len);
            manifest_files_.push_back(ManifestEntry(pf.rel, SourceName(streams_[s].source),
                                                    pf.lines, pf.malicious, pf.bytes, hex));
            ++summary_.files;
        }
        std::sort(manifest_files_.begin(), manifest_files_.end());
        if (!WriteFile("truth.jsonl", truth_)) return Error{"io.write", "cannot write truth.jsonl"};
        if (!WriteFile("scenario.md", ScenarioMd()))
            return Error{"io.write", "cannot write scenario.md"};
        if (!WriteFile("MANIFEST.json", Manifest()))
            return Error{"io.write", "cannot write MANIFEST.json"};
        return summary_;
    }

    // A log file's modification time is its last write: the time of its latest record, so
    // readers that infer a missing year from it (RFC 3164 syslog) see a real system's file.
    static void SetModified(const fs::path& p, TimeMs t) {
        if (t <= 0) return;
        struct timespec ts[2];
        ts[0].tv_sec = ts[1].tv_sec = time_t(t / 1000);
        ts[0].tv_nsec = ts[1].tv_nsec = long(t % 1000) * 1000000;
        (void)utimensat(AT_FDCWD, p.c_str(), ts, 0);
    }

    bool WriteFile(const std::string& name, std::string_view data) {
        std::ofstream out(dir_ / name, std::ios::binary);
        out.write(data.data(), std::streamsize(data.size()));
        out.close();
        return bool(out);
    }

    std::string ScenarioMd() const {
        std::string md = "# Simulated incident exercise\n\nSeed " + std::to_string(o_.seed) +
                         ", period " + FormatIsoTime(o_.start) + " – " +
                         FormatIsoTime(o_.start + o_.duration) + ".\n\nOrganization " + w_.org_id +
                         ":\n\n";
        for (auto& a : w_.accounts) md += "- " + a.name + ": " + a.id + "\n";
        md += "\nRegions in use: ";
        for (size_t i = 0; i < w_.regions.size(); ++i) md += (i ? ", " : "") + w_.regions[i];
        md += "\n\n## Exercise brief\n\n";
        if (runs_.empty()) md += "Background activity only: there is nothing to find.\n";
        for (auto& r : runs_) md += "### " + r.name + "\n\n" + r.brief + "\n";
        md += "\n---\n\n## Answer key (spoilers)\n\n";
        for (auto& r : runs_) {
            md += "### " + r.name + "\n\n";
            if (!r.records.empty())
                md += "Window: " + FormatIsoTime(r.records.front().time) + " – " +
                      FormatIsoTime(r.records.back().time) + ".\n\n";
            md += r.answer + "\nSteps:\n\n";
            int last = 0;
            for (auto& rec : r.records)
                if (rec.meta.step != last) last = rec.meta.step;
            std::set<int> seen;
            std::vector<const SimRecord*> order;
            for (auto& rec : r.records)
                if (seen.insert(rec.meta.step).second) order.push_back(&rec);
            std::sort(order.begin(), order.end(), [](auto* a, auto* b) {
                return a->meta.step < b->meta.step;
            });
            for (auto* rec : order)
                md += std::to_string(rec->meta.step) + ". " + rec->meta.action + " — " +
                      rec->meta.tactic + " " + rec->meta.technique + "\n";
            md += "\n";
        }
        return md;
    }

    std::string Manifest() const {
        std::string m = "{\"generator\":\"cloudsift simulate\",\"format_version\":1,\"seed\":" +
                        std::to_string(o_.seed) + ",\"start\":\"" + FormatIsoTime(o_.start) +
                        "\",\"end\":\"" + FormatIsoTime(o_.start + o_.duration) +
                        "\",\"scenarios\":[";
        for (size_t i = 0; i < runs_.size(); ++i) {
            if (i) m += ',';
            AppendJsonString(m, runs_[i].name);
        }
        m += "],\"accounts\":[";
        for (size_t i = 0; i < w_.accounts.size(); ++i)
            m += std::string(i ? "," : "") + "{\"id\":\"" + w_.accounts[i].id +
                 "\",\"name\":\"" + w_.accounts[i].name + "\"}";
        m += "],\"regions\":[";
        for (size_t i = 0; i < w_.regions.size(); ++i) {
            if (i) m += ',';
            AppendJsonString(m, w_.regions[i]);
        }
        m += "],\"benign_events\":" + std::to_string(summary_.benign_events) +
             ",\"malicious_events\":" + std::to_string(summary_.malicious_events) +
             ",\"benign_by_source\":{";
        bool first = true;
        for (auto& [k, v] : summary_.benign_by_source) {
            m += std::string(first ? "" : ",") + "\"" + k + "\":" + std::to_string(v);
            first = false;
        }
        m += "},\"files\":[\n";
        for (size_t i = 0; i < manifest_files_.size(); ++i)
            m += manifest_files_[i] + (i + 1 < manifest_files_.size() ? ",\n" : "\n");
        m += "]}\n";
        return m;
    }

    const SimOptions& o_;
    World w_;
    std::vector<ScenarioRun> runs_;
    uint64_t windows_ = 0;
    std::vector<StreamSpec> streams_;
    std::map<std::tuple<int, int, std::string, int>, size_t> index_;
    std::vector<std::vector<std::pair<size_t, const SimRecord*>>> scen_;
    std::vector<uint64_t> budget_;
    std::vector<std::array<uint64_t, 5>> counts_;
    fs::path dir_;
    std::map<size_t, PlainFile> plain_files_;
    std::map<size_t, std::string> paths_; // last written file per stream (truth lookups)
    std::vector<std::string> manifest_files_;
    std::string truth_;
    SimSummary summary_;
};

bool IsKnownRegion(std::string_view r) {
    // partition-region-number, e.g. us-east-1, ap-southeast-2, us-gov-west-1
    auto parts = Split(r, '-');
    if (parts.size() < 3) return false;
    for (auto p : parts)
        if (p.empty()) return false;
    for (char c : parts.back())
        if (c < '0' || c > '9') return false;
    return true;
}

} // namespace

Result<std::vector<std::string>> ParseScenarioList(std::string_view list) {
    std::vector<std::string> out;
    if (Trim(list) == "all") return ScenarioNames();
    for (auto piece : Split(list, ',')) {
        std::string name(Trim(piece));
        if (name.empty()) continue;
        const auto& names = ScenarioNames();
        if (std::find(names.begin(), names.end(), name) == names.end()) {
            std::string known;
            for (auto& n : names) known += (known.empty() ? "" : ", ") + n;
            return Error{"usage.scenario",
                         "unknown scenario '" + TerminalSafe(name) + "' (known: " + known + ")"};
        }
        if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
    }
    return out;
}

std::optional<TimeMs> ParseDuration(std::string_view s) {
    s = Trim(s);
    if (s.size() < 2) return std::nullopt;
    char unit = s.back();
    int64_t mult = unit == 's' ? 1000 : unit == 'm' ? 60000 : unit == 'h' ? 3600000
                 : unit == 'd' ? 86400000 : 0;
    if (mult == 0) return std::nullopt;
    int64_t v = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size() - 1, v);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size() - 1 || v <= 0 ||
        v > 366LL * 86400000 / mult)
        return std::nullopt;
    return v * mult;
}

Result<SimSummary> Simulate(const SimOptions& o) {
    if (o.duration < kWindow)
        return Error{"usage.duration", "duration must be at least 5m"};
    if (o.duration > 366LL * 86400000)
        return Error{"usage.duration", "duration must be at most 366d"};
    if (o.start < 946684800000LL || o.start > 4102444800000LL)
        return Error{"usage.start", "start must lie between 2000 and 2100"};
    if (o.accounts < 1 || o.accounts > 50)
        return Error{"usage.accounts", "accounts must be between 1 and 50"};
    if (o.regions.empty()) return Error{"usage.regions", "at least one region is required"};
    for (auto& r : o.regions)
        if (!IsKnownRegion(r))
            return Error{"usage.regions", "not an AWS region name: '" + TerminalSafe(r) + "'"};
    if (o.events > 2000000000ULL) return Error{"usage.events", "events must be at most 2e9"};
    uint64_t seed = o.seed;
    // Place each scenario inside the period; refuse periods too short to hold it.
    World w = BuildWorld(seed, o.accounts, o.regions, o.start, o.start + o.duration);
    std::vector<ScenarioRun> runs;
    Rng place(DeriveSeed(seed, {LabelHash("placement")}));
    for (auto& name : o.scenarios) {
        TimeMs span = ScenarioSpan(name);
        if (span == 0) return Error{"usage.scenario", "unknown scenario '" + TerminalSafe(name) + "'"};
        TimeMs margin = o.duration / 20;
        TimeMs room = o.duration - span - 2 * margin;
        if (room < 0)
            return Error{"usage.duration", "duration too short for scenario " + name + " (needs " +
                                               std::to_string(span / 60000 * 10 / 9 + 1) + "m)"};
        TimeMs t0 = o.start + margin + TimeMs(place.Below(uint64_t(room) + 1));
        t0 -= t0 % 1000;
        runs.push_back(RunScenario(name, w, t0, seed));
    }
    fs::path out = o.out;
    if (out.empty()) return Error{"usage.out", "--out is required"};
    std::error_code ec;
    if (fs::exists(out, ec)) {
        if (!fs::is_directory(out, ec))
            return Error{"io.out", out.string() + " exists and is not a directory"};
        if (!fs::is_empty(out, ec))
            return Error{"io.out", out.string() + " is not empty; choose a new directory"};
    }
    fs::path parent = fs::absolute(out, ec).parent_path();
    if (!fs::is_directory(parent, ec))
        return Error{"io.out", "parent directory " + parent.string() + " does not exist"};
    fs::path tmp = parent / ("." + out.filename().string() + ".partial-" +
                             std::to_string(::getpid()));
    fs::remove_all(tmp, ec);
    if (!fs::create_directory(tmp, ec))
        return Error{"io.out", "cannot create " + tmp.string() + ": " + ec.message()};
    Simulation sim(o, std::move(w), std::move(runs));
    Result<SimSummary> r = sim.Run(tmp);
    if (!r.ok()) {
        fs::remove_all(tmp, ec);
        return r;
    }
    if (fs::exists(out, ec)) fs::remove(out, ec);
    fs::rename(tmp, out, ec);
    if (ec) {
        fs::remove_all(tmp, ec);
        return Error{"io.out", "cannot move output into " + out.string()};
    }
    return r;
}

} // namespace cloudsift::sim
