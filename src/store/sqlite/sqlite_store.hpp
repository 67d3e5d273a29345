// SqliteStore: the embedded default backend, one SQLite file in the data directory.
//
// Policy: WAL journal (readers never block the writer), foreign keys on, a busy timeout so
// a second process waits instead of failing, synchronous=NORMAL (safe against a crash of
// Communiqué; only a power loss may lose the last committed transactions). One
// connection, guarded by a mutex: SQLite serialises writers anyway, and callers run store
// work on the blocking pool, never on an I/O thread.
// Statements are prepared once, by name from queries.sql, and kept; each use of one is
// reset when the use ends, and every call checks as it returns that it left no transaction
// open (a forgotten read would hold a snapshot: other processes' writes unseen, and every
// write of ours refused as busy).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <type_traits>
#include <utility>

#include "store/query_catalog.hpp"
#include "store/store.hpp"

namespace communique {

namespace sqlite {
class Database;
class Statement;
class StatementUse;
}  // namespace sqlite

struct SqliteSettings {
  std::filesystem::path path;
  int busy_timeout_ms = 5000;
  int cache_mb = 16;
};

class SqliteStore final : public Store {
 public:
  // Opens the database (creating it when missing) and applies pending migrations.
  static Result<std::unique_ptr<SqliteStore>> open(const SqliteSettings& settings);
  ~SqliteStore() override;

  Result<int> schema_version() override;

  // Lists, topics and members in bulk (sqlite_lists.cpp).
  Result<MailingList> create_list(const NewList& list, Timestamp now) override;
  Result<MailingList> find_list(const std::string& name) override;
  Result<MailingList> find_list(ListId id) override;
  Result<MailingList> update_list(ListId id, const ListChanges& changes, Timestamp now) override;
  Result<std::vector<ListSummary>> list_summaries() override;
  Result<std::vector<MailingList>> lists() override;
  Result<Topic> create_topic(ListId list, const std::string& name, const std::string& description,
                             Timestamp now) override;
  Result<std::vector<Topic>> topics(ListId list) override;
  Result<std::vector<Cadence>> digest_cadences(ListId list) override;
  Result<ImportCounts> import_batch(ListId list, std::span<const ImportRecord> records,
                                    const ImportPolicy& policy) override;
  Result<void> for_each_member(ListId list,
                               const std::function<Result<void>(const Member&)>& visit) override;
  Result<std::int64_t> count_subscribers(std::optional<ListId> list) override;

  // One subscriber at a time (sqlite_subscribers.cpp).
  Result<Subscriber> find_subscriber(const EmailAddress& email) override;
  Result<Subscriber> find_subscriber(SubscriberId id) override;
  Result<std::vector<std::optional<std::string>>> link_keys(
      std::span<const SubscriberId> ids) override;
  Result<std::vector<Subscriber>> find_subscribers(const SubscriberQuery& query) override;
  Result<Subscriber> add_subscriber(const NewSubscriber& subscriber, std::span<const ListId> lists,
                                    SubscriptionStatus status, Timestamp now) override;
  Result<Subscriber> update_subscriber(SubscriberId id, const SubscriberChange& change,
                                       Timestamp now) override;
  Result<void> delete_subscriber(SubscriberId id) override;
  Result<std::vector<Subscription>> subscriptions_of(SubscriberId subscriber) override;
  Result<void> set_subscription_status(SubscriberId subscriber, ListId list,
                                       SubscriptionStatus status, Timestamp now) override;
  Result<std::vector<bool>> unsubscribe_many(
      std::span<const std::pair<SubscriberId, IssueId>> pairs, Timestamp now) override;
  Result<std::vector<Topic>> topics_of_subscriber(SubscriberId id) override;
  Result<void> set_subscription_cadence(SubscriberId subscriber, ListId list,
                                        std::optional<Cadence> cadence, Timestamp now) override;
  Result<void> set_subscriber_topics(SubscriberId id, ListId list,
                                     std::span<const TopicId> topics) override;
  Result<SubscriberActivity> activity_of(SubscriberId subscriber) override;

