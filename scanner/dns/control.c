#include "scanner/dns/control.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MS              1000000ull
#define S               1000000000ull
#define WINDOW_INIT     64
#define WINDOW_MIN      4.0
#define RTO_MIN         (100 * MS)
#define RTO_INIT        S
#define ROUND_MIN       (5 * MS)
#define ROUND_MAX       S
#define ROUND_SAMPLES   64
#define BASE_SPAN       (10 * S) /* the minima are over this */
#define LEARN           (2 * S)  /* the usual shares before they count */
#define SLOT            (100 * MS)
#define HEALTH_SPAN     (3 * S)
#define GROWTH          0.06      /* a round, in steady state */
#define PING_GAP        (20 * MS) /* between pings, at most */
#define PING_MIN        (2 * MS)  /* and at least */
#define PING_IDLE       (S / 4)   /* fixed: after this unanswered */
#define START_GROWTH    0.5       /* a round, at the start */
#define START_EXIT      1.25      /* the start ends when the round trip grows */
#define FULL_GAIN       1.25 /* or when the replies a second stop growing */
#define FULL_ROUNDS     3    /* by this much, rounds running, */
#define FULL_RTT        (10 * MS) /* for queries that wait upstream */
#define CUT_LOSS        0.7
#define CUT_DELAY       0.95
#define QUEUE_FACTOR    1.5
#define QUEUE_SLACK     MS
#define FAST_EXCESS     0.15 /* overdue attempts, over the usual share */
#define LOSS_EXCESS     0.03 /* confirmed losses, over the usual share */
#define FAIL_EXCESS     0.15 /* failed replies, over the usual share */
#define RATE_BACKOFF    0.95
#define RATE_SECONDS    3    /* a limit's rate: the best of the last */
#define CEIL_BACKOFF    0.9  /* under the in flight that was dropped */
#define CEIL_PROBE      0.01 /* a round at first, doubling up to GROWTH */
#define CEIL_MIN        8    /* overdue attempts that can set it */
#define LEVEL_Z         4.0  /* the split's significance, standard errors */
#define LEVEL_DELTA     0.05 /* and its size, as a share of the attempts */
#define LEVEL_MIN       64   /* attempts below the split, at least */
#define LEVEL_STEPS     8    /* levels a doubling of the in flight */
#define IDLE_HEADROOM   1.5  /* the window over the most in flight, when */
#define IDLE_DECAY      0.9  /* not the limit: shrinks by this a round */
#define RATE_PROBE      0.03 /* a second */
#define RATE_REGAIN     0.10 /* a round */
#define HEALTH_MIN      8
#define HEALTH_GOOD_MIN 0.05

/* --- round trips ------------------------------------------------------ */

/* Generous: a retransmission sent while the answer is merely late (a
 * queue growing at the resolver) adds load at the worst moment, while a
 * loss costs the one lookup its wait. */
static void update_rto(struct mp_control *c)
{
  double rto = c->srtt_ns + 4 * c->rttvar_ns;
  double tail = 1.5 * (double)mp_rtthist_p99(&c->hist);

  rto = rto > 2 * c->srtt_ns ? rto : 2 * c->srtt_ns;
  rto = rto > tail ? rto : tail;
  if (rto < (double)RTO_MIN) {
    rto = (double)RTO_MIN;
  }
  c->rto_ns = rto < (double)c->o.timeout_ns ? (uint64_t)rto : c->o.timeout_ns;
}

static void rtt_sample(struct mp_control *c, uint64_t rtt)
{
  double r = (double)rtt;

  /* RFC 6298 section 2 */
  if (!c->have_rtt) {
    c->srtt_ns = r;
    c->rttvar_ns = r / 2;
    c->have_rtt = true;
  } else {
    c->rttvar_ns = 0.75 * c->rttvar_ns + 0.25 * fabs(c->srtt_ns - r);
    c->srtt_ns = 0.875 * c->srtt_ns + 0.125 * r;
  }
  mp_rtthist_add(&c->hist, rtt);
}

/* --- 100 ms slots: replies per second and health ------------------------ */

static struct mp_control_slot *slot_at(struct mp_control *c, uint64_t now)
{
  uint64_t start = now - now % SLOT;
  struct mp_control_slot *s = &c->slots[(now / SLOT) % MP_CONTROL_SLOTS];

