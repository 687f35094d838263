// cloudsift entity: profile of a principal, key, IP, instance, role or bucket in a case.
#include <iostream>

#include "cli/case_cli.h"
#include "cli/command.h"
#include "common/sanitize.h"
#include "store/case_store.h"
#include "store/investigate.h"
#include "store/render.h"

namespace cloudsift::cli {
namespace {

struct EntityArgs {
    std::string case_dir, value, format = "table";
};

int RunEntity(const EntityArgs& a) {
    store::RenderFormat fmt = RenderFormatArg(a.format);
    auto cs = OpenCaseForReading(a.case_dir);
    if (!cs) return kExitFatal;
    auto p = store::EntityProfile(cs->conn(), a.value);
    if (!p) {
        std::cerr << "cloudsift: " << TerminalSafe(p.error().message) << "\n";
        return kExitFatal;
    }
    for (const auto& s : p.value()) {
        if (fmt == store::RenderFormat::Table) std::cout << "\n== " << s.title << " ==\n";
        else if (fmt == store::RenderFormat::Jsonl) std::cout << "{\"section\":" << JsonString(s.title) << "}\n";
        store::Render(std::cout, s.table, fmt, 60);
    }
    return kExitOk;
}

const Registration kEntity{"entity", "Profile of one entity (ARN, key, IP, instance, bucket)",
                           [](CLI::App& sub) {
    auto a = std::make_shared<EntityArgs>();
    sub.add_option("value", a->value, "Principal ARN, access key, IP, instance id, role or bucket")
        ->required();
    sub.add_option("--case", a->case_dir, "Case directory")->required();
    sub.add_option("--format", a->format, "Output: table|csv|jsonl|json")->capture_default_str();
    return [a] { return RunEntity(*a); };
}};

} // namespace
} // namespace cloudsift::cli
