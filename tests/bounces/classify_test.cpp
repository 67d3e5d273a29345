#include "bounces/classify.hpp"

#include <gtest/gtest.h>

namespace communique {
namespace {

BounceVerdict failed(std::string status, std::string diagnostic) {
  Report report;
  report.kind = ReportKind::dsn;
  return classify(report, {.address = "a@example.org",
                           .action = RecipientAction::failed,
                           .status = std::move(status),
                           .diagnostic = std::move(diagnostic)});
}

TEST(Classify, AMailboxOrDomainThatDoesNotExistIsHard) {
  EXPECT_EQ(failed("5.1.1", "550 5.1.1 User unknown"),
            (BounceVerdict{BounceClass::hard, "user_unknown"}));
  EXPECT_EQ(failed("5.1.10", "RecipientNotFound"),
            (BounceVerdict{BounceClass::hard, "user_unknown"}));
  EXPECT_EQ(failed("5.1.2", "Host or domain name not found"),
            (BounceVerdict{BounceClass::hard, "host_unknown"}));
}

TEST(Classify, AFullMailboxAndEveryTemporaryFailureAreSoft) {
  EXPECT_EQ(failed("5.2.2", "552 5.2.2 Mailbox full"),
            (BounceVerdict{BounceClass::soft, "mailbox_full"}));
  EXPECT_EQ(failed("4.7.1", "450 4.7.1 Greylisted, try again"),
            (BounceVerdict{BounceClass::soft, "greylisted"}));
  EXPECT_EQ(failed("4.1.1", "450 4.1.1 User unknown in local table"),
            (BounceVerdict{BounceClass::soft, "temporary"}));
}

TEST(Classify, SenderSideFailuresNeverBlameTheRecipient) {
  EXPECT_EQ(failed("5.7.26", "550 5.7.26 Unauthenticated email is not accepted (DMARC)"),
            (BounceVerdict{BounceClass::sender, "authentication"}));
  EXPECT_EQ(failed("5.7.1", "554 5.7.1 Service unavailable; client host blocked using Spamhaus"),
            (BounceVerdict{BounceClass::sender, "blocked"}));
  EXPECT_EQ(failed("5.7.1", "554 5.7.1 <a@example.org>: Relay access denied"),
            (BounceVerdict{BounceClass::sender, "relay_denied"}));
  EXPECT_EQ(failed("5.7.9", "policy"), (BounceVerdict{BounceClass::sender, "policy"}));
}

TEST(Classify, A57xWhoseTextSaysTheUserIsUnknownIsHard) {
  EXPECT_EQ(failed("5.7.1", "550 5.7.1 RESOLVER.ADR.RecipNotFound; not found"),
            (BounceVerdict{BounceClass::hard, "user_unknown"}));
}

TEST(Classify, VagueCodesLetTheTextDecideAndUnknownWordsAreOnlySoft) {
  EXPECT_EQ(failed("5.0.0", "550 No such user here"),
            (BounceVerdict{BounceClass::hard, "user_unknown"}));
  EXPECT_EQ(failed("5.0.0", "550 Requested action not taken"),
            (BounceVerdict{BounceClass::soft, "undefined"}));
  EXPECT_EQ(failed("", "550 Mailbox is full"), (BounceVerdict{BounceClass::soft, "mailbox_full"}));
}

TEST(Classify, ReportsThatAreNotFailuresAreIgnoredOrComplaints) {
  Report report;
  report.kind = ReportKind::dsn;
  EXPECT_EQ(classify(report, {.action = RecipientAction::delivered}).bounce_class,
            BounceClass::ignore);
  EXPECT_EQ(classify(report, {.action = RecipientAction::delayed, .status = "4.4.7"}),
            (BounceVerdict{BounceClass::soft, "delayed"}));
  report.kind = ReportKind::complaint;
  report.feedback_type = "abuse";
  EXPECT_EQ(classify(report, {}), (BounceVerdict{BounceClass::complaint, "spam_complaint"}));
  report.feedback_type = "fraud";
  EXPECT_EQ(classify(report, {}), (BounceVerdict{BounceClass::complaint, "fraud"}));
  report.feedback_type = "not-spam";
  EXPECT_EQ(classify(report, {}).bounce_class, BounceClass::ignore);
  report.kind = ReportKind::auto_reply;
  EXPECT_EQ(classify(report, {}), (BounceVerdict{BounceClass::ignore, "vacation"}));
}

TEST(Classify, AnSmtpReplyGoesThroughTheSamePolicyAsALateReport) {
  EXPECT_EQ(classify_smtp_reply(550, "5.1.1", "User unknown"), failed("5.1.1", "User unknown"));
  EXPECT_EQ(classify_smtp_reply(550, "5.7.26", "DMARC"),
            (BounceVerdict{BounceClass::sender, "authentication"}));
  EXPECT_EQ(classify_smtp_reply(452, "", "Insufficient storage"),
            (BounceVerdict{BounceClass::soft, "mailbox_full"}));
  EXPECT_EQ(classify_smtp_reply(550, "", "No such user"),
            (BounceVerdict{BounceClass::hard, "user_unknown"}));
  EXPECT_EQ(classify_smtp_reply(421, "4.7.0", "Try again later").bounce_class, BounceClass::soft);
}

}  // namespace
}  // namespace communique
