#include "formats/vpcflow.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <cstring>

#include "common/strings.h"
#include "formats/format_base.h"
#include "formats/text_util.h"

namespace cloudsift {
namespace {

using formats::AllDigits;
using formats::ParseUint;

constexpr size_t kMaxFields = 64;

// What a column means for the normalized view.
enum class Role : uint8_t {
    None, Version, Account, Interface, SrcAddr, DstAddr, SrcPort, DstPort, Protocol, Start, End,
    Action, LogStatus, VpcId, InstanceId, Region, TgwAttachment,
};

Role RoleOf(std::string_view name) {
    struct Entry {
        std::string_view name;
        Role role;
    };
    static constexpr Entry kRoles[] = {
        {"version", Role::Version},     {"account-id", Role::Account},
        {"interface-id", Role::Interface}, {"srcaddr", Role::SrcAddr},
        {"dstaddr", Role::DstAddr},     {"srcport", Role::SrcPort},
        {"dstport", Role::DstPort},     {"protocol", Role::Protocol},
        {"start", Role::Start},         {"end", Role::End},
        {"action", Role::Action},       {"log-status", Role::LogStatus},
        {"vpc-id", Role::VpcId},        {"instance-id", Role::InstanceId},
        {"region", Role::Region},       {"tgw-attachment-id", Role::TgwAttachment},
    };
    for (const auto& e : kRoles)
        if (e.name == name) return e.role;
    return Role::None;
}

bool IsFieldName(std::string_view s) {
    if (s.empty() || s.size() > 64) return false;
    for (char c : s)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return false;
    return true;
}

// Splits on runs of spaces/tabs into out (at most kMaxFields + 1 entries); returns the count.
// Splits line at runs of spaces and tabs into out (room for kMaxFields + 1 tokens); stops after
// kMaxFields + 1 tokens (the caller rejects such a line).
size_t SplitSpaces(std::string_view line, std::string_view* out) {
    size_t n = 0;
    const char* p = line.data();
    const size_t len = line.size();
    size_t start = SIZE_MAX; // start of the token being read
    auto close = [&](size_t at) {
        out[n++] = std::string_view(p + start, at - start);
        start = SIZE_MAX;
        return n <= kMaxFields;
    };
    size_t i = 0;
#if defined(__SSE2__)
    // 16 bytes per step: the token edges are where "is a separator" changes.
    const __m128i space = _mm_set1_epi8(' '), tab = _mm_set1_epi8('\t');
    unsigned carry = 1; // the position before the line counts as a separator
    for (; i + 16 <= len; i += 16) {
        __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
        unsigned sep = unsigned(
            _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, space), _mm_cmpeq_epi8(v, tab))));
        unsigned prev = ((sep << 1) | carry) & 0xFFFFu;
        unsigned edges = (sep ^ prev) & 0xFFFFu;
        carry = sep >> 15;
        while (edges) {
            size_t at = i + size_t(__builtin_ctz(edges));
            edges &= edges - 1;
            if (start == SIZE_MAX)
                start = at;
            else if (!close(at))
                return n;
        }
    }
#endif
    for (; i < len; ++i) {
        bool sep = p[i] == ' ' || p[i] == '\t';
        if (start == SIZE_MAX) {
            if (!sep) start = i;
        } else if (sep && !close(i)) {
            return n;
        }
    }
    if (start != SIZE_MAX) close(len);
    return n;
}

struct Layout {
    std::vector<std::string> names;
    std::vector<Role> roles;
    void Set(std::vector<std::string> n) {
        names = std::move(n);
        roles.clear();
        for (const auto& name : names) roles.push_back(RoleOf(name));
    }
};

