// Evidence integrity: tampering, missing and extra evidence; CloudTrail digest chains built here
// with OpenSSL (gzip, SHA-256, SHA256withRSA) — a valid chain passes, a broken one names the file.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <sys/stat.h>

#include <fstream>

#include "io/gzip.h"
#include "store/case_store.h"
#include "store/ingest.h"
#include "store/verify.h"
#include "unit/store/store_test_util.h"

namespace cloudsift::store {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

void WriteFile(const fs::path& p, const std::string& data) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << data;
}

std::string Hex(const std::string& bin) {
    static const char* d = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bin) {
        out += d[c >> 4];
        out += d[c & 15];
    }
    return out;
}

struct KeyPair {
    EVP_PKEY* key = nullptr;
    KeyPair() {
        EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, nullptr);
        EVP_PKEY_keygen_init(ctx);
        EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, 2048);
        EVP_PKEY_keygen(ctx, &key);
        EVP_PKEY_CTX_free(ctx);
    }
    ~KeyPair() { EVP_PKEY_free(key); }
    std::string Sign(const std::string& data) const {
        EVP_MD_CTX* ctx = EVP_MD_CTX_new();
        size_t len = 0;
        EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key);
        EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()),
                       data.size());
        std::string sig(len, '\0');
        EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                       reinterpret_cast<const unsigned char*>(data.data()), data.size());
        sig.resize(len);
        EVP_MD_CTX_free(ctx);
        return Hex(sig);
    }
    std::string PublicPem() const {
        BIO* bio = BIO_new(BIO_s_mem());
        PEM_write_bio_PUBKEY(bio, key);
        char* p = nullptr;
        long n = BIO_get_mem_data(bio, &p);
        std::string out(p, size_t(n));
        BIO_free(bio);
        return out;
    }
};

// A region's delivery: log files and a chain of hourly digests over them.
struct DigestChain {
    fs::path root;
    std::vector<std::string> digest_paths, log_paths;
    DigestChain(const fs::path& dir, const KeyPair& kp, int hours, int skip_hour = -1) {
        root = dir / "AWSLogs";
        const std::string acct = "111122223333", region = "us-east-1", bucket = "trail-bucket";
        std::string prev_object, prev_hash, prev_sig;
        for (int h = 0; h < hours; ++h) {
            char hh[16];
            std::snprintf(hh, sizeof hh, "%02d", h);
            std::string log_name = acct + "_CloudTrail_" + region + "_20240301T" + hh +
                                   "05Z_log" + std::to_string(h) + ".json.gz";
            std::string log_rel = "AWSLogs/" + acct + "/CloudTrail/" + region + "/2024/03/01/" + log_name;
            std::string log_plain = "{\"Records\":[]}";
            log_plain += std::string(size_t(h), ' ');
            WriteFile(dir / log_rel, GzipCompress(log_plain));
            log_paths.push_back((dir / log_rel).string());
            char next[16];
            std::snprintf(next, sizeof next, "%02d", h + 1);
            std::string start = std::string("2024-03-01T") + hh + ":00:00Z";
            std::string end = std::string("2024-03-01T") + next + ":00:00Z";
            std::string object = "AWSLogs/" + acct + "/CloudTrail-Digest/" + region +
                                 "/2024/03/01/" + acct + "_CloudTrail-Digest_" + region +
                                 "_trail_" + region + "_20240301T" + next + "0000Z.json.gz";
            std::string json =
                "{\"awsAccountId\":\"" + acct + "\",\"digestStartTime\":\"" + start +
                "\",\"digestEndTime\":\"" + end + "\",\"digestS3Bucket\":\"" + bucket +
                "\",\"digestS3Object\":\"" + object +
                "\",\"digestPublicKeyFingerprint\":\"00\",\"digestSignatureAlgorithm\":"
                "\"SHA256withRSA\",\"newestEventTime\":null,\"oldestEventTime\":null,"
                "\"previousDigestS3Bucket\":" +
                (prev_object.empty() ? "null" : "\"" + bucket + "\"") +
                ",\"previousDigestS3Object\":" +
                (prev_object.empty() ? "null" : "\"" + prev_object + "\"") +
                ",\"previousDigestHashValue\":" +
                (prev_hash.empty() ? "null" : "\"" + prev_hash + "\"") +
                ",\"previousDigestHashAlgorithm\":\"SHA-256\",\"previousDigestSignature\":" +
                (prev_sig.empty() ? "null" : "\"" + prev_sig + "\"") +
                ",\"logFiles\":[{\"s3Bucket\":\"" + bucket + "\",\"s3Object\":\"" + log_rel +
                "\",\"hashValue\":\"" + Sha256Hex(log_plain) +
                "\",\"oldestEventTime\":\"" + start + "\",\"newestEventTime\":\"" + start + "\"}]}";
            if (h != skip_hour) { // a lost digest leaves its hour blind
                WriteFile(dir / object, GzipCompress(json));
                digest_paths.push_back((dir / object).string());
            }
            std::string sha = Sha256Hex(json);
            std::string to_sign = end + "\n" + bucket + "/" + object + "\n" + sha + "\n" + prev_sig;
            prev_sig = kp.Sign(to_sign);
            prev_object = object;
            prev_hash = sha;
        }
    }
};

std::unique_ptr<CaseStore> IngestDir(const fs::path& case_dir, const std::string& input) {
    auto cs = CaseStore::Open(case_dir.string(), OpenMode::Create);
    EXPECT_TRUE(cs.ok());
    IngestOptions opt;
    opt.scan.inputs = {input};
    opt.scan.threads = 2;
    auto r = Ingest(*cs.value(), opt);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return std::move(cs.value());
}

