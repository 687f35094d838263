// Sigma rule engine: loads rules, filters and correlation rules (reader), compiles detections
// (compiler) and matches events against an index of rules (matcher).
//
// Threading: load and Compile() on one thread; afterwards the RuleSet is immutable and Match()
// may run concurrently, each thread with its own Scratch from NewScratch().
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/function_ref.h"
#include "event/event.h"
#include "event/normalized.h"

namespace cloudsift::sigma {

namespace detail {
struct Detection;
}

//! Rule severity (Sigma `level`).
enum class Level { Informational, Low, Medium, High, Critical };

//! Lower-case name of a level ("high").
std::string_view LevelName(Level);
//! Parses a level name (case-insensitive); nullopt for anything else.
std::optional<Level> ParseLevel(std::string_view);

//! A `related` entry of a rule.
struct RelatedRule {
    std::string id;
    std::string type; //!< derived, obsolete, merged, renamed, similar
};

//! One loaded detection rule.
struct Rule {
    std::string id, name, title, status, description, author, date, modified, file;
    int line = 0;
    Level level = Level::Medium; //!< Medium when the rule has none
    std::vector<std::string> tags, tactics, techniques, falsepositives, references, fields;
    std::vector<RelatedRule> related;
    std::string product, service, category; //!< logsource, as written
    //! Set by Compile(): referenced by a correlation rule whose `generate` is false, so the
    //! rule exists for correlation and should not raise standalone findings.
    bool correlation_only = false;
    //! Compiled detection (opaque outside src/sigma/).
    std::shared_ptr<const detail::Detection> detection;
    //! Compiled meta-filters applied to this rule: the rule matches only when none matches.
    std::vector<std::shared_ptr<const detail::Detection>> filters;
};

//! A problem found while loading, located in the rule file.
struct Diagnostic {
    enum class Kind { Error, Unsupported, Warning };
    Kind kind = Kind::Error;
    std::string file;
    int line = 0, column = 0; //!< 1-based; 0 when unknown
    std::string rule_title;
    std::string code;    //!< machine-readable ("modifier.unknown", "regex.invalid" …)
    std::string message; //!< human-readable reason
};

//! Lower-case name of a diagnostic kind ("error", "unsupported", "warning").
std::string_view DiagnosticKindName(Diagnostic::Kind);

//! Outcome of loading one file.
struct FileReport {
    std::string file;
    int loaded = 0;       //!< detection rules loaded
    int skipped = 0;      //!< rules left out by LoadOptions (level / status)
    int filters = 0;      //!< meta-filter documents loaded
    int correlations = 0; //!< correlation documents parsed (kept for the correlation engine)
    std::vector<Diagnostic> diagnostics;
};

//! Which rules to keep and how to resolve placeholders.
struct LoadOptions {
    Level min_level = Level::Informational;
    std::vector<std::string> statuses; //!< empty = all
    std::string placeholder_config;    //!< YAML file: `placeholders: {name: [values]}`
};

//! A Sigma meta-filter (`filter:` document): suppresses matches of the rules it names.
struct Filter {
    std::string id, title, description, file;
    int line = 0;
    std::string product, service, category;
    std::vector<std::string> rules; //!< rule ids or names
    std::shared_ptr<const detail::Detection> detection;
};

//! A Sigma correlation rule (`correlation:` document), parsed and kept for the correlation engine.
struct Correlation {
    std::string id, name, title, status, description, author, date, file;
    int line = 0;
    Level level = Level::Medium;
    std::vector<std::string> tags, tactics, techniques, falsepositives, references;
    std::string type;               //!< event_count, value_count, temporal, temporal_ordered, …
    std::vector<std::string> rules; //!< referenced rules (id, name or title), as written
    std::vector<std::string> group_by;
    std::string timespan;                                  //!< as written ("10m")
    int64_t timespan_ms = 0;                               //!< parsed timespan
    std::string condition_field;                           //!< value_* types: the counted field
    std::vector<std::pair<std::string, double>> condition; //!< {"gte", 100}, AND-ed
    bool generate = false;
    //! alias → (rule name → field name)
    std::map<std::string, std::map<std::string, std::string>> aliases;

    //! A resolved entry of `rules` (set by Compile()).
    struct Ref {
        enum class Kind { Rule, Correlation, Missing } kind = Kind::Missing;
        size_t index = 0; //!< into RuleSet::rule() or RuleSet::correlations()
    };
    std::vector<Ref> refs;
};

//! A compiled, indexed set of Sigma rules.
class RuleSet {
public:
    RuleSet();
    ~RuleSet();
    RuleSet(RuleSet&&) noexcept;
    RuleSet& operator=(RuleSet&&) noexcept;

    //! Loads a rule file or a directory (recursively, *.yml/*.yaml); never throws for bad rules.
    void LoadPath(const std::string& path, const LoadOptions&, std::vector<FileReport>& reports);
    //! Loads YAML text as if it were a file named name (tests).
    void LoadString(std::string_view yaml, const std::string& name, const LoadOptions&,
                    std::vector<FileReport>& reports);
    //! Builds indices, applies filters, resolves correlation references; call once after loading.
    void Compile();

    //! Number of detection rules.
    size_t size() const { return rules_.size(); }
    //! Rule i (0 <= i < size()).
    const Rule& rule(size_t i) const { return rules_[i]; }
    //! Index of the rule with this id, name or title; nullopt when none.
    std::optional<size_t> FindRule(std::string_view id_or_name) const;
    //! Correlation rules (not evaluated by Match()).
    const std::vector<Correlation>& correlations() const { return correlations_; }
    //! Loaded meta-filters.
    const std::vector<Filter>& filters() const { return filters_; }
    //! Warnings raised by Compile() (unresolved filter or correlation references).
    const std::vector<Diagnostic>& compile_diagnostics() const { return compile_diags_; }
    //! Number of rules reached through an index (eventName, eventSource or another field whose
    //! value the rule requires) instead of being tried on every record.
    size_t indexed_rules() const;

    //! Per-thread mutable matching state (opaque); create with NewScratch().
    class Scratch {
    public:
        Scratch();
        ~Scratch();
        Scratch(const Scratch&) = delete;
        Scratch& operator=(const Scratch&) = delete;

    private:
        friend class RuleSet;
        struct State;
        std::unique_ptr<State> state_;
    };
    //! Per-thread matching state bound to this RuleSet.
    std::unique_ptr<Scratch> NewScratch() const;
    //! Calls on_match(rule index) for each rule matching the record, in ascending index order.
    void Match(const Event& ev, const Normalized& norm, Scratch& scratch,
               FunctionRef<void(size_t)> on_match) const;

private:
    struct IndexKey {
        //! Action/Source: norm.action/service of CloudTrail records; Other: the event's value at
        //! path (any source), for rules that require neither eventName nor eventSource.
        enum class Field : uint8_t { None, Action, Source, Other } field = Field::None;
        std::vector<std::string> keys; //!< lower-case
        FieldPath path;                //!< Other only
    };
    struct Impl;

    std::vector<Rule> rules_;
    std::vector<IndexKey> index_;
    std::vector<Filter> filters_;
    std::vector<Correlation> correlations_;
    std::vector<Diagnostic> compile_diags_;
    //! placeholder config path → (placeholder name → values), loaded once per path
    std::map<std::string, std::map<std::string, std::vector<std::string>>> placeholder_sets_;
    bool compiled_ = false;
};

} // namespace cloudsift::sigma