  if (s->start_ns != start) {
    memset(s, 0, sizeof(*s));
    s->start_ns = start;
  }
  return s;
}

/* Replies (or sends) per second over the last second, or since the start
 * when that is shorter. */
static double slot_rate(const struct mp_control *c, uint64_t now, bool sends)
{
  uint64_t from = now > S ? now - S : 0;
  double n = 0, span;

  for (unsigned i = 0; i < MP_CONTROL_SLOTS; i++) {
    const struct mp_control_slot *s = &c->slots[i];

    if (s->start_ns >= from && s->start_ns <= now) {
      n += sends ? s->sent : s->replies;
    }
  }
  from = from > c->start_ns ? from : c->start_ns;
  span = (double)(now - from) / (double)S;
  return n / (span > 0.1 ? span : 0.1);
}

/* The most replies in a second of the seconds before the last, second by
 * second (0 before there were any). */
static double earlier_reply_rate(const struct mp_control *c, uint64_t now)
{
  double best = 0;

  for (uint64_t k = 1; k < RATE_SECONDS && now >= c->start_ns + (k + 1) * S;
       k++) {
    double r = slot_rate(c, now - k * S, false);

    best = r > best ? r : best;
  }
  return best;
}

/* Replies per second in the best 100 ms slot of the last second. */
static double slot_max(const struct mp_control *c, uint64_t now)
{
  unsigned best = 0;

  for (unsigned i = 0; i < MP_CONTROL_SLOTS; i++) {
    const struct mp_control_slot *s = &c->slots[i];

    if (s->start_ns + S >= now && s->replies > best) {
      best = s->replies;
    }
  }
  return (double)best * (double)S / (double)SLOT;
}

double mp_control_reply_rate(const struct mp_control *c, uint64_t now)
{
  return slot_rate(c, now, false);
}

/* Answers, and attempts decided (answers, failures, overdue ones), over
 * the last span (to the 100 ms slot). */
static void health(const struct mp_control *c, uint64_t now, uint64_t span,
                   unsigned *good, unsigned *all)
{
  uint64_t from = now > span ? now - span : 0;

  *good = *all = 0;
  for (unsigned i = 0; i < MP_CONTROL_SLOTS; i++) {
    const struct mp_control_slot *s = &c->slots[i];

    if (s->start_ns >= from && s->start_ns <= now) {
      *good += s->good;
      *all += s->good + s->bad;
    }
  }
}

bool mp_control_answering(const struct mp_control *c, uint64_t now)
{
  unsigned good, all;

  health(c, now, HEALTH_SPAN, &good, &all);
  return good > 0;
}

bool mp_control_failing(const struct mp_control *c, uint64_t now)
{
  unsigned good, all;

  health(c, now, HEALTH_SPAN, &good, &all);
  return all >= HEALTH_MIN && good < HEALTH_GOOD_MIN * all;
}

/* --- rounds ------------------------------------------------------------ */

static void start_round(struct mp_control *c, uint64_t now)
{
  c->round_start_ns = now;
  c->r_replies = c->r_fail = c->r_overdue = c->r_lost = 0;
  c->r_ping = 0;
  c->r_inflight_max = 0;
  c->r_overdue_inflight = 0;
  c->r_window_limited = c->r_rate_limited = false;
}

static int cmp_u64(const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

  return (x > y) - (x < y);
}

/* The base round trip of a ping: a low percentile (10th) of the smallest
 * of each 100 ms of the last BASE_SPAN (this round included), or 0. */
static uint64_t base_rtt(const struct mp_control *c, uint64_t now)
{
  uint64_t v[MP_CONTROL_RING];
  size_t n = 0;

  for (unsigned i = 0; i < c->ring_count; i++) {
    const struct mp_control_round *r = &c->ring[i];

    if (r->end_ns + BASE_SPAN >= now && r->low_ns) {
      v[n++] = r->low_ns;
    }
  }
  if (n == 0) {
    return 0;
  }
  qsort(v, n, sizeof(v[0]), cmp_u64);
  return v[n / 10];
}

/* The queue tolerated beyond the base: 1 ms, or a part of the queries'
 * own round trip when that is more. A small queue at the resolver costs
 * nothing but a little latency and keeps it busy; against a resolver
 * 200 ms from the answers, 1 ms would be a queue of a few queries. */