class VpcFlowDecoder final : public formats::LineDecoder {
public:
    VpcFlowDecoder(const FileInfo& info, const std::vector<std::string>* forced) : info_(info) {
        if (forced && !forced->empty()) {
            forced_.Set(*forced);
            has_forced_ = true;
        }
    }

private:
    void DecodeLine(std::string_view line, uint64_t line_no, RecordFn emit,
                    DecodeReport& report) override {
        if (line.size() > (1u << 16)) {
            report.Bad(line_no, "vpcflow.line_too_long", line);
            return;
        }
        if (line.front() == '{') {
            if (!Unwrap(line, line_no, report)) return;
            line = message_;
        }
        std::string_view* toks = toks_; // member storage: no per-line initialization
        size_t n = SplitSpaces(line, toks);
        if (n == 0) return;
        size_t skip = 0;
        // CloudWatch export form: "<iso-time> <record>".
        if (toks[0].size() >= 20 && toks[0][4] == '-' && toks[0][10] == 'T' && n > 1 &&
            AllDigits(toks[1]))
            skip = 1;
        std::string_view first = toks[skip];
        if (!AllDigits(first)) {
            if (IsHeader(toks + skip, n - skip)) {
                std::vector<std::string> names;
                for (size_t i = skip; i < n; ++i) names.emplace_back(toks[i]);
                header_.Set(std::move(names));
                has_header_ = true;
                return;
            }
            report.Bad(line_no, "vpcflow.not_a_record", line);
            return;
        }
        if (n > kMaxFields) {
            report.Bad(line_no, "vpcflow.field_count", line);
            return;
        }
        const Layout* layout = Choose(toks + skip, n - skip, report);
        if (!layout || layout->names.size() != n - skip) {
            report.Bad(line_no, "vpcflow.field_count", line);
            return;
        }
        Reset();
        Fill(*layout, toks + skip, n - skip);
        Emit(emit, line_no);
    }

    bool IsHeader(const std::string_view* toks, size_t n) const {
        bool known = false;
        for (size_t i = 0; i < n; ++i) {
            if (!IsFieldName(toks[i])) return false;
            known |= RoleOf(toks[i]) != Role::None || StartsWith(toks[i], "tgw-");
        }
        return known;
    }

    bool Unwrap(std::string_view line, uint64_t line_no, DecodeReport& report) {
        simdjson::dom::element root;
        std::string_view msg;
        if (parser_.parse(line.data(), line.size()).get(root) != simdjson::SUCCESS ||
            (msg = formats::JStr(root, "message")).empty()) {
            report.Bad(line_no, "vpcflow.json_wrapper", line);
            return false;
        }
        message_.assign(msg);
        return true;
    }

    const Layout* Choose(const std::string_view* toks, size_t n, DecodeReport& report) {
        if (has_header_) return &header_;
        if (has_forced_) return &forced_;
        bool tgw = (n > 3 && StartsWith(toks[3], "tgw-")) || (n > 1 && toks[1] == "TransitGateway");
        const auto& all = tgw ? TgwFlowDocumentedFields() : VpcFlowDocumentedFields();
        // Fewer values than the default format cannot be placed without a field list.
        if (n > all.size() || n < 14) return nullptr;
        Layout& l = tgw ? tgw_ : assumed_;
        if (l.names.size() != n) {
            l.Set(std::vector<std::string>(all.begin(), all.begin() + long(n)));
            if (n != 14 && !noted_) {
                noted_ = true;
                report.Note(tgw ? "vpcflow: no header line; Transit Gateway fields assumed in "
                                  "AWS's documented order"
                                : "vpcflow: no header line; fields assumed in AWS's documented "
                                  "order");
            }
        }
        return &l;
    }

