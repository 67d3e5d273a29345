#include "smtp/smtp_transport.hpp"

// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <fmt/format.h>
#include <deque>
#include <set>
#include <variant>

#include "base/base64.hpp"
#include "base/log.hpp"
#include "base/text.hpp"
#include "smtp/smtp_reply.hpp"

namespace communique {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using Kind = TransportOutcome::Kind;

std::optional<SmtpTls> parse_smtp_tls(std::string_view text) {
  if (text == "none") {
    return SmtpTls::none;
  }
  if (text == "starttls") {
    return SmtpTls::starttls;
  }
  if (text == "tls") {
    return SmtpTls::tls;
  }
  return std::nullopt;
}

namespace {

// The DATA payload: lines starting with "." get another (RFC 5321 4.5.2), CRLF at the
// end, then the terminating ".".
std::string dot_stuffed(std::string_view message) {
  std::string out;
  out.reserve(message.size() + message.size() / 50 + 8);
  bool line_start = true;
  for (char c : message) {
    if (line_start && c == '.') {
      out += '.';
    }
    out += c;
    line_start = c == '\n';
  }
  if (!out.ends_with("\r\n")) {
    out += "\r\n";
  }
  out += ".\r\n";
  return out;
}

// Why a session stopped: the reply that ended it, or an I/O failure.
struct SessionError {
  std::string what;
};

// One SMTP connection. All its operations run on the pool's io_context thread.
class Session {
 public:
  Session(asio::io_context& io, ssl::context& tls, const SmtpSettings& settings)
      : settings_(settings), stream_(io, tls), deadline_(io) {}

  std::size_t messages_sent() const { return messages_sent_; }
  bool broken() const { return broken_; }
  std::chrono::steady_clock::time_point idle_since{};

  // Connects, greets, upgrades to TLS and authenticates as configured.
  asio::awaitable<std::optional<SessionError>> open() {
    tcp::resolver resolver(stream_.get_executor());
    boost::system::error_code ec;
    arm(settings_.timeouts.connect);
    auto endpoints = co_await resolver.async_resolve(settings_.host, std::to_string(settings_.port),
                                                     asio::redirect_error(asio::use_awaitable, ec));
    if (!ec) {
      co_await asio::async_connect(stream_.next_layer(), endpoints,
                                   asio::redirect_error(asio::use_awaitable, ec));
    }
    disarm();
    if (ec) {
      co_return fail(
          fmt::format("cannot connect to {}:{}: {}", settings_.host, settings_.port, ec.message()));
    }
    if (settings_.tls == SmtpTls::tls) {
      if (auto error = co_await handshake()) {
        co_return error;
      }
    }
    auto greeting = co_await read_reply(settings_.timeouts.greeting, "the greeting");
    if (!greeting) {
      co_return fail("no greeting");
    }
    if (!greeting->positive()) {
      co_return fail("refused the connection: " + greeting->summary());
    }
    if (auto error = co_await hello()) {
      co_return error;
    }
    if (settings_.tls == SmtpTls::starttls) {
      if (!extensions_.has("STARTTLS")) {
        co_return fail("does not offer STARTTLS (set tls = \"none\" to send in the clear)");
      }
      auto reply = co_await command("STARTTLS\r\n", settings_.timeouts.command);
      if (!reply || !reply->positive()) {
        co_return fail("refused STARTTLS: " + (reply ? reply->summary() : "no reply"));
      }
      // Bytes read past the reply came in the clear, before the handshake: a man in the
      // middle could have put them there to be read as if they came over TLS (CVE-2011-0411
      // and its kin). Nothing honest is sent there, so the connection is given up.
      if (input_.size() != 0) {
        co_return fail("the server sent data after its STARTTLS reply");
      }
      if (auto error = co_await handshake()) {
        co_return error;
      }
      if (auto error = co_await hello()) {  // RFC 3207: forget what was said before TLS
        co_return error;
      }
    }
    if (!settings_.username.empty()) {
      if (auto error = co_await authenticate()) {
        co_return error;
      }
    }
    co_return std::nullopt;
  }