static double slack(const struct mp_control *c, double part)
{
  double s = c->srtt_ns / part;

  return s > (double)QUEUE_SLACK ? s : (double)QUEUE_SLACK;
}

/* True when x events out of n are more than the usual share p would give,
 * by at least share x n and by three standard deviations (plus 3, so a few
 * events never count). */
static bool excess(double x, double n, double p, double share)
{
  double over = x - n * p;

  return n > 0 && over >= share * n && over >= 3 * sqrt(n * p * (1 - p)) + 3;
}

/* --- losses by the in flight they were sent with ---------------------- */

static unsigned level(unsigned inflight)
{
  unsigned l = inflight > 1 ? (unsigned)(LEVEL_STEPS * log2(inflight)) : 0;

  return l < MP_CONTROL_LEVELS ? l : MP_CONTROL_LEVELS - 1;
}

/* Attempts sent in the same epoch are counted together until every one of
 * them is decided: counted as they are decided, the levels the window has
 * just come down to would have all their replies and none of their overdue
 * attempts yet, and look clean. Adds sent attempts, over of them overdue
 * (-1: one counted overdue was answered late). */
static void level_add(struct mp_control *c, uint64_t sent_ns, unsigned inflight,
                      float sent, float over)
{
  /* an eighth of the timeout, at least 250 ms: the epochs span two */
  uint64_t len = c->o.timeout_ns / 8 > S / 4 ? c->o.timeout_ns / 8 : S / 4;
  uint64_t end = sent_ns - sent_ns % len + len;
  struct mp_control_epoch *e = &c->epochs[(sent_ns / len) % MP_CONTROL_EPOCHS];
  unsigned l = level(inflight);

  if (c->o.fixed) {
    return; /* a fixed window learns nothing from them */
  }
  if (e->end_ns != end) {
    if (e->end_ns > end) {
      return; /* older than the epochs kept: cannot be */
    }
    if (over < 0) {
      /* its epoch is in the levels already */
      c->lv_over[l] = c->lv_over[l] > 1 ? c->lv_over[l] - 1 : 0;
      return;
    }
    memset(e, 0, sizeof(*e));
    e->end_ns = end;
  }
  e->sent[l] += sent;
  e->over[l] += over; /* a late reply's overdue is in this epoch: >= 0 */
}

/* Adds the epochs whose first attempts are all decided (an RTO past their
 * end) to the levels, which first decay by w. A later decision (a retry's,
 * which waits longer) starts its epoch again and is added in turn. */
static void level_fold(struct mp_control *c, uint64_t now, double w)
{
  for (unsigned i = 0; i < MP_CONTROL_LEVELS; i++) {
    c->lv_sent[i] *= 1 - w;
    c->lv_over[i] *= 1 - w;
  }
  for (unsigned k = 0; k < MP_CONTROL_EPOCHS; k++) {
    struct mp_control_epoch *e = &c->epochs[k];

    if (e->end_ns && e->end_ns + c->rto_ns < now) {
      for (unsigned i = 0; i < MP_CONTROL_LEVELS; i++) {
        c->lv_sent[i] += e->sent[i];
        c->lv_over[i] += e->over[i];
      }
      memset(e, 0, sizeof(*e));
    }
  }
}

/* The in flight past which attempts went overdue more often than below it:
 * a resolver that drops what exceeds a number of queries at once (Unbound's
 * request list, less the places that lame names hold there). The split of
 * the levels where the shares above and below differ the most, by a
 * two-proportion z test; random loss and dead names, the same at any in
 * flight, give none. Returns the in flight at the split, or 0. */
static double level_limit(const struct mp_control *c)
{
  double n = 0, x = 0, nl = 0, xl = 0, best = LEVEL_Z, at = 0, p;

  for (unsigned i = 0; i < MP_CONTROL_LEVELS; i++) {
    n += c->lv_sent[i];
    x += c->lv_over[i];
  }
  if (x < CEIL_MIN || x >= n) {
    return 0;
  }
  p = x / n;
  for (unsigned j = 1; j < MP_CONTROL_LEVELS && x - xl >= CEIL_MIN; j++) {
    double nh, ph, z;

    nl += c->lv_sent[j - 1];
    xl += c->lv_over[j - 1];
    nh = n - nl;
    if (nl < LEVEL_MIN || nh <= 0) {
      continue;
    }
    ph = (x - xl) / nh;
    z = (ph - xl / nl) / sqrt(p * (1 - p) * (1 / nl + 1 / nh));
    if (ph - xl / nl >= LEVEL_DELTA && z > best) {
      best = z;
      at = exp2((double)j / LEVEL_STEPS);
    }
  }
  return at;
}

