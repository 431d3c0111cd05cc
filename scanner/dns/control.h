#ifndef MP_SCANNER_DNS_CONTROL_H
#define MP_SCANNER_DNS_CONTROL_H

#include <stdbool.h>
#include <stdint.h>

#include "scanner/dns/rtthist.h"

/* Adaptive concurrency for one resolver: how many queries may be in flight
 * (the window), how fast they may be sent (a pacing rate, learned only from
 * a resolver that drops what exceeds a rate), when an attempt counts as
 * lost (the retransmission timeout), and whether the resolver answers at
 * all (health). Pure: the caller passes the time, so the resolver drives it
 * on the loop and the tests drive it in virtual time.
 *
 * The signals, evaluated once per round (about one round trip, at least 64
 * replies or 1 s), against the base round trip of a ping (a name the
 * resolver answered a moment ago, so from its cache: a low percentile over
 * the last 10 s; the replies' own round trips move with the mix of names a
 * recursive resolver answers from its cache or after five trips upstream)
 * and the usual shares of losses and failures
 * (means over 10 s, so a steady share of dead names is not a signal):
 * - growth: while the window was the limit and nothing below fired, x1.5 a
 *   round at the start, +6% a round after;
 * - queueing (the ping above 1.5 x base + 1 ms; at the start 1.25 x):
 *   the queue it holds (replies/s x (ping - base)) leaves the window;
 * - loss (overdue attempts 15% over their usual share, or confirmed losses
 *   3% over theirs) or failures (REFUSED and the like 15% over; SERVFAIL
 *   speaks of the name asked, not of load): the window
 *   x0.7; loss without a queue in two rounds running is a rate limit: the
 *   pace becomes 95% of the replies of the best second of the last three,
 *   then probes up;
 * - a ceiling on the window, 90% of the in flight past which attempts go
 *   overdue more often than below it (the attempts of the last 10 s or so,
 *   by the in flight they were sent with; a two-proportion test finds the
 *   split): a resolver that drops what exceeds a number of queries at once,
 *   as Unbound past its request list. Random loss and dead names, the same
 *   at any in flight, set none. It is probed up slowly, as is the one a
 *   loss cut sets under the in flight of the attempts it lost.
 * An overdue attempt leaves the window at once, so stuck lookups do not
 * hold it; what was sent before a cut does not count against the next. */

#define MP_CONTROL_RING   128 /* 100 ms of rounds each: the 10 s minimum */
#define MP_CONTROL_SLOTS  32  /* 100 ms slots: replies/s, health */
#define MP_CONTROL_LEVELS 112 /* in flight, 8 a doubling: to 16,384 */
#define MP_CONTROL_EPOCHS 16  /* of sends, each 1/8 of the timeout */

struct mp_control_opts {
  bool fixed;           /* --fixed-window: window and timeout as given */
  unsigned window_max;  /* the cap (fixed: the window) */
  double rate_max;      /* sends per second, 0 = none */
  uint64_t timeout_ns;  /* cap on one attempt's wait (fixed: the wait) */
  unsigned window_init; /* 0: 64 or the cap */
};

enum mp_control_reply {
  MP_CONTROL_GOOD,     /* an answer: NOERROR, NXDOMAIN */
  MP_CONTROL_SERVFAIL, /* the name's servers failed: not the resolver's
                          health, but a burst of them is overload */
  MP_CONTROL_FAIL,     /* REFUSED, other RCODEs, malformed */
  MP_CONTROL_DOWN,     /* no reply: connection refused (ICMP), send error */
};

struct mp_control_round {
  uint64_t end_ns;
  uint64_t low_ns; /* the fastest ping of the rounds that ended in this
                      100 ms; 0: none */
};

struct mp_control_slot {
  uint64_t start_ns;
  unsigned sent;      /* attempts sent */
  unsigned replies;   /* replies of any kind */
  unsigned good, bad; /* answers; failures, overdue attempts */
};

struct mp_control {
  struct mp_control_opts o;
  bool steady;          /* past the start (doubling) */
  double full_rate;     /* the start's best replies a second */
  unsigned full_rounds; /* rounds since it grew by FULL_GAIN */
  double window;        /* queries in flight allowed */
  double ceiling;       /* in flight past which the resolver drops queries
                           (less a margin), probed slowly; 0: none seen */
  double ceiling_step;  /* its growth a round */
  unsigned inflight;
  double rate;      /* pacing, sends per second; 0 = none */
  double rate_seen; /* replies a second before the last loss, while the
                       rate is not far past it; else 0 */
  uint64_t start_ns;
  double tokens;
  uint64_t tokens_ns;
  uint64_t cut_ns;      /* the last cut: the round trips of what was sent
                           before it are not a signal any more */
  uint64_t loss_cut_ns; /* the last cut for loss: nor its losses */
  uint64_t hold_ns;     /* no cut for queueing alone before this */
  unsigned strikes;     /* rounds running with a rate-limit signal */
  bool queued;          /* the last round that could tell showed a queue */
  /* round trips: smoothed (RFC 6298) and a decaying histogram */
  bool have_rtt;
  double srtt_ns, rttvar_ns;
  struct mp_rtthist hist; /* every reply's */
  uint64_t rto_ns;
  /* the round under way */
  uint64_t round_start_ns;
  unsigned r_replies, r_fail, r_overdue, r_lost;
  double r_overdue_inflight; /* the overdue ones' in flight, summed */
  uint64_t r_ping;           /* the fastest ping of the round, 0: none */
  unsigned r_inflight_max;   /* the most attempts in flight in the round */
  bool r_window_limited, r_rate_limited;
  bool ping_out; /* a ping is in flight */
  uint64_t ping_ns;
  double avg_overdue, avg_lost, avg_fail; /* the usual shares */
  struct mp_control_round ring[MP_CONTROL_RING];
  unsigned ring_next, ring_count;
  struct mp_control_slot slots[MP_CONTROL_SLOTS];
  /* attempts decided, and those overdue, by the in flight they were sent
   * with: by when they were sent until all of them are decided (a reply
   * comes before an overdue), then in a sum decaying over about 10 s */
  struct mp_control_epoch {
    uint64_t end_ns; /* 0: empty */
    float sent[MP_CONTROL_LEVELS], over[MP_CONTROL_LEVELS];
  } epochs[MP_CONTROL_EPOCHS];
  double lv_sent[MP_CONTROL_LEVELS], lv_over[MP_CONTROL_LEVELS];
  uint64_t health_ns; /* the last health reset: attempts sent before it are
                         not held against the resolver when overdue */
  /* counters for the summary */
  uint64_t rounds, cuts_loss, cuts_delay, rate_limits;
  double window_peak;
};

