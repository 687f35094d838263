#include <vector>

#include "common/strings.h"
#include "formats/all_formats.h"
#include "formats/source_formats.h"

namespace cloudsift {

const std::vector<const Format*>& AllFormats() {
    static const std::vector<const Format*> formats = {
        &CloudTrailFormat(),
        &CloudTrailJsonlFormat(),
        &CloudTrailDigestFormat(),
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
        if (IEquals(f->Name(), name)) return f;
    return nullptr;
}

const Format* SniffFormat(std::string_view head, const FileInfo& info) {
    const Format* best = nullptr;
    int best_score = 29;
    for (const Format* f : AllFormats()) {
        int score = f->Sniff(head, info);
        if (score > best_score) {
            best = f;
            best_score = score;
        }
    }
    return best;
}

} // namespace cloudsift