static void clamp(struct mp_control *c)
{
  double max = (double)c->o.window_max;

  if (c->window > max) {
    c->window = max;
  }
  if (c->ceiling > 0 && c->window > c->ceiling) {
    c->window = c->ceiling;
  }
  if (c->window < WINDOW_MIN) {
    c->window = WINDOW_MIN < max ? WINDOW_MIN : max;
  }
  if (c->o.rate_max > 0 && (c->rate == 0 || c->rate > c->o.rate_max)) {
    c->rate = c->o.rate_max;
  }
  if (c->window > c->window_peak) {
    c->window_peak = c->window;
  }
}

/* Takes out of the window the queue it holds: about rate x (ping - base)
 * queries (Little's law), and a little more, so the next rounds see the base
 * again (a cut that left a standing queue would let the base creep up).
 * What is in flight besides (lost attempts waiting for their timeout)
 * stays. Never below half. */
static void drain(struct mp_control *c, uint64_t now, uint64_t low,
                  uint64_t base)
{
  double queued = slot_max(c, now) * (double)(low - base) / (double)S;
  double to = c->window - queued / CUT_DELAY;

  c->window = to > c->window / 2 ? to : c->window / 2;
}

/* A rate limit: paced just under what got through in the best second of
 * the last three (a limit caps each of them; the last alone is less after
 * a resolver stalled, a restart or a link down, when only names that never
 * answer are left, or when the drops that set the pace were a burst past
 * the queries in flight it takes), but never less than half of what was
 * sent (a limit counted per second lets a burst through, then nothing). */
static void pace(struct mp_control *c, uint64_t now)
{
  double got = mp_control_reply_rate(c, now);
  double before = earlier_reply_rate(c, now);
  double sent = slot_rate(c, now, true);
  double to;

  got = got < before ? before : got;
  to = RATE_BACKOFF * (got > sent / 2 ? got : sent / 2);
  if (c->rate == 0 || to < c->rate) {
    c->rate = to > 1 ? to : 1;
    c->rate_limits++;
  }
  c->rate_seen = got;
}

/* Loss, failures or queueing in this round: cut, once per timeout. A loss
 * without queueing is a rate limit: pace just under what got through. */
static bool cut(struct mp_control *c, uint64_t now, uint64_t low)
{
  double all = c->r_replies + c->r_overdue;
  uint64_t base = base_rtt(c, now);
  /* the usual share of confirmed losses needs a few seconds to learn: until
   * then only a burst of overdue attempts is a loss signal */
  bool loss = excess(c->r_overdue, all, c->avg_overdue, FAST_EXCESS) ||
              (now - c->start_ns >= LEARN &&
               excess(c->r_lost, c->r_replies, c->avg_lost, LOSS_EXCESS));
  bool fail = excess(c->r_fail, c->r_replies, c->avg_fail, FAIL_EXCESS);
  bool queue = c->r_replies >= 16 && base &&
               (double)low > (double)base * QUEUE_FACTOR + slack(c, 8);
  /* loss while the replies show no queue (or, with too few replies to
   * tell, the last round that could tell did not): a resolver dropping
   * what exceeds a rate; it must show in two rounds running (a cluster of
   * random losses does not) */
  bool limit = loss && !fail && base && (low ? !queue : !c->queued);

  if (low && base) {
    c->queued = queue;
  }
  if (!loss && !fail && !queue) {
    c->strikes = 0;
    return false;
  }
  if (limit && ++c->strikes < 2) {
    return true;
  }
  c->strikes = 0;
  if (!loss && !fail) {
    if (now < c->hold_ns) {
      return true; /* the last drain is not over yet */
    }
    c->hold_ns = now + 2 * (uint64_t)c->srtt_ns;
  } else {
    c->loss_cut_ns = now;
  }
  c->cut_ns = now;
  if (!c->steady && base) {
    /* the start overshoots by up to a round: back to 1.5 x what the best
     * 100 ms delivered at the base round trip, if that is less */
    double bdp = 1.5 * slot_max(c, now) * (double)base / (double)S;

    c->window = bdp > WINDOW_MIN && bdp < c->window ? bdp : c->window;
  }
  c->steady = true;
  if (loss && !fail && c->r_overdue >= CEIL_MIN) {
    /* dropped past a number of queries in flight (Unbound's wait-limit,
     * its request list) or past a rate: either way the window stays under
     * where the drops were sent, and creeps up past it (BBR's inflight_hi),
     * so that the next drops are few */
    c->ceiling = CEIL_BACKOFF * c->r_overdue_inflight / c->r_overdue;
    c->ceiling_step = CEIL_PROBE;
  }
  if (limit) {
    pace(c, now);
  } else if (loss || fail) {
    c->window *= CUT_LOSS;
    c->cuts_loss++;
  } else {
    drain(c, now, low, base);
    c->cuts_delay++;
  }
  return true;
}

