// Commands for what an editor publishes: sections of a list and the posts in them.
//
// Sections and topics are named as people name them (`--section News`); a name that is not
// there is refused with the names that are, and the command that lists them. Posts are
// checked by the rules the API uses (core/post.hpp: normalise_post).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "app/command_groups.hpp"
#include "app/runtime.hpp"
#include "base/text.hpp"
#include "core/post.hpp"

namespace communique {

// The section of `list` named `name` (ignoring ASCII case, as the store does); the error
// names the sections there are and how to list them.
Result<Section> section_named(Store& store, const MailingList& list, const std::string& name) {
  auto sections = store.sections(list.id);
  if (!sections) {
    return std::move(sections).error();
  }
  std::vector<std::string> names;
  for (const auto& section : *sections) {
    if (ascii_lower(section.name) == ascii_lower(name)) {
      return section;
    }
    names.push_back(section.name);
  }
  if (names.empty()) {
    return make_error(ErrorCode::not_found,
                      fmt::format("there is no section '{}' on list {}: it has none yet; create "
                                  "one with: communique sections create --list {} '{}'",
                                  name, list.name, list.name, name));
  }
  return make_error(ErrorCode::not_found,
                    fmt::format("there is no section '{}' on list {}: sections are {} "
                                "(communique sections ls --list {})",
                                name, list.name, fmt::join(names, ", "), list.name));
}

// The topics of `list` named `names`, as ids; the error names the topics there are.
Result<std::vector<TopicId>> topics_named(Store& store, const MailingList& list,
                                          const std::vector<std::string>& names) {
  auto topics = store.topics(list.id);
  if (!topics) {
    return std::move(topics).error();
  }
  std::vector<TopicId> ids;
  for (const auto& name : names) {
    auto found = std::find_if(topics->begin(), topics->end(), [&](const Topic& topic) {
      return ascii_lower(topic.name) == ascii_lower(name);
    });
    if (found == topics->end()) {
      std::vector<std::string> known;
      for (const auto& topic : *topics) {
        known.push_back(topic.name);
      }
      return make_error(
          ErrorCode::not_found,
          known.empty()
              ? fmt::format("there is no topic '{}' on list {}: it has none; create one with: "
                            "communique topics create --list {} '{}'",
                            name, list.name, list.name, name)
              : fmt::format("there is no topic '{}' on list {}: topics are {} (communique "
                            "topics ls --list {})",
                            name, list.name, fmt::join(known, ", "), list.name));
    }
    ids.push_back(found->id);
  }
  return ids;
}

namespace {

// A time as the options take it: "2026-12-01T09:00Z" and the other forms parse_iso8601 reads.
Result<Timestamp> time_option(const char* option, const std::string& text) {
  auto time = parse_iso8601(text);
  if (!time) {
    return make_error(ErrorCode::invalid_input,
                      fmt::format("{} must be a time such as 2026-12-01T09:00Z or 2026-12-01, "
                                  "not '{}'",
                                  option, text));
  }
  return *time;
}

std::string topic_names(const std::vector<Topic>& topics, const std::vector<TopicId>& ids) {
  std::vector<std::string> names;
  for (TopicId id : ids) {
    auto found = std::find_if(topics.begin(), topics.end(),
                              [id](const Topic& topic) { return topic.id == id; });
    names.push_back(found == topics.end() ? "#" + std::to_string(id) : found->name);
  }
  return fmt::format("{}", fmt::join(names, ", "));
}

// What the list and its topics are, for showing posts: by id.
struct ListNames {
  std::map<ListId, MailingList> lists;
  std::map<ListId, std::vector<Topic>> topics;
};

Result<ListNames> list_names(Store& store) {
  auto lists = store.lists();
  if (!lists) {
    return std::move(lists).error();
  }
  ListNames names;
  for (auto& list : *lists) {
    auto topics = store.topics(list.id);
    if (!topics) {
      return std::move(topics).error();
    }
    names.topics[list.id] = std::move(*topics);
    names.lists[list.id] = std::move(list);
  }
  return names;
}

std::string published_text(const Post& post) {
  return post.published_at ? format_iso8601(*post.published_at) : std::string("-");
}

}  // namespace

int run_sections_create(const GlobalOptions& global, const std::string& list,
                        const std::string& name) {
  auto valid = validate_name(name, "section name");
  if (!valid) {
    return fail(valid.error());
  }
  auto opened = open_list(global, list);
  if (!opened) {
    return fail(opened.error());
  }
  auto section = opened->runtime.store->create_section(opened->list.id, *valid, system_clock_now());
  if (!section) {
    return fail(section.error());
  }
  fmt::print("created section '{}' on list '{}' at position {}\n", section->name, opened->list.name,
             section->position + 1);
  return 0;
}

int run_sections_ls(const GlobalOptions& global, const std::string& list) {
  auto opened = open_list(global, list);
  if (!opened) {
    return fail(opened.error());
  }
  auto sections = opened->runtime.store->sections(opened->list.id);
  if (!sections) {
    return fail(sections.error());
  }
  if (sections->empty()) {
    fmt::print(stderr,
               "list '{}' has no sections; add one with: communique sections create --list {} "
               "NAME\n",
               opened->list.name, opened->list.name);
    return 0;
  }
  std::size_t width = 4;
  for (const auto& section : *sections) {
    width = std::max(width, code_points(section.name));
  }
  const auto padded = [width](const std::string& text) {
    return text + std::string(width - std::min(width, code_points(text)), ' ');
  };
  fmt::print("{:>8}  {}  {:>5}\n", "POSITION", padded("NAME"), "POSTS");
  for (const auto& section : *sections) {
    fmt::print("{:>8}  {}  {:>5}\n", section.position + 1, padded(section.name), section.posts);
  }
  return 0;
}

int run_sections_move(const GlobalOptions& global, const SectionMoveOptions& options) {
  auto opened = open_list(global, options.list);
  if (!opened) {
    return fail(opened.error());
  }
  auto& store = *opened->runtime.store;
  auto moved = section_named(store, opened->list, options.name);
  if (!moved) {
    return fail(moved.error());
  }
  int position = 0;
  if (options.before) {
    auto other = section_named(store, opened->list, *options.before);
    if (!other) {
      return fail(other.error());
    }
    // Its place once the moved section has left its own.
    position = other->position - (moved->position < other->position ? 1 : 0);
  } else {
    if (!options.to || *options.to < 1) {
      return fail("--to must be a position of 1 or more (1 is first), as sections ls shows");
    }
    position = *options.to - 1;
  }
  auto sections = store.move_section(moved->id, position);
  if (!sections) {
    return fail(sections.error());
  }
  std::vector<std::string> names;
  for (const auto& section : *sections) {
    names.push_back(section.name);
  }
  fmt::print("sections of '{}': {}\n", opened->list.name, fmt::join(names, ", "));
  return 0;
}

int run_sections_rename(const GlobalOptions& global, const std::string& list,
                        const std::string& name, const std::string& new_name) {
  auto valid = validate_name(new_name, "section name");
  if (!valid) {
    return fail(valid.error());
  }
  auto opened = open_list(global, list);
  if (!opened) {
    return fail(opened.error());
  }
  auto section = section_named(*opened->runtime.store, opened->list, name);
  if (!section) {
    return fail(section.error());
  }
  auto renamed = opened->runtime.store->rename_section(section->id, *valid);
  if (!renamed) {
    return fail(renamed.error());
  }
  fmt::print("renamed section '{}' of list '{}' to '{}'\n", section->name, opened->list.name,
             renamed->name);
  return 0;
}

int run_sections_rm(const GlobalOptions& global, const std::string& list, const std::string& name) {
  auto opened = open_list(global, list);
  if (!opened) {
    return fail(opened.error());
  }
  auto section = section_named(*opened->runtime.store, opened->list, name);
  if (!section) {
    return fail(section.error());
  }
  if (auto removed = opened->runtime.store->remove_section(section->id); !removed) {
    return fail(removed.error());
  }
  fmt::print("removed section '{}' from list '{}'\n", section->name, opened->list.name);
  return 0;
}

int run_posts_add(const GlobalOptions& global, const PostAddOptions& options) {
  auto body = read_text_file(options.file);
  if (!body) {
    return fail(body.error());
  }
  Post post;
  post.title = options.title;
  post.body = std::move(*body);
  post.language = options.language;
  post.translation_of = options.translation_of;
  post.status = options.draft ? PostStatus::draft : PostStatus::published;
  if (options.published_at) {
    if (options.draft) {
      return fail(
          "--published-at is for a published post; publish the draft later with: "
          "communique posts publish ID --published-at TIME");
    }
    auto at = time_option("--published-at", *options.published_at);
    if (!at) {
      return fail(at.error());
    }
    post.published_at = *at;
  }
  auto normalised = normalise_post(std::move(post));
  if (!normalised) {
    return fail(normalised.error());
  }
  auto opened = open_list(global, options.list);
  if (!opened) {
    return fail(opened.error());
  }
  auto& store = *opened->runtime.store;
  auto section = section_named(store, opened->list, options.section);
  if (!section) {
    return fail(section.error());
  }
  auto topics = topics_named(store, opened->list, options.topics);
  if (!topics) {
    return fail(topics.error());
  }
  normalised->list_id = opened->list.id;
  normalised->section_id = section->id;
  normalised->topics = std::move(*topics);
  auto created = store.create_post(*normalised, system_clock_now());
  if (!created) {
    return fail(created.error());
  }
  fmt::print("{}\n", created->id);
  return 0;
}

int run_posts_ls(const GlobalOptions& global, const PostListOptions& options) {
  PostFilter filter;
  filter.limit = options.limit;
  if (options.status) {
    filter.status = parse_post_status(*options.status);
    if (!filter.status) {
      return fail("--status must be draft or published, not '" + *options.status + "'");
    }
  }
  if (options.since) {
    auto since = time_option("--since", *options.since);
    if (!since) {
      return fail(since.error());
    }
    filter.since = *since;
  }
  auto runtime = open_runtime(global, Verbosity::quiet);
  if (!runtime) {
    return fail(runtime.error());
  }
  auto& store = *runtime->store;
  if (options.list) {
    auto list = store.find_list(*options.list);
    if (!list) {
      return fail(list.error());
    }
    filter.list = list->id;
  }
  auto posts = store.posts(filter);
  auto names = list_names(store);
  if (!posts || !names) {
    return fail(!posts ? posts.error() : names.error());
  }
  if (options.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& post : *posts) {
      out.push_back({{"id", post.id},
                     {"status", to_string(post.status)},
                     {"published_at", post.published_at ? nlohmann::json(published_text(post))
                                                        : nlohmann::json(nullptr)},
                     {"list", names->lists[post.list_id].name},
                     {"section", post.section_name},
                     {"topics", topic_names(names->topics[post.list_id], post.topics)},
                     {"slug", post.slug},
                     {"language", post.language},
                     {"title", post.title}});
    }
    fmt::print("{}\n", out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
    return 0;
  }
  if (posts->empty()) {
    fmt::print(stderr,
               "no posts; add one with: communique posts add --list LIST --section SECTION "
               "--title TITLE FILE.md\n");
    return 0;
  }
  fmt::print("{:>6}  {:<9}  {:<20}  {:<12}  {:<14}  {:<16}  {}\n", "ID", "STATUS", "PUBLISHED",
             "LIST", "SECTION", "TOPICS", "TITLE");
  for (const auto& post : *posts) {
    fmt::print("{:>6}  {:<9}  {:<20}  {:<12}  {:<14}  {:<16}  {}\n", post.id,
               to_string(post.status), published_text(post), names->lists[post.list_id].name,
               post.section_name, topic_names(names->topics[post.list_id], post.topics),
               post.title);
  }
  if (posts->size() == options.limit) {
    fmt::print(stderr, "showing the newest {}; --limit N shows more\n", options.limit);
  }
  return 0;
}

int run_posts_show(const GlobalOptions& global, std::int64_t id) {
  auto runtime = open_runtime(global, Verbosity::quiet);
  if (!runtime) {
    return fail(runtime.error());
  }
  auto& store = *runtime->store;
  auto post = store.find_post(id);
  if (!post) {
    return fail(post.error());
  }
  auto list = store.find_list(post->list_id);
  auto topics = store.topics(post->list_id);
  const PostId original = post->translation_of.value_or(post->id);
  auto translations = store.translations_of(std::span<const PostId>(&original, 1));
  if (!list || !topics || !translations) {
    return fail(!list ? list.error() : !topics ? topics.error() : translations.error());
  }
  fmt::print("id:          {}\n", post->id);
  fmt::print("title:       {}\n", post->title);
  fmt::print("slug:        {}\n", post->slug);
  fmt::print("list:        {}\n", list->name);
  fmt::print("section:     {}\n", post->section_name);
  fmt::print("topics:      {}\n",
             post->topics.empty() ? std::string("(none)") : topic_names(*topics, post->topics));
  fmt::print("language:    {}\n", post->language.empty() ? "(unknown)" : post->language);
  fmt::print("status:      {}\n", to_string(post->status));
  fmt::print("published:   {}\n", published_text(*post));
  fmt::print("source:      {}{}\n", post->source,
             post->external_id.empty() ? "" : " (" + post->external_id + ")");
  if (post->translation_of) {
    fmt::print("translates:  {}\n", *post->translation_of);
  }
  std::vector<std::string> others;
  for (const auto& translation : *translations) {
    if (translation.id != post->id) {
      others.push_back(fmt::format("{} ({})", translation.id,
                                   translation.language.empty() ? "?" : translation.language));
    }
  }
  fmt::print("translations: {}\n",
             others.empty() ? std::string("(none)") : fmt::format("{}", fmt::join(others, ", ")));
  fmt::print("created:     {}\n", format_iso8601(post->created_at));
  fmt::print("updated:     {}\n\n", format_iso8601(post->updated_at));
  fmt::print("{}\n", post->body);
  return 0;
}

int run_posts_publish(const GlobalOptions& global, std::int64_t id,
                      const std::optional<std::string>& at) {
  const Timestamp now = system_clock_now();
  Timestamp published_at = now;
  if (at) {
    auto given = time_option("--published-at", *at);
    if (!given) {
      return fail(given.error());
    }
    published_at = *given;
  }
  auto runtime = open_runtime(global, Verbosity::quiet);
  if (!runtime) {
    return fail(runtime.error());
  }
  auto published = runtime->store->publish_post(id, published_at, now);
  if (!published) {
    return fail(published.error());
  }
  fmt::print("published post {} at {}\n", published->id, published_text(*published));
  return 0;
}

int run_posts_update(const GlobalOptions& global, const PostUpdateOptions& options) {
  PostChanges changes;
  changes.title = options.title;
  changes.language = options.language;
  if (options.body) {
    auto body = read_text_file(*options.body);
    if (!body) {
      return fail(body.error());
    }
    changes.body = std::move(*body);
  }
  auto normalised = normalise_post_changes(std::move(changes));
  if (!normalised) {
    return fail(normalised.error());
  }
  auto runtime = open_runtime(global, Verbosity::quiet);
  if (!runtime) {
    return fail(runtime.error());
  }
  auto& store = *runtime->store;
  auto post = store.find_post(options.post);
  if (!post) {
    return fail(post.error());
  }
  auto list = store.find_list(post->list_id);
  if (!list) {
    return fail(list.error());
  }
  if (options.section) {
    auto section = section_named(store, *list, *options.section);
    if (!section) {
      return fail(section.error());
    }
    normalised->section_id = section->id;
  }
  if (!options.topics.empty() || options.no_topics) {
    auto topics = topics_named(store, *list, options.topics);
    if (!topics) {
      return fail(topics.error());
    }
    normalised->topics = std::move(*topics);
  }
  if (options.translation_of) {
    normalised->translation_of = std::optional<PostId>(*options.translation_of);
  } else if (options.original) {
    normalised->translation_of = std::optional<PostId>();
  }
  auto updated = store.update_post(post->id, *normalised, system_clock_now());
  if (!updated) {
    return fail(updated.error());
  }
  fmt::print("updated post {} ({})\n", updated->id, updated->title);
  return 0;
}

int run_posts_rm(const GlobalOptions& global, std::int64_t id) {
  auto runtime = open_runtime(global, Verbosity::quiet);
  if (!runtime) {
    return fail(runtime.error());
  }
  if (auto removed = runtime->store->remove_post(id); !removed) {
    return fail(removed.error());
  }
  fmt::print("removed post {}\n", id);
  return 0;
}

namespace {

void add_sections(CLI::App& app, CommandChoice& choice) {
  auto* sections =
      app.add_subcommand("sections", "The sections of a list, in the order digests show them");
  sections->require_subcommand(1);

  struct Named {
    std::string list;
    std::string name;
    std::string new_name;
  };
  auto& create = choice.keep<Named>();
  auto* create_cmd = sections->add_subcommand("create", "Add a section after a list's last one");
  create_cmd->add_option("--list", create.list, "The list")->required();
  create_cmd->add_option("NAME", create.name, "The section's name (\"News\")")->required();
  choice.on(create_cmd, [&create](const GlobalOptions& global) {
    return run_sections_create(global, create.list, create.name);
  });

  auto& ls = choice.keep<std::string>();
  auto* ls_cmd = sections->add_subcommand("ls", "Show a list's sections in order, with posts");
  ls_cmd->add_option("--list", ls, "The list")->required();
  choice.on(ls_cmd, [&ls](const GlobalOptions& global) { return run_sections_ls(global, ls); });

  auto& move = choice.keep<SectionMoveOptions>();
  auto* move_cmd = sections->add_subcommand("move", "Move a section to another place");
  move_cmd->add_option("--list", move.list, "The list")->required();
  move_cmd->add_option("NAME", move.name, "The section to move")->required();
  auto* to = move_cmd->add_option("--to", move.to, "Its new position (1 is first)");
  auto* before = move_cmd->add_option("--before", move.before, "The section it goes before");
  to->excludes(before);
  move_cmd->callback([&choice, &move, to, before] {
    if (to->count() + before->count() == 0) {
      throw CLI::RequiredError("--to or --before");
    }
    choice.choose([&move](const GlobalOptions& global) { return run_sections_move(global, move); });
  });

  auto& rename = choice.keep<Named>();
  auto* rename_cmd = sections->add_subcommand("rename", "Rename a section");
  rename_cmd->add_option("--list", rename.list, "The list")->required();
  rename_cmd->add_option("NAME", rename.name, "The section's name")->required();
  rename_cmd->add_option("NEW", rename.new_name, "Its new name")->required();
  choice.on(rename_cmd, [&rename](const GlobalOptions& global) {
    return run_sections_rename(global, rename.list, rename.name, rename.new_name);
  });

  auto& rm = choice.keep<Named>();
  auto* rm_cmd =
      sections->add_subcommand("rm", "Remove a section that has no posts (move them first)");
  rm_cmd->add_option("--list", rm.list, "The list")->required();
  rm_cmd->add_option("NAME", rm.name, "The section's name")->required();
  choice.on(rm_cmd, [&rm](const GlobalOptions& global) {
    return run_sections_rm(global, rm.list, rm.name);
  });
}

void add_posts_add(CLI::App& posts, CommandChoice& choice) {
  auto& add = choice.keep<PostAddOptions>();
  auto* cmd = posts.add_subcommand(
      "add", "Add a post from a Markdown file (published unless --draft); prints its id");
  cmd->add_option("--list", add.list, "The list it is posted to")->required();
  cmd->add_option("--section", add.section, "Its section (sections ls --list L)")->required();
  cmd->add_option("--topic", add.topics, "A topic of the list (repeatable)");
  cmd->add_option("--lang", add.language, "Its language (en, ru, pt-BR...)");
  cmd->add_option("--translation-of", add.translation_of,
                  "The id of the post this translates (on the same list)");
  cmd->add_flag("--draft", add.draft, "Keep it a draft (posts publish ID later)");
  cmd->add_option("--published-at", add.published_at,
                  "When it says it was published (2026-12-01T09:00Z); by default now");
  cmd->add_option("--title", add.title, "Its title, one line")->required();
  cmd->add_option("FILE", add.file, "The Markdown body; - reads standard input")->required();
  choice.on(cmd, [&add](const GlobalOptions& global) { return run_posts_add(global, add); });
}

void add_posts_ls_and_show(CLI::App& posts, CommandChoice& choice) {
  auto& ls = choice.keep<PostListOptions>();
  auto* ls_cmd = posts.add_subcommand("ls", "Show posts, newest first");
  ls_cmd->add_option("--list", ls.list, "Only this list's");
  ls_cmd->add_option("--since", ls.since, "Only those published at or after this time");
  ls_cmd->add_option("--status", ls.status, "draft or published")
      ->check(CLI::IsMember({"draft", "published"}));
  ls_cmd->add_option("--limit", ls.limit, "At most this many")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  ls_cmd->add_flag("--json", ls.json, "Print JSON");
  choice.on(ls_cmd, [&ls](const GlobalOptions& global) { return run_posts_ls(global, ls); });

  auto& show = choice.keep<std::int64_t>(0);
  auto* show_cmd = posts.add_subcommand("show", "Show a post: its fields, then its body");
  show_cmd->add_option("ID", show, "The post's id")->required();
  choice.on(show_cmd,
            [&show](const GlobalOptions& global) { return run_posts_show(global, show); });

  struct Publish {
    std::int64_t id = 0;
    std::optional<std::string> at;
  };
  auto& publish = choice.keep<Publish>();
  auto* publish_cmd = posts.add_subcommand("publish", "Publish a draft");
  publish_cmd->add_option("ID", publish.id, "The post's id")->required();
  publish_cmd->add_option("--published-at", publish.at,
                          "When it says it was published; by default now");
  choice.on(publish_cmd, [&publish](const GlobalOptions& global) {
    return run_posts_publish(global, publish.id, publish.at);
  });

  auto& rm = choice.keep<std::int64_t>(0);
  auto* rm_cmd =
      posts.add_subcommand("rm", "Remove a post (not one a digest carried: letters name it)");
  rm_cmd->add_option("ID", rm, "The post's id")->required();
  choice.on(rm_cmd, [&rm](const GlobalOptions& global) { return run_posts_rm(global, rm); });
}

void add_posts_update(CLI::App& posts, CommandChoice& choice) {
  auto& update = choice.keep<PostUpdateOptions>();
  auto* cmd = posts.add_subcommand("update", "Change a post; only what is given changes");
  cmd->add_option("ID", update.post, "The post's id")->required();
  auto* title = cmd->add_option("--title", update.title, "Its title");
  auto* section = cmd->add_option("--section", update.section, "Its section");
  auto* topic = cmd->add_option("--topic", update.topics, "Its topics (repeatable; replaces them)");
  auto* no_topics = cmd->add_flag("--no-topics", update.no_topics, "Remove all its topics");
  topic->excludes(no_topics);
  auto* language = cmd->add_option("--lang", update.language, "Its language");
  auto* body =
      cmd->add_option("--body", update.body, "A new Markdown body; - reads standard input");
  auto* translation = cmd->add_option("--translation-of", update.translation_of,
                                      "Make it a translation of this post (its original)");
  auto* original =
      cmd->add_flag("--original", update.original, "Make it an original, not a translation");
  translation->excludes(original);
  cmd->callback(
      [&choice, &update, title, section, topic, no_topics, language, body, translation, original] {
        if (title->count() + section->count() + topic->count() + no_topics->count() +
                language->count() + body->count() + translation->count() + original->count() ==
            0) {
          throw CLI::RequiredError(
              "--title, --section, --topic, --no-topics, --lang, --body, --translation-of or "
              "--original");
        }
        choice.choose(
            [&update](const GlobalOptions& global) { return run_posts_update(global, update); });
      });
}

}  // namespace

void add_post_commands(CLI::App& app, CommandChoice& choice) {
  add_sections(app, choice);
  auto* posts = app.add_subcommand("posts", "Posts: the items digests are made of");
  posts->require_subcommand(1);
  add_posts_add(*posts, choice);
  add_posts_ls_and_show(*posts, choice);
  add_posts_update(*posts, choice);
}

}  // namespace communique