    void Fill(const Layout& layout, const std::string_view* toks, size_t n) {
        norm_.cls = EventClass::NetworkActivity;
        norm_.logsource = {"aws", "vpcflow", {"firewall", ""}};
        norm_.source_type = "vpcflow";
        norm_.service = "vpcflowlogs";
        norm_.account = info_.hints.account;
        norm_.region = info_.hints.region;
        std::string_view end_time;
        for (size_t i = 0; i < n; ++i) {
            std::string_view v = toks[i];
            if (v == "-") continue;
            ev_.AddString(layout.names[i], v);
            switch (layout.roles[i]) {
            case Role::Account: norm_.account = v; break;
            case Role::Interface: norm_.interface_id = v; break;
            case Role::SrcAddr:
                norm_.src_ip = v;
                ev_.AddString("src_ip", v);
                break;
            case Role::DstAddr:
                norm_.dst_ip = v;
                ev_.AddString("dst_ip", v);
                break;
            case Role::SrcPort:
                norm_.src_port = v;
                ev_.AddString("src_port", v);
                break;
            case Role::DstPort:
                norm_.dst_port = v;
                ev_.AddString("dst_port", v);
                break;
            case Role::Protocol: norm_.protocol = formats::ProtocolName(v); break;
            case Role::Start: {
                uint64_t s;
                if (ParseUint(v, s) && s < (1ull << 40)) norm_.time = TimeMs(s) * 1000;
                break;
            }
            case Role::End: end_time = v; break;
            case Role::Action:
                norm_.action = v;
                norm_.outcome = v == "ACCEPT" ? "success" : v == "REJECT" ? "failure" : "";
                break;
            case Role::VpcId: norm_.vpc_id = v; break;
            case Role::InstanceId: norm_.instance_id = v; break;
            case Role::Region: norm_.region = v; break;
            case Role::TgwAttachment: norm_.resource = v; break;
            default: break;
            }
        }
        if (norm_.time == 0 && !end_time.empty()) {
            uint64_t s;
            if (ParseUint(end_time, s) && s < (1ull << 40)) norm_.time = TimeMs(s) * 1000;
        }
        if (norm_.resource.empty()) norm_.resource = norm_.interface_id;
    }

    const FileInfo info_;
    Layout header_, forced_, assumed_, tgw_;
    bool has_header_ = false, has_forced_ = false, noted_ = false;
    simdjson::dom::parser parser_;
    std::string message_;
    std::string_view toks_[kMaxFields + 1];
};

int SniffVpcFlow(std::string_view head, const FileInfo& info) {
    int score = 0;
    if (IEquals(info.hints.service, "vpcflowlogs")) score = 60;
    int good = 0, lines = 0;
    formats::ForEachLine(head.substr(0, 8192), 1, [&](std::string_view line, uint64_t) {
        if (lines >= 5 || line.empty()) return;
        ++lines;
        if (StartsWith(line, "{\"message\":\"") && EndsWith(line, "\"}"))
            line = line.substr(12, line.size() - 14);
        std::string_view toks[kMaxFields + 1];
        size_t n = SplitSpaces(line, toks);
        if (n >= 2 && toks[0] == "version" &&
            (line.find(" srcaddr") != std::string_view::npos ||
             line.find(" tgw-id") != std::string_view::npos ||
             line.find(" interface-id") != std::string_view::npos)) {
            good += 3;
            return;
        }
        if (n < 10 || n > kMaxFields || toks[0].size() != 1 || toks[0][0] < '2' ||
            toks[0][0] > '9')
            return;
        bool status = false;
        for (size_t i = 0; i < n; ++i)
            status |= toks[i] == "OK" || toks[i] == "NODATA" || toks[i] == "SKIPDATA";
        if (status) ++good;
    });
    if (good >= 3 || (good > 0 && good == lines)) return std::max(score + 30, 85);
    if (good > 0) return std::max(score, 50);
    return score;
}

std::unique_ptr<FileDecoder> OpenVpcFlow(const FileInfo& info) {
    return std::make_unique<VpcFlowDecoder>(info, nullptr);
}

constexpr std::string_view kDescription =
    "VPC Flow Logs (default v2, custom v3-v8 with header, TGW flow logs, NODATA/SKIPDATA)";
constexpr std::string_view kExample =
    "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 "
    "1418530010 1418530070 ACCEPT OK";

