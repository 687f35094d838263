// Evidence integrity: re-hashing the evidence of a case, and CloudTrail digest validation
// (log file hashes, the chain of digests, SHA256withRSA signatures, blind windows).
//
// CloudTrail digest facts used here (AWS CloudTrail user guide, "Custom implementations of
// CloudTrail log file integrity validation"): logFiles[].hashValue is the hex SHA-256 of the
// *uncompressed* log file; previousDigestHashValue is the hex SHA-256 of the uncompressed
// previous digest file; the signature of a digest is hex RSA over SHA-256 of
//   digestEndTime "\n" digestS3Bucket "/" digestS3Object "\n" hex(sha256(digest)) "\n"
//   previousDigestSignature
// and is found offline in the next digest's previousDigestSignature.
#pragma once
#include <string>
#include <vector>

#include "common/result.h"
#include "store/case_store.h"

namespace cloudsift::store {

//! Outcome of re-hashing the evidence.
struct EvidenceReport {
    size_t checked = 0, ok = 0;
    std::vector<std::string> modified; //!< evidence path: hash differs from the manifest
    std::vector<std::string> missing;  //!< evidence path: gone
    std::vector<std::string> extra;    //!< files under evidence/ not in the manifest
    bool clean() const { return modified.empty() && missing.empty() && extra.empty(); }
};

//! Re-hashes every manifest file of the case and lists extra files under evidence/.
EvidenceReport VerifyEvidence(CaseStore& store);

//! One problem or observation of digest validation.
struct DigestIssue {
    std::string kind;    //!< log_hash_mismatch | log_not_in_case | chain_break | signature_invalid …
    std::string file;    //!< the file that breaks the chain / the log file
    std::string detail;
};

//! A time range with no evidence of logging.
struct BlindWindow {
    std::string account, region, start, end;
    std::string reason; //!< digest_gap | file_gap | stop_logging | event_selectors
    std::string detail;
};

//! Outcome of digest validation.
struct DigestReport {
    size_t digests = 0, logs_ok = 0, links_ok = 0, signatures_ok = 0;
    size_t signatures_unchecked = 0; //!< no key given, or the newest digest of a chain
    std::vector<DigestIssue> issues;
    std::vector<BlindWindow> windows;
    bool valid() const;
};

//! Validates the digests in the case; public_key_pem may be "" (no signature checks), else a PEM
//! (SubjectPublicKeyInfo or PKCS#1) or the base64 DER value printed by list-public-keys.
//! gap_minutes is the smallest reported gap between delivered log files of a region.
Result<DigestReport> ValidateDigests(CaseStore& store, const std::string& public_key_pem,
                                     int gap_minutes = 60);

//! Decompresses gzip data (several members allowed); plain data is returned as is.
Result<std::string> MaybeGunzip(const std::string& data, size_t max_bytes = size_t(1) << 30);

//! Absolute path of a manifest row's evidence file (an in-place file whose stored path was
//! repaired to UTF-8 is found by the name that repairs to it).
std::string EvidencePath(const CaseStore& store, const std::string& evidence_path, bool copied);

} // namespace cloudsift::store
