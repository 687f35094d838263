// IP addresses and CIDR blocks (IPv4 and IPv6), for the Sigma cidr modifier and analytics.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cloudsift {

//! An IPv4 or IPv6 address; IPv4 is stored as an IPv4-mapped IPv6 address.
struct IpAddress {
    std::array<uint8_t, 16> bytes{};
    bool v4 = false;
};

//! Parses dotted IPv4 or RFC 4291 IPv6 text (with "::" and embedded IPv4); nullopt otherwise.
std::optional<IpAddress> ParseIp(std::string_view s);

//! A network: address plus prefix length (counted on the 128-bit form).
struct Cidr {
    IpAddress network;
    int prefix = 0; //!< prefix length in the address family's own bits (0..32 or 0..128)
};

//! Parses "10.0.0.0/8", "2001:db8::/32" or a bare address (full-length prefix).
std::optional<Cidr> ParseCidr(std::string_view s);

//! Whether ip lies in cidr (families must agree).
bool CidrContains(const Cidr& cidr, const IpAddress& ip);

//! Whether ip is private, loopback, link-local or otherwise not publicly routable.
bool IsPrivateIp(const IpAddress& ip);

} // namespace cloudsift
