// feed_sync: the decisions of one poll over a parsed feed (see the header's table).
#include "feeds/feed_sync.hpp"

#include <algorithm>
#include <cstdint>
#include <unordered_map>
#include <unordered_set>

#include "base/text.hpp"
#include "content/html_markdown.hpp"
#include "content/html_text.hpp"
#include "core/subscriber.hpp"

namespace communique {

namespace {

constexpr std::size_t kMostTitleCharacters = 300;
constexpr std::size_t kWordsOfAnUntitledItem = 80;  // characters of text an empty title takes
constexpr std::size_t kMostBodyBytes = 1024 * 1024;

// `text` on one line: control characters (line breaks too) become spaces.
std::string one_line(std::string_view text) {
  std::string line;
  line.reserve(text.size());
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    line.push_back(byte < 0x20 || byte == 0x7F ? ' ' : c);
  }
  return line;
}

// The first `most` bytes of `text`, not cutting a UTF-8 sequence.
std::string_view utf8_prefix(std::string_view text, std::size_t most) {
  if (text.size() <= most) {
    return text;
  }
  std::size_t end = most;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;
  }
  return text.substr(0, end);
}

// The host of an http(s) link ("www.example.org"), or empty.
std::string_view link_host(std::string_view link) {
  const std::size_t scheme = link.find("://");
  if (scheme == std::string_view::npos) {
    return {};
  }
  std::string_view rest = link.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  const std::size_t at = rest.rfind('@');
  if (at != std::string_view::npos) {
    rest = rest.substr(at + 1);
  }
  return rest;
}

std::string item_title(const FeedItem& item) {
  std::string title = one_line(trim(item.title));
  if (trim(title).empty()) {
    title = one_line(html_to_text(item.content_html));
  }
  std::string_view trimmed = trim(title);
  if (trimmed.empty()) {
    trimmed = trim(item.link);
  }
  if (trimmed.empty()) {
    return "Untitled";
  }
  const std::size_t most = trim(item.title).empty() ? kWordsOfAnUntitledItem : kMostTitleCharacters;
  return shorten(trimmed, most);
}

std::string item_body(const FeedItem& item) {
  std::string body = html_to_markdown(item.content_html);
  std::string link = one_line(trim(item.link));
  std::string read_on;
  if (!link.empty() && link.find_first_of("()<> ") == std::string::npos) {
    const std::string_view host = link_host(link);
    read_on = "[Read on " + std::string(host.empty() ? std::string_view("the site") : host) + "](" +
              link + ")";
  }
  // Control characters other than tab and line breaks have no place in a post.
  std::erase_if(body, [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return (byte < 0x20 && c != '\t' && c != '\n' && c != '\r') || byte == 0x7F;
  });
  const std::size_t room = kMostBodyBytes - read_on.size() - 2;
  std::string written(utf8_prefix(trim(body), room));
  if (!read_on.empty()) {
    if (!written.empty()) {
      written += "\n\n";
    }
    written += read_on;
  }
  return written;
}

std::string item_language(const Feed& feed, const ParsedFeed& parsed, const FeedItem& item) {
  for (const std::string* tag : {&item.language, &parsed.language, &feed.language}) {
    if (trim(*tag).empty()) {
      continue;
    }
    auto normal = normalise_language(trim(*tag));
    if (normal && !normal->empty()) {
      return *normal;
    }
  }
  return {};
}

std::optional<Timestamp> item_date(const FeedItem& item) {
  return item.published ? item.published : item.updated;
}

Post new_post(const Feed& feed, const ParsedFeed& parsed, const FeedItem& item,
              const std::string& key, Timestamp now) {
  Post post;
  post.list_id = feed.list_id;
  post.section_id = feed.section_id;
  post.title = item_title(item);
  post.body = item_body(item);
  post.language = item_language(feed, parsed, item);
  post.status = feed.review ? PostStatus::draft : PostStatus::published;
  if (post.status == PostStatus::published) {
    post.published_at = item_date(item).value_or(now);
  }
  post.source = feed_source(feed.id);
  post.external_id = key;
  post.topics = feed.topics;
  return post;
}

