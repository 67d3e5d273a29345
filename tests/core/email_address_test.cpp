#include "core/email_address.hpp"

#include <gtest/gtest.h>

#include <string>

namespace communique {
namespace {

std::string normalised(std::string_view input) {
  auto parsed = EmailAddress::parse(input);
  return parsed ? parsed->str() : "error: " + parsed.error().message;
}

std::string rejection(std::string_view input) {
  auto parsed = EmailAddress::parse(input);
  return parsed ? "accepted: " + parsed->str() : parsed.error().message;
}

TEST(EmailAddress, AcceptsOrdinaryAddresses) {
  EXPECT_EQ(normalised("ann@example.org"), "ann@example.org");
  EXPECT_EQ(normalised("first.last+tag@sub.example.co.uk"), "first.last+tag@sub.example.co.uk");
  EXPECT_EQ(normalised("o'brien@example.ie"), "o'brien@example.ie");
  EXPECT_EQ(normalised("x!#$%&*/=?^_`{|}~-@example.org"), "x!#$%&*/=?^_`{|}~-@example.org");
}

TEST(EmailAddress, LowerCasesTheDomainOnlyAndTrims) {
  auto parsed = EmailAddress::parse("  John.Smith@Example.ORG ");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->str(), "John.Smith@example.org");
  EXPECT_EQ(parsed->local_part(), "John.Smith");
  EXPECT_EQ(parsed->domain(), "example.org");
  EXPECT_EQ(address_key(*parsed), "john.smith@example.org");
}

TEST(EmailAddress, AcceptsQuotedLocalParts) {
  EXPECT_EQ(normalised("\"john doe\"@example.org"), "\"john doe\"@example.org");
  EXPECT_EQ(normalised("\"a@b\"@example.org"), "\"a@b\"@example.org");
  EXPECT_EQ(normalised("\"quote\\\"inside\"@example.org"), "\"quote\\\"inside\"@example.org");
  EXPECT_EQ(normalised("\"..\"@example.org"), "\"..\"@example.org");
}

TEST(EmailAddress, SpellsAQuotedMailboxOneWay) {
  // Quotes and backslashes are not part of the mailbox (RFC 5322 3.2.4): these are d@, so
  // a cooldown or a blocklist keyed by the address meets every spelling of it.
  EXPECT_EQ(normalised("\"d\"@example.org"), "d@example.org");
  EXPECT_EQ(normalised("\"\\d\"@example.org"), "d@example.org");
  EXPECT_EQ(normalised("\"vic\\tim\"@example.org"), "victim@example.org");
  EXPECT_EQ(normalised("\"john.smith\"@example.org"), "john.smith@example.org");
  // Escapes that are not needed go; those that are stay.
  EXPECT_EQ(normalised("\"jo\\hn doe\"@example.org"), "\"john doe\"@example.org");
  EXPECT_EQ(normalised("\"a\\\\b c\"@example.org"), "\"a\\\\b c\"@example.org");
}

TEST(EmailAddress, RejectsBrokenQuotedLocalParts) {
  EXPECT_EQ(rejection("\"unclosed@example.org"), "the quoted part before '@' is not closed");
  EXPECT_EQ(rejection("\"a\"b\"@example.org"),
            "the quoted part before '@' has an unescaped quote inside");
  EXPECT_EQ(rejection("\"bell\x07\"@example.org"), "the address contains a control character");
}

TEST(EmailAddress, ConvertsInternationalDomainsToALabels) {
  EXPECT_EQ(normalised("info@bücher.de"), "info@xn--bcher-kva.de");
  EXPECT_EQ(normalised("press@МИД.РФ"), "press@xn--d1ahl.xn--p1ai");
  EXPECT_EQ(normalised("a@XN--BCHER-KVA.de"), "a@xn--bcher-kva.de");
  EXPECT_EQ(normalised("пресса@пример.рф"), "пресса@xn--e1afmkfd.xn--p1ai");
}

TEST(EmailAddress, RejectsInvalidInternationalDomains) {
  EXPECT_TRUE(rejection("a@xn--zz.de").starts_with("the domain is not a valid internationalised"));
}

TEST(EmailAddress, RejectsStructuralMistakes) {
  EXPECT_EQ(rejection(""), "the address is empty");
  EXPECT_EQ(rejection("no-at-sign.example.org"), "the address has no '@'");
  EXPECT_EQ(rejection("@example.org"), "the address has nothing before '@'");
  EXPECT_EQ(rejection("ann@"), "the address has nothing after '@'");
  EXPECT_EQ(rejection("a@b@example.org"), "the address has more than one '@'");
  EXPECT_EQ(rejection(".ann@example.org"), "the part before '@' starts with a dot");
  EXPECT_EQ(rejection("ann.@example.org"), "the part before '@' ends with a dot");
  EXPECT_EQ(rejection("an..n@example.org"), "the part before '@' has two dots in a row");
  EXPECT_EQ(rejection("ann smith@example.org"), "the address contains a space");
  EXPECT_EQ(rejection("Ann <ann@example.org>"),
            "the address has a display name or angle brackets; give the bare address, such as "
            "ann@example.org");
  EXPECT_EQ(rejection("a<b@example.org"),
            "the part before '@' contains '<', which is only allowed inside quotes");
  EXPECT_EQ(rejection("ann@example.org\r\nBcc: x@y.org"), "the address contains a line break");
}

TEST(EmailAddress, RejectsBadDomains) {
  EXPECT_EQ(rejection("ann@example.org."), "the domain ends with a dot");
  EXPECT_EQ(rejection("ann@localhost"),
            "the domain has no dot; a full domain such as example.org is needed");
  EXPECT_EQ(rejection("ann@example..org"),
            "the domain has an empty label (two dots in a row, or a leading dot)");
  EXPECT_EQ(rejection("ann@-example.org"), "a label of the domain starts or ends with a hyphen");
  EXPECT_EQ(rejection("ann@exa_mple.org"),
            "the domain contains '_', which is not allowed in a host name");
  EXPECT_EQ(rejection("ann@[192.0.2.1]"),
            "addresses at an IP literal ([...]) are not accepted; use a domain name");
  EXPECT_EQ(rejection("ann@192.0.2.1"),
            "the domain ends in a number; an address needs a domain name, not an IP");
}

TEST(EmailAddress, EnforcesLengthLimits) {
  const std::string local64(64, 'a');
  const std::string local65(65, 'a');
  EXPECT_EQ(normalised(local64 + "@example.org"), local64 + "@example.org");
  EXPECT_EQ(rejection(local65 + "@example.org"),
            "the part before '@' is longer than 64 characters");

  const std::string label63(63, 'b');
  const std::string label64(64, 'b');
  EXPECT_EQ(normalised("a@" + label63 + ".org"), "a@" + label63 + ".org");
  EXPECT_EQ(rejection("a@" + label64 + ".org"),
            "a label of the domain is longer than 63 characters");

  // 63+1+63+1+63+1+61 = 253 octets: the longest domain; with a 1-octet local part, 255
  // octets in all, over the 254-octet limit of a whole address.
  const std::string domain253 =
      label63 + "." + label63 + "." + label63 + "." + std::string(57, 'c') + ".org";
  ASSERT_EQ(domain253.size(), 253u);
  EXPECT_EQ(rejection("a@" + domain253), "the address is longer than 254 characters");
  EXPECT_EQ(rejection("a@" + domain253 + "x"), "the domain is longer than 253 characters");
}

TEST(EmailAddress, RejectsInvalidUtf8AndAcceptsUtf8LocalParts) {
  EXPECT_EQ(rejection("ann\xC3@example.org"), "the address is not valid UTF-8");
  EXPECT_EQ(normalised("josé@example.es"), "josé@example.es");
}

}  // namespace
}  // namespace communique
