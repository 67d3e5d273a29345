#include "bounces/report_parse.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "bounces/classify.hpp"

namespace communique {
namespace {

const std::filesystem::path kCorpus =
    std::filesystem::path(COMMUNIQUE_TESTS_DIR) / "fixtures" / "bounces";

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

const std::string kDsn =
    "From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\r\n"
    "To: bounces+abc@news.example.com\r\n"
    "Subject: Undelivered Mail Returned to Sender\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n"
    "\r\n"
    "--B\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "I'm sorry to have to inform you that your message could not be delivered.\r\n"
    "--B\r\n"
    "Content-Type: message/delivery-status\r\n"
    "\r\n"
    "Reporting-MTA: dns; mx.example.org\r\n"
    "Arrival-Date: Thu,  3 Dec 2026 18:00:00 +0000 (UTC)\r\n"
    "\r\n"
    "Final-Recipient: rfc822; gone@example.org\r\n"
    "Original-Recipient: rfc822;gone@example.org\r\n"
    "Action: failed\r\n"
    "Status: 5.1.1\r\n"
    "Remote-MTA: dns; in.example.org\r\n"
    "Diagnostic-Code: smtp; 550 5.1.1 <gone@example.org>: Recipient address\r\n"
    "    rejected: User unknown\r\n"
    "\r\n"
    "Final-Recipient: rfc822; later@example.org\r\n"
    "Action: delayed\r\n"
    "Status: 4.2.2\r\n"
    "\r\n"
    "--B\r\n"
    "Content-Type: text/rfc822-headers\r\n"
    "\r\n"
    "Return-Path: <bounces+tag@news.example.com>\r\n"
    "Message-ID: <m1@news.example.com>\r\n"
    "To: gone@example.org\r\n"
    "Feedback-ID: 7:3:newsletter:communique\r\n"
    "\r\n"
    "--B--\r\n";

TEST(ReportParse, ReadsEveryRecipientBlockOfADeliveryStatusReport) {
  const Report report = parse_report(kDsn);
  ASSERT_EQ(report.kind, ReportKind::dsn) << report.reason;
  EXPECT_EQ(report.form, "rfc3464");
  EXPECT_EQ(report.reporting_mta, "mx.example.org");
  EXPECT_EQ(report.arrival_date, "Thu,  3 Dec 2026 18:00:00 +0000 (UTC)");
  ASSERT_EQ(report.recipients.size(), 2u);
  EXPECT_EQ(report.recipients[0].address, "gone@example.org");
  EXPECT_EQ(report.recipients[0].action, RecipientAction::failed);
  EXPECT_EQ(report.recipients[0].status, "5.1.1");
  EXPECT_EQ(report.recipients[0].remote_mta, "in.example.org");
  EXPECT_EQ(report.recipients[0].diagnostic,
            "550 5.1.1 <gone@example.org>: Recipient address rejected: User unknown");
  EXPECT_EQ(report.recipients[1].action, RecipientAction::delayed);
  EXPECT_EQ(report.recipients[1].status, "4.2.2");
  ASSERT_TRUE(report.original);
  EXPECT_EQ(report.original->return_path, "bounces+tag@news.example.com");
  EXPECT_EQ(report.original->message_id, "<m1@news.example.com>");
  EXPECT_EQ(report.original->feedback_id, "7:3:newsletter:communique");
  ASSERT_FALSE(report.addressed_to.empty());
  EXPECT_EQ(report.addressed_to.front(), "bounces+abc@news.example.com");
}

TEST(ReportParse, TextThatIsNotMailIsUnknownWithAReason) {
  for (const std::string& input :
       {std::string(), std::string("hello world\n"), std::string("\x00\x01\x02garbage", 10)}) {
    const Report report = parse_report(input);
    EXPECT_EQ(report.kind, ReportKind::unknown);
    EXPECT_FALSE(report.reason.empty());
  }
}

TEST(ReportParse, TenMegabytesOfGarbageAreUnknownNotACrash) {
  std::string garbage = "X-Garbage: yes\n\n";
  unsigned state = 12345;
  while (garbage.size() < 10'000'000) {
    state = state * 1103515245 + 12345;
    garbage.push_back(static_cast<char>(state >> 16));
  }
  const Report report = parse_report(garbage);
  EXPECT_EQ(report.kind, ReportKind::unknown);
  EXPECT_FALSE(report.reason.empty());
}

TEST(ReportParse, MoreThanSixteenMebibytesIsNotRead) {
  const std::string huge = "Subject: x\n\n" + std::string(17 * 1024 * 1024, 'a');
  const Report report = parse_report(huge);
  EXPECT_EQ(report.kind, ReportKind::unknown);
  EXPECT_NE(report.reason.find("larger than"), std::string::npos);
}

TEST(ReportParse, DeepNestingIsRefusedBeforeGMimeBuildsIt) {
  std::string message = "From: a@example.org\nSubject: nested\nMIME-Version: 1.0\n";
  const int depth = 5000;
  for (int i = 0; i < depth; ++i) {
    message += "Content-Type: multipart/mixed; boundary=\"b" + std::to_string(i) + "\"\n\n--b" +
               std::to_string(i) + "\n";
  }
  message += "Content-Type: text/plain\n\nhello\n";
  const Report report = parse_report(message);
  EXPECT_EQ(report.kind, ReportKind::unknown);
  EXPECT_NE(report.reason.find("nests"), std::string::npos);
}

TEST(ReportParse, NestingJustAboveTheWalksLimitIsUnknownToo) {
  std::string message = "From: a@example.org\nSubject: nested\nMIME-Version: 1.0\n";
  for (int i = 0; i < kMaxNesting + 4; ++i) {
    message += "Content-Type: multipart/mixed; boundary=\"b" + std::to_string(i) + "\"\n\n--b" +
               std::to_string(i) + "\n";
  }
  message +=
      "Content-Type: message/delivery-status\n\nFinal-Recipient: rfc822; a@b.example\n"
      "Action: failed\nStatus: 5.1.1\n";
  const Report report = parse_report(message);
  EXPECT_EQ(report.kind, ReportKind::unknown);
}

TEST(ReportParse, AReportWithItsPartsMissingIsUnknown) {
  const std::string message =
      "From: MAILER-DAEMON@example.org\nSubject: report\nMIME-Version: 1.0\n"
      "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
      "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; x.example\n\n--B--\n";
  const Report report = parse_report(message);
  EXPECT_EQ(report.kind, ReportKind::unknown);
  EXPECT_NE(report.reason.find("names no recipient"), std::string::npos);
}

TEST(ReportParse, MailToTheUnsubscribeAddressCarriesTheTokenOfItsSubject) {
  const std::string message =
      "From: Reader <reader@example.org>\nTo: unsubscribe@news.example.com\n"
      "Subject: unsubscribe-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde\n\n\n";
  const Report report = parse_report(message);
  ASSERT_EQ(report.kind, ReportKind::unsubscribe_request) << report.reason;
  EXPECT_EQ(report.unsubscribe_token, "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde");
  ASSERT_EQ(report.recipients.size(), 1u);
  EXPECT_EQ(report.recipients[0].address, "reader@example.org");
}

TEST(ReportParse, AutoSubmittedMailIsAnAutoReplyEvenWithoutAKnownSubject) {
  const std::string message =
      "From: reader@example.org\nTo: bounces+x@news.example.com\nSubject: Re: Weekly\n"
      "Auto-Submitted: auto-replied\n\nI am away.\n";
  EXPECT_EQ(parse_report(message).kind, ReportKind::auto_reply);
}

// Each fixture cut short, and with bytes overwritten at random places (a fixed seed): every
// one reads as some report or as unknown with a reason, and none crashes.
TEST(ReportCorpus, DamagedFixturesNeverCrashAndUnknownAlwaysHasAReason) {
  unsigned state = 2026;
  const auto next = [&state] {
    state = state * 1103515245 + 12345;
    return state >> 8;
  };
  int damaged = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kCorpus)) {
    if (entry.path().extension() != ".eml") {
      continue;
    }
    const std::string original = read_file(entry.path());
    for (int round = 0; round < 20 && !original.empty(); ++round) {
      std::string copy = original.substr(0, next() % original.size());
      for (int flips = 0; flips < 8 && !copy.empty(); ++flips) {
        copy[next() % copy.size()] = static_cast<char>(next());
      }
      const Report report = parse_report(copy);
      if (report.kind == ReportKind::unknown) {
        EXPECT_FALSE(report.reason.empty()) << entry.path();
      }
      for (const auto& recipient : report.recipients) {
        classify(report, recipient);
      }
      ++damaged;
    }
  }
  EXPECT_GE(damaged, 40 * 20);
}

// Every fixture of the corpus, with the kind, class and reason expected.tsv gives it.
TEST(ReportCorpus, EveryFixtureReadsAndClassifiesAsExpected) {
  std::ifstream table(kCorpus / "expected.tsv");
  ASSERT_TRUE(table) << "tests/fixtures/bounces/expected.tsv is missing";
  std::string line;
  int checked = 0;
  while (std::getline(table, line)) {
    if (line.empty() || line.front() == '#') {
      continue;
    }
    std::istringstream columns(line);
    std::string file, kind, bounce_class, reason;
    std::getline(columns, file, '\t');
    std::getline(columns, kind, '\t');
    std::getline(columns, bounce_class, '\t');
    std::getline(columns, reason, '\t');
    const Report report = parse_report(read_file(kCorpus / file));
    EXPECT_EQ(to_string(report.kind), kind) << file << ": " << report.reason;
    const ReportRecipient none;
    const auto verdict =
        classify(report, report.recipients.empty() ? none : report.recipients.front());
    EXPECT_EQ(to_string(verdict.bounce_class), bounce_class) << file;
    EXPECT_EQ(verdict.reason, reason) << file;
    ++checked;
  }
  EXPECT_GE(checked, 40);
}

}  // namespace
}  // namespace communique
