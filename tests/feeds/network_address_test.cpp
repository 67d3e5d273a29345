#include "feeds/network_address.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>
#include <string>

#include <gtest/gtest.h>

namespace communique {
namespace {

// The reason classify_address gives for `text` (an IPv4 or IPv6 address), or "public".
std::string reason_for(const std::string& text) {
  sockaddr_in v4{};
  sockaddr_in6 v6{};
  const sockaddr* address = nullptr;
  if (inet_pton(AF_INET, text.c_str(), &v4.sin_addr) == 1) {
    v4.sin_family = AF_INET;
    address = reinterpret_cast<const sockaddr*>(&v4);
  } else if (inet_pton(AF_INET6, text.c_str(), &v6.sin6_addr) == 1) {
    v6.sin6_family = AF_INET6;
    address = reinterpret_cast<const sockaddr*>(&v6);
  } else {
    ADD_FAILURE() << text << " is not an address";
    return "";
  }
  const auto reason = classify_address(address);
  return reason ? std::string(*reason) : "public";
}

TEST(ClassifyAddress, LoopbackAndUnspecified) {
  EXPECT_EQ(reason_for("127.0.0.1"), "a loopback address");
  EXPECT_EQ(reason_for("127.255.255.254"), "a loopback address");
  EXPECT_EQ(reason_for("::1"), "a loopback address");
  EXPECT_EQ(reason_for("0.0.0.0"), "the unspecified address");
  EXPECT_EQ(reason_for("::"), "the unspecified address");
  EXPECT_EQ(reason_for("0.1.2.3"), "a reserved address");
}

TEST(ClassifyAddress, PrivateNetworks) {
  for (const auto* address :
       {"10.0.0.1", "10.255.255.255", "172.16.0.1", "172.31.255.255", "192.168.0.1",
        "192.168.255.255", "fc00::1", "fd12:3456::1", "fec0::1"}) {
    EXPECT_EQ(reason_for(address), "a private address") << address;
  }
  EXPECT_EQ(reason_for("172.15.255.255"), "public");
  EXPECT_EQ(reason_for("172.32.0.0"), "public");
  EXPECT_EQ(reason_for("192.169.0.1"), "public");
  EXPECT_EQ(reason_for("11.0.0.1"), "public");
}

TEST(ClassifyAddress, LinkLocalAndTheMetadataService) {
  EXPECT_EQ(reason_for("169.254.0.1"), "a link-local address");
  EXPECT_EQ(reason_for("169.254.169.254"), "a link-local address (the cloud metadata service)");
  EXPECT_EQ(reason_for("fe80::1"), "a link-local address");
  EXPECT_EQ(reason_for("febf::1"), "a link-local address");
  EXPECT_EQ(reason_for("169.255.0.1"), "public");
}

TEST(ClassifyAddress, SharedMulticastBroadcastAndReserved) {
  EXPECT_EQ(reason_for("100.64.0.1"), "a shared address (carrier-grade NAT)");
  EXPECT_EQ(reason_for("100.127.255.255"), "a shared address (carrier-grade NAT)");
  EXPECT_EQ(reason_for("100.63.255.255"), "public");
  EXPECT_EQ(reason_for("100.128.0.0"), "public");
  EXPECT_EQ(reason_for("224.0.0.1"), "a multicast address");
  EXPECT_EQ(reason_for("239.255.255.255"), "a multicast address");
  EXPECT_EQ(reason_for("ff02::1"), "a multicast address");
  EXPECT_EQ(reason_for("255.255.255.255"), "the broadcast address");
  for (const auto* address : {"240.0.0.1", "192.0.0.8", "192.0.2.1", "198.18.0.1", "198.19.255.1",
                              "198.51.100.7", "203.0.113.9", "2001:db8::1", "100::1"}) {
    EXPECT_EQ(reason_for(address), "a reserved address") << address;
  }
}

TEST(ClassifyAddress, IpvSixFormsCarryingAnIpvFourAddressAreJudgedByIt) {
  EXPECT_EQ(reason_for("::ffff:127.0.0.1"), "a loopback address");
  EXPECT_EQ(reason_for("::ffff:10.1.2.3"), "a private address");
  EXPECT_EQ(reason_for("::ffff:169.254.169.254"),
            "a link-local address (the cloud metadata service)");
  EXPECT_EQ(reason_for("::ffff:0.0.0.0"), "the unspecified address");
  EXPECT_EQ(reason_for("::ffff:100.64.0.1"), "a shared address (carrier-grade NAT)");
  EXPECT_EQ(reason_for("::ffff:93.184.216.34"), "public");
  EXPECT_EQ(reason_for("::127.0.0.1"), "a loopback address");
  EXPECT_EQ(reason_for("::93.184.216.34"), "a reserved address");
  EXPECT_EQ(reason_for("64:ff9b::127.0.0.1"), "a loopback address");
  EXPECT_EQ(reason_for("64:ff9b::93.184.216.34"), "public");
  EXPECT_EQ(reason_for("2002:7f00:1::"), "a loopback address");
  EXPECT_EQ(reason_for("2002:a9fe:a9fe::1"), "a link-local address (the cloud metadata service)");
  EXPECT_EQ(reason_for("2002:5db8:d822::1"), "public");
}

TEST(ClassifyAddress, PublicAddressesPass) {
  for (const auto* address : {"1.1.1.1", "8.8.8.8", "93.184.216.34", "223.255.255.255",
                              "2606:4700:4700::1111", "2a00:1450:4001:82a::200e"}) {
    EXPECT_EQ(reason_for(address), "public") << address;
  }
}

TEST(ClassifyAddress, OtherFamiliesAreRefused) {
  sockaddr unix_address{};
  unix_address.sa_family = AF_UNIX;
  EXPECT_EQ(classify_address(&unix_address), "not an internet address");
  EXPECT_EQ(classify_address(nullptr), "not an internet address");
}

TEST(AddressText, WritesTheAddressWithoutPort) {
  sockaddr_in6 v6{};
  v6.sin6_family = AF_INET6;
  inet_pton(AF_INET6, "::ffff:127.0.0.1", &v6.sin6_addr);
  EXPECT_EQ(address_text(reinterpret_cast<const sockaddr*>(&v6)), "::ffff:127.0.0.1");
  sockaddr_in v4{};
  v4.sin_family = AF_INET;
  v4.sin_port = htons(80);
  inet_pton(AF_INET, "10.0.0.1", &v4.sin_addr);
  EXPECT_EQ(address_text(reinterpret_cast<const sockaddr*>(&v4)), "10.0.0.1");
}

}  // namespace
}  // namespace communique
