#include "bounces/report.hpp"

namespace communique {

std::string_view to_string(ReportKind kind) {
  switch (kind) {
    case ReportKind::dsn:
      return "dsn";
    case ReportKind::complaint:
      return "complaint";
    case ReportKind::auto_reply:
      return "auto_reply";
    case ReportKind::unsubscribe_request:
      return "unsubscribe_request";
    case ReportKind::unknown:
      break;
  }
  return "unknown";
}

std::string_view to_string(RecipientAction action) {
  switch (action) {
    case RecipientAction::failed:
      return "failed";
    case RecipientAction::delayed:
      return "delayed";
    case RecipientAction::delivered:
      return "delivered";
    case RecipientAction::relayed:
      return "relayed";
    case RecipientAction::expanded:
      return "expanded";
    case RecipientAction::none:
      break;
  }
  return "none";
}

}  // namespace communique
