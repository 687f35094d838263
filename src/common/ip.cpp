#include "common/ip.h"

#include <arpa/inet.h>

#include <cstring>
#include <string>
#include <vector>

namespace cloudsift {

std::optional<IpAddress> ParseIp(std::string_view s) {
    if (s.empty() || s.size() > 45) return std::nullopt;
    std::string buf(s);
    IpAddress ip;
    in_addr a4{};
    if (inet_pton(AF_INET, buf.c_str(), &a4) == 1) {
        ip.v4 = true;
        ip.bytes[10] = 0xff;
        ip.bytes[11] = 0xff;
        std::memcpy(&ip.bytes[12], &a4, 4);
        return ip;
    }
    in6_addr a6{};
    if (inet_pton(AF_INET6, buf.c_str(), &a6) == 1) {
        std::memcpy(ip.bytes.data(), &a6, 16);
        return ip;
    }
    return std::nullopt;
}

std::optional<Cidr> ParseCidr(std::string_view s) {
    size_t slash = s.find('/');
    auto ip = ParseIp(s.substr(0, slash));
    if (!ip) return std::nullopt;
    Cidr c;
    c.network = *ip;
    int max = ip->v4 ? 32 : 128;
    c.prefix = max;
    if (slash != std::string_view::npos) {
        std::string_view p = s.substr(slash + 1);
        if (p.empty() || p.size() > 3) return std::nullopt;
        int v = 0;
        for (char ch : p) {
            if (ch < '0' || ch > '9') return std::nullopt;
            v = v * 10 + (ch - '0');
        }
        if (v > max) return std::nullopt;
        c.prefix = v;
    }
    return c;
}

bool CidrContains(const Cidr& cidr, const IpAddress& ip) {
    if (cidr.network.v4 != ip.v4) return false;
    int bits = cidr.prefix + (ip.v4 ? 96 : 0);
    int full = bits / 8;
    if (std::memcmp(cidr.network.bytes.data(), ip.bytes.data(), full) != 0) return false;
    int rest = bits % 8;
    if (rest == 0) return true;
    uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
    return (cidr.network.bytes[full] & mask) == (ip.bytes[full] & mask);
}

bool IsPrivateIp(const IpAddress& ip) {
    static const std::vector<Cidr> kBlocks = [] {
        std::vector<Cidr> v;
        for (const char* b : {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8",
                              "169.254.0.0/16", "100.64.0.0/10", "0.0.0.0/8", "::1/128",
                              "fc00::/7", "fe80::/10"})
            v.push_back(*ParseCidr(b));
        return v;
    }();
    for (const auto& c : kBlocks)
        if (CidrContains(c, ip)) return true;
    return false;
}

} // namespace cloudsift
