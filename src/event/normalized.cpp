#include "event/normalized.h"

namespace cloudsift {

std::string_view EventClassName(EventClass c) {
    switch (c) {
    case EventClass::ApiActivity: return "api_activity";
    case EventClass::NetworkActivity: return "network_activity";
    case EventClass::HttpActivity: return "http_activity";
    case EventClass::DnsActivity: return "dns_activity";
    case EventClass::Authentication: return "authentication";
    case EventClass::SystemActivity: return "system_activity";
    case EventClass::DetectionFinding: return "detection_finding";
    default: return "unknown";
    }
}

} // namespace cloudsift
