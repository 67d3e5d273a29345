// Which network addresses a feed may be fetched from. A feed's URL is written by a person
// but its host is resolved by DNS, and its redirects are chosen by the site: either can
// point the fetcher at the machine Communiqué runs on, its private network or a cloud
// metadata service (server-side request forgery). The fetcher asks this module about every
// address it is about to connect to, at every redirect hop, after DNS has answered.
//
// Policy: refused, unless [feeds] allow_private_networks = true, are
// - loopback (127.0.0.0/8, ::1) and the unspecified address (0.0.0.0, ::);
// - private (10/8, 172.16/12, 192.168/16, fc00::/7, the old site-local fec0::/10);
// - link-local (169.254/16, with the 169.254.169.254 metadata address; fe80::/10);
// - shared carrier-grade NAT (100.64/10), multicast (224/4, ff00::/8), broadcast
//   (255.255.255.255) and the other reserved IPv4 blocks (0/8, 192.0.0/24, the
//   documentation and benchmarking blocks, 240/4);
// - IPv6 forms that carry an IPv4 address (IPv4-mapped ::ffff:a.b.c.d, IPv4-compatible
//   ::a.b.c.d, NAT64 64:ff9b::a.b.c.d, 6to4 2002:AABB:CCDD::) are judged by the IPv4
//   address they carry, so ::ffff:127.0.0.1 is the loopback address it is.
// It does not resolve names, and it judges addresses only: which hosts a person may add
// is not its business.
#pragma once

#include <sys/socket.h>

#include <optional>
#include <string>
#include <string_view>

namespace communique {

// Why `address` (an AF_INET or AF_INET6 socket address) is not on the public internet,
// as the words after "refused to connect to 10.0.0.1 (": "a private address"; nothing for
// a public address. Other families are refused as "not an internet address".
std::optional<std::string_view> classify_address(const sockaddr* address);

// `address` as text without its port ("127.0.0.1", "::1"); "an unknown address" for a
// family other than AF_INET and AF_INET6.
std::string address_text(const sockaddr* address);

}  // namespace communique