static void grow(struct mp_control *c, uint64_t now, double secs, uint64_t low,
                 uint64_t base)
{
  if (!c->steady && base &&
      (double)low > (double)base * START_EXIT + slack(c, 16)) {
    /* a queue is forming (HyStart): stop growing, drain it */
    drain(c, now, low, base);
    c->steady = true;
    return;
  }
  if (!c->steady && c->r_window_limited && secs > 0 &&
      c->srtt_ns >= (double)FULL_RTT) {
    double rate = c->r_replies / secs;

    if (rate >= FULL_GAIN * c->full_rate) {
      c->full_rate = rate;
      c->full_rounds = 0;
    } else if (++c->full_rounds >= FULL_ROUNDS) {
      /* the replies stopped growing with the window (BBR's full pipe):
       * what is in flight past rate x round trip only waits or is
       * dropped (a resolver's limit on a client's queries), and what was
       * dropped meanwhile is no news */
      double need = FULL_GAIN * c->full_rate * c->srtt_ns / (double)S;

      c->window = need < c->window ? need : c->window;
      c->steady = true;
      c->cut_ns = c->loss_cut_ns = now;
      return;
    } else {
      return; /* no growth until the replies follow */
    }
  }
  if (c->steady && !c->r_window_limited) {
    /* the window was not the limit (the pacing rate was, or the work):
     * it comes down towards what was in flight, so that when the limit
     * lifts, what goes out grows round by round from there, with the pings
     * watching, not all at once to a window never tried (RFC 7661) */
    double to = IDLE_HEADROOM * c->r_inflight_max;

    if (c->window > to) {
      c->window = to > IDLE_DECAY * c->window ? to : IDLE_DECAY * c->window;
    }
  }
  if (c->r_window_limited && c->ceiling > 0 && c->window >= c->ceiling) {
    /* slowly at first past where the drops were, then as fast as the
     * window grows: a ceiling set by a burst of lame names is soon gone */
    c->ceiling *= 1 + c->ceiling_step;
    c->ceiling_step =
        2 * c->ceiling_step < GROWTH ? 2 * c->ceiling_step : GROWTH;
  }
  if (c->r_window_limited && c->r_ping) {
    /* only with a ping in the round: no growth past what can be seen */
    c->window += c->window * (c->steady ? GROWTH : START_GROWTH);
    c->window = c->window < WINDOW_MIN + 1 ? WINDOW_MIN + 1 : c->window;
  }
  if (c->r_rate_limited && c->rate > 0) {
    /* back fast to where the loss was seen, then probe slowly past it;
     * well past it, the limit is gone: fast again */
    bool near = c->rate_seen > 0 && c->rate > 0.9 * c->rate_seen;

    c->rate *= near ? 1 + RATE_PROBE * secs : 1 + RATE_REGAIN;
    if (c->rate > 1.2 * c->rate_seen) {
      c->rate_seen = 0;
    }
  }
}

/* The usual shares of overdue attempts, confirmed losses and failures: a
 * mean over about BASE_SPAN, so steady dead names or SERVFAILs are not a
 * signal. */
static void learn(struct mp_control *c, uint64_t now, double secs)
{
  double w = secs * (double)S / (double)BASE_SPAN;
  double all = c->r_replies + c->r_overdue;

  level_fold(c, now, w);
  /* the mean of the rounds so far, then a moving mean */
  w = w < 1.0 / (double)c->rounds ? 1.0 / (double)c->rounds : w > 1 ? 1 : w;
  c->avg_overdue += w * (c->r_overdue / all - c->avg_overdue);
  if (c->r_replies) {
    c->avg_lost += w * ((double)c->r_lost / c->r_replies - c->avg_lost);
    c->avg_fail += w * ((double)c->r_fail / c->r_replies - c->avg_fail);
  }
}

