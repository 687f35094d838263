// cloudsift lineage: walk a temporary credential back to the first principal.
#include <iostream>

#include "cli/case_cli.h"
#include "cli/command.h"
#include "common/sanitize.h"
#include "store/case_store.h"
#include "store/investigate.h"
#include "store/render.h"

namespace cloudsift::cli {
namespace {

struct LineageArgs {
    std::string case_dir, key, format = "table";
};

int RunLineage(const LineageArgs& a) {
    store::RenderFormat fmt = RenderFormatArg(a.format);
    auto cs = OpenCaseForReading(a.case_dir);
    if (!cs) return kExitFatal;
    auto l = store::CredentialLineage(cs->conn(), a.key);
    if (!l) {
        std::cerr << "cloudsift: " << TerminalSafe(l.error().message) << "\n";
        return kExitFatal;
    }
    store::Table chain;
    chain.columns = {"step", "key", "principal", "issued_by", "issued_at", "parent_key",
                     "parent_principal", "region", "account", "source_ip", "note"};
    for (size_t i = 0; i < l.value().chain.size(); ++i) {
        const auto& k = l.value().chain[i];
        chain.rows.push_back({std::to_string(i), k.key, k.principal, k.issued_by, k.issued_at,
                              k.parent_key, k.parent_principal, k.region, k.account, k.source_ip,
                              k.note});
    }
    bool table = fmt == store::RenderFormat::Table;
    if (table) std::cout << "Credential chain (0 = the key asked about)\n";
    store::Render(std::cout, chain, fmt, 70);
    for (const auto& s : l.value().activity) {
        if (table) std::cout << "\n== " << TerminalSafe(s.title) << " ==\n";
        store::Render(std::cout, s.table, fmt, 60);
    }
    if (table) std::cout << "\n== Credentials minted along the chain ==\n";
    store::Render(std::cout, l.value().children, fmt, 70);
    return kExitOk;
}

const Registration kLineage{"lineage", "Credential lineage of an access key", [](CLI::App& sub) {
    auto a = std::make_shared<LineageArgs>();
    sub.add_option("key", a->key, "Access key id (ASIA…/AKIA…)")->required();
    sub.add_option("--case", a->case_dir, "Case directory")->required();
    sub.add_option("--format", a->format, "Output: table|csv|jsonl|json")->capture_default_str();
    return [a] { return RunLineage(*a); };
}};

} // namespace
} // namespace cloudsift::cli
