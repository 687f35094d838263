#include "sim/ct_event.h"

#include "common/sanitize.h"
#include "sim/timefmt.h"

namespace cloudsift::sim {
namespace {

std::string_view TypeName(IdentityType t) {
    switch (t) {
    case IdentityType::IAMUser: return "IAMUser";
    case IdentityType::AssumedRole: return "AssumedRole";
    case IdentityType::Root: return "Root";
    case IdentityType::AWSService: return "AWSService";
    }
    return "Unknown";
}

//! JSON string literal; plain printable ASCII (almost every generated value) is copied in one
//! append, anything else goes through the sanitizing AppendJsonString.
void AppendJson(std::string& out, std::string_view v) {
    for (unsigned char c : v)
        if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\') return AppendJsonString(out, v);
    out += '"';
    out.append(v);
    out += '"';
}

void Key(std::string& out, std::string_view k) {
    out += '"';
    out += k;
    out += "\":";
}

void StrField(std::string& out, std::string_view k, std::string_view v) {
    Key(out, k);
    AppendJson(out, v);
    out += ',';
}

void AppendIdentity(std::string& out, const Identity& id) {
    out += '{';
    StrField(out, "type", TypeName(id.type));
    if (id.type == IdentityType::AWSService) {
        Key(out, "invokedBy");
        AppendJson(out, id.invoked_by);
        out += '}';
        return;
    }
    StrField(out, "principalId", id.principal_id);
    StrField(out, "arn", id.arn);
    StrField(out, "accountId", id.account_id);
    Key(out, "accessKeyId");
    AppendJson(out, id.access_key_id);
    if (!id.user_name.empty()) {
        out += ',';
        Key(out, "userName");
        AppendJson(out, id.user_name);
    }
    if (id.has_session) {
        out += ',';
        Key(out, "sessionContext");
        out += '{';
        if (!id.issuer_arn.empty()) {
            Key(out, "sessionIssuer");
            out += '{';
            StrField(out, "type", "Role");
            StrField(out, "principalId", id.issuer_principal_id);
            StrField(out, "arn", id.issuer_arn);
            StrField(out, "accountId", id.account_id);
            Key(out, "userName");
            AppendJson(out, id.issuer_name);
            out += "},";
            Key(out, "webIdFederationData");
            out += "{},";
        }
        Key(out, "attributes");
        out += '{';
        Key(out, "creationDate");
        out += '"';
        AppendIsoSeconds(out, id.creation_date);
        out += "\",";
        Key(out, "mfaAuthenticated");
        out += id.mfa ? "\"true\"}" : "\"false\"}";
        if (id.ec2_role_delivery) out += ",\"ec2RoleDelivery\":\"2.0\"";
        out += '}';
    }
    if (!id.invoked_by.empty()) {
        out += ',';
        Key(out, "invokedBy");
        AppendJson(out, id.invoked_by);
    }
    out += '}';
}

} // namespace

void AppendCtEvent(std::string& out, const CtEvent& ev) {
    out += "{\"eventVersion\":\"";
    out += ev.management ? "1.09" : "1.10";
    out += "\",";
    Key(out, "userIdentity");
    AppendIdentity(out, *ev.identity);
    out += ',';
    Key(out, "eventTime");
    out += '"';
    AppendIsoSeconds(out, ev.time);
    out += "\",";
    StrField(out, "eventSource", ev.event_source);
    StrField(out, "eventName", ev.event_name);
    StrField(out, "awsRegion", ev.region);
    StrField(out, "sourceIPAddress", ev.source_ip);
    StrField(out, "userAgent", ev.user_agent);
    if (!ev.error_code.empty()) StrField(out, "errorCode", ev.error_code);
    if (!ev.error_message.empty()) StrField(out, "errorMessage", ev.error_message);
    Key(out, "requestParameters");
    out += ev.request;
    out += ',';
    Key(out, "responseElements");
    out += ev.response;
    out += ',';
    if (!ev.additional.empty()) {
        Key(out, "additionalEventData");
        out += ev.additional;
        out += ',';
    }
    if (!ev.request_id.empty()) StrField(out, "requestID", ev.request_id);
    StrField(out, "eventID", ev.event_id);
    Key(out, "readOnly");
    out += ev.read_only ? "true," : "false,";
    if (!ev.resources.empty()) {
        Key(out, "resources");
        out += ev.resources;
        out += ',';
    }
    StrField(out, "eventType", ev.event_type);
    Key(out, "managementEvent");
    out += ev.management ? "true," : "false,";
    StrField(out, "recipientAccountId", ev.recipient_account);
    Key(out, "eventCategory");
    out += ev.management ? "\"Management\"" : "\"Data\"";
    if (!ev.tls_host.empty()) {
        out += ",\"tlsDetails\":{\"tlsVersion\":\"TLSv1.3\",\"cipherSuite\":"
               "\"TLS_AES_128_GCM_SHA256\",\"clientProvidedHostHeader\":";
        AppendJson(out, ev.tls_host);
        out += '}';
    }
    if (ev.console_session) out += ",\"sessionCredentialFromConsole\":\"true\"";
    out += '}';
}

std::string AwsId(Rng& rng, std::string_view prefix, size_t total_len) {
    std::string s(prefix);
    rng.AppendChars(s, total_len > prefix.size() ? total_len - prefix.size() : 0, kUpperDigits);
    return s;
}

std::string RequestId(Rng& rng, bool s3) {
    if (!s3) return rng.Uuid();
    return rng.Chars(16, "0123456789ABCDEF");
}

} // namespace cloudsift::sim
