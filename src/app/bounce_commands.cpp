// Commands for what comes back from letters sent: bounces ingest.
//
// `bounces ingest` reads one message (a delivery report, complaint, auto-reply or request
// to unsubscribe), prints what it says per recipient and the issue and subscriber its VERP
// return path names when the tag verifies. It changes nothing but one thing: a request to
// unsubscribe sent to the List-Unsubscribe mailto: address is honoured at once, through
// the same path as the one-click link, because the law asks for it. Suppressing bounced
// addresses comes with the suppression list.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "app/command_groups.hpp"
#include "app/runtime.hpp"
#include "audience/subscriptions.hpp"
#include "bounces/classify.hpp"
#include "bounces/report_parse.hpp"
#include "http/personal_links.hpp"

namespace communique {

namespace {

struct IngestOptions {
  std::string file = "-";
  bool json = false;
};

// The bytes of `path` ("-": standard input), at most one more than a report may have.
Result<std::string> read_message(const std::string& path) {
  std::FILE* in = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (in == nullptr) {
    return make_error(ErrorCode::io, "cannot open " + path + "; check the path");
  }
  std::string bytes;
  char buffer[65536];
  std::size_t read = 0;
  while (bytes.size() <= kMaxReportBytes && (read = std::fread(buffer, 1, sizeof buffer, in)) > 0) {
    bytes.append(buffer, read);
  }
  const bool failed = std::ferror(in) != 0;
  if (in != stdin) {
    std::fclose(in);
  }
  if (failed) {
    return make_error(ErrorCode::io, "cannot read " + path);
  }
  return bytes;
}

// The issue and subscriber named by the first VERP return path that verifies: where the
// report was addressed, then the original's Return-Path.
std::optional<VerpAttribution> attribution_of(const Report& report, const VerpKey& key) {
  std::vector<std::string> candidates = report.addressed_to;
  if (report.original) {
    candidates.push_back(report.original->return_path);
  }
  for (const auto& address : candidates) {
    if (auto found = read_return_path(key, address)) {
      return found;
    }
  }
  return std::nullopt;
}

// What honouring an unsubscribe request did, as a sentence.
std::string honour_unsubscribe(Runtime& runtime, const std::string& token) {
  auto links = make_link_signer(runtime);
  if (!links) {
    return "not honoured: " + links.error().message;
  }
  const auto link = open_personal_link(token, TokenPurpose::unsubscribe, *links, *runtime.store);
  if (!link) {
    return "its token opens nothing (forged, altered or its subscriber erased); nothing changed";
  }
  const Subscriptions subscriptions(*runtime.store);
  const std::pair<SubscriberId, IssueId> pair{link->claims.subscriber, link->claims.issue};
  auto done = subscriptions.unsubscribe(std::span(&pair, 1), system_clock_now());
  if (!done) {
    return "not honoured: " + done.error().message;
  }
  return fmt::format("{} unsubscribed from the lists of issue {}", link->subscriber.email,
                     link->claims.issue);
}

std::string recipient_line(const Report& report, const ReportRecipient& recipient,
                           const BounceVerdict& verdict) {
  const std::string who = recipient.address.empty() ? "(no address)" : recipient.address;
  switch (report.kind) {
    case ReportKind::complaint:
      if (verdict.bounce_class == BounceClass::ignore) {
        return fmt::format("{}: ignored ({}) {}", who, verdict.reason, report.feedback_type);
      }
      return fmt::format("{}: complaint ({}) {}", who, verdict.reason, report.feedback_type);
    case ReportKind::auto_reply:
      return fmt::format("{}: ignored: auto-reply", who);
    default:
      break;
  }
  if (verdict.bounce_class == BounceClass::ignore) {
    return fmt::format("{}: ignored ({})", who, verdict.reason);
  }
  return fmt::format("{}: {} ({}) {} \"{}\"", who, to_string(verdict.bounce_class), verdict.reason,
                     recipient.status.empty() ? "-" : recipient.status, recipient.diagnostic);
}

int run_bounces_ingest(const GlobalOptions& global, const IngestOptions& options) {
  auto message = read_message(options.file);
  if (!message) {
    return fail(message.error());
  }
  auto runtime = open_runtime(global, Verbosity::quiet);
  if (!runtime) {
    return fail(runtime.error());
  }
  auto key = make_verp_key(*runtime);
  if (!key) {
    return fail(key.error());
  }
  const Report report = parse_report(*message);
  const auto attribution = attribution_of(report, *key);
  std::string unsubscribed;
  if (report.kind == ReportKind::unsubscribe_request) {
    unsubscribed = honour_unsubscribe(*runtime, report.unsubscribe_token);
  }
  nlohmann::json json = {{"kind", to_string(report.kind)},
                         {"form", report.form},
                         {"recipients", nlohmann::json::array()}};
  std::vector<std::string> lines;
  if (report.kind == ReportKind::unknown) {
    json["reason"] = report.reason;
    lines.push_back("not understood: " + report.reason);
  } else if (report.kind == ReportKind::unsubscribe_request) {
    json["unsubscribe"] = unsubscribed;
    lines.push_back("unsubscribe request from " + report.sender + ": " + unsubscribed);
  }
  if (report.kind == ReportKind::complaint && report.recipients.empty()) {
    const auto verdict = classify(report, {});
    lines.push_back(recipient_line(report, {}, verdict));
    json["recipients"].push_back(
        {{"address", ""}, {"class", to_string(verdict.bounce_class)}, {"reason", verdict.reason}});
  }
  for (const auto& recipient : report.recipients) {
    if (report.kind == ReportKind::unsubscribe_request) {
      break;
    }
    const auto verdict = classify(report, recipient);
    lines.push_back(recipient_line(report, recipient, verdict));
    json["recipients"].push_back({{"address", recipient.address},
                                  {"action", to_string(recipient.action)},
                                  {"status", recipient.status},
                                  {"diagnostic", recipient.diagnostic},
                                  {"class", to_string(verdict.bounce_class)},
                                  {"reason", verdict.reason}});
  }
  if (attribution) {
    json["issue"] = attribution->issue;
    json["subscriber"] = attribution->subscriber;
    lines.push_back(fmt::format("attributed to issue {}, subscriber {} (signed return path)",
                                attribution->issue, attribution->subscriber));
  }
  if (options.json) {
    fmt::print("{}\n", json.dump());
    return 0;
  }
  for (const auto& line : lines) {
    fmt::print("{}\n", line);
  }
  return 0;
}

}  // namespace

void add_bounce_commands(CLI::App& app, CommandChoice& choice) {
  auto* bounces =
      app.add_subcommand("bounces", "What comes back: delivery reports, complaints, auto-replies");
  bounces->require_subcommand(1);

  auto& ingest = choice.keep<IngestOptions>();
  auto* ingest_cmd = bounces->add_subcommand(
      "ingest",
      "Read one message (a bounce, complaint, auto-reply or unsubscribe request) and print its "
      "classification per recipient, with the issue and subscriber its signed return path "
      "names. It classifies; suppression comes with the suppression list. A request to "
      "unsubscribe (mail to the List-Unsubscribe address) is honoured at once");
  ingest_cmd->add_option("FILE", ingest.file, "The message, as received (\"-\": standard input)");
  ingest_cmd->add_flag("--json", ingest.json, "Print one JSON object instead of lines");
  choice.on(ingest_cmd,
            [&ingest](const GlobalOptions& global) { return run_bounces_ingest(global, ingest); });
}

}  // namespace communique
