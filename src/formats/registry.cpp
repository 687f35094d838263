#include <vector>

#include "common/strings.h"
#include "formats/all_formats.h"
#include "formats/source_formats.h"

namespace cloudsift {

const std::vector<const Format*>& AllFormats() {
    static const std::vector<const Format*> formats = {
        &CloudTrailDigestFormat(), // before CloudTrail: SniffFormat stops at the first score >= 95
        &CloudTrailFormat(),
        &CloudTrailJsonlFormat(),
        // Other sources: add one line per format here.
        &VpcFlowFormat(),
        &S3AccessFormat(),
        &AlbFormat(),
        &NlbFormat(),
        &ElbFormat(),
        &CloudFrontFormat(),
        &NginxFormat(),
        &Route53Format(),
        &WafFormat(),
        &SyslogFormat(),
        &AuditdFormat(),
        &CloudWatchFormat(),
        &GuardDutyFormat(),
        &SecurityHubFormat(),
        &EventBridgeFormat(),
    };
    return formats;
}

const Format* FindFormat(std::string_view name) {
    for (const Format* f : AllFormats())
        if (IEquals(f->Name(), name))
            return f;
    return nullptr;
}

const Format* SniffFormat(std::string_view head, const FileInfo& info) {
    // Every format is recognizable from its first records; a bounded window keeps sniffing cheap
    // for files that are one long line (CloudTrail deliveries).
    constexpr size_t kSniffWindow = 16 * 1024;
    head = head.substr(0, kSniffWindow);
    // A score this high is a definitive recognition (the format's own envelope keys).
    constexpr int kCertain = 95;
    const Format* best = nullptr;
    int best_score = 29;
    for (const Format* f : AllFormats()) {
        int score = f->Sniff(head, info);
        if (score > best_score) {
            best = f;
            best_score = score;
            if (score >= kCertain)
                break;
        }
    }
    return best;
}

} // namespace cloudsift
