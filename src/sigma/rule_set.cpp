#include "sigma/rule_set.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <unordered_map>

#include "common/strings.h"
#include "common/yaml_syntax.h"
#include "sigma/attack_tags.h"
#include "sigma/detection.h"

namespace cloudsift::sigma {

namespace {

constexpr size_t kMaxFileBytes = 4 << 20;
using DKind = Diagnostic::Kind;
using detail::MakeDiag;

std::string ScalarOr(const YAML::Node& map, const char* key) {
    const YAML::Node n = map[key];
    if (n && n.IsScalar())
        return n.Scalar();
    return {};
}

std::vector<std::string> StringList(const YAML::Node& map, const char* key) {
    std::vector<std::string> out;
    const YAML::Node n = map[key];
    if (!n)
        return out;
    if (n.IsScalar()) {
        out.push_back(n.Scalar());
    } else if (n.IsSequence()) {
        for (const auto& el : n)
            if (el.IsScalar())
                out.push_back(el.Scalar());
    }
    return out;
}

bool ApplyLogsource(const YAML::Node& doc, std::string& product, std::string& service,
                    std::string& category) {
    const YAML::Node ls = doc["logsource"];
    if (!ls || !ls.IsMap())
        return false;
    product = ScalarOr(ls, "product");
    service = ScalarOr(ls, "service");
    category = ScalarOr(ls, "category");
    return true;
}

// Parses "10s" / "5m" / "1h" / "2d" (also "1w", "1M", "1y" used by some tools) into ms.
std::optional<int64_t> ParseTimespan(std::string_view s) {
    s = Trim(s);
    if (s.size() < 2)
        return std::nullopt;
    char unit = s.back();
    int64_t n = 0;
    for (char c : s.substr(0, s.size() - 1)) {
        if (c < '0' || c > '9' || n > 1'000'000'000)
            return std::nullopt;
        n = n * 10 + (c - '0');
    }
    int64_t mult = unit == 's'   ? 1000
                   : unit == 'm' ? 60'000
                   : unit == 'h' ? 3'600'000
                   : unit == 'd' ? 86'400'000
                   : unit == 'w' ? 604'800'000
                   : unit == 'M' ? 2'592'000'000LL
                   : unit == 'y' ? 31'536'000'000LL
                                 : 0;
    if (mult == 0)
        return std::nullopt;
    return n * mult;
}

bool LogsourceApplies(const std::string& product, const std::string& service,
                      const std::string& category, const LogSource& ls) {
    if (!product.empty() && !IEquals(product, ls.product))
        return false;
    if (!service.empty() && !IEquals(service, ls.service))
        return false;
    if (!category.empty() && !IEquals(category, ls.categories[0]) &&
        !IEquals(category, ls.categories[1]))
        return false;
    return true;
}

// Whether every logsource field the filter names equals the rule's.
bool LogsourceCompatible(const Filter& f, const Rule& r) {
    return (f.product.empty() || IEquals(f.product, r.product)) &&
           (f.service.empty() || IEquals(f.service, r.service)) &&
           (f.category.empty() || IEquals(f.category, r.category));
}

} // namespace

std::string_view LevelName(Level l) {
    switch (l) {
    case Level::Informational:
        return "informational";
    case Level::Low:
        return "low";
    case Level::Medium:
        return "medium";
    case Level::High:
        return "high";
    case Level::Critical:
        return "critical";
    }
    return "medium";
}

std::optional<Level> ParseLevel(std::string_view s) {
    for (Level l : {Level::Informational, Level::Low, Level::Medium, Level::High, Level::Critical})
        if (IEquals(s, LevelName(l)))
            return l;
    if (IEquals(s, "info"))
        return Level::Informational;
    return std::nullopt;
}

std::string_view DiagnosticKindName(Diagnostic::Kind k) {
    switch (k) {
    case DKind::Error:
        return "error";
    case DKind::Unsupported:
        return "unsupported";
    case DKind::Warning:
        return "warning";
    }
    return "error";
}

// ---------------------------------------------------------------------------------------------
// Reader

struct RuleSet::Impl {
    // Loads one YAML text into set, appending to report.
    static void LoadText(RuleSet& set, std::string_view yaml, const LoadOptions& opt,
                         FileReport& rep) {
        if (yaml.size() > kMaxFileBytes) {
            rep.diagnostics.push_back({DKind::Error, rep.file, 0, 0, "", "file.size",
                                       "file larger than " + HumanBytes(kMaxFileBytes)});
            return;
        }
        const detail::Placeholders* placeholders = nullptr;
        if (!opt.placeholder_config.empty()) {
            placeholders = LoadPlaceholders(set, opt.placeholder_config, rep);
            if (!placeholders)
                return;
        }
        if (auto refused = YamlRefusal(yaml)) {
            rep.diagnostics.push_back({DKind::Error, rep.file, int(refused->line),
                                       int(refused->column), "", "yaml.parse",
                                       std::move(refused->message)});
            return;
        }
        std::vector<YAML::Node> docs;
        try {
            docs = YAML::LoadAll(std::string(yaml));
        } catch (const YAML::Exception& e) {
            rep.diagnostics.push_back({DKind::Error, rep.file, e.mark.line + 1, e.mark.column + 1,
                                       "", "yaml.parse", e.msg});
            return;
        }
        for (const auto& doc : docs) {
            try {
                LoadDocument(set, doc, opt, placeholders, rep);
            } catch (const YAML::Exception& e) {
                rep.diagnostics.push_back({DKind::Error, rep.file, e.mark.line + 1,
                                           e.mark.column + 1, ScalarOr(doc, "title"),
                                           "yaml.structure", e.msg});
            }
        }
    }

