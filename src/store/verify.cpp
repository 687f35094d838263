#include "store/verify.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <simdjson.h>
#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "common/sanitize.h"
#include "common/strings.h"
#include "common/time_util.h"
#include "store/ingest.h"

namespace cloudsift::store {
namespace fs = std::filesystem;
namespace {

std::string ReadAll(const std::string& path, bool& ok) {
    std::ifstream in(path, std::ios::binary);
    ok = bool(in);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

struct Digest {
    std::string case_path, content_sha, account, region, start, end, bucket, object;
    std::string prev_bucket, prev_object, prev_hash, prev_signature;
    struct Log {
        std::string object, hash;
    };
    std::vector<Log> logs;
};

std::string Get(simdjson::dom::element e, const char* key) {
    std::string_view s;
    simdjson::dom::object obj;
    if (e.get_object().get(obj) != simdjson::SUCCESS) return {};
    simdjson::dom::element v;
    if (obj.at_key(key).get(v) != simdjson::SUCCESS) return {};
    if (v.get_string().get(s) == simdjson::SUCCESS) return std::string(s);
    return {};
}

std::string Base(const std::string& p) {
    size_t s = p.rfind('/');
    return s == std::string::npos ? p : p.substr(s + 1);
}

std::string Unhex(const std::string& hex) {
    std::string out;
    auto v = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    for (size_t i = 0; i + 1 < hex.size(); i += 2) {
        int a = v(hex[i]), b = v(hex[i + 1]);
        if (a < 0 || b < 0) return {};
        out += char(a * 16 + b);
    }
    return out;
}

EVP_PKEY* LoadKey(const std::string& text) {
    BIO* bio = BIO_new_mem_buf(text.data(), int(text.size()));
    EVP_PKEY* key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    if (key) return key;
    bio = BIO_new_mem_buf(text.data(), int(text.size()));
    RSA* rsa = PEM_read_bio_RSAPublicKey(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    if (!rsa) {
        // Bare base64 DER (PKCS#1) as printed by `aws cloudtrail list-public-keys`.
        std::string b64;
        for (char c : text)
            if (!std::isspace(static_cast<unsigned char>(c))) b64 += c;
        std::string der(b64.size(), '\0');
        int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(der.data()),
                                reinterpret_cast<const unsigned char*>(b64.data()), int(b64.size()));
        if (n <= 0) return nullptr;
        const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
        rsa = d2i_RSAPublicKey(nullptr, &p, n);
        if (!rsa) {
            p = reinterpret_cast<const unsigned char*>(der.data());
            return d2i_PUBKEY(nullptr, &p, n);
        }
    }
    key = EVP_PKEY_new();
    EVP_PKEY_assign_RSA(key, rsa);
    return key;
}

bool VerifySig(EVP_PKEY* key, const std::string& data, const std::string& sig) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    bool ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
              EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                               reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

std::string IsoFromTs(const std::string& duck_ts) {
    // DuckDB renders TIMESTAMP as "2024-03-01 10:00:00"; print ISO with Z.
    std::string s = duck_ts;
    if (s.size() > 10 && s[10] == ' ') s[10] = 'T';
    return s.empty() ? s : s + "Z";
}

} // namespace

bool DigestReport::valid() const {
    for (const auto& i : issues)
        if (i.kind != "log_not_in_case" && i.kind != "previous_digest_not_in_case") return false;
    return true;
}

namespace {

// The file an in-place path names when the path was stored repaired (bytes that were not UTF-8
// became U+FFFD): each missing component is the one entry of its directory that repairs to it.
std::string FindRepairedPath(const std::string& stored) {
    fs::path found;
    std::string scratch;
    for (const auto& part : fs::path(stored)) {
        std::error_code ec;
        fs::path next = found / part;
        if (fs::exists(next, ec)) {
            found = next;
            continue;
        }
        fs::path match;
        for (auto& e : fs::directory_iterator(found.empty() ? fs::path(".") : found, ec)) {
            std::string name = e.path().filename().string();
            if (ValidUtf8(name, scratch) != part.string()) continue;
            if (!match.empty()) return stored; // ambiguous: two names repair alike
            match = e.path().filename();
        }
        if (match.empty()) return stored;
        found /= match;
    }
    return found.string();
}

} // namespace

std::string EvidencePath(const CaseStore& store, const std::string& evidence_path, bool copied) {
    if (copied) return (fs::path(store.dir()) / evidence_path).string();
    std::error_code ec;
    if (!fs::exists(evidence_path, ec) && evidence_path.find("\xEF\xBF\xBD") != std::string::npos)
        return FindRepairedPath(evidence_path);
    return evidence_path;
}

Result<std::string> MaybeGunzip(const std::string& data, size_t max_bytes) {
    if (data.size() < 2 || uint8_t(data[0]) != 0x1f || uint8_t(data[1]) != 0x8b) return data;
    std::string out;
    z_stream zs{};
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return Error{"gzip", "inflateInit failed"};
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = uInt(data.size());
    char buf[1 << 16];
    while (true) {
        zs.next_out = reinterpret_cast<Bytef*>(buf);
        zs.avail_out = sizeof buf;
        int rc = inflate(&zs, Z_NO_FLUSH);
        out.append(buf, sizeof buf - zs.avail_out);
        if (out.size() > max_bytes) {
            inflateEnd(&zs);
            return Error{"gzip.too_large", "decompressed data exceeds the limit"};
        }
        if (rc == Z_STREAM_END) {
            if (zs.avail_in == 0) break;
            inflateReset(&zs); // another member
            continue;
        }
        if (rc != Z_OK) {
            inflateEnd(&zs);
            return Error{"gzip.corrupt", "invalid gzip data"};
        }
    }
    inflateEnd(&zs);
    return out;
}

EvidenceReport VerifyEvidence(CaseStore& store) {
    EvidenceReport rep;
    auto t = store.conn().Query("SELECT evidence_path, copied, sha256 FROM files ORDER BY path");
    if (!t) {
        rep.missing.push_back("cannot read the manifest: " + t.error().message);
        return rep;
    }
    std::set<std::string> known;
    for (size_t r = 0; r < t.value().rows.size(); ++r) {
        std::string ev = t.value().Cell(r, 0);
        bool copied = t.value().Cell(r, 1) == "true";
        std::string p = EvidencePath(store, ev, copied);
        if (copied) known.insert(fs::weakly_canonical(p).string());
        ++rep.checked;
        std::error_code ec;
        if (!fs::exists(p, ec)) {
            rep.missing.push_back(ev);
            continue;
        }
        auto h = Sha256File(p);
        if (!h.ok() || h.value() != t.value().Cell(r, 2)) rep.modified.push_back(ev);
        else ++rep.ok;
    }
    std::error_code ec;
    for (auto& e : fs::recursive_directory_iterator(store.EvidenceDir(), ec)) {
        if (!e.is_regular_file()) continue;
        if (!known.count(fs::weakly_canonical(e.path()).string()))
            rep.extra.push_back(fs::relative(e.path(), store.dir()).string());
    }
    std::sort(rep.extra.begin(), rep.extra.end());
    return rep;
}

Result<DigestReport> ValidateDigests(CaseStore& store, const std::string& public_key_pem,
                                     int gap_minutes) {
    DigestReport rep;
    EVP_PKEY* key = nullptr;
    if (!public_key_pem.empty()) {
        key = LoadKey(public_key_pem);
        if (!key) return Error{"digest.key", "cannot read the public key (PEM or base64 DER)"};
    }
    auto files = store.conn().Query("SELECT path, evidence_path, copied, format FROM files");
    if (!files) return files.error();
    std::vector<Digest> digests;
    std::multimap<std::string, size_t> logs_by_name; // base name → row
    const Table& ft = files.value();
    simdjson::dom::parser parser;
    for (size_t r = 0; r < ft.rows.size(); ++r) {
        std::string path = ft.Cell(r, 0);
        bool is_digest = path.find("_CloudTrail-Digest_") != std::string::npos ||
                         (ft.Cell(r, 3) == "cloudtrail-digest" &&
                          path.find("_CloudTrail_") == std::string::npos);
        if (!is_digest) {
            logs_by_name.emplace(Base(path), r);
            continue;
        }
        bool ok = false;
        std::string raw = ReadAll(EvidencePath(store, ft.Cell(r, 1), ft.Cell(r, 2) == "true"), ok);
        auto plain = MaybeGunzip(raw);
        simdjson::dom::element doc;
        if (!ok || !plain.ok() || parser.parse(plain.value()).get(doc) != simdjson::SUCCESS) {
            rep.issues.push_back({"digest_unreadable", path, "cannot read or parse the digest"});
            continue;
        }
        Digest d;
        d.case_path = path;
        d.content_sha = Sha256Hex(plain.value());
        d.account = Get(doc, "awsAccountId");
        d.start = Get(doc, "digestStartTime");
        d.end = Get(doc, "digestEndTime");
        d.bucket = Get(doc, "digestS3Bucket");
        d.object = Get(doc, "digestS3Object");
        d.prev_bucket = Get(doc, "previousDigestS3Bucket");
        d.prev_object = Get(doc, "previousDigestS3Object");
        d.prev_hash = Get(doc, "previousDigestHashValue");
        d.prev_signature = Get(doc, "previousDigestSignature");
        // Region: AWSLogs/<acct>/CloudTrail-Digest/<region>/…
        auto parts = Split(d.object, '/');
        for (size_t i = 0; i + 1 < parts.size(); ++i)
            if (parts[i] == "CloudTrail-Digest") d.region = std::string(parts[i + 1]);
        simdjson::dom::array logs;
        if (doc["logFiles"].get_array().get(logs) == simdjson::SUCCESS)
            for (auto l : logs) d.logs.push_back({Get(l, "s3Object"), Get(l, "hashValue")});
        digests.push_back(std::move(d));
    }
    rep.digests = digests.size();
    // Log file hashes (uncompressed content).
    for (const auto& d : digests) {
        for (const auto& l : d.logs) {
            auto range = logs_by_name.equal_range(Base(l.object));
            if (range.first == range.second) {
                rep.issues.push_back({"log_not_in_case", l.object, "listed in " + d.case_path});
                continue;
            }
            size_t r = range.first->second;
            bool ok = false;
            std::string raw = ReadAll(EvidencePath(store, ft.Cell(r, 1), ft.Cell(r, 2) == "true"), ok);
            auto plain = MaybeGunzip(raw);
            std::string h = ok && plain.ok() ? Sha256Hex(plain.value()) : std::string();
            if (h == l.hash) ++rep.logs_ok;
            else
                rep.issues.push_back({"log_hash_mismatch", ft.Cell(r, 0),
                                      "SHA-256 differs from the hash in " + d.case_path});
        }
    }
    // Chain of digests and signatures.
    std::map<std::string, const Digest*> by_object;
    for (const auto& d : digests) by_object[d.bucket + "/" + d.object] = &d;
    std::set<const Digest*> signed_by_next;
    for (const auto& d : digests) {
        if (d.prev_object.empty()) continue;
        auto it = by_object.find(d.prev_bucket + "/" + d.prev_object);
        if (it == by_object.end()) {
            rep.issues.push_back({"previous_digest_not_in_case", d.prev_object,
                                  "referenced by " + d.case_path});
            continue;
        }
        const Digest& p = *it->second;
        if (p.content_sha != d.prev_hash) {
            rep.issues.push_back({"chain_break", p.case_path,
                                  "its SHA-256 differs from previousDigestHashValue in " +
                                      d.case_path});
            continue;
        }
        ++rep.links_ok;
        signed_by_next.insert(&p);
        if (!key) {
            ++rep.signatures_unchecked;
            continue;
        }
        std::string to_sign = p.end + "\n" + p.bucket + "/" + p.object + "\n" + p.content_sha +
                              "\n" + p.prev_signature;
        if (VerifySig(key, to_sign, Unhex(d.prev_signature))) ++rep.signatures_ok;
        else
            rep.issues.push_back({"signature_invalid", p.case_path,
                                  "SHA256withRSA signature (from " + d.case_path + ") fails"});
    }
    for (const auto& d : digests)
        if (!signed_by_next.count(&d)) ++rep.signatures_unchecked;
    if (key) EVP_PKEY_free(key);

    // Blind windows from digests: consecutive digests of a region that do not touch.
    std::map<std::pair<std::string, std::string>, std::vector<const Digest*>> per_region;
    for (const auto& d : digests) per_region[{d.account, d.region}].push_back(&d);
    for (auto& [k, v] : per_region) {
        std::sort(v.begin(), v.end(), [](auto a, auto b) { return a->start < b->start; });
        for (size_t i = 1; i < v.size(); ++i) {
            auto a = ParseIsoTime(v[i - 1]->end), b = ParseIsoTime(v[i]->start);
            if (a && b && *b - *a > 1000)
                rep.windows.push_back({k.first, k.second, v[i - 1]->end, v[i]->start, "digest_gap",
                                       "no digest covers this range"});
        }
    }
    // Gaps between delivered log files per region (from the AWSLogs path).
    auto gaps = store.conn().Query(
        "WITH f AS (SELECT regexp_extract(path, 'AWSLogs/(?:o-[a-z0-9]+/)?([0-9]{12})/CloudTrail/', 1) "
        "AS account, regexp_extract(path, '/CloudTrail/([a-z0-9-]+)/', 1) AS region, first_event, "
        "last_event FROM files WHERE events > 0 AND path LIKE '%/CloudTrail/%'), "
        "o AS (SELECT account, region, first_event, max(last_event) OVER (PARTITION BY account, "
        "region ORDER BY first_event ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end "
        "FROM f WHERE region <> '') SELECT account, region, CAST(prev_end AS VARCHAR), "
        "CAST(first_event AS VARCHAR) FROM o WHERE prev_end IS NOT NULL AND first_event > prev_end "
        "+ INTERVAL " + std::to_string(gap_minutes) + " MINUTE ORDER BY account, region, prev_end");
    if (!gaps) return gaps.error();
    for (size_t r = 0; r < gaps.value().rows.size(); ++r)
        rep.windows.push_back({gaps.value().Cell(r, 0), gaps.value().Cell(r, 1),
                               IsoFromTs(gaps.value().Cell(r, 2)), IsoFromTs(gaps.value().Cell(r, 3)),
                               "file_gap", "no delivered log file covers this range"});
    // StopLogging → next StartLogging of the same trail; event selector changes.
    auto stops = store.conn().Query(
        "WITH s AS (SELECT event_time, action, account, region, coalesce(json_extract_string(raw, "
        "'$.requestParameters.name'), '') AS trail, coalesce(actor_arn, actor_name) AS actor, raw "
        "FROM events WHERE action IN ('StopLogging', 'StartLogging', 'DeleteTrail', "
        "'PutEventSelectors') AND error_code IS NULL) "
        "SELECT a.account, a.region, strftime(a.event_time, '%Y-%m-%dT%H:%M:%SZ'), "
        "coalesce(strftime((SELECT min(b.event_time) FROM s b WHERE b.action = 'StartLogging' AND "
        "b.trail = a.trail AND b.event_time > a.event_time), '%Y-%m-%dT%H:%M:%SZ'), ''), "
        "a.action, a.trail, a.actor, coalesce(json_extract(a.raw, '$.requestParameters')::VARCHAR, "
        "'') FROM s a WHERE a.action <> 'StartLogging' ORDER BY a.event_time");
    if (!stops) return stops.error();
    for (size_t r = 0; r < stops.value().rows.size(); ++r) {
        const Table& t = stops.value();
        std::string action = t.Cell(r, 4);
        if (action == "PutEventSelectors") {
            std::string params = t.Cell(r, 7);
            bool drops = params.find("\"includeManagementEvents\":false") != std::string::npos ||
                         params.find("\"readWriteType\":\"ReadOnly\"") != std::string::npos ||
                         params.find("\"ExcludeManagementEventSources\"") != std::string::npos ||
                         params.find("\"excludeManagementEventSources\":[\"") != std::string::npos;
            rep.windows.push_back({t.Cell(r, 0), t.Cell(r, 1), t.Cell(r, 2), "",
                                   "event_selectors",
                                   std::string(drops ? "selectors now drop events" : "selectors changed") +
                                       " on trail " + t.Cell(r, 5) + " by " + t.Cell(r, 6)});
            continue;
        }
        rep.windows.push_back({t.Cell(r, 0), t.Cell(r, 1), t.Cell(r, 2), t.Cell(r, 3),
                               action == "DeleteTrail" ? "delete_trail" : "stop_logging",
                               action + " on trail " + t.Cell(r, 5) + " by " + t.Cell(r, 6) +
                                   (t.Cell(r, 3).empty() ? " (never restarted in the case)" : "")});
    }
    return rep;
}

} // namespace cloudsift::store
