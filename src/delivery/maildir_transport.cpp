#include "delivery/maildir_transport.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include <fmt/format.h>

namespace communique {

Result<std::unique_ptr<MaildirTransport>> MaildirTransport::open(
    const std::filesystem::path& directory) {
  std::error_code ec;
  for (const char* sub : {"tmp", "new", "cur"}) {
    std::filesystem::create_directories(directory / sub, ec);
    if (ec) {
      return make_error(ErrorCode::io, "cannot create the outbox " + (directory / sub).string() +
                                           ": " + ec.message());
    }
  }
  return std::unique_ptr<MaildirTransport>(new MaildirTransport(directory));
}

std::string MaildirTransport::describe() const { return "maildir " + directory_.string(); }

TransportOutcome MaildirTransport::deliver(const OutgoingLetter& letter) {
  using Kind = TransportOutcome::Kind;
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now).count();
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now).count() % 1000000;
  // Unique by time, process and sequence (the Maildir convention), readable by subscriber.
  const std::string name = fmt::format("{}.M{}P{}Q{}.s{}", seconds, micros, getpid(),
                                       sequence_.fetch_add(1), letter.subscriber);
  const auto temporary = directory_ / "tmp" / name;
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd < 0) {
    return {Kind::transport_failure, std::string("outbox: ") + std::strerror(errno)};
  }
  // Return-Path and Delivered-To, as a delivery agent writes them, so the outbox shows the
  // envelope too.
  const std::string envelope =
      "Return-Path: <" + letter.envelope_from + ">\r\nDelivered-To: " + letter.recipient + "\r\n";
  bool written = true;
  for (const std::string* part : {&envelope, &letter.message}) {
    std::size_t done = 0;
    while (written && done < part->size()) {
      const auto n = ::write(fd, part->data() + done, part->size() - done);
      if (n < 0 && errno == EINTR) {
        continue;
      }
      written = n > 0;
      done += n > 0 ? static_cast<std::size_t>(n) : 0;
    }
  }
  const int saved_errno = errno;
  const bool closed = ::close(fd) == 0;
  if (!written || !closed) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    return {Kind::transport_failure,
            std::string("outbox: ") + std::strerror(written ? errno : saved_errno)};
  }
  std::error_code ec;
  std::filesystem::rename(temporary, directory_ / "new" / name, ec);
  if (ec) {
    return {Kind::transport_failure, "outbox: " + ec.message()};
  }
  return {Kind::accepted, "250 2.0.0 written to the outbox as " + name};
}

std::vector<TransportOutcome> MaildirTransport::send(std::span<const OutgoingLetter> letters) {
  std::vector<TransportOutcome> outcomes;
  outcomes.reserve(letters.size());
  for (const auto& letter : letters) {
    outcomes.push_back(deliver(letter));
  }
  return outcomes;
}

}  // namespace communique