  // Subscribe requests and confirmation letters (sqlite_confirmations.cpp).
  Result<std::optional<ConfirmationId>> record_subscribe_request(
      const EmailAddress& email, const std::string& name, Timestamp since,
      const std::function<SubscribeWrites(const SubscribeFacts&)>& decide, Timestamp now) override;
  Result<Confirmation> find_confirmation(ConfirmationId id, SubscriberId subscriber) override;
  Result<Confirmation> use_confirmation(ConfirmationId id, SubscriberId subscriber,
                                        Timestamp now) override;
  Result<std::vector<ConfirmationLetter>> claim_confirmation_letters(
      Timestamp now, std::size_t limit, Timestamp claimed_until) override;
  Result<void> record_confirmation_letter(ConfirmationId id, LetterOutcome outcome,
                                          const std::string& reply, Timestamp retry_at,
                                          Timestamp now) override;

  // Posts and sections (sqlite_posts.cpp).
  Result<Section> create_section(ListId list, const std::string& name, Timestamp now) override;
  Result<std::vector<Section>> sections(ListId list) override;
  Result<std::vector<Section>> move_section(SectionId id, int position) override;
  Result<Section> rename_section(SectionId id, const std::string& name) override;
  Result<void> remove_section(SectionId id) override;
  Result<Post> create_post(const Post& post, Timestamp now) override;
  Result<Post> find_post(PostId id) override;
  Result<Post> find_post_by_slug(const std::string& slug) override;
  Result<std::vector<Post>> posts(const PostFilter& filter) override;
  Result<std::vector<Post>> posts_by_id(std::span<const PostId> ids) override;
  Result<std::vector<Post>> translations_of(std::span<const PostId> originals) override;
  Result<std::vector<Post>> published_posts(ListId list, std::int64_t after_seq,
                                            std::optional<Timestamp> published_since) override;
  Result<std::int64_t> last_published_seq(ListId list) override;
  Result<Post> update_post(PostId id, const PostChanges& changes, Timestamp now) override;
  Result<Post> publish_post(PostId id, Timestamp published_at, Timestamp now) override;
  Result<void> set_post_announced(PostId id, Timestamp at) override;
  Result<void> remove_post(PostId id) override;

  // What the public web reads: a list's posts (sqlite_posts.cpp), search (sqlite_archive.cpp).
  Result<std::vector<Post>> public_posts(ListId list, std::optional<TopicId> topic,
                                         std::size_t limit) override;
  Result<std::vector<ArchiveHit>> search_archive(const ArchiveSearch& search) override;

  // Digest definitions, runs and announcements (sqlite_digests.cpp).
  Result<DigestDefinition> create_digest(const DigestDefinition& digest, Timestamp now) override;
  Result<DigestDefinition> find_digest(DigestId id) override;
  Result<DigestDefinition> find_digest(ListId list, const std::string& name) override;
  Result<std::vector<DigestDefinition>> digests() override;
  Result<DigestDefinition> update_digest(DigestId id, const DigestChanges& changes,
                                         Timestamp now) override;
  Result<void> remove_digest(DigestId id) override;
  Result<std::vector<DigestRun>> digest_runs(DigestId id, std::size_t limit) override;
  Result<std::optional<DigestRun>> last_digest_run(DigestId id) override;
  Result<DigestRun> record_digest_run(const RunRecord& record, Timestamp now) override;
  Result<std::vector<PostToAnnounce>> posts_to_announce(std::size_t limit) override;
  Result<std::optional<IssueId>> announce_post(PostId post, const std::optional<Issue>& issue,
                                               Timestamp now) override;