  // One transaction. The outcome is the server's verdict on this letter, or a transport
  // failure when the connection broke (the session is then unusable).
  asio::awaitable<TransportOutcome> send(const OutgoingLetter& letter) {
    const bool needs_utf8 = !is_ascii(letter.recipient) || !is_ascii(letter.envelope_from);
    if (needs_utf8 && !extensions_.has("SMTPUTF8")) {
      co_return TransportOutcome{Kind::permanent_rejection,
                                 "the relay does not offer SMTPUTF8, which this address needs"};
    }
    std::string mail = "MAIL FROM:<" + letter.envelope_from + ">";
    if (extensions_.has("SIZE")) {
      mail += " SIZE=" + std::to_string(letter.message.size());
    }
    if (needs_utf8) {
      mail += " SMTPUTF8";
    }
    mail += "\r\n";
    const std::string rcpt = "RCPT TO:<" + letter.recipient + ">\r\n";

    std::optional<SmtpReply> mail_reply;
    std::optional<SmtpReply> rcpt_reply;
    std::optional<SmtpReply> data_reply;
    if (extensions_.has("PIPELINING")) {
      // RFC 2920: the three commands go together; the replies come in order.
      const bool written = co_await write(mail + rcpt + "DATA\r\n", settings_.timeouts.command);
      if (!written) {
        co_return broken_outcome();
      }
      // (No co_await inside ?: here: GCC 12 miscompiles it.)
      mail_reply = co_await read_reply(settings_.timeouts.command);
      if (mail_reply) {
        rcpt_reply = co_await read_reply(settings_.timeouts.command);
      }
      if (rcpt_reply) {
        data_reply = co_await read_reply(settings_.timeouts.data_start, "the reply to DATA");
      }
      if (!data_reply) {
        co_return broken_outcome();
      }
    } else {
      mail_reply = co_await command(mail, settings_.timeouts.command);
      if (mail_reply && mail_reply->positive()) {
        rcpt_reply = co_await command(rcpt, settings_.timeouts.command);
        if (rcpt_reply && rcpt_reply->positive()) {
          data_reply = co_await command("DATA\r\n", settings_.timeouts.data_start);
        }
      }
      if (broken_) {
        co_return broken_outcome();
      }
    }
    const SmtpReply* refusal = !mail_reply->positive()   ? &*mail_reply
                               : !rcpt_reply->positive() ? &*rcpt_reply
                                                         : nullptr;
    if (refusal != nullptr || data_reply->code != 354) {
      if (data_reply && data_reply->code == 354) {
        // A pipelining server may accept DATA although it refused the sender or the
        // recipient (RFC 2920 3.1): end the data phase with an empty letter, which it
        // must refuse for want of recipients, before the transaction is reset.
        co_await write(".\r\n", settings_.timeouts.data_end);
        co_await read_reply(settings_.timeouts.data_end);
      }
      co_await reset();
      const SmtpReply& reply = refusal != nullptr ? *refusal : *data_reply;
      co_return verdict(reply);
    }
    const bool data_written =
        co_await write(dot_stuffed(letter.message), settings_.timeouts.data_block);
    if (!data_written) {
      co_return broken_outcome();
    }
    auto end_reply = co_await read_reply(settings_.timeouts.data_end, "the reply to the letter");
    if (!end_reply) {
      co_return broken_outcome();
    }
    ++messages_sent_;
    co_return verdict(*end_reply);
  }

  asio::awaitable<void> quit() {
    if (!broken_) {
      co_await command("QUIT\r\n", std::chrono::seconds(10));
    }
    boost::system::error_code ignored;
    stream_.next_layer().close(ignored);
    broken_ = true;
  }

  const std::string& last_error() const { return last_error_; }

 private:
  static TransportOutcome verdict(const SmtpReply& reply) {
    if (reply.positive()) {
      return {Kind::accepted, reply.summary()};
    }
    return {reply.temporary() ? Kind::temporary_rejection : Kind::permanent_rejection,
            reply.summary()};
  }

  TransportOutcome broken_outcome() const {
    return {Kind::transport_failure,
            last_error_.empty() ? "the connection to the relay broke" : last_error_};
  }

  // Marks the session broken and closes it. The first cause is the one kept: what follows
  // from it (a read on the closed socket, "no greeting") would only hide it.
  SessionError fail(std::string what) {
    if (!broken_) {
      broken_ = true;
      last_error_ = settings_.host + ": " + what;
      boost::system::error_code ignored;
      stream_.next_layer().close(ignored);
    }
    return SessionError{last_error_};
  }

