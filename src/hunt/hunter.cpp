#include "hunt/hunter.h"

#include <xxhash.h>

#include <algorithm>
#include <deque>
#include <filesystem>
#include <mutex>

namespace cloudsift {
namespace fs = std::filesystem;

RecordMatcher::RecordMatcher(const sigma::RuleSet& rules)
    : rules_(rules), scratch_(rules.NewScratch()) {}

RecordMatcher::~RecordMatcher() = default;

void RecordMatcher::Match(const Record& rec, const FileInfo& file, std::vector<Finding>& out) {
    rules_.Match(rec.event, rec.norm, *scratch_, [&](size_t i) {
        const sigma::Rule& rule = rules_.rule(i);
        if (rule.correlation_only) return;
        out.push_back(MakeFinding(rule, rec, file));
    });
}

Finding MakeFinding(const sigma::Rule& rule, const Record& rec, const FileInfo& file) {
    const Normalized& n = rec.norm;
    Finding f;
    f.time = n.time;
    f.rule_id = rule.id.empty() ? rule.title : rule.id;
    f.rule_title = rule.title;
    f.level = std::string(sigma::LevelName(rule.level));
    f.tags = rule.tags;
    f.tactics = rule.tactics;
    f.techniques = rule.techniques;
    f.event_id = std::string(n.event_id);
    f.event_name = std::string(n.action);
    f.event_source = std::string(n.service);
    f.source_type = std::string(n.source_type);
    f.actor = std::string(!n.actor_arn.empty() ? n.actor_arn : n.actor_name);
    f.access_key = std::string(n.access_key);
    f.source_ip = std::string(n.src_ip);
    f.user_agent = std::string(n.user_agent);
    f.account = std::string(n.account);
    f.region = std::string(n.region);
    f.file = file.path;
    f.line_or_index = rec.line ? rec.line : rec.index;
    std::string key = f.rule_id + '\0' + f.file + '\0' + std::to_string(rec.line) + ':' +
                      std::to_string(rec.index) + '\0' + f.event_id;
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx",
                  static_cast<unsigned long long>(XXH3_64bits(key.data(), key.size())));
    f.finding_id = buf;
    return f;
}

std::string BuiltinRulesDir() {
    if (const char* env = std::getenv("CLOUDSIFT_RULES_DIR"); env && *env) return env;
    std::error_code ec;
    auto exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        for (auto dir = exe.parent_path(); !dir.empty() && dir != dir.root_path();
             dir = dir.parent_path()) {
            if (fs::is_directory(dir / "rules") && fs::exists(dir / "CMakeLists.txt"))
                return (dir / "rules").string();
            if (fs::is_directory(dir / "share" / "cloudsift" / "rules"))
                return (dir / "share" / "cloudsift" / "rules").string();
        }
    }
    return (fs::path(CLOUDSIFT_SOURCE_DIR) / "rules").string();
}

std::unique_ptr<sigma::RuleSet> LoadRules(const HuntOptions& options,
                                          std::vector<sigma::FileReport>& reports) {
    auto rules = std::make_unique<sigma::RuleSet>();
    std::vector<std::string> paths = options.rule_paths;
    if (paths.empty()) paths.push_back(BuiltinRulesDir());
    for (const auto& p : paths) rules->LoadPath(p, options.load, reports);
    for (const auto& p : options.filter_paths) rules->LoadPath(p, options.load, reports);
    rules->Compile();
    return rules;
}

namespace {

// Matches each record of a worker thread and keeps its findings in a slot owned by RunHunt.
class HuntConsumer final : public RecordConsumer {
public:
    HuntConsumer(const sigma::RuleSet& rules, std::vector<Finding>& out)
        : matcher_(rules), out_(out) {}
    void BeginFile(const FileInfo& info, std::string_view) override { file_ = &info; }
    void OnRecord(const Record& rec) override { matcher_.Match(rec, *file_, out_); }

private:
    RecordMatcher matcher_;
    std::vector<Finding>& out_;
    const FileInfo* file_ = nullptr;
};

} // namespace

void SortFindings(std::vector<Finding>& findings) {
    std::sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
        if (a.time != b.time) return a.time < b.time;
        if (a.file != b.file) return a.file < b.file;
        if (a.line_or_index != b.line_or_index) return a.line_or_index < b.line_or_index;
        return a.rule_id < b.rule_id;
    });
}

HuntResult RunHunt(const HuntOptions& options, const sigma::RuleSet& rules) {
    HuntResult result;
    result.rules_loaded = rules.size();
    std::deque<std::vector<Finding>> slots;
    std::mutex mu;
    result.scan = Scan(options.scan, [&](unsigned) {
        std::lock_guard<std::mutex> lock(mu);
        slots.emplace_back();
        return std::make_unique<HuntConsumer>(rules, slots.back());
    });
    for (auto& slot : slots)
        result.findings.insert(result.findings.end(), std::make_move_iterator(slot.begin()),
                               std::make_move_iterator(slot.end()));
    SortFindings(result.findings);
    return result;
}

} // namespace cloudsift