  // Feeds, their items and polls (sqlite_feeds.cpp).
  Result<Feed> create_feed(const Feed& feed, Timestamp now) override;
  Result<Feed> find_feed(FeedId id) override;
  Result<std::vector<Feed>> feeds() override;
  Result<Feed> update_feed(FeedId id, const FeedChanges& changes, Timestamp now) override;
  Result<void> remove_feed(FeedId id) override;
  Result<std::vector<RecordedItem>> recorded_items(FeedId id) override;
  Result<std::vector<Feed>> due_feeds(Timestamp now, std::size_t limit) override;
  Result<bool> claim_feed(FeedId id, std::optional<Timestamp> seen, Timestamp now,
                          Timestamp until) override;
  Result<FeedPollCounts> record_feed_poll(FeedId id, std::span<const FeedItemWrite> writes,
                                          const FeedPollOutcome& outcome, Timestamp now) override;

  // Issues (sqlite_issues.cpp).
  Result<Issue> create_issue(const Issue& issue, Timestamp now) override;
  Result<Issue> find_issue(IssueId id) override;
  Result<std::vector<Issue>> issues() override;
  Result<std::vector<std::pair<ListId, std::string>>> issue_languages() override;
  Result<std::vector<MailingList>> issue_lists(IssueId issue) override;
  Result<std::vector<Issue>> public_issues(IssueId before, std::size_t limit) override;
  Result<Issue> update_issue(const Issue& issue, Timestamp now) override;
  Result<void> set_issue_archive(IssueId id, bool archive) override;
  Result<void> set_issue_edition_date(IssueId id, std::optional<std::chrono::year_month_day> date,
                                      Timestamp now) override;
  Result<void> set_issue_status(IssueId id, IssueStatus status, Timestamp now) override;
  Result<IssueStatus> issue_status(IssueId id) override;
  Result<void> change_issue_status(IssueId id, std::span<const IssueStatus> from,
                                   IssueStatus status, const std::string& note,
                                   Timestamp now) override;
  Result<void> schedule_issue(IssueId id, Timestamp at,
                              std::optional<std::chrono::seconds> expire_after,
                              Timestamp now) override;
  Result<std::vector<Issue>> issues_to_run(Timestamp now) override;

  // Tracked links, clicks and opens (sqlite_clicks.cpp).
  Result<std::vector<std::int64_t>> register_links(IssueId issue,
                                                   std::span<const std::string> urls) override;
  Result<std::string> link_url(std::int64_t link) override;
  Result<void> add_clicks(std::span<const Counted> clicks, std::span<const Counted> personal_clicks,
                          std::span<const Counted> opens) override;
  Result<std::pair<std::int64_t, std::int64_t>> engagement(IssueId issue) override;
  Result<std::vector<TrackedLink>> links_of_issue(IssueId issue) override;

  // The delivery ledger and issue leases (sqlite_ledger.cpp).
  Result<std::int64_t> freeze_audience(IssueId issue, Timestamp now) override;
  Result<std::vector<Recipient>> claim_recipients(IssueId issue, std::size_t limit,
                                                  Timestamp now) override;
  Result<void> record_deliveries(IssueId issue, std::span<const DeliveryResult> results,
                                 Timestamp now) override;
  Result<DeliveryCounts> delivery_counts(IssueId issue) override;
  Result<std::vector<DeliveryProblem>> delivery_problems(IssueId issue, std::size_t limit) override;
  Result<DeliveryCounts> delivery_totals() override;
  Result<std::vector<DigestReader>> digest_readers(
      IssueId issue, ListId list, std::span<const SubscriberId> subscribers) override;
  Result<LeaseTake> take_issue_lease(IssueId issue, const std::string& owner,
                                     const std::string& replacing, Timestamp now,
                                     Timestamp until) override;
  Result<bool> renew_issue_lease(IssueId issue, const std::string& owner, Timestamp until) override;
  Result<void> release_issue_lease(IssueId issue, const std::string& owner) override;

  // Saved settings and secrets (sqlite_settings.cpp).
  Result<std::map<std::string, std::string>> saved_settings() override;
  Result<void> change_saved_settings(
      const std::map<std::string, std::optional<std::string>>& changes, Timestamp now) override;
  Result<std::string> secret(const std::string& name, const std::function<std::string()>& generate,
                             Timestamp now) override;