  // The deadline of the next operation: when it passes, the socket is closed, which
  // ends the pending operation with an error.
  void arm(std::chrono::seconds timeout) {
    deadline_.expires_after(timeout);
    deadline_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) {
        timed_out_ = true;
        boost::system::error_code ignored;
        stream_.next_layer().close(ignored);
      }
    });
  }
  void disarm() { deadline_.cancel(); }

  // Coroutine parameters are taken by value: callers pass temporaries, which GCC 12
  // destroys before the coroutine resumes when they are bound to references.
  asio::awaitable<bool> write(std::string data, std::chrono::seconds timeout) {
    boost::system::error_code ec;
    arm(timeout);
    if (tls_active_) {
      co_await asio::async_write(stream_, asio::buffer(data),
                                 asio::redirect_error(asio::use_awaitable, ec));
    } else {
      co_await asio::async_write(stream_.next_layer(), asio::buffer(data),
                                 asio::redirect_error(asio::use_awaitable, ec));
    }
    disarm();
    if (ec) {
      fail(timed_out_ ? "timed out while writing" : "write failed: " + ec.message());
      co_return false;
    }
    co_return true;
  }

  // `awaited` names the reply in the error a timeout leaves ("the greeting").
  asio::awaitable<std::optional<SmtpReply>> read_reply(std::chrono::seconds timeout,
                                                       std::string awaited = "a reply") {
    if (broken_) {
      co_return std::nullopt;
    }
    SmtpReplyReader reader;
    arm(timeout);
    for (;;) {
      boost::system::error_code ec;
      std::size_t size = 0;
      if (tls_active_) {
        size = co_await asio::async_read_until(stream_, input_, "\r\n",
                                               asio::redirect_error(asio::use_awaitable, ec));
      } else {
        size = co_await asio::async_read_until(stream_.next_layer(), input_, "\r\n",
                                               asio::redirect_error(asio::use_awaitable, ec));
      }
      if (ec) {
        disarm();
        fail(timed_out_ ? "timed out waiting for " + awaited
                        : "the relay closed the connection (" + ec.message() + ")");
        co_return std::nullopt;
      }
      std::string line(asio::buffers_begin(input_.data()),
                       asio::buffers_begin(input_.data()) + static_cast<std::ptrdiff_t>(size - 2));
      input_.consume(size);
      if (auto reply = reader.feed(line)) {
        disarm();
        if (reply->code == 0) {
          fail(reply->text);
          co_return std::nullopt;
        }
        if (reply->code == 421) {
          fail("closing the connection: " + reply->summary());  // RFC 5321 3.8
        }
        co_return reply;
      }
    }
  }

  asio::awaitable<std::optional<SmtpReply>> command(std::string line,
                                                    std::chrono::seconds timeout) {
    // Awaited results are stored before they are tested or returned: GCC 12 miscompiles
    // `co_return co_await ...` and `if (!co_await ...)` here.
    const bool written = co_await write(std::move(line), timeout);
    if (!written) {
      co_return std::nullopt;
    }
    auto reply = co_await read_reply(timeout);
    co_return reply;
  }

  asio::awaitable<std::optional<SessionError>> hello() {
    auto reply =
        co_await command("EHLO " + settings_.helo_name + "\r\n", settings_.timeouts.command);
    if (reply && reply->positive()) {
      extensions_ = parse_extensions(*reply);
      co_return std::nullopt;
    }
    if (broken_) {
      co_return SessionError{last_error_};
    }
    reply = co_await command("HELO " + settings_.helo_name + "\r\n", settings_.timeouts.command);
    if (!reply || !reply->positive()) {
      co_return fail("refused EHLO and HELO: " + (reply ? reply->summary() : "no reply"));
    }
    extensions_ = {};
    co_return std::nullopt;
  }

  asio::awaitable<std::optional<SessionError>> handshake() {
    // SSL_set_tlsext_host_name, without the macro's C cast.
    if (SSL_ctrl(stream_.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 const_cast<char*>(settings_.host.c_str())) != 1) {
      co_return fail("cannot set the TLS server name");
    }
    if (settings_.verify_certificate) {
      stream_.set_verify_mode(ssl::verify_peer);
      // The host check, noting when a chain that verified names another host, so that the
      // error can say which of the two failed.
      host_mismatch_ = false;
      stream_.set_verify_callback([this, check = ssl::host_name_verification(settings_.host)](
                                      bool preverified, ssl::verify_context& context) mutable {
        const bool named = check(preverified, context);
        if (preverified && !named && X509_STORE_CTX_get_error_depth(context.native_handle()) == 0) {
          host_mismatch_ = true;
        }
        return named;
      });
    } else {
      stream_.set_verify_mode(ssl::verify_none);
    }
    boost::system::error_code ec;
    arm(settings_.timeouts.command);
    co_await stream_.async_handshake(ssl::stream_base::client,
                                     asio::redirect_error(asio::use_awaitable, ec));
    disarm();
    if (ec) {
      if (host_mismatch_) {
        co_return fail(
            "TLS handshake failed: the relay's certificate is trusted but does not "
            "name " +
            settings_.host + "; set [smtp] host to a name the certificate carries");
      }
      co_return fail("TLS handshake failed: " + ec.message() +
                     (settings_.verify_certificate
                          ? " (check the certificate, or set ca_file for a private CA)"
                          : ""));
    }
    tls_active_ = true;
    co_return std::nullopt;
  }

  asio::awaitable<std::optional<SessionError>> authenticate() {
    const auto& mechanisms = extensions_.auth_mechanisms;
    std::optional<SmtpReply> reply;
    if (mechanisms.contains("PLAIN")) {
      const std::string token =
          std::string(1, '\0') + settings_.username + '\0' + settings_.password;
      reply = co_await command("AUTH PLAIN " + base64(token) + "\r\n", settings_.timeouts.command);
    } else if (mechanisms.contains("LOGIN")) {
      reply = co_await command("AUTH LOGIN\r\n", settings_.timeouts.command);
      if (reply && reply->code == 334) {
        reply = co_await command(base64(settings_.username) + "\r\n", settings_.timeouts.command);
      }
      if (reply && reply->code == 334) {
        reply = co_await command(base64(settings_.password) + "\r\n", settings_.timeouts.command);
      }
    } else {
      co_return fail("offers no AUTH PLAIN or LOGIN" +
                     std::string(tls_active_ ? "" : " (many relays offer AUTH only after TLS)"));
    }
    if (!reply || reply->code != 235) {
      // The password is never logged; the server's words are.
      co_return fail("authentication failed: " + (reply ? reply->summary() : "no reply"));
    }
    co_return std::nullopt;
  }

  asio::awaitable<void> reset() {
    auto reply = co_await command("RSET\r\n", settings_.timeouts.command);
    if (!reply || !reply->positive()) {
      fail("RSET refused");
    }
  }

  const SmtpSettings& settings_;
  ssl::stream<tcp::socket> stream_;
  asio::steady_timer deadline_;
  asio::streambuf input_;
  SmtpExtensions extensions_;
  bool tls_active_ = false;
  bool host_mismatch_ = false;  // set by the verify callback of the last handshake
  bool broken_ = false;
  bool timed_out_ = false;
  std::size_t messages_sent_ = 0;
  std::string last_error_;
};

}  // namespace

