#include "delivery/campaign_runner.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <array>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "delivery/maildir_transport.hpp"
#include "store/open_store.hpp"
#include "test_support.hpp"

namespace communique {
namespace {

using communique::testing::fixed_time;
using communique::testing::TempDir;
using Kind = TransportOutcome::Kind;

// A transport with scripted answers per address, counting what it was given. Real SMTP
// peers are used in the SMTP tests; here the runner's bookkeeping is under test.
class ScriptedTransport final : public Transport {
 public:
  std::map<std::string, TransportOutcome> answers;  // by recipient; default: accepted
  std::multiset<std::string> received;
  int calls = 0;
  std::size_t largest_call = 0;  // letters in one call, at most

  std::vector<TransportOutcome> send(std::span<const OutgoingLetter> letters) override {
    ++calls;
    largest_call = std::max(largest_call, letters.size());
    std::vector<TransportOutcome> outcomes;
    for (const auto& letter : letters) {
      received.insert(letter.recipient);
      auto found = answers.find(letter.recipient);
      outcomes.push_back(found == answers.end() ? TransportOutcome{Kind::accepted, "250 ok"}
                                                : found->second);
    }
    return outcomes;
  }
  std::string describe() const override { return "scripted"; }
};

class CampaignRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(*open_store(StoreSettings{}, dir_.path()));
    list_ = *store_->create_list(NewList{.name = "press"}, fixed_time());
    std::vector<ImportRecord> records;
    for (int i = 0; i < 25; ++i) {
      records.push_back({.email = *EmailAddress::parse("r" + std::to_string(i) + "@example.org")});
    }
    ASSERT_TRUE(store_->import_batch(list_.id, records, {.now = fixed_time()}));
    Issue issue;
    issue.subject = "Weekly";
    issue.lists = {list_.id};
    issue.sections = {{"", BodyFormat::markdown, "Hello **readers**."}};
    issue_ = store_->create_issue(issue, fixed_time())->id;
  }

  Result<DeliveryCounts> run(Transport& transport, Timestamp now = fixed_time(),
                             const std::atomic<bool>* stop = nullptr) {
    CampaignRunner runner(
        *store_, composer_, transport, policy_, [now] { return now; },
        RunnerSettings{.window = 10, .data_dir = dir_.path()});
    auto lease = IssueLease::take(*store_, issue_, now, {});
    if (!lease) {
      return std::move(lease).error();
    }
    return runner.run(*lease, nullptr, stop);
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  MailingList list_;
  IssueId issue_ = 0;
  LetterComposer composer_{SenderIdentity{}, *LinkSigner::create(std::string(64, 's')), {}};
  ReplyPolicy policy_{ReplyPolicySettings{}, [] { return 0.5; }};
};

TEST_F(CampaignRunnerTest, SendsToEveryoneOnceAndMarksTheIssueSent) {
  ScriptedTransport transport;
  auto counts = run(transport);
  ASSERT_TRUE(counts) << counts.error().message;
  EXPECT_EQ(counts->sent, 25);
  EXPECT_EQ(transport.received.size(), 25u);
  EXPECT_EQ(std::set<std::string>(transport.received.begin(), transport.received.end()).size(),
            25u);
  // The transport never held more than the window (10 letters in flight).
  EXPECT_GE(transport.calls, 3);
  EXPECT_LE(transport.largest_call, 10u);
  EXPECT_EQ(store_->find_issue(issue_)->status, IssueStatus::sent);
  // Running again sends nothing more.
  ScriptedTransport again;
  EXPECT_EQ(run(again)->sent, 25);
  EXPECT_TRUE(again.received.empty());
}

TEST_F(CampaignRunnerTest, DeferredRecipientsAreRetriedWhenDueAndFailuresKept) {
  ScriptedTransport transport;
  transport.answers["r3@example.org"] = {Kind::temporary_rejection, "451 4.7.1 try later"};
  transport.answers["r4@example.org"] = {Kind::permanent_rejection, "550 5.1.1 no such user"};
  auto counts = run(transport);
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->sent, 23);
  EXPECT_EQ(counts->deferred, 1);
  EXPECT_EQ(counts->failed, 1);
  EXPECT_EQ(store_->find_issue(issue_)->status, IssueStatus::sending);

  ScriptedTransport too_early;
  EXPECT_EQ(run(too_early, fixed_time(10))->deferred, 1);
  EXPECT_TRUE(too_early.received.empty());

  ScriptedTransport later;  // the first retry is due after 300 s ± 20%
  auto final_counts = run(later, fixed_time(400));
  EXPECT_EQ(later.received, std::multiset<std::string>{"r3@example.org"});
  EXPECT_EQ(final_counts->sent, 24);
  EXPECT_EQ(final_counts->failed, 1);
  EXPECT_EQ(store_->find_issue(issue_)->status, IssueStatus::sent);
}

