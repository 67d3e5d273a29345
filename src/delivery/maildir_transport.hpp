// MaildirTransport: the embedded default. Each letter becomes one file in a Maildir
// (tmp/ then renamed into new/), under the data directory, so a new installation shows
// real letters without any mail server, and tests can read exactly what would be sent.
//
// A letter is accepted once its file is in new/. A write error (disk full) is a transport
// failure, retried later by the policy. Files are not fsync'd one by one: the ledger,
// not the outbox, is the record of what was sent.
#pragma once

#include <atomic>
#include <filesystem>

#include "base/result.hpp"
#include "delivery/transport.hpp"

namespace communique {

class MaildirTransport final : public Transport {
 public:
  // Creates DIR/{tmp,new,cur} when missing.
  static Result<std::unique_ptr<MaildirTransport>> open(const std::filesystem::path& directory);

  std::vector<TransportOutcome> send(std::span<const OutgoingLetter> letters) override;
  std::string describe() const override;

 private:
  explicit MaildirTransport(std::filesystem::path directory) : directory_(std::move(directory)) {}
  TransportOutcome deliver(const OutgoingLetter& letter);

  std::filesystem::path directory_;
  std::atomic<std::uint64_t> sequence_{0};
};

}  // namespace communique