  // Accounts (sqlite_accounts.cpp).
  Result<User> create_user(const std::string& name, Role role, const std::string& password_hash,
                           Timestamp now) override;
  Result<StoredUser> find_user(const std::string& name) override;
  Result<User> find_user(UserId id) override;
  Result<std::vector<User>> users() override;
  Result<std::int64_t> set_password(UserId id, const std::string& password_hash,
                                    ExistingTokens tokens, Timestamp now) override;
  Result<void> set_role(UserId id, Role role, Timestamp now) override;
  Result<void> delete_user(UserId id) override;
  Result<void> create_session(UserId user, const std::string& digest, const std::string& csrf_token,
                              Timestamp now, Timestamp expires) override;
  Result<SessionRecord> find_session(const std::string& digest, Timestamp now) override;
  Result<void> delete_session(const std::string& digest) override;
  Result<ApiToken> create_api_token(UserId user, const std::string& name, const std::string& digest,
                                    Timestamp now) override;
  Result<User> find_api_token_user(const std::string& digest, Timestamp now) override;
  Result<std::vector<ApiToken>> api_tokens(UserId user) override;
  Result<void> delete_api_token(UserId user, std::int64_t id) override;

  // The preference page's save (sqlite_preferences.cpp).
  Result<void> apply_preferences(SubscriberId subscriber, const PreferenceChange& change,
                                 Timestamp now) override;

  // How many calls returned leaving a transaction open on the connection, which was then
  // ended: zero unless a statement escaped its reset. The storage tests assert it.
  std::int64_t calls_left_in_transaction() const { return calls_left_in_transaction_; }

 private:
  // One call's hold on the connection: the mutex for the call, and as the call returns the
  // check that no transaction stays open. A fault is logged, counted, and undone by
  // resetting every kept statement, so one missed reset cannot freeze the server's view.
  class Call {
   public:
    explicit Call(SqliteStore& store) : store_(store), lock_(store.mutex_) {}
    Call(const Call&) = delete;
    Call& operator=(const Call&) = delete;
    ~Call() { store_.end_stray_transaction(); }

   private:
    SqliteStore& store_;
    std::lock_guard<std::mutex> lock_;
  };

  SqliteStore(std::unique_ptr<sqlite::Database> db, QueryCatalog queries);