TEST_F(CampaignRunnerTest, AStoppedRunLosesNobodyAndResumes) {
  std::atomic<bool> stop{false};
  // A transport that asks the runner to stop after its first window.
  class StoppingTransport final : public Transport {
   public:
    explicit StoppingTransport(std::atomic<bool>& flag) : flag_(flag) {}
    std::vector<TransportOutcome> send(std::span<const OutgoingLetter> letters) override {
      flag_ = true;
      return std::vector<TransportOutcome>(letters.size(), {Kind::accepted, "250"});
    }
    std::string describe() const override { return "stopping"; }

   private:
    std::atomic<bool>& flag_;
  } stopping(stop);
  auto partial = run(stopping, fixed_time(), &stop);
  ASSERT_TRUE(partial);
  EXPECT_EQ(partial->sent, 10);
  EXPECT_EQ(partial->queued, 15);

  ScriptedTransport rest;
  EXPECT_EQ(run(rest)->sent, 25);
  EXPECT_EQ(rest.received.size(), 15u);
}

TEST_F(CampaignRunnerTest, APauseStopsTheRunWithinTheLettersInFlightAndPutsTheRestBack) {
  // A transport whose first letters see the issue paused (by a person, elsewhere).
  class PausingTransport final : public Transport {
   public:
    PausingTransport(Store& store, IssueId issue) : store_(store), issue_(issue) {}
    std::size_t sent = 0;
    std::vector<TransportOutcome> send(std::span<const OutgoingLetter> letters) override {
      if (sent == 0) {
        const IssueStatus sending[] = {IssueStatus::sending};
        (void)store_.change_issue_status(issue_, sending, IssueStatus::paused, "", fixed_time());
      }
      sent += letters.size();
      return std::vector<TransportOutcome>(letters.size(), {Kind::accepted, "250"});
    }
    std::string describe() const override { return "pausing"; }

   private:
    Store& store_;
    IssueId issue_;
  } pausing(*store_, issue_);
  auto partial = run(pausing);
  ASSERT_TRUE(partial) << partial.error().message;
  // What was sent after the pause is bounded by the letters in flight (the window, 10);
  // nobody is left sending, and everyone else waits in the queue.
  EXPECT_GE(partial->sent, 1);
  EXPECT_LE(partial->sent, 10);
  EXPECT_EQ(partial->sending, 0);
  EXPECT_EQ(partial->sent + partial->queued, 25);
  EXPECT_EQ(pausing.sent, static_cast<std::size_t>(partial->sent));
  EXPECT_EQ(store_->find_issue(issue_)->status, IssueStatus::paused);
}

TEST_F(CampaignRunnerTest, LettersInFlightAtACrashAreSentAgainNotLost) {
  // A runner claimed a window and died before recording it.
  ASSERT_TRUE(store_->freeze_audience(issue_, fixed_time()));
  auto claimed = store_->claim_recipients(issue_, 10, fixed_time());
  ASSERT_EQ(claimed->size(), 10u);
  ScriptedTransport transport;
  auto counts = run(transport);
  EXPECT_EQ(counts->sent, 25);
  EXPECT_EQ(transport.received.size(), 25u);  // the ten in flight included
}

TEST_F(CampaignRunnerTest, ALiveRunnersLettersInFlightAreNeitherPutBackNorSentAgain) {
  // Another runner holds the lease and has a window in flight.
  ASSERT_TRUE(store_->freeze_audience(issue_, fixed_time()));
  ASSERT_TRUE(store_->take_issue_lease(issue_, "elsewhere:7:abc", "", fixed_time(), fixed_time(60))
                  ->granted);
  ASSERT_EQ(store_->claim_recipients(issue_, 10, fixed_time())->size(), 10u);

  auto lease = IssueLease::take(*store_, issue_, fixed_time(30), {});
  ASSERT_TRUE(lease);
  EXPECT_FALSE(lease->held());
  EXPECT_EQ(lease->describe_holder(),
            "issue " + std::to_string(issue_) +
                " is being sent by elsewhere:7:abc (on another host, lease until "
                "2026-11-29T07:06:47Z; should that runner have stopped, the issue is free once "
                "its lease runs out)");
  ScriptedTransport transport;
  CampaignRunner runner(
      *store_, composer_, transport, policy_, [] { return fixed_time(30); },
      RunnerSettings{.window = 10, .data_dir = dir_.path()});
  auto refused = runner.run(*lease, nullptr);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::conflict);
  EXPECT_TRUE(transport.received.empty());
  EXPECT_EQ(store_->delivery_counts(issue_)->sending, 10);

  // Once that lease has run out, the next runner takes over and sends the rest, in-flight
  // letters included.
  ScriptedTransport after;
  EXPECT_EQ(run(after, fixed_time(60))->sent, 25);
  EXPECT_EQ(after.received.size(), 25u);
}

