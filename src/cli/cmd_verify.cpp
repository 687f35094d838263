// cloudsift verify: evidence integrity (re-hash), custody chain, CloudTrail digest validation and
// blind windows. The verification itself is recorded in the custody log.
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/command.h"
#include "common/sanitize.h"
#include "store/case_store.h"
#include "store/verify.h"

namespace cloudsift::cli {
namespace {

struct VerifyArgs {
    std::string case_dir, public_key;
    int gap_minutes = 60;
    bool quiet = false;
};

int RunVerify(const VerifyArgs& a) {
    auto cs = store::CaseStore::Open(a.case_dir, store::OpenMode::ReadWrite);
    if (!cs) {
        std::cerr << "cloudsift: " << TerminalSafe(cs.error().message) << "\n";
        return kExitFatal;
    }
    std::string pem;
    if (!a.public_key.empty()) {
        std::ifstream in(a.public_key, std::ios::binary);
        if (!in) {
            std::cerr << "cloudsift: cannot read " << TerminalSafe(a.public_key) << "\n";
            return kExitUsage;
        }
        std::stringstream ss;
        ss << in.rdbuf();
        pem = ss.str();
    }
    auto ev = store::VerifyEvidence(*cs.value());
    std::cout << "evidence: " << ev.checked << " file(s), " << ev.ok << " intact\n";
    for (auto& m : ev.modified) std::cout << "  MODIFIED " << TerminalSafe(m) << "\n";
    for (auto& m : ev.missing) std::cout << "  MISSING  " << TerminalSafe(m) << "\n";
    for (auto& m : ev.extra) std::cout << "  EXTRA    " << TerminalSafe(m) << "\n";
    auto custody = cs.value()->CheckCustody();
    std::cout << "custody: " << custody.entries << " entries, chain "
              << (custody.ok ? "intact" : "BROKEN") << "\n";
    for (auto& p : custody.problems) std::cout << "  " << TerminalSafe(p) << "\n";
    auto dg = store::ValidateDigests(*cs.value(), pem, a.gap_minutes);
    bool digests_ok = true;
    if (!dg) {
        std::cerr << "cloudsift: " << TerminalSafe(dg.error().message) << "\n";
        return kExitFatal;
    }
    const auto& d = dg.value();
    digests_ok = d.valid();
    std::cout << "digests: " << d.digests << " digest file(s), " << d.logs_ok
              << " log file hash(es) match, " << d.links_ok << " chain link(s) intact, "
              << d.signatures_ok << " signature(s) valid, " << d.signatures_unchecked
              << " signature(s) not checked" << (pem.empty() ? " (no --public-key)" : "") << "\n";
    for (auto& i : d.issues)
        std::cout << "  " << i.kind << ": " << TerminalSafe(i.file) << " — " << TerminalSafe(i.detail)
                  << "\n";
    if (!d.windows.empty()) std::cout << "blind windows and logging changes:\n";
    for (auto& w : d.windows)
        std::cout << "  " << w.reason << " " << TerminalSafe(w.account) << "/" << TerminalSafe(w.region)
                  << " " << TerminalSafe(w.start) << " → " << (w.end.empty() ? "?" : TerminalSafe(w.end))
                  << "  " << TerminalSafe(w.detail) << "\n";
    bool ok = ev.clean() && custody.ok && digests_ok;
    std::string details = "{\"evidence_checked\":" + std::to_string(ev.checked) +
                          ",\"modified\":" + std::to_string(ev.modified.size()) +
                          ",\"missing\":" + std::to_string(ev.missing.size()) +
                          ",\"extra\":" + std::to_string(ev.extra.size()) +
                          ",\"custody_ok\":" + (custody.ok ? "true" : "false") +
                          ",\"digests\":" + std::to_string(d.digests) +
                          ",\"digest_issues\":" + std::to_string(d.issues.size()) +
                          ",\"result\":\"" + (ok ? "ok" : "failed") + "\"}";
    auto rec = cs.value()->RecordCustody("verify", details);
    if (!rec) std::cerr << "warning: cannot record the verification: " << TerminalSafe(rec.error().message) << "\n";
    std::cout << (ok ? "verify: OK\n" : "verify: FAILED\n");
    return ok ? kExitOk : kExitFatal;
}

const Registration kVerify{"verify", "Verify evidence, custody log and CloudTrail digests",
                           [](CLI::App& sub) {
    auto a = std::make_shared<VerifyArgs>();
    sub.add_option("--case", a->case_dir, "Case directory")->required();
    sub.add_option("--public-key", a->public_key, "CloudTrail public key (PEM or base64 DER)");
    sub.add_option("--gap-minutes", a->gap_minutes, "Smallest file gap reported as blind window")
        ->capture_default_str();
    return [a] { return RunVerify(*a); };
}};

} // namespace
} // namespace cloudsift::cli