// The indexes of the items a first poll publishes: the newest `count`.
std::unordered_set<std::size_t> backfilled(const std::vector<const FeedItem*>& items, int count) {
  std::vector<std::size_t> order(items.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    order[i] = i;
  }
  const bool all_dated = std::all_of(items.begin(), items.end(),
                                     [](const FeedItem* item) { return item_date(*item); });
  if (all_dated) {
    std::stable_sort(order.begin(), order.end(), [&items](std::size_t a, std::size_t b) {
      return *item_date(*items[a]) > *item_date(*items[b]);
    });
  }
  const auto taken = std::min<std::size_t>(order.size(), static_cast<std::size_t>(count));
  return {order.begin(), order.begin() + static_cast<std::ptrdiff_t>(taken)};
}

}  // namespace

std::string normalise_item_link(std::string_view link) {
  std::string_view trimmed = trim(link);
  return std::string(trimmed.substr(0, trimmed.find('#')));
}

std::string feed_item_key(const FeedItem& item, FeedIdFrom from) {
  const std::string_view guid = trim(item.guid);
  if (from == FeedIdFrom::guid && !guid.empty()) {
    return std::string(guid);
  }
  return normalise_item_link(item.link);
}

std::string feed_item_hash(const FeedItem& item) {
  // FNV-1a (64 bits) over the fields, each ended by a byte UTF-8 never holds, so that no two splits
  // of the same bytes hash alike. It tells a change, not an attack: a feed can only collide with
  // its own items.
  std::uint64_t hash = 14695981039346656037ULL;
  for (const std::string* field : {&item.title, &item.link, &item.content_html}) {
    for (char c : *field) {
      hash ^= static_cast<unsigned char>(c);
      hash *= 1099511628211ULL;
    }
    hash ^= 0xFFU;  // a byte UTF-8 never holds ends each field
    hash *= 1099511628211ULL;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text(16, '0');
  for (int i = 15; i >= 0; --i) {
    text[static_cast<std::size_t>(i)] = kHex[hash & 0xF];
    hash >>= 4;
  }
  return text;
}

std::vector<FeedItemWrite> plan_feed_sync(const Feed& feed, const ParsedFeed& parsed,
                                          std::span<const RecordedItem> recorded, Timestamp now) {
  std::unordered_map<std::string, const RecordedItem*> known;
  for (const RecordedItem& item : recorded) {
    known.emplace(item.key, &item);
  }
  // The items with a key, each key once, in document order.
  std::vector<const FeedItem*> items;
  std::vector<std::string> keys;
  std::unordered_set<std::string> seen;
  for (const FeedItem& item : parsed.items) {
    std::string key = feed_item_key(item, feed.id_from);
    if (key.empty() || !seen.insert(key).second) {
      continue;
    }
    items.push_back(&item);
    keys.push_back(std::move(key));
  }
  const bool first_poll = !feed.polled_once;
  const auto published_first =
      first_poll ? backfilled(items, feed.backfill) : std::unordered_set<std::size_t>{};

  std::vector<FeedItemWrite> writes;
  writes.reserve(items.size());
  // Oldest first: a feed lists its newest items first, and posts are numbered as written.
  for (std::size_t n = items.size(); n-- > 0;) {
    const FeedItem& item = *items[n];
    FeedItemWrite write;
    write.key = keys[n];
    write.content_hash = feed_item_hash(item);
    const auto found = known.find(write.key);
    if (found == known.end()) {
      if (first_poll && !published_first.contains(n)) {
        write.action = ItemAction::record_only;
      } else {
        write.action = ItemAction::create_post;
        write.post = new_post(feed, parsed, item, write.key, now);
      }
    } else if (found->second->content_hash == write.content_hash) {
      write.action = ItemAction::unchanged;
    } else if (!found->second->post) {
      write.action = ItemAction::record_only;
    } else if (found->second->carried) {
      write.action = ItemAction::kept;
    } else {
      write.action = ItemAction::update_post;
      write.post = new_post(feed, parsed, item, write.key, now);
      write.post.id = *found->second->post;
    }
    writes.push_back(std::move(write));
  }
  return writes;
}

}  // namespace communique
