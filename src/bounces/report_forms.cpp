#include "bounces/report_forms.hpp"

#include <array>

namespace communique {

namespace {

// More specific phrases first: the first that matches names the form.
constexpr std::array kBounceForms = {
    // Exim: "This message was created automatically by mail delivery software.", then the
    // address on an indented line and the remote server's reply under it; its delay
    // warnings open the same way, so their own phrase comes first.
    BounceForm{"exim", "has not yet been delivered to one or more of its recipients",
               RecipientAction::delayed, ""},
    BounceForm{"exim", "this message was created automatically by mail delivery software",
               RecipientAction::failed, ""},
    BounceForm{"exim", "could not be delivered to one or more of its recipients",
               RecipientAction::failed, ""},
    // Exchange and Office 365 NDRs.
    BounceForm{"exchange", "delivery has failed to these recipients or groups",
               RecipientAction::failed, ""},
    BounceForm{"exchange", "your message couldn't be delivered", RecipientAction::failed, ""},
    BounceForm{"exchange", "remote server returned '", RecipientAction::failed, ""},
    BounceForm{"exchange", "delivery is delayed to these recipients or groups",
               RecipientAction::delayed, ""},
    // Gmail.
    BounceForm{"gmail", "the email account that you tried to reach does not exist",
               RecipientAction::failed, "5.1.1"},
    BounceForm{"gmail", "delivery status notification (delay)", RecipientAction::delayed, ""},
    BounceForm{"gmail", "delivery status notification (failure)", RecipientAction::failed, ""},
    BounceForm{"gmail", "delivery incomplete", RecipientAction::delayed, ""},
    // Yahoo.
    BounceForm{"yahoo", "sorry, we were unable to deliver your message to the following address",
               RecipientAction::failed, ""},
    // Postfix without its delivery-status part, and sendmail.
    BounceForm{"postfix", "i'm sorry to have to inform you that your message could not",
               RecipientAction::failed, ""},
    BounceForm{"sendmail", "the original message was received at", RecipientAction::failed, ""},
    BounceForm{"generic", "undelivered mail returned to sender", RecipientAction::failed, ""},
    BounceForm{"generic", "mail delivery failed", RecipientAction::failed, ""},
    BounceForm{"generic", "undeliverable:", RecipientAction::failed, ""},
    BounceForm{"generic", "delivery status notification", RecipientAction::failed, ""},
};

constexpr std::array<std::string_view, 6> kOriginalHeaderMarkers = {
    "------ this is a copy of the message, including all the headers.",
    "--- below this line is a copy of the message.",
    "original message headers:",
    "----- original message -----",
    "------ this is a copy of the message's headers.",
    "----- original message headers -----",
};

constexpr std::array<std::string_view, 14> kAutoReplySubjects = {
    "out of office",
    "out of the office",
    "automatic reply",
    "auto reply",
    "auto-reply",
    "autoreply",
    "auto:",
    "on vacation",
    "vacation",
    "away from",
    "abwesenheitsnotiz",
    "réponse automatique",
    "respuesta automática",
    "autosvar",
};

}  // namespace

std::span<const BounceForm> bounce_forms() {
  return kBounceForms;
}

std::span<const std::string_view> original_header_markers() {
  return kOriginalHeaderMarkers;
}

std::span<const std::string_view> auto_reply_subjects() {
  return kAutoReplySubjects;
}

}  // namespace communique
