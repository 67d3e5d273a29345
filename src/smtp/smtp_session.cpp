#include "smtp/smtp_session.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <fmt/format.h>

#include "base/base64.hpp"
#include "base/text.hpp"

namespace communique {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using Kind = TransportOutcome::Kind;

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

}  // namespace

SmtpSession::SmtpSession(asio::io_context& io, ssl::context& tls, const SmtpSettings& settings)
    : settings_(settings), stream_(io, tls), deadline_(io) {}

asio::awaitable<std::optional<SessionError>> SmtpSession::open() {
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

// GCC 12 warns, wrongly, that this coroutine's frame is freed by an operator delete that
// does not match its operator new (both are Asio's awaitable_frame_base's): it did not
// while the session lived in an anonymous namespace, and the code is the same.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
asio::awaitable<TransportOutcome> SmtpSession::send(const OutgoingLetter& letter) {
  final_dot_sent_ = false;
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
      co_await end_data_phase_empty();
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
  // From here the relay may have taken the letter even if no reply comes.
  final_dot_sent_ = true;
  auto end_reply = co_await read_reply(settings_.timeouts.data_end, "the reply to the letter");
  if (!end_reply) {
    co_return broken_outcome();
  }
  ++messages_sent_;
  co_return verdict(*end_reply);
}

#pragma GCC diagnostic pop

asio::awaitable<void> SmtpSession::quit() {
  if (!broken_) {
    co_await command("QUIT\r\n", std::chrono::seconds(10));
  }
  boost::system::error_code ignored;
  stream_.next_layer().close(ignored);
  broken_ = true;
}

TransportOutcome SmtpSession::verdict(const SmtpReply& reply) {
  if (reply.positive()) {
    return {Kind::accepted, reply.summary()};
  }
  return {reply.temporary() ? Kind::temporary_rejection : Kind::permanent_rejection,
          reply.summary()};
}

TransportOutcome SmtpSession::broken_outcome() const {
  return {Kind::transport_failure,
          last_error_.empty() ? "the connection to the relay broke" : last_error_};
}

// Marks the session broken and closes it. The first cause is the one kept: what follows
// from it (a read on the closed socket, "no greeting") would only hide it.
SessionError SmtpSession::fail(std::string what) {
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
void SmtpSession::arm(std::chrono::seconds timeout) {
  deadline_.expires_after(timeout);
  deadline_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) {
      timed_out_ = true;
      boost::system::error_code ignored;
      stream_.next_layer().close(ignored);
    }
  });
}

void SmtpSession::disarm() {
  deadline_.cancel();
}

// Coroutine parameters are taken by value: callers pass temporaries, which GCC 12
// destroys before the coroutine resumes when they are bound to references.
asio::awaitable<bool> SmtpSession::write(std::string data, std::chrono::seconds timeout) {
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
asio::awaitable<SmtpSession::Reply> SmtpSession::read_reply(std::chrono::seconds timeout,
                                                            std::string awaited) {
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

asio::awaitable<SmtpSession::Reply> SmtpSession::command(std::string line,
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

asio::awaitable<std::optional<SessionError>> SmtpSession::hello() {
  auto reply = co_await command("EHLO " + settings_.helo_name + "\r\n", settings_.timeouts.command);
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

asio::awaitable<std::optional<SessionError>> SmtpSession::handshake() {
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

asio::awaitable<std::optional<SessionError>> SmtpSession::authenticate() {
  const auto& mechanisms = extensions_.auth_mechanisms;
  std::optional<SmtpReply> reply;
  if (mechanisms.contains("PLAIN")) {
    const std::string token = std::string(1, '\0') + settings_.username + '\0' + settings_.password;
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

// A pipelining server may accept DATA although it refused the sender or every recipient
// (RFC 2920 3.1). It then reads everything up to a lone "." as the letter, RSET included:
// the data phase is ended with an empty letter, which it must refuse for want of
// recipients, before the transaction is reset.
asio::awaitable<void> SmtpSession::end_data_phase_empty() {
  co_await write(".\r\n", settings_.timeouts.data_end);
  co_await read_reply(settings_.timeouts.data_end, "the reply to an empty letter");
}

asio::awaitable<void> SmtpSession::reset() {
  auto reply = co_await command("RSET\r\n", settings_.timeouts.command);
  if (!reply || !reply->positive()) {
    fail("RSET refused");
  }
}

}  // namespace communique