static void end_round(struct mp_control *c, uint64_t now)
{
  double secs = (double)(now - c->round_start_ns) / (double)S;
  struct mp_control_round *r;
  uint64_t low;
  double limit;

  if (c->r_replies + c->r_overdue == 0 || c->o.fixed) {
    start_round(c, now);
    return;
  }
  /* one entry a 100 ms (the smallest), so the ring spans 12.8 s
   * however short the rounds */
  r = c->ring_count
          ? &c->ring[(c->ring_next + MP_CONTROL_RING - 1) % MP_CONTROL_RING]
          : NULL;
  if (!r || r->end_ns / SLOT != now / SLOT) {
    r = &c->ring[c->ring_next];
    c->ring_next = (c->ring_next + 1) % MP_CONTROL_RING;
    c->ring_count += c->ring_count < MP_CONTROL_RING;
    r->low_ns = 0;
  }
  r->end_ns = now;
  /* The round's queue: the round trip of a ping, a name the resolver
   * answered a moment ago, so answers from its cache with no work upstream.
   * Not the replies' round trips: a recursive resolver answers some names
   * from its cache in 0.1 ms and others after five trips upstream, and that
   * mix moves, while a queue at the resolver delays the ping as much. */
  low = c->r_ping;
  if (low && (!r->low_ns || low < r->low_ns)) {
    r->low_ns = low;
  }
  c->rounds++;
  if (!cut(c, now, low)) {
    grow(c, now, secs, low, base_rtt(c, now));
  }
  learn(c, now, secs);
  limit = level_limit(c);
  if (limit > 0) {
    c->ceiling = CEIL_BACKOFF * limit;
    c->ceiling_step = CEIL_PROBE;
    /* the next one needs new losses: drops in a stall, all at the window
     * of the moment, would otherwise hold it for seconds after */
    memset(c->lv_sent, 0, sizeof(c->lv_sent));
    memset(c->lv_over, 0, sizeof(c->lv_over));
  }
  clamp(c);
  update_rto(c);
  start_round(c, now);
}

static void maybe_end_round(struct mp_control *c, uint64_t now)
{
  uint64_t len = now - c->round_start_ns;
  uint64_t min = c->have_rtt && c->srtt_ns > (double)ROUND_MIN
                     ? (uint64_t)c->srtt_ns
                     : ROUND_MIN;

  if ((len >= min && c->r_replies + c->r_overdue >= ROUND_SAMPLES) ||
      len >= ROUND_MAX) {
    end_round(c, now);
  }
}

/* --- the interface ----------------------------------------------------- */

void mp_control_init(struct mp_control *c, const struct mp_control_opts *o,
                     uint64_t now)
{
  unsigned init = o->window_init ? o->window_init : WINDOW_INIT;

  memset(c, 0, sizeof(*c));
  c->o = *o;
  if (c->o.window_max == 0) {
    c->o.window_max = 1;
  }
  c->window = c->o.fixed || init > c->o.window_max ? c->o.window_max : init;
  c->rate = c->o.rate_max;
  c->tokens = 1;
  c->tokens_ns = now;
  c->rto_ns =
      c->o.fixed || RTO_INIT > c->o.timeout_ns ? c->o.timeout_ns : RTO_INIT;
  clamp(c);
  start_round(c, now);
}

void mp_control_health_reset(struct mp_control *c, uint64_t now)
{
  c->health_ns = now;
  for (unsigned i = 0; i < MP_CONTROL_SLOTS; i++) {
    c->slots[i].good = c->slots[i].bad = 0;
  }
}

bool mp_control_may_send(struct mp_control *c, uint64_t now, uint64_t *wait_ns)
{
  if (wait_ns) {
    *wait_ns = 0;
  }
  if (c->inflight >= (unsigned)c->window) {
    c->r_window_limited = true;
    return false;
  }
  if (c->rate > 0) {
    /* a token bucket holding at most 20 ms of sends (and one) */
    double burst = c->rate / 50 > 1 ? c->rate / 50 : 1;

    c->tokens += (double)(now - c->tokens_ns) * c->rate / (double)S;
    c->tokens_ns = now;
    if (c->tokens > burst) {
      c->tokens = burst;
    }
    if (c->tokens < 1) {
      c->r_rate_limited = true;
      if (wait_ns) {
        *wait_ns = (uint64_t)((1 - c->tokens) * (double)S / c->rate) + 1;
      }
      return false;
    }
  }
  return true;
}

