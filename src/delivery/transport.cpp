#include "delivery/transport.hpp"

namespace communique {

namespace {

// Letters handed to send() at once by the default stream(): enough to amortise a call,
// few enough that an outcome is not held back long.
constexpr std::size_t kStreamBatch = 32;

}  // namespace

void Transport::stream(BoundedQueue<TicketedLetter>& letters, const OutcomeSink& done) {
  std::vector<std::uint64_t> tickets;
  std::vector<OutgoingLetter> batch;
  while (auto first = letters.pop()) {
    tickets.assign(1, first->ticket);
    batch.assign(1, std::move(first->letter));
    while (batch.size() < kStreamBatch) {
      auto next = letters.try_pop();
      if (!next) {
        break;
      }
      tickets.push_back(next->ticket);
      batch.push_back(std::move(next->letter));
    }
    auto outcomes = send(batch);
    for (std::size_t i = 0; i < tickets.size(); ++i) {
      done(tickets[i], i < outcomes.size()
                           ? std::move(outcomes[i])
                           : TransportOutcome{TransportOutcome::Kind::transport_failure,
                                              "the transport reported nothing for the letter"});
    }
  }
}

}  // namespace communique