TEST(VerifyEvidence, ReportsModifiedMissingAndExtraFiles) {
    TempDir tmp;
    WriteFile(tmp.path / "in/a.txt", "first evidence file\n");
    WriteFile(tmp.path / "in/b.txt", "second evidence file\n");
    WriteFile(tmp.path / "in/c.txt", "third evidence file\n");
    auto cs = IngestDir(tmp.path / "case", (tmp.path / "in").string());
    auto clean = VerifyEvidence(*cs);
    EXPECT_EQ(clean.checked, 3u);
    EXPECT_TRUE(clean.clean());

    auto rows = cs->conn().Query("SELECT evidence_path FROM files ORDER BY path");
    ASSERT_TRUE(rows.ok());
    fs::path a = tmp.path / "case" / rows.value().Cell(0, 0);
    fs::path b = tmp.path / "case" / rows.value().Cell(1, 0);
    // One flipped byte in a, b deleted, a stray file planted.
    chmod(a.c_str(), 0644);
    {
        std::fstream f(a, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(3);
        f.put('X');
    }
    chmod(b.parent_path().c_str(), 0755);
    fs::remove(b);
    WriteFile(tmp.path / "case/evidence/planted.txt", "x");
    auto rep = VerifyEvidence(*cs);
    ASSERT_EQ(rep.modified.size(), 1u);
    EXPECT_EQ(rep.modified[0], rows.value().Cell(0, 0));
    ASSERT_EQ(rep.missing.size(), 1u);
    EXPECT_EQ(rep.missing[0], rows.value().Cell(1, 0));
    ASSERT_EQ(rep.extra.size(), 1u);
    EXPECT_EQ(rep.extra[0], "evidence/planted.txt");
    EXPECT_EQ(rep.ok, 1u);
}

TEST(DigestValidation, AcceptsAValidSignedChain) {
    TempDir tmp;
    KeyPair kp;
    DigestChain chain(tmp.path / "in", kp, 4);
    auto cs = IngestDir(tmp.path / "case", (tmp.path / "in").string());
    auto rep = ValidateDigests(*cs, kp.PublicPem());
    ASSERT_TRUE(rep.ok()) << rep.error().message;
    EXPECT_EQ(rep.value().digests, 4u);
    EXPECT_EQ(rep.value().logs_ok, 4u);
    EXPECT_EQ(rep.value().links_ok, 3u);
    EXPECT_EQ(rep.value().signatures_ok, 3u);
    EXPECT_EQ(rep.value().signatures_unchecked, 1u); // the newest digest's signature is in S3
    for (auto& i : rep.value().issues) ADD_FAILURE() << i.kind << " " << i.file << " " << i.detail;
    EXPECT_TRUE(rep.value().valid());
    for (auto& w : rep.value().windows) EXPECT_NE(w.reason, "digest_gap");
}

TEST(DigestValidation, NamesTheTamperedLogAndDigest) {
    TempDir tmp;
    KeyPair kp;
    DigestChain chain(tmp.path / "in", kp, 4);
    // Tamper with log 2 (different content, still valid gzip) and with digest 1.
    WriteFile(chain.log_paths[2], GzipCompress("{\"Records\":[] }"));
    std::string d1 = test::ReadFileForTest(chain.digest_paths[1]);
    auto plain = MaybeGunzip(d1);
    ASSERT_TRUE(plain.ok());
    std::string edited = plain.value();
    edited.replace(edited.find("\"00\""), 4, "\"01\"");
    WriteFile(chain.digest_paths[1], GzipCompress(edited));
    auto cs = IngestDir(tmp.path / "case", (tmp.path / "in").string());
    auto rep = ValidateDigests(*cs, kp.PublicPem());
    ASSERT_TRUE(rep.ok());
    EXPECT_FALSE(rep.value().valid());
    bool log_named = false, chain_named = false;
    for (auto& i : rep.value().issues) {
        if (i.kind == "log_hash_mismatch" && EndsWith(i.file, fs::path(chain.log_paths[2]).filename().string()))
            log_named = true;
        if (i.kind == "chain_break" && EndsWith(i.file, fs::path(chain.digest_paths[1]).filename().string()))
            chain_named = true;
    }
    EXPECT_TRUE(log_named);
    EXPECT_TRUE(chain_named);
}

TEST(DigestValidation, WrongKeyFailsSignaturesAndMissingDigestIsABlindWindow) {
    TempDir tmp;
    KeyPair kp, other;
    DigestChain chain(tmp.path / "in", kp, 3);
    auto cs = IngestDir(tmp.path / "case", (tmp.path / "in").string());
    auto rep = ValidateDigests(*cs, other.PublicPem());
    ASSERT_TRUE(rep.ok());
    EXPECT_EQ(rep.value().signatures_ok, 0u);
    EXPECT_FALSE(rep.value().valid());

    TempDir tmp2;
    DigestChain gap(tmp2.path / "in", kp, 4, /*skip_hour=*/2);
    auto cs2 = IngestDir(tmp2.path / "case", (tmp2.path / "in").string());
    auto rep2 = ValidateDigests(*cs2, "");
    ASSERT_TRUE(rep2.ok());
    bool window = false;
    for (auto& w : rep2.value().windows)
        if (w.reason == "digest_gap" && w.start == "2024-03-01T02:00:00Z" &&
            w.end == "2024-03-01T03:00:00Z" && w.region == "us-east-1")
            window = true;
    EXPECT_TRUE(window);
    // The digest after the gap points at a digest that is not in the case.
    bool dangling = false;
    for (auto& i : rep2.value().issues) dangling |= i.kind == "previous_digest_not_in_case";
    EXPECT_TRUE(dangling);
}

} // namespace
} // namespace cloudsift::store