TEST_F(CampaignRunnerTest, ARunnerOfThisHostWhoseProcessIsGoneIsTakenOverAtOnce) {
  const std::string dead = this_pid_space() + ":2147483647:0123456789abcdef";
  ASSERT_TRUE(store_->freeze_audience(issue_, fixed_time()));
  ASSERT_TRUE(store_->take_issue_lease(issue_, dead, "", fixed_time(), fixed_time(60))->granted);
  ASSERT_EQ(store_->claim_recipients(issue_, 10, fixed_time())->size(), 10u);

  auto lease = IssueLease::take(*store_, issue_, fixed_time(1), {});
  ASSERT_TRUE(lease);
  EXPECT_TRUE(lease->held());
  EXPECT_EQ(lease->requeued(), 10);
}

TEST(IssueLeaseOwner, OnlyAProcessOfThisPidSpaceIsJudgedByItsPid) {
  std::array<char, 256> host{};
  ASSERT_EQ(gethostname(host.data(), host.size() - 1), 0);
  const std::string space = this_pid_space();
  EXPECT_EQ(space.rfind(host.data(), 0), 0u) << space;  // it begins with the host name
  const std::string ours = std::to_string(::getpid());
  // A pid that no process has here, and our own pid (an earlier process of ours): gone.
  EXPECT_TRUE(holder_is_gone(space + ":2147483647:0123456789abcdef"));
  EXPECT_TRUE(holder_is_gone(space + ":" + ours + ":0123456789abcdef"));
  // The same pids of a runner in another PID namespace or boot (a container with the same
  // host name, say), or on another host: alive until its lease runs out.
  for (const auto& other : {std::string(host.data()), std::string(host.data()) + "~0~1",
                            space + "0", std::string("elsewhere")}) {
    EXPECT_FALSE(holder_is_gone(other + ":2147483647:0123456789abcdef")) << other;
    EXPECT_FALSE(holder_is_gone(other + ":" + ours + ":0123456789abcdef")) << other;
  }
  EXPECT_FALSE(holder_is_gone("not an owner"));
}

TEST_F(CampaignRunnerTest, ARunnerWhoseLeaseWasTakenOverStopsClaiming) {
  auto lease = IssueLease::take(*store_, issue_, fixed_time(), {});
  ASSERT_TRUE(lease && lease->held());
  // The runner stalls past its lease during its first window, and another takes it over.
  class StallingTransport final : public Transport {
   public:
    StallingTransport(Store& store, IssueId issue) : store_(store), issue_(issue) {}
    std::size_t letters_sent = 0;
    std::vector<TransportOutcome> send(std::span<const OutgoingLetter> letters) override {
      letters_sent += letters.size();
      (void)store_.take_issue_lease(issue_, "other:1:x", "", fixed_time(61), fixed_time(121));
      return std::vector<TransportOutcome>(letters.size(), {Kind::accepted, "250"});
    }
    std::string describe() const override { return "stalling"; }

   private:
    Store& store_;
    IssueId issue_;
  } stalling(*store_, issue_);
  CampaignRunner runner(
      *store_, composer_, stalling, policy_, [] { return fixed_time(); },
      RunnerSettings{.window = 10, .data_dir = dir_.path()});
  auto stopped = runner.run(*lease, nullptr);
  ASSERT_FALSE(stopped);
  EXPECT_EQ(stopped.error().code, ErrorCode::conflict);
  // Nothing was claimed after the takeover: only the first batch (the window, 10) left.
  EXPECT_GE(stalling.letters_sent, 1u);
  EXPECT_LE(stalling.letters_sent, 10u);
  // Its window went back to the queue with the takeover: the new holder owns it now.
  EXPECT_EQ(store_->delivery_counts(issue_)->queued, 25);
}