// The letters of one send() call, and which of them are taken.
struct LetterQueue {
  std::span<const OutgoingLetter> letters;
  std::vector<std::string> domains;  // lower-cased recipient domains
  std::vector<bool> taken;
  std::size_t first_free = 0;  // no letter before it is free
  std::size_t remaining = 0;
};

// One relay: its settings, its own TLS context, rate and idle connections, and whether it
// is backed off after failing.
struct Relay {
  Relay(SmtpSettings s, asio::io_context& context)
      : settings(std::move(s)),
        tls(ssl::context::tls_client),
        rate(ThrottleSettings{.messages_per_second = settings.messages_per_second}),
        io(context) {}

  SmtpSettings settings;
  ssl::context tls;
  SendThrottle rate;
  asio::io_context& io;
  std::deque<std::unique_ptr<Session>> idle;
  SendThrottle::Clock::time_point backoff_until{};
  int failures = 0;
  std::string last_failure;  // why it was last backed off, for the letters it could not take

  bool available(SendThrottle::Clock::time_point now) const { return now >= backoff_until; }

  void failed(const std::string& error) {
    const auto delay = std::min(std::chrono::seconds(600),
                                std::chrono::seconds(30) * (1 << std::min(failures, 5)));
    backoff_until = SendThrottle::Clock::now() + delay;
    ++failures;
    last_failure = error;
    logger("smtp")->warn("relay {}:{} failed ({}); backed off for {} s", settings.host,
                         settings.port, error, delay.count());
  }