  Result<void> migrate();
  // Ends a transaction a call left open (see Call); the lock is held.
  void end_stray_transaction();
  Result<std::vector<ListId>> lists_of_issue(IssueId id);
  // Gives `sections` (one list's, in their new order) the positions 0..n-1; the lock is held.
  Result<void> renumber_sections(std::vector<Section>& sections);
  // `post` (when read) with its topics read; the lock is held.
  Result<Post> with_its_topics(Result<Post> post);
  // A post with its topics; the lock is held.
  Result<Post> load_post(PostId id);
  // Writes a new post with its topics inside the caller's transaction; the lock is held.
  Result<Post> create_post_locked(const Post& post, Timestamp now);
  // A feed with its topics; the lock is held.
  Result<Feed> load_feed(FeedId id);
  // Replaces the topics of `feed` (each of its list's, each once); the lock is held.
  Result<void> write_feed_topics(FeedId feed, std::span<const TopicId> topics);
  // `posts` with their topics read; the lock is held.
  Result<std::vector<Post>> with_topics(Result<std::vector<Post>> posts);
  // Replaces the topics of `post` (each of its list's, each once); the lock is held.
  Result<void> write_post_topics(const Post& post);
  // The original that `post` translates (a translation's original when it names one), or
  // none; invalid_input when it is on another list or is the post itself.
  Result<std::optional<PostId>> original_of(const Post& post);
  // Writes the topics and cadence an imported row chose on `list`; the lock is held.
  Result<void> write_import_choices(ListId list, SubscriberId subscriber,
                                    const ImportRecord& record, std::int64_t now);
  // Reads the lists and sections of `issue` (its row already read); the lock is held.
  Result<void> load_issue_parts(Issue& issue);
  // The kept statement of query `name`, prepared on first use and reset. Only
  // with_statements calls it.
  Result<sqlite::Statement*> kept_statement(std::string_view name);
  template <std::size_t>
  using StatementRef = sqlite::Statement&;
  template <typename Use, std::size_t... I>
  static auto result_of_use(std::index_sequence<I...>)
      -> std::invoke_result_t<Use&, StatementRef<I>...>;
  // What a `use` of N statements returns.
  template <typename Use, std::size_t N>
  using UseResult = decltype(result_of_use<Use>(std::make_index_sequence<N>{}));
  // The one way to named queries: the kept statements of `names`, each reset and ready
  // for bindings, handed to `use` in that order, and reset again when `use` returns
  // (however it returns). What `use` returns (a Result), or why a statement could not be
  // had. Defined, with the common uses below, in sqlite_support.hpp.
  template <std::size_t N, typename Use>
  auto with_statements(const std::string_view (&names)[N], Use&& use) -> UseResult<Use, N>;
  // The same for one query, with `values` bound to ?1, ?2...
  template <typename Use, typename... Values>
  auto with_statement(std::string_view name, Use&& use, const Values&... values)
      -> std::invoke_result_t<Use&, sqlite::Statement&>;
  // Runs query `name` with `values`; the number of rows it changed.
  template <typename... Values>
  Result<std::int64_t> execute(std::string_view name, const Values&... values);
  // Every row of query `name` with `values`, each as `read(row)`.
  template <typename Read, typename... Values>
  auto rows(std::string_view name, Read read, const Values&... values)
      -> Result<std::vector<std::invoke_result_t<Read&, const sqlite::Statement&>>>;
  // The first row of query `name` with `values` as `read(row)`, or nothing.
  template <typename Read, typename... Values>
  auto first_row(std::string_view name, Read read, const Values&... values)
      -> Result<std::optional<std::invoke_result_t<Read&, const sqlite::Statement&>>>;
  // The row query `name` finds with `values`, as `read(row)`; not_found saying `missing`.
  template <typename Read, typename... Values>
  auto find(std::string_view name, Read read, const std::string& missing, const Values&... values)
      -> Result<std::invoke_result_t<Read&, const sqlite::Statement&>>;
  // Runs `query` on user `id` (with `role` when not empty) and commits only if an admin
  // remains; conflict with `refusal` otherwise.
  Result<void> change_user_keeping_an_admin(std::string_view query, UserId id,
                                            const std::string& role, const std::string& refusal,
                                            Timestamp now);
  // Whether a guarded change of issue `id` (`changed`: the rows it changed) moved it: ok
  // when it did, else conflict naming the state it is in, then `refusal`. Takes the lock.
  Result<void> moved_or_refused(Result<std::int64_t> changed, IssueId id, std::string_view refusal);
  // Writes a new issue with its parts (scheduled at its scheduled_at when its status is
  // scheduled), inside the caller's transaction; the lock is held.
  Result<Issue> create_issue_locked(const Issue& issue, Timestamp now);
  // A definition with its sections; the lock is held.
  Result<DigestDefinition> load_digest(DigestId id);
  // Replaces the sections of `digest` (each of its list's, each once); the lock is held.
  Result<void> write_digest_sections(const DigestDefinition& digest);
  // Inserts the lists and sections of `issue` (whose id is set); the lock is held.
  Result<void> write_issue_parts(const Issue& issue);
  // Confirmation `id` of `subscriber` with the names of its lists; the lock is held.
  Result<Confirmation> read_confirmation_with_lists(ConfirmationId id, SubscriberId subscriber);
  // The names of the lists confirmation `id` asks about; the lock is held.
  Result<std::vector<MailingList>> confirmation_lists(ConfirmationId id);

  std::mutex mutex_;
  std::unique_ptr<sqlite::Database> db_;
  QueryCatalog queries_;
  std::map<std::string, std::unique_ptr<sqlite::Statement>, std::less<>> prepared_;
  std::int64_t calls_left_in_transaction_ = 0;
};

}  // namespace communique