TEST_F(CampaignRunnerTest, AnswersGivenJustBeforeATransportFaultAreRecorded) {
  // The transport takes every letter, answers one, and then, once the runner's wait for
  // an answer has timed out (its next clock reading, the commit of that one answer),
  // answers the rest and fails: those answers are queued when the runner sees the fault.
  struct Handshake {
    std::mutex mutex;
    std::condition_variable changed;
    bool first_answered = false;
    bool go = false;
    bool failed = false;
  } shake;
  class FailingTransport final : public Transport {
   public:
    explicit FailingTransport(Handshake& shake) : shake_(shake) {}
    std::vector<TransportOutcome> send(std::span<const OutgoingLetter> letters) override {
      return std::vector<TransportOutcome>(letters.size(), {Kind::accepted, "250"});
    }
    void stream(BoundedQueue<TicketedLetter>& letters, const OutcomeSink& done) override {
      std::vector<std::uint64_t> held;
      while (held.size() < 25) {
        held.push_back(letters.pop()->ticket);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the runner is exhausted
      done(held.back(), {Kind::accepted, "250"});
      held.pop_back();
      std::unique_lock lock(shake_.mutex);
      shake_.first_answered = true;
      shake_.changed.wait(lock, [&] { return shake_.go; });
      for (auto ticket : held) {
        done(ticket, {Kind::accepted, "250"});
      }
      shake_.failed = true;
      shake_.changed.notify_all();
      throw std::runtime_error("the transport broke");
    }
    std::string describe() const override { return "failing"; }

   private:
    Handshake& shake_;
  } failing(shake);
  int readings_after_answer = 0;
  const auto clock = [&] {
    std::unique_lock lock(shake.mutex);
    // The first reading after the answer decides it; the second commits it, after a wait.
    if (shake.first_answered && !shake.go && ++readings_after_answer == 2) {
      shake.go = true;
      shake.changed.notify_all();
      shake.changed.wait(lock, [&] { return shake.failed; });
      lock.unlock();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the sender ends
    }
    return fixed_time();
  };
  CampaignRunner runner(*store_, composer_, failing, policy_, clock,
                        RunnerSettings{.window = 50, .data_dir = dir_.path()});
  auto lease = IssueLease::take(*store_, issue_, fixed_time(), {});
  ASSERT_TRUE(lease && lease->held());
  auto stopped = runner.run(*lease, nullptr);
  ASSERT_FALSE(stopped);
  EXPECT_EQ(stopped.error().code, ErrorCode::internal);
  // Every letter the transport accepted is recorded sent: none is left to be sent again.
  auto counts = store_->delivery_counts(issue_);
  EXPECT_EQ(counts->sending, 0);
  EXPECT_EQ(counts->sent, 25);
  EXPECT_EQ(store_->find_issue(issue_)->status, IssueStatus::paused);
}

TEST_F(CampaignRunnerTest, AnExceptionWhileRecordingKeepsWhatWasAnsweredRecorded) {
  // The policy fails (a bug) on the fourth letter's answer, which comes in a burst with
  // the others of its batch: those answered before and after it are still recorded.
  ReplyPolicy failing_policy{ReplyPolicySettings{},
                             []() -> double { throw std::runtime_error("the policy broke"); }};
  ScriptedTransport transport;
  transport.answers["r3@example.org"] = {Kind::temporary_rejection, "451 4.7.1 try later"};
  CampaignRunner runner(
      *store_, composer_, transport, failing_policy, [] { return fixed_time(); },
      RunnerSettings{.window = 10, .data_dir = dir_.path()});
  auto lease = IssueLease::take(*store_, issue_, fixed_time(), {});
  ASSERT_TRUE(lease && lease->held());
  auto stopped = runner.run(*lease, nullptr);
  ASSERT_FALSE(stopped);
  EXPECT_EQ(stopped.error().code, ErrorCode::internal);
  auto counts = store_->delivery_counts(issue_);
  // Only the letter whose answer could not be decided is left sending, for recovery.
  EXPECT_EQ(counts->sending, 1);
  EXPECT_EQ(counts->sent, static_cast<int>(transport.received.size()) - 1);
  EXPECT_EQ(counts->sent + counts->queued + counts->sending, 25);
  EXPECT_EQ(store_->find_issue(issue_)->status, IssueStatus::paused);
}

TEST_F(CampaignRunnerTest, ACancelledIssueIsNotSent) {
  ASSERT_TRUE(store_->set_issue_status(issue_, IssueStatus::cancelled, fixed_time()));
  ScriptedTransport transport;
  auto result = run(transport);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::conflict);
  EXPECT_TRUE(transport.received.empty());
}

TEST_F(CampaignRunnerTest, TheMaildirHoldsOneFilePerLetter) {
  auto maildir = MaildirTransport::open(dir_.path() / "outbox");
  ASSERT_TRUE(maildir);
  auto counts = run(**maildir);
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->sent, 25);
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path() / "outbox" / "new")) {
    (void)entry;
    ++files;
  }
  EXPECT_EQ(files, 25u);
  EXPECT_TRUE(std::filesystem::is_empty(dir_.path() / "outbox" / "tmp"));
}

}  // namespace
}  // namespace communique
