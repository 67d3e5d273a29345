#include "smtp/smtp_reply.hpp"

#include <gtest/gtest.h>

namespace communique {
namespace {

TEST(SmtpReply, ReadsSingleAndMultiLineReplies) {
  SmtpReplyReader reader;
  auto single = reader.feed("250 2.0.0 Ok: queued as 1234");
  ASSERT_TRUE(single);
  EXPECT_EQ(single->code, 250);
  EXPECT_TRUE(single->positive());
  EXPECT_EQ(single->summary(), "250 2.0.0 Ok: queued as 1234");

  EXPECT_FALSE(reader.feed("250-mail.example.org"));
  EXPECT_FALSE(reader.feed("250-PIPELINING"));
  EXPECT_FALSE(reader.feed("250-SIZE 10240000"));
  EXPECT_FALSE(reader.feed("250-auth plain LOGIN"));
  auto ehlo = reader.feed("250 STARTTLS");
  ASSERT_TRUE(ehlo);
  EXPECT_EQ(ehlo->text, "mail.example.org\nPIPELINING\nSIZE 10240000\nauth plain LOGIN\nSTARTTLS");
  auto extensions = parse_extensions(*ehlo);
  EXPECT_TRUE(extensions.has("PIPELINING"));
  EXPECT_TRUE(extensions.has("SIZE"));
  EXPECT_TRUE(extensions.has("STARTTLS"));
  EXPECT_FALSE(extensions.has("SMTPUTF8"));
  EXPECT_EQ(extensions.auth_mechanisms, (std::set<std::string>{"LOGIN", "PLAIN"}));
}

TEST(SmtpReply, ClassifiesCodes) {
  SmtpReplyReader reader;
  EXPECT_TRUE(reader.feed("451 4.7.1 Try again later")->temporary());
  EXPECT_TRUE(reader.feed("550 5.1.1 User unknown")->permanent());
  EXPECT_TRUE(reader.feed("354 End data with <CR><LF>.<CR><LF>")->positive());
  EXPECT_EQ(reader.feed("221")->code, 221);
}

TEST(SmtpReply, MalformedLinesAreProtocolErrors) {
  SmtpReplyReader reader;
  auto garbage = reader.feed("HTTP/1.1 400 Bad Request");
  ASSERT_TRUE(garbage);
  EXPECT_EQ(garbage->code, 0);
  EXPECT_TRUE(garbage->text.starts_with("malformed reply"));
  EXPECT_EQ(reader.feed("25x nope")->code, 0);
}

}  // namespace
}  // namespace communique
