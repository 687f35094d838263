// Test helper: decodes in-memory logs with DecodeBuffer, matches them against a RuleSet, runs the
// correlation engine and (optionally) the behavioural analytics, like `cloudsift hunt` does.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "analytics/behavior.h"
#include "analytics/correlation.h"
#include "hunt/hunter.h"
#include "io/scan.h"
#include "sigma/rule_set.h"

namespace cloudsift::test {

//! Consumer collecting base findings, correlation rows and analytics state.
class MiniHunt final : public RecordConsumer {
public:
    MiniHunt(const sigma::RuleSet& rules, const analytics::Intel* intel = nullptr)
        : rules_(rules), corr_(rules), scratch_(rules.NewScratch()) {
        if (intel)
            behavior_ = std::make_unique<analytics::BehaviorCollector>(*intel);
    }
    void BeginFile(const FileInfo& info, std::string_view) override { file_ = info; }
    void OnRecord(const Record& rec) override {
        rules_.Match(rec.event, rec.norm, *scratch_, [&](size_t i) {
            if (corr_.Feeds(i))
                corr_.Capture(i, rec, MakeFinding(rules_.rule(i), rec, file_), rows_);
            if (!rules_.rule(i).correlation_only)
                findings.push_back(MakeFinding(rules_.rule(i), rec, file_));
        });
        if (behavior_)
            behavior_->OnRecord(rec, file_);
    }
    //! Decodes one buffer (format sniffed) named path.
    FileOutcome Feed(std::string_view data, const std::string& path) {
        return DecodeBuffer(data, path, "", *this);
    }
    //! Runs the second phase; appends correlation (and analytic) findings to findings.
    void Finish(const analytics::BehaviorOptions& opt = {}) {
        for (auto& f : corr_.Evaluate({&rows_}))
            findings.push_back(std::move(f));
        if (behavior_)
            for (auto& f : analytics::RunBehavior({behavior_.get()}, opt))
                findings.push_back(std::move(f));
    }
    //! Number of findings with this rule id.
    size_t Count(const std::string& id) const {
        size_t n = 0;
        for (const auto& f : findings)
            n += f.rule_id() == id;
        return n;
    }
    const analytics::CorrelationEngine& engine() const { return corr_; }
    //! Entity links learned by the analytics (empty without intel).
    std::vector<std::pair<std::string, std::string>> links() const {
        return behavior_ ? behavior_->links : std::vector<std::pair<std::string, std::string>>{};
    }

    std::vector<Finding> findings;

private:
    const sigma::RuleSet& rules_;
    analytics::CorrelationEngine corr_;
    analytics::CorrelationEngine::Collector rows_;
    std::unique_ptr<sigma::RuleSet::Scratch> scratch_;
    std::unique_ptr<analytics::BehaviorCollector> behavior_;
    FileInfo file_;
};

} // namespace cloudsift::test