  // Takes an idle session or opens a new one; nullptr with `error` set when it cannot.
  asio::awaitable<std::unique_ptr<Session>> acquire(std::string& error) {
    while (!idle.empty()) {
      auto session = std::move(idle.front());
      idle.pop_front();
      if (session->broken()) {
        continue;
      }
      if (std::chrono::steady_clock::now() - session->idle_since > settings.idle_timeout) {
        co_await session->quit();  // servers drop idle clients; leave first, politely
        continue;
      }
      co_return session;
    }
    auto session = std::make_unique<Session>(io, tls, settings);
    auto failure = co_await session->open();
    if (failure) {
      error = failure->what;
      co_return nullptr;
    }
    failures = 0;
    last_failure.clear();
    co_return session;
  }

  asio::awaitable<void> release(std::unique_ptr<Session> session) {
    if (session->broken()) {
      co_return;
    }
    if (session->messages_sent() >= settings.max_messages_per_connection) {
      co_await session->quit();
      co_return;
    }
    session->idle_since = std::chrono::steady_clock::now();
    idle.push_back(std::move(session));
  }
};

struct SmtpTransport::Pool {
  explicit Pool(ThrottleSettings limits) : throttle(std::move(limits)) {}

  asio::io_context io;
  SendThrottle throttle;  // lives across send() calls: limits span windows
  std::vector<std::unique_ptr<Relay>> relays;
  const std::atomic<bool>* stop = nullptr;  // see Transport::stop_when

  bool stopping() const { return stop != nullptr && stop->load(); }

  // The first free letter that both the throttle and `relay`'s rate let leave now, taken;
  // or the time to look again.
  std::variant<std::size_t, SendThrottle::Clock::time_point> pick(LetterQueue& queue,
                                                                  Relay& relay) {
    const auto now = SendThrottle::Clock::now();
    auto earliest = SendThrottle::Clock::time_point::max();
    std::set<std::string_view> refused;  // domains already refused in this scan
    while (queue.first_free < queue.taken.size() && queue.taken[queue.first_free]) {
      ++queue.first_free;
    }
    for (std::size_t i = queue.first_free; i < queue.taken.size(); ++i) {
      if (queue.taken[i] || refused.contains(queue.domains[i])) {
        continue;
      }
      const auto relay_decision = relay.rate.acquire("", now);
      if (!relay_decision.granted) {
        return relay_decision.retry_at;
      }
      const auto decision = throttle.acquire(queue.domains[i], now);
      if (decision.granted) {
        queue.taken[i] = true;
        --queue.remaining;
        return i;
      }
      relay.rate.release("");
      earliest = std::min(earliest, decision.retry_at);
      refused.insert(queue.domains[i]);
    }
    return earliest;
  }

  static void put_back(LetterQueue& queue, std::size_t index) {
    queue.taken[index] = false;
    ++queue.remaining;
    queue.first_free = std::min(queue.first_free, index);
  }

  // One connection's worker on `relay`: takes letters the limits allow until none are
  // left, or until its relay fails (its letter then goes back for another relay).
  asio::awaitable<void> work(Relay& relay, LetterQueue& queue,
                             std::vector<TransportOutcome>& outcomes, std::vector<bool>& answered) {
    std::unique_ptr<Session> session;
    asio::steady_timer pause(io);
    while (queue.remaining > 0 && !stopping() && relay.available(SendThrottle::Clock::now())) {
      auto picked = pick(queue, relay);
      if (auto* retry_at = std::get_if<SendThrottle::Clock::time_point>(&picked)) {
        pause.expires_at(
            std::min(*retry_at, SendThrottle::Clock::now() + std::chrono::milliseconds(200)));
        boost::system::error_code ignored;
        co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
        continue;
      }
      const std::size_t index = std::get<std::size_t>(picked);
      std::optional<TransportOutcome> outcome;
      // A connection that breaks mid-letter gets one more try on a fresh one.
      for (int attempt = 0; attempt < 2 && !outcome; ++attempt) {
        if (session && (session->broken() ||
                        session->messages_sent() >= relay.settings.max_messages_per_connection)) {
          co_await relay.release(std::move(session));
        }
        if (!session) {
          std::string error;
          session = co_await relay.acquire(error);
          if (!session) {
            relay.failed(error);
            break;  // the relay is down: this letter goes to another relay
          }
        }
        auto result = co_await session->send(queue.letters[index]);
        if (result.kind != Kind::transport_failure || !session->broken() || attempt == 1) {
          outcome = std::move(result);
        }
      }
      throttle.release(queue.domains[index]);
      relay.rate.release("");
      if (!outcome) {
        put_back(queue, index);
        break;
      }
      outcomes[index] = std::move(*outcome);
      answered[index] = true;
    }
    if (session) {
      co_await relay.release(std::move(session));
    }
  }
};