    static const detail::Placeholders* LoadPlaceholders(RuleSet& set, const std::string& path,
                                                        FileReport& rep) {
        auto it = set.placeholder_sets_.find(path);
        if (it != set.placeholder_sets_.end())
            return &it->second;
        detail::Placeholders out;
        try {
            std::ifstream in(path, std::ios::binary);
            if (!in)
                throw YAML::Exception(YAML::Mark::null_mark(), "cannot read " + path);
            std::string text((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
            if (auto refused = YamlRefusal(text)) {
                YAML::Mark mark = YAML::Mark::null_mark();
                mark.line = int(refused->line) - 1;
                mark.column = int(refused->column) - 1;
                throw YAML::Exception(mark, refused->message);
            }
            const YAML::Node root = YAML::Load(text);
            const YAML::Node nested = root.IsMap() ? root["placeholders"] : YAML::Node();
            const YAML::Node map = nested ? nested : root;
            if (!map.IsMap())
                throw YAML::Exception(map.Mark(), "placeholders must be a mapping");
            for (auto kv = map.begin(); kv != map.end(); ++kv) {
                std::string name = kv->first.as<std::string>();
                const YAML::Node value = kv->second;
                if (name.size() >= 2 && name.front() == '%' && name.back() == '%')
                    name = name.substr(1, name.size() - 2);
                auto& values = out[name];
                if (value.IsSequence()) {
                    for (const auto& v : value)
                        values.push_back(v.as<std::string>());
                } else if (value.IsScalar()) {
                    values.push_back(value.Scalar());
                }
            }
        } catch (const YAML::Exception& e) {
            rep.diagnostics.push_back({DKind::Error, path, e.mark.line + 1, e.mark.column + 1, "",
                                       "placeholder.config",
                                       "cannot load placeholder config: " + e.msg});
            return nullptr;
        }
        return &(set.placeholder_sets_[path] = std::move(out));
    }

    static void ReadCommon(const YAML::Node& doc, std::string& id, std::string& title,
                           std::string& status, std::string& description, std::string& author,
                           std::string& date) {
        id = ScalarOr(doc, "id");
        title = ScalarOr(doc, "title");
        status = ScalarOr(doc, "status");
        description = ScalarOr(doc, "description");
        author = ScalarOr(doc, "author");
        date = ScalarOr(doc, "date");
    }

    static Level ReadLevel(const YAML::Node& doc, const std::string& title, FileReport& rep) {
        const YAML::Node n = doc["level"];
        if (!n)
            return Level::Medium;
        auto l = n.IsScalar() ? ParseLevel(n.Scalar()) : std::nullopt;
        if (!l) {
            rep.diagnostics.push_back(MakeDiag(DKind::Warning, rep.file, n, title, "rule.level",
                                               "unknown level; using medium"));
            return Level::Medium;
        }
        return *l;
    }

    static void LoadDocument(RuleSet& set, const YAML::Node& doc, const LoadOptions& opt,
                             const detail::Placeholders* placeholders, FileReport& rep) {
        if (!doc.IsDefined() || doc.IsNull())
            return; // empty document ("---" at the end)
        if (!doc.IsMap()) {
            rep.diagnostics.push_back(MakeDiag(DKind::Error, rep.file, doc, "", "rule.type",
                                               "document is not a mapping"));
            return;
        }
        std::string title = ScalarOr(doc, "title");
        if (doc["correlation"])
            return LoadCorrelation(set, doc, rep);
        if (doc["filter"])
            return LoadFilter(set, doc, placeholders, rep);
        if (!doc["detection"]) {
            rep.diagnostics.push_back(MakeDiag(DKind::Error, rep.file, doc, title, "rule.type",
                                               "document has no detection, correlation or "
                                               "filter section"));
            return;
        }
        Rule r;
        ReadCommon(doc, r.id, r.title, r.status, r.description, r.author, r.date);
        r.file = rep.file;
        r.line = doc.Mark().line + 1;
        r.name = ScalarOr(doc, "name");
        r.modified = ScalarOr(doc, "modified");
        r.tags = StringList(doc, "tags");
        r.falsepositives = StringList(doc, "falsepositives");
        r.references = StringList(doc, "references");
        r.fields = StringList(doc, "fields");
        ParseAttackTags(r.tags, r.tactics, r.techniques);
        if (const YAML::Node rel = doc["related"]; rel && rel.IsSequence())
            for (const auto& el : rel)
                if (el.IsMap())
                    r.related.push_back({ScalarOr(el, "id"), ScalarOr(el, "type")});
        bool bad = false;
        if (r.title.empty()) {
            rep.diagnostics.push_back(
                MakeDiag(DKind::Error, rep.file, doc, "", "rule.title", "rule has no title"));
            bad = true;
        }
        if (!ApplyLogsource(doc, r.product, r.service, r.category)) {
            rep.diagnostics.push_back(MakeDiag(DKind::Error, rep.file, doc, r.title,
                                               "rule.logsource", "rule has no logsource mapping"));
            bad = true;
        }
        r.level = ReadLevel(doc, r.title, rep);
        detail::CompileEnv env;
        env.file = rep.file;
        env.rule_title = r.title;
        env.placeholders = placeholders;
        env.skip_keys = {"timeframe"}; // obsolete Sigma 1 key, reported with the aggregation
        r.detection = detail::CompileDetection(doc["detection"], env, rep.diagnostics);
        if (!r.detection || bad)
            return;
        if (r.level < opt.min_level ||
            (!opt.statuses.empty() &&
             std::none_of(opt.statuses.begin(), opt.statuses.end(),
                          [&](const std::string& s) { return IEquals(s, r.status); }))) {
            ++rep.skipped;
            return;
        }
        ++rep.loaded;
        set.rules_.push_back(std::move(r));
        set.compiled_ = false;
    }

    static void LoadFilter(RuleSet& set, const YAML::Node& doc,
                           const detail::Placeholders* placeholders, FileReport& rep) {
        Filter f;
        std::string status, author, date;
        ReadCommon(doc, f.id, f.title, status, f.description, author, date);
        f.file = rep.file;
        f.line = doc.Mark().line + 1;
        const YAML::Node section = doc["filter"];
        if (f.title.empty()) {
            rep.diagnostics.push_back(
                MakeDiag(DKind::Error, rep.file, doc, "", "filter.title", "filter has no title"));
            return;
        }
        if (!ApplyLogsource(doc, f.product, f.service, f.category)) {
            rep.diagnostics.push_back(MakeDiag(DKind::Error, rep.file, doc, f.title,
                                               "filter.logsource", "filter has no logsource"));
            return;
        }
        if (!section.IsMap()) {
            rep.diagnostics.push_back(MakeDiag(DKind::Error, rep.file, section, f.title,
                                               "filter.type", "filter must be a mapping"));
            return;
        }
        f.rules = StringList(section, "rules");
        if (f.rules.empty()) {
            rep.diagnostics.push_back(MakeDiag(DKind::Error, rep.file, section, f.title,
                                               "filter.rules", "filter names no rules"));
            return;
        }
        detail::CompileEnv env;
        env.file = rep.file;
        env.rule_title = f.title;
        env.placeholders = placeholders;
        env.skip_keys = {"rules"};
        f.detection = detail::CompileDetection(section, env, rep.diagnostics);
        if (!f.detection)
            return;
        ++rep.filters;
        set.filters_.push_back(std::move(f));
        set.compiled_ = false;
    }

    static void LoadCorrelation(RuleSet& set, const YAML::Node& doc, FileReport& rep) {
        Correlation c;
        ReadCommon(doc, c.id, c.title, c.status, c.description, c.author, c.date);
        c.file = rep.file;
        c.line = doc.Mark().line + 1;
        c.name = ScalarOr(doc, "name");
        c.tags = StringList(doc, "tags");
        c.falsepositives = StringList(doc, "falsepositives");
        c.references = StringList(doc, "references");
        ParseAttackTags(c.tags, c.tactics, c.techniques);
        c.level = ReadLevel(doc, c.title, rep);
        const YAML::Node sec = doc["correlation"];
        auto error = [&](const YAML::Node& at, const std::string& code, const std::string& msg) {
            rep.diagnostics.push_back(MakeDiag(DKind::Error, rep.file, at, c.title, code, msg));
        };
        if (!sec.IsMap())
            return error(sec, "correlation.type", "correlation must be a mapping");
        c.type = ScalarOr(sec, "type");
        static const std::set<std::string> kTypes = {"event_count",      "value_count", "temporal",
                                                     "temporal_ordered", "value_sum",   "value_avg",
                                                     "value_percentile"};
        if (!kTypes.count(c.type))
            return error(sec, "correlation.type", "unknown correlation type '" + c.type + "'");
        c.rules = StringList(sec, "rules");
        if (c.rules.empty())
            return error(sec, "correlation.rules", "correlation names no rules");
        c.group_by = StringList(sec, "group-by");
        c.timespan = ScalarOr(sec, "timespan");
        if (!c.timespan.empty()) {
            auto ms = ParseTimespan(c.timespan);
            if (!ms)
                return error(sec["timespan"], "correlation.timespan",
                             "timespan must be a number followed by s, m, h or d");
            c.timespan_ms = *ms;
        } else {
            return error(sec, "correlation.timespan", "correlation has no timespan");
        }
        if (const YAML::Node cond = sec["condition"]; cond) {
            if (!cond.IsMap())
                return error(cond, "correlation.condition",
                             "condition must map "
                             "operators to numbers");
            for (auto it = cond.begin(); it != cond.end(); ++it) {
                std::string op = it->first.as<std::string>();
                if (op == "field") {
                    c.condition_field = it->second.IsScalar() ? it->second.Scalar() : "";
                    continue;
                }
                static const std::set<std::string> kOps = {"gt", "gte", "lt", "lte", "eq", "neq"};
                if (!kOps.count(op))
                    return error(it->first, "correlation.condition",
                                 "unknown condition operator '" + op + "'");
                c.condition.emplace_back(op, it->second.as<double>());
            }
        } else if (c.type != "temporal" && c.type != "temporal_ordered") {
            return error(sec, "correlation.condition", c.type + " needs a condition");
        }
        if (const YAML::Node g = sec["generate"]; g && g.IsScalar())
            c.generate = ToLower(g.Scalar()) == "true";
        else if (const YAML::Node g2 = doc["generate"]; g2 && g2.IsScalar())
            c.generate = ToLower(g2.Scalar()) == "true";
        if (const YAML::Node al = sec["aliases"]; al && al.IsMap())
            for (auto it = al.begin(); it != al.end(); ++it) {
                const YAML::Node per_rule = it->second;
                if (!per_rule.IsMap())
                    continue;
                auto& alias = c.aliases[it->first.as<std::string>()];
                for (auto jt = per_rule.begin(); jt != per_rule.end(); ++jt)
                    alias[jt->first.as<std::string>()] = jt->second.as<std::string>();
            }
        ++rep.correlations;
        set.correlations_.push_back(std::move(c));
    }
};

// ---------------------------------------------------------------------------------------------
// RuleSet

RuleSet::RuleSet() = default;
RuleSet::~RuleSet() = default;
RuleSet::RuleSet(RuleSet&&) noexcept = default;
RuleSet& RuleSet::operator=(RuleSet&&) noexcept = default;

void RuleSet::LoadString(std::string_view yaml, const std::string& name, const LoadOptions& opt,
                         std::vector<FileReport>& reports) {
    FileReport rep;
    rep.file = name;
    Impl::LoadText(*this, yaml, opt, rep);
    reports.push_back(std::move(rep));
}

void RuleSet::LoadPath(const std::string& path, const LoadOptions& opt,
                       std::vector<FileReport>& reports) {
    namespace fs = std::filesystem;
    std::error_code ec;
    std::vector<std::string> files;
    if (fs::is_directory(path, ec)) {
        for (fs::recursive_directory_iterator
                 it(path, fs::directory_options::skip_permission_denied, ec),
             end;
             it != end; it.increment(ec)) {
            if (ec)
                break;
            if (!it->is_regular_file(ec))
                continue;
            auto ext = ToLower(it->path().extension().string());
            if (ext == ".yml" || ext == ".yaml")
                files.push_back(it->path().string());
        }
        std::sort(files.begin(), files.end());
    } else {
        files.push_back(path);
    }
    if (ec && files.empty()) {
        reports.push_back(
            {path, 0, 0, 0, 0, {{DKind::Error, path, 0, 0, "", "file.read", ec.message()}}});
        return;
    }
    for (const auto& f : files) {
        std::ifstream in(f, std::ios::binary);
        if (!in) {
            reports.push_back(
                {f, 0, 0, 0, 0, {{DKind::Error, f, 0, 0, "", "file.read", "cannot open file"}}});
            continue;
        }
        std::string text;
        in.seekg(0, std::ios::end);
        auto size = in.tellg();
        if (size > 0 && size_t(size) > kMaxFileBytes) {
            reports.push_back({f,
                               0,
                               0,
                               0,
                               0,
                               {{DKind::Error, f, 0, 0, "", "file.size",
                                 "file larger than " + HumanBytes(kMaxFileBytes)}}});
            continue;
        }
        in.seekg(0);
        std::stringstream ss;
        ss << in.rdbuf();
        LoadString(ss.str(), f, opt, reports);
    }
}

std::optional<size_t> RuleSet::FindRule(std::string_view key) const {
    for (size_t i = 0; i < rules_.size(); ++i)
        if (rules_[i].id == key)
            return i;
    for (size_t i = 0; i < rules_.size(); ++i)
        if (!rules_[i].name.empty() && rules_[i].name == key)
            return i;
    for (size_t i = 0; i < rules_.size(); ++i)
        if (rules_[i].title == key)
            return i;
    return std::nullopt;
}

void RuleSet::Compile() {
    compile_diags_.clear();
    auto warn = [&](const std::string& file, int line, const std::string& title,
                    const std::string& code, const std::string& msg) {
        compile_diags_.push_back({DKind::Warning, file, line, 0, title, code, msg});
    };
    // Meta-filters.
    for (auto& r : rules_) {
        r.filters.clear();
        r.correlation_only = false;
    }
    for (const auto& f : filters_) {
        for (const auto& ref : f.rules) {
            bool any = false;
            for (auto& r : rules_) {
                if (r.id != ref && (r.name.empty() || r.name != ref))
                    continue;
                any = true;
                if (!LogsourceCompatible(f, r)) {
                    warn(f.file, f.line, f.title, "filter.logsource",
                         "filter logsource does not match rule '" + r.title + "'; not applied");
                    continue;
                }
                r.filters.push_back(f.detection);
            }
            if (!any)
                warn(f.file, f.line, f.title, "filter.unresolved",
                     "filter names rule '" + ref + "' which is not loaded");
        }
    }
    // Correlation references: rule id / name / title, or another correlation's id / name.
    for (auto& c : correlations_) {
        c.refs.clear();
        for (const auto& ref : c.rules) {
            Correlation::Ref out;
            if (auto idx = FindRule(ref)) {
                out = {Correlation::Ref::Kind::Rule, *idx};
                if (!c.generate)
                    rules_[*idx].correlation_only = true;
            } else {
                for (size_t j = 0; j < correlations_.size(); ++j)
                    if (correlations_[j].id == ref ||
                        (!correlations_[j].name.empty() && correlations_[j].name == ref) ||
                        correlations_[j].title == ref)
                        out = {Correlation::Ref::Kind::Correlation, j};
            }
            if (out.kind == Correlation::Ref::Kind::Missing)
                warn(c.file, c.line, c.title, "correlation.unresolved",
                     "correlation names rule '" + ref + "' which is not loaded");
            c.refs.push_back(out);
        }
    }
    // eventName / eventSource index.
    index_.assign(rules_.size(), {});
    for (size_t i = 0; i < rules_.size(); ++i) {
        const auto& d = *rules_[i].detection;
        if (auto keys = detail::RequiredValues(d, "eventName")) {
            index_[i] = {IndexKey::Field::Action, std::move(*keys), {}};
        } else if (auto src = detail::RequiredValues(d, "eventSource")) {
            index_[i] = {IndexKey::Field::Source, std::move(*src), {}};
        } else {
            // Another field the rule requires to equal one of a few values (userIdentity.type,
            // errorCode …): the fewest values win.
            std::set<std::string> fields;
            for (const auto& id : d.ids)
                for (const auto& group : id.groups)
                    for (const auto& t : group)
                        if (!t.keyword && !t.field.full.empty())
                            fields.insert(t.field.full);
            for (const auto& name : fields)
                if (auto keys = detail::RequiredValues(d, name);
                    keys && !keys->empty() &&
                    (index_[i].field == IndexKey::Field::None ||
                     keys->size() < index_[i].keys.size()))
                    index_[i] = {IndexKey::Field::Other, std::move(*keys), FieldPath::Parse(name)};
        }
    }
    compiled_ = true;
}

size_t RuleSet::indexed_rules() const {
    return size_t(std::count_if(index_.begin(), index_.end(), [](const IndexKey& k) {
        return k.field != IndexKey::Field::None;
    }));
}

// ---------------------------------------------------------------------------------------------
// Matcher

struct RuleSet::Scratch::State {
    // Rules applicable to one logsource, split by index key.
    struct Bucket {
        std::string product, service, cat0, cat1; // the logsource this bucket serves
        bool use_index = false;                   // CloudTrail: norm.action/service are keys
        std::vector<uint32_t> unindexed;
        std::unordered_map<std::string, std::vector<uint32_t>> by_action, by_source;
        // Rules indexed by the value of another field (IndexKey::Field::Other), per field.
        struct FieldIndex {
            FieldPath path;
            std::unordered_map<std::string, std::vector<uint32_t>> by_value;
            std::vector<uint32_t> rules; // all of them: for values the index cannot decide
        };
        std::vector<FieldIndex> by_field;
    };
    std::vector<std::unique_ptr<Bucket>> buckets;
    detail::EvalScratch eval;
    std::string key;
    std::vector<uint32_t> matches, candidates;
};

RuleSet::Scratch::Scratch() : state_(std::make_unique<State>()) {}
RuleSet::Scratch::~Scratch() = default;

std::unique_ptr<RuleSet::Scratch> RuleSet::NewScratch() const {
    return std::make_unique<Scratch>();
}

void RuleSet::Match(const Event& ev, const Normalized& norm, Scratch& scratch,
                    FunctionRef<void(size_t)> on_match) const {
    Scratch::State& sc = *scratch.state_;
    const LogSource& ls = norm.logsource;
    Scratch::State::Bucket* bucket = nullptr;
    for (auto& b : sc.buckets)
        if (IEquals(b->product, ls.product) && IEquals(b->service, ls.service) &&
            IEquals(b->cat0, ls.categories[0]) && IEquals(b->cat1, ls.categories[1])) {
            bucket = b.get();
            break;
        }
    if (!bucket) {
        auto b = std::make_unique<Scratch::State::Bucket>();
        b->product = ToLower(ls.product);
        b->service = ToLower(ls.service);
        b->cat0 = ToLower(ls.categories[0]);
        b->cat1 = ToLower(ls.categories[1]);
        b->use_index = b->service == "cloudtrail" && compiled_;
        for (size_t i = 0; i < rules_.size(); ++i) {
            const Rule& r = rules_[i];
            if (!LogsourceApplies(r.product, r.service, r.category, ls))
                continue;
            const IndexKey* k = compiled_ ? &index_[i] : nullptr;
            if (k && k->field == IndexKey::Field::Other) {
                auto fi = std::find_if(b->by_field.begin(), b->by_field.end(),
                                       [&](const auto& x) { return x.path.full == k->path.full; });
                if (fi == b->by_field.end())
                    fi = b->by_field.insert(b->by_field.end(), {k->path, {}, {}});
                for (const auto& key : k->keys)
                    fi->by_value[key].push_back(uint32_t(i));
                fi->rules.push_back(uint32_t(i));
                continue;
            }
            if (!b->use_index)
                k = nullptr;
            if (!k || k->field == IndexKey::Field::None) {
                b->unindexed.push_back(uint32_t(i));
                continue;
            }
            auto& map = k->field == IndexKey::Field::Action ? b->by_action : b->by_source;
            for (const auto& key : k->keys)
                map[key].push_back(uint32_t(i));
        }
        bucket = b.get();
        sc.buckets.push_back(std::move(b));
    }
    sc.matches.clear();
    auto eval = [&](uint32_t i) {
        const Rule& r = rules_[i];
        if (!detail::Evaluate(*r.detection, ev, sc.eval))
            return;
        for (const auto& f : r.filters)
            if (detail::Evaluate(*f, ev, sc.eval))
                return;
        sc.matches.push_back(i);
    };
    // Index keys are lower-case: the value folded into the scratch key.
    auto folded = [&](std::string_view value) -> const std::string& {
        sc.key.assign(value);
        for (auto& c : sc.key)
            c = AsciiLower(c);
        return sc.key;
    };
    auto lookup = [&](const std::unordered_map<std::string, std::vector<uint32_t>>& map,
                      std::string_view value) {
        if (map.empty() || value.empty())
            return;
        auto it = map.find(folded(value));
        if (it == map.end())
            return;
        for (uint32_t i : it->second)
            eval(i);
    };
    if (bucket->use_index) {
        lookup(bucket->by_action, norm.action);
        lookup(bucket->by_source, norm.service);
    }
    for (uint32_t i : bucket->unindexed)
        eval(i);
    for (const auto& fi : bucket->by_field) {
        // The rules whose required value the record's field holds. A value that is not a string
        // (a number, an object …) may still match through its text: then every rule is tried.
        sc.candidates.clear();
        bool undecided = false;
        ev.Find(fi.path, [&](const Value& v) {
            if (v.type != ValueType::String) {
                undecided = true;
                return false;
            }
            if (auto it = fi.by_value.find(folded(v.s)); it != fi.by_value.end())
                sc.candidates.insert(sc.candidates.end(), it->second.begin(), it->second.end());
            return true;
        });
        if (undecided) {
            for (uint32_t i : fi.rules)
                eval(i);
            continue;
        }
        std::sort(sc.candidates.begin(), sc.candidates.end());
        sc.candidates.erase(std::unique(sc.candidates.begin(), sc.candidates.end()),
                            sc.candidates.end());
        for (uint32_t i : sc.candidates)
            eval(i);
    }
    std::sort(sc.matches.begin(), sc.matches.end());
    for (uint32_t i : sc.matches)
        on_match(i);
}

} // namespace cloudsift::sigma
