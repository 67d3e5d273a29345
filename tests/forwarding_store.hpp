// ForwardingStore: a Store that passes every call to another, for tests that override a
// few methods to inject faults (a database dying in the middle of an import...).
#pragma once

#include "store/store.hpp"

namespace communique::testing {

class ForwardingStore : public Store {
 public:
  explicit ForwardingStore(Store& inner) : inner_(inner) {}

  Result<User> create_user(const std::string& name, Role role, const std::string& password_hash,
                           Timestamp now) override {
    return inner_.create_user(name, role, password_hash, now);
  }
  Result<StoredUser> find_user(const std::string& name) override { return inner_.find_user(name); }
  Result<User> find_user(UserId id) override { return inner_.find_user(id); }
  Result<std::vector<User>> users() override { return inner_.users(); }
  Result<std::int64_t> set_password(UserId id, const std::string& password_hash,
                                    ExistingTokens tokens, Timestamp now) override {
    return inner_.set_password(id, password_hash, tokens, now);
  }
  Result<void> set_role(UserId id, Role role, Timestamp now) override {
    return inner_.set_role(id, role, now);
  }
  Result<void> delete_user(UserId id) override { return inner_.delete_user(id); }
  Result<void> create_session(UserId user, const std::string& digest, const std::string& csrf_token,
                              Timestamp now, Timestamp expires) override {
    return inner_.create_session(user, digest, csrf_token, now, expires);
  }
  Result<SessionRecord> find_session(const std::string& digest, Timestamp now) override {
    return inner_.find_session(digest, now);
  }
  Result<void> delete_session(const std::string& digest) override {
    return inner_.delete_session(digest);
  }
  Result<ApiToken> create_api_token(UserId user, const std::string& name, const std::string& digest,
                                    Timestamp now) override {
    return inner_.create_api_token(user, name, digest, now);
  }
  Result<User> find_api_token_user(const std::string& digest, Timestamp now) override {
    return inner_.find_api_token_user(digest, now);
  }
  Result<std::vector<ApiToken>> api_tokens(UserId user) override { return inner_.api_tokens(user); }
  Result<void> delete_api_token(UserId user, std::int64_t id) override {
    return inner_.delete_api_token(user, id);
  }
  Result<int> schema_version() override { return inner_.schema_version(); }
  Result<MailingList> create_list(const NewList& list, Timestamp now) override {
    return inner_.create_list(list, now);
  }
  Result<MailingList> find_list(const std::string& name) override { return inner_.find_list(name); }
  Result<MailingList> find_list(ListId id) override { return inner_.find_list(id); }
  Result<MailingList> update_list(ListId id, const ListChanges& changes, Timestamp now) override {
    return inner_.update_list(id, changes, now);
  }
  Result<std::vector<ListSummary>> list_summaries() override { return inner_.list_summaries(); }
  Result<std::vector<MailingList>> lists() override { return inner_.lists(); }
  Result<Topic> create_topic(ListId list, const std::string& name, const std::string& description,
                             Timestamp now) override {
    return inner_.create_topic(list, name, description, now);
  }
  Result<std::vector<Topic>> topics(ListId list) override { return inner_.topics(list); }
  Result<std::vector<Cadence>> digest_cadences(ListId list) override {
    return inner_.digest_cadences(list);
  }
  Result<ImportCounts> import_batch(ListId list, std::span<const ImportRecord> records,
                                    const ImportPolicy& policy) override {
    return inner_.import_batch(list, records, policy);
  }
  Result<void> set_subscription_status(SubscriberId subscriber, ListId list,
                                       SubscriptionStatus status, Timestamp now) override {
    return inner_.set_subscription_status(subscriber, list, status, now);
  }
  Result<Subscriber> find_subscriber(const EmailAddress& email) override {
    return inner_.find_subscriber(email);
  }
  Result<Subscriber> find_subscriber(SubscriberId id) override {
    return inner_.find_subscriber(id);
  }
  Result<std::vector<std::optional<std::string>>> link_keys(
      std::span<const SubscriberId> ids) override {
    return inner_.link_keys(ids);
  }
  Result<std::vector<Subscriber>> find_subscribers(const SubscriberQuery& query) override {
    return inner_.find_subscribers(query);
  }
  Result<Subscriber> add_subscriber(const NewSubscriber& subscriber, std::span<const ListId> lists,
                                    SubscriptionStatus status, Timestamp now) override {
    return inner_.add_subscriber(subscriber, lists, status, now);
  }
  Result<Subscriber> update_subscriber(SubscriberId id, const SubscriberChange& change,
                                       Timestamp now) override {
    return inner_.update_subscriber(id, change, now);
  }
  Result<void> delete_subscriber(SubscriberId id) override { return inner_.delete_subscriber(id); }
  Result<std::vector<Topic>> topics_of_subscriber(SubscriberId id) override {
    return inner_.topics_of_subscriber(id);
  }
  Result<void> set_subscription_cadence(SubscriberId subscriber, ListId list,
                                        std::optional<Cadence> cadence, Timestamp now) override {
    return inner_.set_subscription_cadence(subscriber, list, cadence, now);
  }
  Result<void> set_subscriber_topics(SubscriberId id, ListId list,
                                     std::span<const TopicId> topics) override {
    return inner_.set_subscriber_topics(id, list, topics);
  }
  Result<std::vector<Subscription>> subscriptions_of(SubscriberId subscriber) override {
    return inner_.subscriptions_of(subscriber);
  }
  Result<std::int64_t> count_subscribers(std::optional<ListId> list) override {
    return inner_.count_subscribers(list);
  }
  Result<Issue> create_issue(const Issue& issue, Timestamp now) override {
    return inner_.create_issue(issue, now);
  }
  Result<Issue> find_issue(IssueId id) override { return inner_.find_issue(id); }
  Result<std::vector<Issue>> issues() override { return inner_.issues(); }
  Result<std::vector<std::pair<ListId, std::string>>> issue_languages() override {
    return inner_.issue_languages();
  }
  Result<std::vector<Issue>> public_issues(IssueId before, std::size_t limit) override {
    return inner_.public_issues(before, limit);
  }
  Result<Issue> update_issue(const Issue& issue, Timestamp now) override {
    return inner_.update_issue(issue, now);
  }
  Result<std::vector<std::int64_t>> register_links(IssueId issue,
                                                   std::span<const std::string> urls) override {
    return inner_.register_links(issue, urls);
  }
  Result<std::vector<MailingList>> issue_lists(IssueId issue) override {
    return inner_.issue_lists(issue);
  }
  Result<std::vector<bool>> unsubscribe_many(
      std::span<const std::pair<SubscriberId, IssueId>> pairs, Timestamp now) override {
    return inner_.unsubscribe_many(pairs, now);
  }
  Result<std::string> link_url(std::int64_t link) override { return inner_.link_url(link); }
  Result<void> add_clicks(std::span<const Counted> clicks, std::span<const Counted> personal,
                          std::span<const Counted> opens) override {
    return inner_.add_clicks(clicks, personal, opens);
  }
  Result<SubscriberActivity> activity_of(SubscriberId subscriber) override {
    return inner_.activity_of(subscriber);
  }
  Result<std::pair<std::int64_t, std::int64_t>> engagement(IssueId issue) override {
    return inner_.engagement(issue);
  }
  Result<std::vector<TrackedLink>> links_of_issue(IssueId issue) override {
    return inner_.links_of_issue(issue);
  }
  Result<void> set_issue_status(IssueId id, IssueStatus status, Timestamp now) override {
    return inner_.set_issue_status(id, status, now);
  }
  Result<Section> create_section(ListId list, const std::string& name, Timestamp now) override {
    return inner_.create_section(list, name, now);
  }
  Result<std::vector<Section>> sections(ListId list) override { return inner_.sections(list); }
  Result<std::vector<Section>> move_section(SectionId id, int position) override {
    return inner_.move_section(id, position);
  }
  Result<Section> rename_section(SectionId id, const std::string& name) override {
    return inner_.rename_section(id, name);
  }
  Result<void> remove_section(SectionId id) override { return inner_.remove_section(id); }
  Result<Post> create_post(const Post& post, Timestamp now) override {
    return inner_.create_post(post, now);
  }
  Result<Post> find_post(PostId id) override { return inner_.find_post(id); }
  Result<Post> find_post_by_slug(const std::string& slug) override {
    return inner_.find_post_by_slug(slug);
  }
  Result<std::vector<Post>> posts(const PostFilter& filter) override {
    return inner_.posts(filter);
  }
  Result<std::vector<Post>> posts_by_id(std::span<const PostId> ids) override {
    return inner_.posts_by_id(ids);
  }
  Result<std::vector<Post>> translations_of(std::span<const PostId> originals) override {
    return inner_.translations_of(originals);
  }
  Result<std::vector<Post>> published_posts(ListId list, std::int64_t after_seq,
                                            std::optional<Timestamp> published_since) override {
    return inner_.published_posts(list, after_seq, published_since);
  }
  Result<std::int64_t> last_published_seq(ListId list) override {
    return inner_.last_published_seq(list);
  }
  Result<Post> update_post(PostId id, const PostChanges& changes, Timestamp now) override {
    return inner_.update_post(id, changes, now);
  }
  Result<Post> publish_post(PostId id, Timestamp published_at, Timestamp now) override {
    return inner_.publish_post(id, published_at, now);
  }
  Result<void> set_post_announced(PostId id, Timestamp at) override {
    return inner_.set_post_announced(id, at);
  }
  Result<void> remove_post(PostId id) override { return inner_.remove_post(id); }
  Result<std::vector<Post>> public_posts(ListId list, std::optional<TopicId> topic,
                                         std::size_t limit) override {
    return inner_.public_posts(list, topic, limit);
  }
  Result<std::vector<ArchiveHit>> search_archive(const ArchiveSearch& search) override {
    return inner_.search_archive(search);
  }
  Result<DigestDefinition> create_digest(const DigestDefinition& digest, Timestamp now) override {
    return inner_.create_digest(digest, now);
  }
  Result<DigestDefinition> find_digest(DigestId id) override { return inner_.find_digest(id); }
  Result<DigestDefinition> find_digest(ListId list, const std::string& name) override {
    return inner_.find_digest(list, name);
  }
  Result<std::vector<DigestDefinition>> digests() override { return inner_.digests(); }
  Result<DigestDefinition> update_digest(DigestId id, const DigestChanges& changes,
                                         Timestamp now) override {
    return inner_.update_digest(id, changes, now);
  }
  Result<void> remove_digest(DigestId id) override { return inner_.remove_digest(id); }
  Result<std::vector<DigestRun>> digest_runs(DigestId id, std::size_t limit) override {
    return inner_.digest_runs(id, limit);
  }
  Result<std::optional<DigestRun>> last_digest_run(DigestId id) override {
    return inner_.last_digest_run(id);
  }
  Result<DigestRun> record_digest_run(const RunRecord& record, Timestamp now) override {
    return inner_.record_digest_run(record, now);
  }
  Result<std::vector<PostToAnnounce>> posts_to_announce(std::size_t limit) override {
    return inner_.posts_to_announce(limit);
  }
  Result<std::optional<IssueId>> announce_post(PostId post, const std::optional<Issue>& issue,
                                               Timestamp now) override {
    return inner_.announce_post(post, issue, now);
  }
  Result<Feed> create_feed(const Feed& feed, Timestamp now) override {
    return inner_.create_feed(feed, now);
  }
  Result<Feed> find_feed(FeedId id) override { return inner_.find_feed(id); }
  Result<std::vector<Feed>> feeds() override { return inner_.feeds(); }
  Result<Feed> update_feed(FeedId id, const FeedChanges& changes, Timestamp now) override {
    return inner_.update_feed(id, changes, now);
  }
  Result<void> remove_feed(FeedId id) override { return inner_.remove_feed(id); }
  Result<std::vector<RecordedItem>> recorded_items(FeedId id) override {
    return inner_.recorded_items(id);
  }
  Result<std::vector<Feed>> due_feeds(Timestamp now, std::size_t limit) override {
    return inner_.due_feeds(now, limit);
  }
  Result<bool> claim_feed(FeedId id, std::optional<Timestamp> seen, Timestamp now,
                          Timestamp until) override {
    return inner_.claim_feed(id, seen, now, until);
  }
  Result<FeedPollCounts> record_feed_poll(FeedId id, std::span<const FeedItemWrite> writes,
                                          const FeedPollOutcome& outcome, Timestamp now) override {
    return inner_.record_feed_poll(id, writes, outcome, now);
  }
  Result<void> set_issue_archive(IssueId id, bool archive) override {
    return inner_.set_issue_archive(id, archive);
  }
  Result<void> set_issue_edition_date(IssueId id, std::optional<std::chrono::year_month_day> date,
                                      Timestamp now) override {
    return inner_.set_issue_edition_date(id, date, now);
  }
  Result<IssueStatus> issue_status(IssueId id) override { return inner_.issue_status(id); }
  Result<void> change_issue_status(IssueId id, std::span<const IssueStatus> from,
                                   IssueStatus status, const std::string& note,
                                   Timestamp now) override {
    return inner_.change_issue_status(id, from, status, note, now);
  }
  Result<void> schedule_issue(IssueId id, Timestamp at,
                              std::optional<std::chrono::seconds> expire_after,
                              Timestamp now) override {
    return inner_.schedule_issue(id, at, expire_after, now);
  }
  Result<std::vector<Issue>> issues_to_run(Timestamp now) override {
    return inner_.issues_to_run(now);
  }
  Result<std::int64_t> freeze_audience(IssueId issue, Timestamp now) override {
    return inner_.freeze_audience(issue, now);
  }
  Result<std::vector<Recipient>> claim_recipients(IssueId issue, std::size_t limit,
                                                  Timestamp now) override {
    return inner_.claim_recipients(issue, limit, now);
  }
  Result<void> record_deliveries(IssueId issue, std::span<const DeliveryResult> results,
                                 Timestamp now) override {
    return inner_.record_deliveries(issue, results, now);
  }
  Result<DeliveryCounts> delivery_counts(IssueId issue) override {
    return inner_.delivery_counts(issue);
  }
  Result<DeliveryCounts> delivery_totals() override { return inner_.delivery_totals(); }
  Result<std::vector<DigestReader>> digest_readers(
      IssueId issue, ListId list, std::span<const SubscriberId> subscribers) override {
    return inner_.digest_readers(issue, list, subscribers);
  }
  Result<std::vector<DeliveryProblem>> delivery_problems(IssueId issue,
                                                         std::size_t limit) override {
    return inner_.delivery_problems(issue, limit);
  }
  Result<LeaseTake> take_issue_lease(IssueId issue, const std::string& owner,
                                     const std::string& replacing, Timestamp now,
                                     Timestamp until) override {
    return inner_.take_issue_lease(issue, owner, replacing, now, until);
  }
  Result<bool> renew_issue_lease(IssueId issue, const std::string& owner,
                                 Timestamp until) override {
    return inner_.renew_issue_lease(issue, owner, until);
  }
  Result<void> release_issue_lease(IssueId issue, const std::string& owner) override {
    return inner_.release_issue_lease(issue, owner);
  }
  Result<std::map<std::string, std::string>> saved_settings() override {
    return inner_.saved_settings();
  }
  Result<void> change_saved_settings(
      const std::map<std::string, std::optional<std::string>>& changes, Timestamp now) override {
    return inner_.change_saved_settings(changes, now);
  }
  Result<std::string> secret(const std::string& name, const std::function<std::string()>& generate,
                             Timestamp now) override {
    return inner_.secret(name, generate, now);
  }
  Result<void> for_each_member(ListId list,
                               const std::function<Result<void>(const Member&)>& visit) override {
    return inner_.for_each_member(list, visit);
  }
  Result<void> apply_preferences(SubscriberId subscriber, const PreferenceChange& change,
                                 Timestamp now) override {
    return inner_.apply_preferences(subscriber, change, now);
  }

  Result<std::optional<ConfirmationId>> record_subscribe_request(
      const EmailAddress& email, const std::string& name, Timestamp since,
      const std::function<SubscribeWrites(const SubscribeFacts&)>& decide, Timestamp now) override {
    return inner_.record_subscribe_request(email, name, since, decide, now);
  }
  Result<Confirmation> find_confirmation(ConfirmationId id, SubscriberId subscriber) override {
    return inner_.find_confirmation(id, subscriber);
  }
  Result<Confirmation> use_confirmation(ConfirmationId id, SubscriberId subscriber,
                                        Timestamp now) override {
    return inner_.use_confirmation(id, subscriber, now);
  }
  Result<std::vector<ConfirmationLetter>> claim_confirmation_letters(
      Timestamp now, std::size_t limit, Timestamp claimed_until) override {
    return inner_.claim_confirmation_letters(now, limit, claimed_until);
  }
  Result<void> record_confirmation_letter(ConfirmationId id, LetterOutcome outcome,
                                          const std::string& reply, Timestamp retry_at,
                                          Timestamp now) override {
    return inner_.record_confirmation_letter(id, outcome, reply, retry_at, now);
  }

 protected:
  Store& inner_;
};

}  // namespace communique::testing