SmtpTransport::SmtpTransport(std::unique_ptr<Pool> pool) : pool_(std::move(pool)) {}

SmtpTransport::~SmtpTransport() {
  // Say goodbye to the idle connections.
  auto& pool = *pool_;
  pool.io.restart();
  for (auto& relay : pool.relays) {
    asio::co_spawn(
        pool.io,
        [&relay = *relay]() -> asio::awaitable<void> {
          while (!relay.idle.empty()) {
            auto session = std::move(relay.idle.front());
            relay.idle.pop_front();
            co_await session->quit();
          }
        },
        asio::detached);
  }
  pool.io.run();
}

Result<std::unique_ptr<SmtpTransport>> SmtpTransport::create(std::vector<SmtpSettings> relays,
                                                             ThrottleSettings limits) {
  if (relays.empty()) {
    return make_error(ErrorCode::invalid_input, "no SMTP relay is configured");
  }
  auto pool = std::make_unique<Pool>(std::move(limits));
  for (auto& settings : relays) {
    settings.max_connections = std::max<std::size_t>(1, settings.max_connections);
    auto relay = std::make_unique<Relay>(std::move(settings), pool->io);
    boost::system::error_code ec;
    relay->tls.set_default_verify_paths(ec);
    if (!relay->settings.ca_file.empty()) {
      relay->tls.load_verify_file(relay->settings.ca_file, ec);
      if (ec) {
        return make_error(ErrorCode::invalid_input,
                          "smtp.ca_file " + relay->settings.ca_file + ": " + ec.message());
      }
    }
    pool->relays.push_back(std::move(relay));
  }
  return std::unique_ptr<SmtpTransport>(new SmtpTransport(std::move(pool)));
}

void SmtpTransport::stop_when(const std::atomic<bool>* flag) {
  pool_->stop = flag;
}

std::string SmtpTransport::describe() const {
  std::string out = "smtp";
  for (const auto& relay : pool_->relays) {
    const auto& s = relay->settings;
    out += fmt::format(" {}:{} ({}, up to {} connections)", s.host, s.port,
                       s.tls == SmtpTls::none  ? "no TLS"
                       : s.tls == SmtpTls::tls ? "TLS"
                                               : "STARTTLS",
                       s.max_connections);
  }
  return out;
}

std::vector<TransportOutcome> SmtpTransport::send(std::span<const OutgoingLetter> letters) {
  auto& pool = *pool_;
  std::vector<TransportOutcome> outcomes(letters.size());
  std::vector<bool> answered(letters.size(), false);
  LetterQueue queue{letters, {}, std::vector<bool>(letters.size(), false), 0, letters.size()};
  queue.domains.reserve(letters.size());
  for (const auto& letter : letters) {
    const auto at = letter.recipient.rfind('@');
    queue.domains.push_back(
        ascii_lower(at == std::string::npos ? "" : letter.recipient.substr(at + 1)));
  }
  pool.io.restart();
  const auto now = SendThrottle::Clock::now();
  for (auto& relay : pool.relays) {
    if (!relay->available(now)) {
      continue;
    }
    const std::size_t workers = std::min(relay->settings.max_connections, letters.size());
    for (std::size_t i = 0; i < workers; ++i) {
      asio::co_spawn(pool.io, pool.work(*relay, queue, outcomes, answered), asio::detached);
    }
  }
  pool.io.run();
  // Letters no relay could take: every relay is backed off. The policy retries them later;
  // the outcome says why the relays failed, which is what the sender needs to mend.
  std::string why;
  for (const auto& relay : pool.relays) {
    if (!relay->last_failure.empty()) {
      why += (why.empty() ? "" : "; ") + relay->last_failure;
    }
  }
  const std::string unanswered =
      pool.stopping() ? "not sent: the send was stopped; a later run sends it"
      : why.empty()   ? "no SMTP relay is available now (all backed off)"
                      : "no SMTP relay is available now (all backed off): " + why;
  for (std::size_t i = 0; i < letters.size(); ++i) {
    if (!answered[i]) {
      outcomes[i] = {Kind::transport_failure, unanswered};
    }
  }
  return outcomes;
}

}  // namespace communique