unsigned mp_control_sent(struct mp_control *c, uint64_t now)
{
  slot_at(c, now)->sent++;
  c->inflight++;
  if (c->inflight > c->r_inflight_max) {
    c->r_inflight_max = c->inflight;
  }
  if (c->rate > 0) {
    c->tokens -= 1;
  }
  return c->inflight;
}

void mp_control_reply(struct mp_control *c, uint64_t now, uint64_t sent_ns,
                      unsigned inflight, bool counted,
                      enum mp_control_reply kind)
{
  struct mp_control_slot *s = slot_at(c, now);

  if (counted && c->inflight) {
    c->inflight--;
  }
  s->good += kind == MP_CONTROL_GOOD;
  s->bad += kind == MP_CONTROL_FAIL || kind == MP_CONTROL_DOWN;
  if (kind == MP_CONTROL_DOWN) {
    return; /* no reply: nothing about the round trip */
  }
  s->replies++;
  rtt_sample(c, now - sent_ns);
  if (counted) {
    level_add(c, sent_ns, inflight, 1, 0);
    c->r_replies += sent_ns >= c->cut_ns;
    c->r_fail += sent_ns >= c->cut_ns && kind == MP_CONTROL_FAIL;
  }
  maybe_end_round(c, now);
}

void mp_control_overdue(struct mp_control *c, uint64_t now, uint64_t sent_ns,
                        unsigned inflight)
{
  if (c->inflight) {
    c->inflight--;
  }
  slot_at(c, now)->bad += sent_ns >= c->health_ns;
  level_add(c, sent_ns, inflight, 1, 1);
  if (sent_ns >= c->loss_cut_ns) {
    c->r_overdue++;
    c->r_overdue_inflight += inflight;
  }
  maybe_end_round(c, now);
}

void mp_control_late(struct mp_control *c, uint64_t sent_ns, unsigned inflight)
{
  level_add(c, sent_ns, inflight, 0, -1);
}

void mp_control_lost(struct mp_control *c, uint64_t now, uint64_t sent_ns,
                     unsigned n)
{
  c->r_lost += sent_ns >= c->loss_cut_ns ? n : 0;
  maybe_end_round(c, now);
}

bool mp_control_want_ping(const struct mp_control *c, uint64_t now)
{
  /* about two a round trip, between 2 and 20 ms apart; with a fixed
   * window, for health alone: after PING_IDLE without an answer */
  uint64_t gap = (uint64_t)c->srtt_ns / 2;
  unsigned good, all;

  gap = gap < PING_MIN ? PING_MIN : gap > PING_GAP ? PING_GAP : gap;
  if (c->o.fixed) {
    health(c, now, PING_IDLE, &good, &all);
    if (good > 0) {
      return false;
    }
    gap = PING_IDLE;
  }
  return !c->ping_out && now - c->ping_ns >= gap;
}

void mp_control_ping_sent(struct mp_control *c, uint64_t now)
{
  c->ping_out = true;
  c->ping_ns = now;
}

void mp_control_ping(struct mp_control *c, uint64_t now, uint64_t rtt)
{
  slot_at(c, now)->good++;
  c->ping_out = false;
  c->r_ping = c->r_ping && c->r_ping < rtt ? c->r_ping : rtt;
}

void mp_control_ping_lost(struct mp_control *c)
{
  c->ping_out = false;
}

void mp_control_cancel(struct mp_control *c)
{
  if (c->inflight) {
    c->inflight--;
  }
}

uint64_t mp_control_timeout(const struct mp_control *c, unsigned k)
{
  uint64_t t = c->rto_ns;

  if (c->o.fixed) {
    return c->o.timeout_ns;
  }
  while (k-- > 0 && t < c->o.timeout_ns) {
    t *= 2;
  }
  return t < c->o.timeout_ns ? t : c->o.timeout_ns;
}

unsigned mp_control_window(const struct mp_control *c)
{
  return (unsigned)c->window;
}
