#include "analytics/correlation.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

#include "analytics/behavior.h"
#include "hunt/hunter.h"

namespace cloudsift::analytics {
namespace {

using sigma::Correlation;
using DKind = sigma::Diagnostic::Kind;

// One input of a correlation: a base-rule row or the trigger row of a fired inner correlation.
struct Occurrence {
    TimeMs time = 0;
    uint32_t ref = 0; // position in Correlation::rules
    const CorrelationRow* row = nullptr;
};

bool HasUpperBound(const Correlation& c) {
    for (const auto& [op, v] : c.condition)
        if (op == "lt" || op == "lte" || op == "eq" || op == "neq")
            return true;
    return false;
}

} // namespace

bool ConditionHolds(const std::vector<std::pair<std::string, double>>& condition, double v) {
    for (const auto& [op, x] : condition) {
        bool ok = op == "gt"    ? v > x
                  : op == "gte" ? v >= x
                  : op == "lt"  ? v < x
                  : op == "lte" ? v <= x
                  : op == "eq"  ? v == x
                  : op == "neq" ? v != x
                                : false;
        if (!ok)
            return false;
    }
    return true;
}

CorrelationEngine::CorrelationEngine(const sigma::RuleSet& rules) : rules_(rules) {
    const auto& corrs = rules.correlations();
    fields_.assign(rules.size(), {});
    names_.assign(rules.size(), {});
    emit_.assign(corrs.size(), true);
    std::vector<bool> valid(corrs.size(), true);
    auto diag = [&](const Correlation& c, DKind kind, const std::string& code,
                    const std::string& msg) {
        diags_.push_back({kind, c.file, c.line, 0, c.title, code, msg});
    };
    for (size_t i = 0; i < corrs.size(); ++i) {
        const Correlation& c = corrs[i];
        for (size_t k = 0; k < c.refs.size(); ++k)
            if (c.refs[k].kind == Correlation::Ref::Kind::Missing) {
                diag(c, DKind::Error, "correlation.unresolved",
                     "correlation disabled: it references '" + c.rules[k] +
                         "', which is neither a loaded rule nor a correlation");
                valid[i] = false;
            }
        if (c.timespan_ms <= 0 || c.timespan_ms > kMaxCorrelationTimespanMs) {
            diag(c, DKind::Error, "correlation.timespan",
                 "correlation disabled: timespan '" + c.timespan +
                     "' is outside 1s..31d (state per group grows with the timespan)");
            valid[i] = false;
        }
        bool needs_field = c.type == "value_count" || c.type == "value_sum" ||
                           c.type == "value_avg" || c.type == "value_percentile";
        if (needs_field && c.condition_field.empty()) {
            diag(c, DKind::Error, "correlation.field",
                 "correlation disabled: " + c.type + " needs `field` in its condition");
            valid[i] = false;
        }
        if ((c.type == "temporal" || c.type == "temporal_ordered") && c.rules.size() < 2)
            diag(c, DKind::Warning, "correlation.rules",
                 c.type + " with a single rule fires on every match");
    }
    // Dependency order (inner correlations first) with cycle detection.
    std::vector<int> state(corrs.size(), 0); // 0 new, 1 visiting, 2 done
    std::function<bool(size_t)> visit = [&](size_t i) -> bool {
        if (state[i] == 2)
            return valid[i];
        if (state[i] == 1)
            return false;
        state[i] = 1;
        bool ok = valid[i];
        for (const auto& ref : corrs[i].refs)
            if (ref.kind == Correlation::Ref::Kind::Correlation && !visit(ref.index)) {
                if (state[ref.index] == 1)
                    diag(corrs[i], DKind::Error, "correlation.cycle",
                         "correlation disabled: it is part of a reference cycle through '" +
                             corrs[ref.index].title + "'");
                else
                    diag(corrs[i], DKind::Error, "correlation.chain",
                         "correlation disabled: it references the disabled correlation '" +
                             corrs[ref.index].title + "'");
                ok = false;
            }
        valid[i] = ok;
        state[i] = 2;
        if (ok)
            order_.push_back(i);
        return ok;
    };
    for (size_t i = 0; i < corrs.size(); ++i)
        visit(i);
    active_count_ = order_.size();

    // Correlations referenced by a non-generating correlation stay silent (as base rules do).
    for (size_t i : order_)
        for (const auto& ref : corrs[i].refs)
            if (ref.kind == Correlation::Ref::Kind::Correlation && !corrs[i].generate)
                emit_[ref.index] = false;

    // Fields to capture for every base rule reached (transitively) by an active correlation.
    std::vector<std::set<std::string>> wanted(rules.size());
    std::function<void(size_t, const std::string&, int)> add_field =
        [&](size_t corr, const std::string& field, int depth) {
            if (depth > 64)
                return;
            for (const auto& ref : corrs[corr].refs) {
                if (ref.kind == Correlation::Ref::Kind::Rule)
                    wanted[ref.index].insert(field);
                else if (ref.kind == Correlation::Ref::Kind::Correlation)
                    add_field(ref.index, field, depth + 1);
            }
        };
    for (size_t i : order_) {
        const Correlation& c = corrs[i];
        for (size_t k = 0; k < c.refs.size(); ++k) {
            std::vector<std::string> need;
            for (const auto& g : c.group_by) {
                auto al = c.aliases.find(g);
                if (al != c.aliases.end()) {
                    auto it = al->second.find(c.rules[k]);
                    need.push_back(it != al->second.end() ? it->second : g);
                } else {
                    need.push_back(g);
                }
            }
            if (!c.condition_field.empty())
                need.push_back(c.condition_field);
            const auto& ref = c.refs[k];
            for (const auto& f : need) {
                if (ref.kind == Correlation::Ref::Kind::Rule)
                    wanted[ref.index].insert(f);
                else
                    add_field(ref.index, f, 0);
            }
            if (need.empty() && ref.kind == Correlation::Ref::Kind::Rule)
                wanted[ref.index].insert(std::string()); // marks the rule as feeding
        }
    }
    for (size_t r = 0; r < rules.size(); ++r) {
        if (wanted[r].empty())
            continue;
        for (const auto& f : wanted[r]) {
            names_[r].push_back(f);
            fields_[r].push_back(FieldPath::Parse(f));
        }
    }
}

void CorrelationEngine::Capture(size_t rule, const Record& rec, Finding evidence,
                                Collector& out) const {
    CorrelationRow row;
    row.time = rec.norm.time;
    row.rule = static_cast<uint32_t>(rule);
    row.values.reserve(fields_[rule].size());
    std::string buf;
    for (const auto& path : fields_[rule]) {
        SharedText v;
        if (!path.full.empty())
            rec.event.Find(path, [&](const Value& val) {
                if (!val.IsScalar())
                    return true;
                v = out.interner.Get(val.Text(buf));
                return false;
            });
        row.values.push_back(std::move(v));
    }
    row.evidence = std::move(evidence);
    out.rows.push_back(std::move(row));
}

namespace {

// Looks up a captured field of an occurrence; nullptr when the row did not capture it.
const SharedText* FieldOf(const CorrelationEngine& eng, const Occurrence& o,
                           const std::string& name) {
    const auto& names = eng.CapturedFields(o.row->rule);
    for (size_t i = 0; i < names.size(); ++i)
        if (names[i] == name)
            return &o.row->values[i];
    return nullptr;
}

// Field name of group-by entry g for reference position k (aliases resolved).
const std::string& Resolve(const Correlation& c, const std::string& g, size_t k) {
    auto al = c.aliases.find(g);
    if (al == c.aliases.end())
        return g;
    auto it = al->second.find(c.rules[k]);
    return it != al->second.end() ? it->second : g;
}

// Runs one correlation over one group's occurrences (time order); calls fire(trigger) per hit.
void RunGroup(const Correlation& c, const CorrelationEngine& eng,
              const std::vector<const Occurrence*>& occ,
              const std::function<void(const Occurrence&)>& fire) {
    const int64_t span = c.timespan_ms;
    const std::string& field = c.condition_field;
    auto value_of = [&](const Occurrence& o) -> std::string {
        const SharedText* v = FieldOf(eng, o, field);
        return v ? v->str() : std::string();
    };
    auto number_of = [&](const Occurrence& o) -> std::optional<double> {
        std::string v = value_of(o);
        if (v.empty())
            return std::nullopt;
        char* end = nullptr;
        double d = std::strtod(v.c_str(), &end);
        if (end == v.c_str() || *end != '\0' || !std::isfinite(d))
            return std::nullopt;
        return d;
    };

    if (c.type == "temporal" || c.type == "temporal_ordered") {
        const size_t n = c.rules.size();
        std::vector<std::optional<TimeMs>> slot(n);
        const bool ordered = c.type == "temporal_ordered";
        for (const Occurrence* o : occ) {
            const size_t k = o->ref;
            if (ordered) {
                // slot[k] = start time of the latest-starting chain that completed steps 0..k.
                if (k == 0)
                    slot[0] = o->time;
                else if (slot[k - 1] && o->time - *slot[k - 1] <= span)
                    slot[k] = slot[k - 1];
                if (slot[n - 1] && o->time - *slot[n - 1] <= span) {
                    fire(*o);
                    std::fill(slot.begin(), slot.end(), std::nullopt);
                }
            } else {
                slot[k] = o->time;
                size_t seen = 0;
                for (const auto& s : slot)
                    if (s && o->time - *s <= span)
                        ++seen;
                bool hit =
                    c.condition.empty() ? seen == n : ConditionHolds(c.condition, double(seen));
                if (hit) {
                    fire(*o);
                    std::fill(slot.begin(), slot.end(), std::nullopt);
                }
            }
        }
        return;
    }

    // Aggregate of a window of occurrences.
    auto aggregate = [&](const std::deque<const Occurrence*>& win) -> double {
        if (c.type == "event_count")
            return double(win.size());
        if (c.type == "value_count") {
            std::set<std::string> distinct;
            for (const Occurrence* o : win) {
                std::string v = value_of(*o);
                if (!v.empty())
                    distinct.insert(std::move(v));
            }
            return double(distinct.size());
        }
        double sum = 0;
        size_t n = 0;
        for (const Occurrence* o : win)
            if (auto d = number_of(*o)) {
                sum += *d;
                ++n;
            }
        if (c.type == "value_avg")
            return n ? sum / double(n) : std::nan("");
        return sum;
    };

    if (c.type == "value_percentile") {
        // Tumbling window from the first occurrence: each value whose share (percent of the
        // window's occurrences) satisfies the condition fires once, on its last occurrence.
        std::deque<const Occurrence*> win;
        auto close = [&] {
            std::map<std::string, std::pair<size_t, const Occurrence*>> per;
            for (const Occurrence* o : win) {
                auto& e = per[value_of(*o)];
                ++e.first;
                e.second = o;
            }
            for (const auto& [v, e] : per)
                if (ConditionHolds(c.condition, 100.0 * double(e.first) / double(win.size())))
                    fire(*e.second);
            win.clear();
        };
        for (const Occurrence* o : occ) {
            if (!win.empty() && o->time - win.front()->time > span)
                close();
            win.push_back(o);
        }
        if (!win.empty())
            close();
        return;
    }

    std::deque<const Occurrence*> win;
    if (HasUpperBound(c)) {
        // A bound from above cannot be decided before the window ends: tumbling window anchored
        // at its first occurrence, evaluated when it closes.
        auto close = [&] {
            double v = aggregate(win);
            if (!std::isnan(v) && ConditionHolds(c.condition, v))
                fire(*win.back());
            win.clear();
        };
        for (const Occurrence* o : occ) {
            if (!win.empty() && o->time - win.front()->time > span)
                close();
            win.push_back(o);
        }
        if (!win.empty())
            close();
        return;
    }
    // Lower bounds only: sliding window ending at each occurrence; fire as soon as the condition
    // holds, then start the group afresh.
    for (const Occurrence* o : occ) {
        win.push_back(o);
        while (o->time - win.front()->time > span)
            win.pop_front();
        double v = aggregate(win);
        if (!std::isnan(v) && ConditionHolds(c.condition, v)) {
            fire(*o);
            win.clear();
        }
    }
}

} // namespace

std::vector<Finding>
CorrelationEngine::Evaluate(const std::vector<const Collector*>& collectors) const {
    const auto& corrs = rules_.correlations();
    std::vector<std::vector<const CorrelationRow*>> by_rule(rules_.size());
    for (const Collector* col : collectors)
        for (const auto& row : col->rows)
            by_rule[row.rule].push_back(&row);
    for (auto& v : by_rule)
        std::sort(v.begin(), v.end(), [](const CorrelationRow* a, const CorrelationRow* b) {
            if (a->time != b->time)
                return a->time < b->time;
            return a->evidence.finding_id < b->evidence.finding_id;
        });

    std::vector<std::vector<Occurrence>> fired(corrs.size());
    std::vector<Finding> out;
    for (size_t ci : order_) {
        const Correlation& c = corrs[ci];
        std::vector<Occurrence> occ;
        for (size_t k = 0; k < c.refs.size(); ++k) {
            const auto& ref = c.refs[k];
            if (ref.kind == Correlation::Ref::Kind::Rule) {
                for (const CorrelationRow* r : by_rule[ref.index])
                    occ.push_back({r->time, uint32_t(k), r});
            } else if (ref.kind == Correlation::Ref::Kind::Correlation) {
                for (const Occurrence& f : fired[ref.index])
                    occ.push_back({f.time, uint32_t(k), f.row});
            }
        }
        std::stable_sort(occ.begin(), occ.end(), [](const Occurrence& a, const Occurrence& b) {
            if (a.time != b.time)
                return a.time < b.time;
            return a.ref < b.ref;
        });
        // Group by the group-by values (aliases resolved per reference).
        std::unordered_map<std::string, std::vector<const Occurrence*>> groups;
        std::vector<std::string> group_order;
        for (const Occurrence& o : occ) {
            std::string key;
            for (const auto& g : c.group_by) {
                const SharedText* v = FieldOf(*this, o, Resolve(c, g, o.ref));
                if (v)
                    key += v->view();
                key += '\x1f';
            }
            auto [it, inserted] = groups.try_emplace(key);
            if (inserted)
                group_order.push_back(key);
            it->second.push_back(&o);
        }
        // The correlation's findings share its rule fields.
        const SharedRule rule(RuleFields{c.id.empty() ? c.title : c.id, c.title,
                                         std::string(sigma::LevelName(c.level)), c.tags, c.tactics,
                                         c.techniques});
        for (const auto& key : group_order) {
            RunGroup(c, *this, groups[key], [&](const Occurrence& trig) {
                fired[ci].push_back(trig);
                if (!emit_[ci])
                    return;
                Finding f = trig.row->evidence;
                f.time = trig.time;
                f.rule = rule;
                f.finding_id = FindingId::Of(f.rule_id() + '\0' +
                                             trig.row->evidence.finding_id.str() + '\0' + key);
                out.push_back(std::move(f));
            });
        }
    }
    return out;
}

} // namespace cloudsift::analytics