class ForcedVpcFlowFormat final : public Format {
public:
    explicit ForcedVpcFlowFormat(std::vector<std::string> fields) : fields_(std::move(fields)) {}
    std::string_view Name() const override { return "vpcflow"; }
    std::string_view Description() const override { return kDescription; }
    std::string_view Example() const override { return kExample; }
    int Sniff(std::string_view head, const FileInfo& info) const override {
        return SniffVpcFlow(head, info);
    }
    bool LineOriented() const override { return true; }
    std::unique_ptr<FileDecoder> Open(const FileInfo& info) const override {
        return std::make_unique<VpcFlowDecoder>(info, &fields_);
    }

private:
    std::vector<std::string> fields_;
};

} // namespace

const std::vector<std::string>& VpcFlowDocumentedFields() {
    static const std::vector<std::string> fields = {
        // v2 (default format)
        "version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport",
        "protocol", "packets", "bytes", "start", "end", "action", "log-status",
        // v3
        "vpc-id", "subnet-id", "instance-id", "tcp-flags", "type", "pkt-srcaddr", "pkt-dstaddr",
        // v4
        "region", "az-id", "sublocation-type", "sublocation-id",
        // v5
        "pkt-src-aws-service", "pkt-dst-aws-service", "flow-direction", "traffic-path",
        // v7
        "ecs-cluster-arn", "ecs-cluster-name", "ecs-container-instance-arn",
        "ecs-container-instance-id", "ecs-container-id", "ecs-second-container-id",
        "ecs-service-name", "ecs-task-definition-arn", "ecs-task-arn", "ecs-task-id",
        // v8
        "reject-reason"};
    return fields;
}

const std::vector<std::string>& TgwFlowDocumentedFields() {
    static const std::vector<std::string> fields = {
        "version", "resource-type", "account-id", "tgw-id", "tgw-attachment-id",
        "tgw-src-vpc-account-id", "tgw-dst-vpc-account-id", "tgw-src-vpc-id", "tgw-dst-vpc-id",
        "tgw-src-subnet-id", "tgw-dst-subnet-id", "tgw-src-eni", "tgw-dst-eni", "tgw-src-az-id",
        "tgw-dst-az-id", "tgw-pair-attachment-id", "srcaddr", "dstaddr", "srcport", "dstport",
        "protocol", "packets", "bytes", "start", "end", "log-status", "type",
        "packets-lost-no-route", "packets-lost-blackhole", "packets-lost-mtu-exceeded",
        "packets-lost-ttl-expired", "tcp-flags", "region", "flow-direction",
        "pkt-src-aws-service", "pkt-dst-aws-service"};
    return fields;
}

Result<std::vector<std::string>> ParseVpcFlowFields(std::string_view spec) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i < spec.size()) {
        char c = spec[i];
        if (c == ' ' || c == ',' || c == '\t') {
            ++i;
            continue;
        }
        std::string_view name;
        if (c == '$') {
            if (i + 1 >= spec.size() || spec[i + 1] != '{')
                return Error{"vpcflow.fields", "expected '${' at position " + std::to_string(i)};
            size_t close = spec.find('}', i + 2);
            if (close == std::string_view::npos)
                return Error{"vpcflow.fields", "unterminated '${'"};
            name = spec.substr(i + 2, close - i - 2);
            i = close + 1;
        } else {
            size_t end = spec.find_first_of(" ,\t", i);
            if (end == std::string_view::npos) end = spec.size();
            name = spec.substr(i, end - i);
            i = end;
        }
        if (!IsFieldName(name))
            return Error{"vpcflow.fields", "not a flow log field name: '" + std::string(name) + "'"};
        out.emplace_back(name);
    }
    if (out.empty()) return Error{"vpcflow.fields", "empty field list"};
    if (out.size() > kMaxFields) return Error{"vpcflow.fields", "too many fields"};
    return out;
}

std::unique_ptr<Format> MakeVpcFlowFormat(std::vector<std::string> fields) {
    return std::make_unique<ForcedVpcFlowFormat>(std::move(fields));
}

const Format& VpcFlowFormat() {
    static const formats::SpecFormat format(
        {"vpcflow", kDescription, kExample, true, SniffVpcFlow, OpenVpcFlow});
    return format;
}

} // namespace cloudsift
