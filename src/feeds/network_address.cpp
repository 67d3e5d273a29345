#include "feeds/network_address.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

namespace communique {

namespace {

using Ipv4 = std::uint32_t;  // in host order
using Ipv6 = std::array<std::uint8_t, 16>;

struct Ipv4Block {
  Ipv4 network;
  int prefix;
  std::string_view reason;
};

constexpr Ipv4 ipv4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
  return (Ipv4{a} << 24) | (Ipv4{b} << 16) | (Ipv4{c} << 8) | Ipv4{d};
}

constexpr std::string_view kLoopback = "a loopback address";
constexpr std::string_view kPrivate = "a private address";
constexpr std::string_view kLinkLocal = "a link-local address";
constexpr std::string_view kReserved = "a reserved address";
constexpr std::string_view kMulticast = "a multicast address";
constexpr std::string_view kUnspecified = "the unspecified address";

// The first block that holds an address decides; the exact ones come before their blocks.
constexpr std::array kIpv4Blocks{
    Ipv4Block{ipv4(0, 0, 0, 0), 32, kUnspecified},
    Ipv4Block{ipv4(0, 0, 0, 0), 8, kReserved},
    Ipv4Block{ipv4(10, 0, 0, 0), 8, kPrivate},
    Ipv4Block{ipv4(100, 64, 0, 0), 10, "a shared address (carrier-grade NAT)"},
    Ipv4Block{ipv4(127, 0, 0, 0), 8, kLoopback},
    Ipv4Block{ipv4(169, 254, 169, 254), 32, "a link-local address (the cloud metadata service)"},
    Ipv4Block{ipv4(169, 254, 0, 0), 16, kLinkLocal},
    Ipv4Block{ipv4(172, 16, 0, 0), 12, kPrivate},
    Ipv4Block{ipv4(192, 0, 0, 0), 24, kReserved},
    Ipv4Block{ipv4(192, 0, 2, 0), 24, kReserved},
    Ipv4Block{ipv4(192, 168, 0, 0), 16, kPrivate},
    Ipv4Block{ipv4(198, 18, 0, 0), 15, kReserved},
    Ipv4Block{ipv4(198, 51, 100, 0), 24, kReserved},
    Ipv4Block{ipv4(203, 0, 113, 0), 24, kReserved},
    Ipv4Block{ipv4(224, 0, 0, 0), 4, kMulticast},
    Ipv4Block{ipv4(255, 255, 255, 255), 32, "the broadcast address"},
    Ipv4Block{ipv4(240, 0, 0, 0), 4, kReserved},
};

std::optional<std::string_view> classify_ipv4(Ipv4 address) {
  for (const auto& block : kIpv4Blocks) {
    const Ipv4 mask = block.prefix == 0 ? 0 : ~Ipv4{0} << (32 - block.prefix);
    if ((address & mask) == block.network) {
      return block.reason;
    }
  }
  return std::nullopt;
}

Ipv4 ipv4_at(const Ipv6& address, std::size_t offset) {
  return ipv4(address[offset], address[offset + 1], address[offset + 2], address[offset + 3]);
}

bool starts_with(const Ipv6& address, std::initializer_list<std::uint8_t> prefix) {
  return std::equal(prefix.begin(), prefix.end(), address.begin());
}

std::optional<std::string_view> classify_ipv6(const Ipv6& address) {
  const bool first_twelve_zero =
      std::all_of(address.begin(), address.begin() + 12, [](std::uint8_t b) { return b == 0; });
  if (first_twelve_zero) {
    const Ipv4 low = ipv4_at(address, 12);
    if (low == 0) {
      return kUnspecified;
    }
    if (low == 1) {
      return kLoopback;
    }
    // IPv4-compatible (::a.b.c.d, deprecated): judged as the IPv4 address, and refused
    // even when that one is public, since nothing legitimate is reached so.
    return classify_ipv4(low).value_or(kReserved);
  }
  if (starts_with(address, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff}) ||        // ::ffff:a.b.c.d
      starts_with(address, {0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0})) {  // NAT64
    return classify_ipv4(ipv4_at(address, 12));
  }
  if (starts_with(address, {0x20, 0x02})) {  // 6to4: 2002:AABB:CCDD::/48
    return classify_ipv4(ipv4_at(address, 2));
  }
  if ((address[0] & 0xfe) == 0xfc) {  // fc00::/7, unique local
    return kPrivate;
  }
  if (address[0] == 0xfe && (address[1] & 0xc0) == 0x80) {  // fe80::/10
    return kLinkLocal;
  }
  if (address[0] == 0xfe && (address[1] & 0xc0) == 0xc0) {  // fec0::/10, site-local
    return kPrivate;
  }
  if (address[0] == 0xff) {
    return kMulticast;
  }
  if (starts_with(address, {0x20, 0x01, 0x0d, 0xb8}) ||        // documentation
      starts_with(address, {0x01, 0x00, 0, 0, 0, 0, 0, 0})) {  // discard-only
    return kReserved;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string_view> classify_address(const sockaddr* address) {
  if (address == nullptr) {
    return "not an internet address";
  }
  if (address->sa_family == AF_INET) {
    sockaddr_in v4{};
    std::memcpy(&v4, address, sizeof v4);
    return classify_ipv4(ntohl(v4.sin_addr.s_addr));
  }
  if (address->sa_family == AF_INET6) {
    sockaddr_in6 v6{};
    std::memcpy(&v6, address, sizeof v6);
    Ipv6 bytes{};
    std::memcpy(bytes.data(), &v6.sin6_addr, bytes.size());
    return classify_ipv6(bytes);
  }
  return "not an internet address";
}

std::string address_text(const sockaddr* address) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address != nullptr && address->sa_family == AF_INET) {
    sockaddr_in v4{};
    std::memcpy(&v4, address, sizeof v4);
    return inet_ntop(AF_INET, &v4.sin_addr, text, sizeof text) ? text : "an unknown address";
  }
  if (address != nullptr && address->sa_family == AF_INET6) {
    sockaddr_in6 v6{};
    std::memcpy(&v6, address, sizeof v6);
    return inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof text) ? text : "an unknown address";
  }
  return "an unknown address";
}

}  // namespace communique
