// Store: everything Communiqué keeps — the aggregate of the store's areas, for the code
// that wires a backend and the few callers that need every area at once.
//
// Policy: a backend owns its SQL (in .sql files, one set per backend) and its driver; no
// driver type, SQL dialect or error shape crosses these interfaces. Every write that must
// be all-or-nothing is one method of an area, so that each backend makes it one
// transaction. Timestamps are passed in by the caller (a clock it owns), so tests control
// time. Expected failures are Results: not_found, conflict (a name taken), invalid_input,
// unavailable (the database is busy), storage (anything else).
// A caller takes the narrowest area it needs, not Store:
//   ListStore         lists, topics, members in bulk (import, export, counts)
//   SubscriberStore   one subscriber: profile, subscriptions, topics, activity
//   ConfirmationStore subscribe requests and their confirmation letters
//   PostStore         posts and the sections of lists
//   ArchiveStore      what the public web reads: public posts, archive search
//   DigestStore       digest definitions, their runs, and posts' announcements
//   FeedStore         feeds, the items they showed, and the record of a poll
//   IssueStore        issues, their state, schedule and archive
//   ClickStore        an issue's tracked links, clicks and opens
//   LedgerStore       the delivery ledger and issue leases
//   SettingsStore     settings saved through the API and the installation's secrets
//   AccountStore      users, sessions, API tokens
//
// Implementations: SqliteStore (the embedded default). A PostgreSQL backend implements the
// same interfaces and runs the same test suite (tests/store).
#pragma once

#include "base/result.hpp"
#include "store/account_store.hpp"
#include "store/archive_store.hpp"
#include "store/click_store.hpp"
#include "store/confirmation_store.hpp"
#include "store/digest_store.hpp"
#include "store/feed_store.hpp"
#include "store/issue_store.hpp"
#include "store/ledger_store.hpp"
#include "store/list_store.hpp"
#include "store/post_store.hpp"
#include "store/settings_store.hpp"
#include "store/subscriber_store.hpp"

namespace communique {

class Store : public ListStore,
              public SubscriberStore,
              public ConfirmationStore,
              public PostStore,
              public ArchiveStore,
              public DigestStore,
              public FeedStore,
              public IssueStore,
              public ClickStore,
              public LedgerStore,
              public SettingsStore,
              public AccountStore {
 public:
  // The number of the newest migration applied.
  virtual Result<int> schema_version() = 0;
};

}  // namespace communique