/* Sets c up at time now (ns, any monotonic origin). */
void mp_control_init(struct mp_control *c, const struct mp_control_opts *o,
                     uint64_t now);

/* True when one more attempt may be sent now. When the pacing rate is the
 * limit, *wait_ns (may be NULL) says when to ask again; else it is 0. */
bool mp_control_may_send(struct mp_control *c, uint64_t now, uint64_t *wait_ns);

/* An attempt was sent: it counts in the window until its reply, or until
 * mp_control_overdue. Returns the attempts in flight with it, for
 * mp_control_overdue. */
unsigned mp_control_sent(struct mp_control *c, uint64_t now);

/* A reply to an attempt sent at sent_ns with inflight in flight
 * (mp_control_sent's). counted: it was still in the window (not yet
 * overdue); a late reply still teaches the round trip. */
void mp_control_reply(struct mp_control *c, uint64_t now, uint64_t sent_ns,
                      unsigned inflight, bool counted,
                      enum mp_control_reply kind);

/* An attempt sent at sent_ns, with inflight in flight (mp_control_sent's),
 * got no reply within its timeout: it leaves the window (the caller may
 * send it again). */
void mp_control_overdue(struct mp_control *c, uint64_t now, uint64_t sent_ns,
                        unsigned inflight);

/* A reply came to an attempt that was overdue (mp_control_overdue, with the
 * same sent_ns and inflight), after mp_control_reply's: it was slow, not
 * dropped, and does not count against the in flight it was sent with. */
void mp_control_late(struct mp_control *c, uint64_t sent_ns, unsigned inflight);

/* Pings: one query at a time, two a round trip (2 to 20 ms apart), outside
 * the window (the window grows only in rounds with one), of a
 * name the resolver answered a moment ago (so from its cache): its round
 * trip is the resolver's queue. want_ping says when to send one (with a
 * fixed window, only after 250 ms without an answer); ping reports its round
 * trip (an answer, NOERROR or NXDOMAIN: it counts as one for health, so a
 * resolver that answers its pings is never found failing while the lookups left
 * are a few dead names'), ping_lost that it got no reply or another RCODE. */
bool mp_control_want_ping(const struct mp_control *c, uint64_t now);
void mp_control_ping_sent(struct mp_control *c, uint64_t now);
void mp_control_ping(struct mp_control *c, uint64_t now, uint64_t rtt);
void mp_control_ping_lost(struct mp_control *c);

/* A lookup got its answer from an attempt sent within its timeout after n
 * attempts that were overdue, the first sent at sent_ns: those n were lost,
 * not slow, and not a dead name (whose attempts all go unanswered). */
void mp_control_lost(struct mp_control *c, uint64_t now, uint64_t sent_ns,
                     unsigned n);

/* An attempt still in the window is no longer waited for (its lookup got
 * its answer from another attempt): it leaves the window, with no signal. */
void mp_control_cancel(struct mp_control *c);

/* The wait before attempt number k (0 = the first) counts as overdue:
 * fixed, the timeout; else the RTO (smoothed RTT + 4 x its deviation, at
 * least 2 x the smoothed RTT, 1.5 x the 99th percentile and 100 ms; 1 s
 * before any reply) doubled per attempt, capped at the timeout. */
uint64_t mp_control_timeout(const struct mp_control *c, unsigned k);

/* True when, over the last 3 s, at least 8 attempts were decided and fewer
 * than 5% of them got an answer (a resolver that is not there, refuses
 * everything, or times out on everything). SERVFAIL replies do not count
 * either way: they speak of the names asked. */
bool mp_control_failing(const struct mp_control *c, uint64_t now);

/* True when, over the last 3 s, an attempt or a ping got an answer. */
bool mp_control_answering(const struct mp_control *c, uint64_t now);

/* Forgets the health record (after a server answered again, so it is not
 * found failing on what came before): from now on, only attempts sent from
 * now on count when overdue. Without this, the attempts that waited out
 * the pause (a lame domain's, say) time out first and pause the resolver
 * again at once. */
void mp_control_health_reset(struct mp_control *c, uint64_t now);

/* The current window (queries in flight allowed). */
unsigned mp_control_window(const struct mp_control *c);

/* Replies per second over the last second (or since the start). */
double mp_control_reply_rate(const struct mp_control *c, uint64_t now);

#endif
