#include "scanner/dns/resolver.h"

#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "scanner/base/alloc.h"
#include "scanner/base/log.h"
#include "scanner/dns/channel.h"
#include "scanner/dns/control.h"
#include "scanner/dns/dnsname.h"
#include "scanner/dns/flight.h"

#define CHANNELS     4     /* per server: sockets, so source ports */
#define CHAN_SENDS   20000 /* attempts a channel sends before renewal */
#define CHAN_AGE     (60 * SEC)
#define LISTS        4 /* attempts in flight by number: 0, 1, 2, 3+ */
#define MP_CHASE_MAX 8 /* dangling aliases followed per lookup */
#define TICK_MS      10
#define ARES_TICK    (100 * MS)
#define PROBE_EVERY  SEC
#define MS           1000000ull
#define SEC          1000000000ull

struct mp_upstream {
  struct mp_resolver *r;
  struct mp_server addr;
  char label[INET6_ADDRSTRLEN + 8];
  struct mp_chan *chans[CHANNELS];
  struct mp_chan **retired; /* renewed, until nothing of theirs is in
                               flight */
  size_t nretired, capretired;
  unsigned next_chan;
  struct mp_control ctl;
  struct mp_attempt *head[LISTS], *tail[LISTS]; /* counted, in send order */
  bool up;
  bool dead; /* down, and nothing known to answer (or its probe failed) */
  uint64_t down_ns, probe_ns;
  unsigned failed[4]; /* since up: overdue, refused, servfail, other */
  uint8_t good[MP_DNSNAME_WIRE_MAX]; /* a name that got an answer: the
                                        probe and the ping (wire form) */
  size_t good_len;                   /* 0: none yet */
  uint16_t good_type;
  struct mp_attempt *ping; /* the ping in flight, until its reply or rto */
};

struct mp_resolver {
  uv_loop_t *loop;
  struct mp_resolver_opts opts;
  struct mp_upstream *servers;
  unsigned next_server;
  uint64_t budget_ns; /* a lookup gives up this long after its first try */
  struct mp_flight f;
  uv_timer_t tick;
  uv_timer_t pace;       /* wakes the flush when a rate allows */
  uv_prepare_t flush_in; /* sends what was queued, before the poll... */
  uv_check_t flush_out;  /* ...and after it */
  uint64_t ares_tick_ns;
  double tokens, burst; /* --qps */
  uint64_t refill_ns;
  uint8_t last[MP_DNSNAME_WIRE_MAX]; /* the last name submitted (wire): a
                                        probe when nothing else is known to
                                        answer */
  size_t last_len;                   /* 0: none */
  uint16_t last_type;
  struct mp_resolver_stats stats;
  bool closing, flushing, dead;
  unsigned handles; /* libuv handles and channels not yet closed */
  void (*close_cb)(void *);
  void *close_arg;
};

static void enqueue(struct mp_query *q, bool front);
static void complete(struct mp_query *q, struct mp_answer *ans);
static void on_handle_closed(uv_handle_t *h);
static void on_reply(struct mp_chan_req *req, enum mp_chan_status st,
                     const uint8_t *abuf, size_t alen);

/* A query of (name, type), a wire name of len octets, from the pool. */
static struct mp_query *new_query(struct mp_resolver *r, const uint8_t *name,
                                  size_t len, uint16_t type)
{
  struct mp_query *q = mp_flight_query(&r->f);

  q->r = r;
  q->type = type;
  memcpy(q->name, name, len);
  memcpy(q->ask, name, len);
  return q;
}

/* A wire name as name text, for logs (buf: MP_NAME_TEXT_MAX + 1 bytes). */
static const char *text_of(const uint8_t *wire, char *buf)
{
  mp_dnsname_to_text(wire, buf);
  return buf;
}

/* --- attempts in flight --------------------------------------------------
 */

static unsigned list_of(const struct mp_attempt *a)
{
  return a->k < LISTS ? a->k : LISTS - 1;
}

static void uncount(struct mp_attempt *a)
{
  struct mp_upstream *srv = a->up;
  unsigned l = list_of(a);

  assert(a->counted);
  *(a->prev ? &a->prev->next : &srv->head[l]) = a->next;
  *(a->next ? &a->next->prev : &srv->tail[l]) = a->prev;
  a->counted = false;
}

/* --- completion ----------------------------------------------------------
 */

/* Hands ans to every waiter of q and recycles q. Its attempts still in
 * c-ares become orphans (their replies only teach the round trip). The
 * waiters' callbacks may submit new queries, so q leaves the index
 * first. */
static void complete(struct mp_query *q, struct mp_answer *ans)
{
  struct mp_resolver *r = q->r;
  struct mp_waiter *w = q->waiters;
  char text[MP_NAME_TEXT_MAX + 1];

  while (q->attempts) {
    struct mp_attempt *a = q->attempts;

    if (a->counted) {
      uncount(a);
      mp_control_cancel(&a->up->ctl);
    }
    mp_flight_detach(a);
  }
  mp_flight_undeadline(&r->f, q);
  mp_flight_unindex(&r->f, q);
  r->stats.inflight -= q->waiters != NULL;
  r->stats.answered += q->waiters != NULL;
  r->stats.outcomes[ans->outcome] += q->waiters != NULL;
  ans->attempts = q->attempts_n;
  ans->rtt_ms = q->attempts_n ? (double)(uv_hrtime() - q->first_ns) / 1e6 : 0.0;
  mp_log_debug("%s %s: %s after %u attempt(s)", text_of(q->name, text),
               mp_type_name(q->type) ? mp_type_name(q->type) : "?",
               mp_outcome_name(ans->outcome), q->attempts_n);
  mp_flight_put_query(&r->f, q);
  while (w) {
    struct mp_waiter *next = w->next;

    w->cb(w, ans);
    w = next;
  }
  mp_answer_unref(ans);
}

static void fail(struct mp_query *q, enum mp_outcome outcome)
{
  complete(q, mp_answer_new(outcome, -1, q->type));
}

/* An authoritative server answers an alias into a zone it does not hold
 * with the CNAME alone; a recursive resolver would have followed it. Asks
 * the target with the same query (not shared with other lookups, so two
 * aliases into each other's zones cannot wait on each other), at most
 * MP_CHASE_MAX times. Returns false when ans is the answer to keep. */
static bool chase(struct mp_query *q, const struct mp_answer *ans)
{
  uint8_t wire[MP_DNSNAME_WIRE_MAX];
  int len;

  if (!ans->dangling || q->hops >= MP_CHASE_MAX || q->r->closing ||
      (len = mp_dnsname_from_text(ans->cname, wire)) < 0) {
    return false;
  }
  memcpy(q->ask, wire, (size_t)len);
  q->hops++;
  q->hop_n = 0;
  while (q->attempts) {
    struct mp_attempt *a = q->attempts;

    if (a->counted) {
      uncount(a);
      mp_control_cancel(&a->up->ctl);
    }
    mp_flight_detach(a);
  }
  mp_flight_undeadline(&q->r->f, q);
  enqueue(q, true);
  return true;
}

/* The answer of a followed alias, as if one server had given the whole
 * chain: cname is where it ends. */
static struct mp_answer *chased(struct mp_query *q, struct mp_answer *ans)
{
  char cname[MP_NAME_TEXT_MAX + 1];
  struct mp_answer *a;

  if (q->hops == 0 || ans->cname) {
    return ans;
  }
  a = mp_answer_build(ans->outcome, ans->rcode, q->type, ans->rr, ans->count,
                      text_of(q->ask, cname));
  mp_answer_unref(ans);
  return a;
}

/* --- health ----------------------------------------------------------- */

static bool any_up(const struct mp_resolver *r)
{
  for (size_t i = 0; i < r->opts.nservers; i++) {
    if (r->servers[i].up) {
      return true;
    }
  }
  return false;
}

static void server_up(struct mp_upstream *srv, uint64_t now)
{
  struct mp_resolver *r = srv->r;

  if (srv->up) {
    return;
  }
  mp_log_warn("resolver %s answers again", srv->label);
  srv->up = true;
  memset(srv->failed, 0, sizeof(srv->failed));
  mp_control_health_reset(&srv->ctl);
  (void)now;
  if (r->dead) {
    mp_log_warn("lookups are sent again");
    r->dead = false;
  }
}

static void server_down(struct mp_upstream *srv, uint64_t now)
{
  const unsigned *f = srv->failed;

  srv->up = false;
  srv->dead = srv->good_len == 0;
  srv->down_ns = srv->probe_ns = now;
  srv->r->stats.down++;
  mp_log_warn("resolver %s is not answering (since it last did: %u "
              "timeouts, %u REFUSED, %u SERVFAIL, %u other failures): "
              "paused, asked once a second",
              srv->label, f[0], f[1], f[2], f[3]);
}

/* After a failure: is srv still answering enough? */
static void check_health(struct mp_upstream *srv, uint64_t now)
{
  if (srv->up && mp_control_failing(&srv->ctl, now)) {
    server_down(srv, now);
  }
}

/* No server has answered for dead_after_ms: lookups fail at once rather
 * than wait (exit status 3, see main.c). */
static void go_dead(struct mp_resolver *r)
{
  mp_log_error("no resolver has answered for %u ms: lookups fail at once "
               "(outcome error) until one answers again",
               r->opts.dead_after_ms);
  r->dead = true;
}

/* --- sending -------------------------------------------------------------
 */

static void enqueue(struct mp_query *q, bool front)
{
  mp_flight_enqueue(&q->r->f, q, front);
}

static void unqueue(struct mp_query *q)
{
  mp_flight_unqueue(&q->r->f, q);
}

/* While no server answers: what waits to be sent fails now (a query with
 * attempts still in c-ares ends at the next tick). */
static void drain_dead(struct mp_resolver *r, uint64_t now)
{
  while (r->f.head) {
    struct mp_query *q = r->f.head;

    unqueue(q);
    if (q->attempts) {
      if (q->heap == SIZE_MAX) {
        mp_flight_deadline(&r->f, q, now);
      }
    } else {
      r->stats.unsent += q->waiters != NULL;
      fail(q, MP_OUTCOME_ERROR);
    }
  }
}

static bool take_token(struct mp_resolver *r, uint64_t now, uint64_t *wait)
{
  if (r->opts.qps <= 0) {
    return true;
  }
  r->tokens += (double)(now - r->refill_ns) * r->opts.qps / 1e9;
  r->refill_ns = now;
  if (r->tokens > r->burst) {
    r->tokens = r->burst;
  }
  if (r->tokens < 1.0) {
    *wait = (uint64_t)((1.0 - r->tokens) * 1e9 / r->opts.qps) + 1;
    return false;
  }
  r->tokens -= 1.0;
  return true;
}

static struct mp_chan *chan_new(struct mp_upstream *srv);

/* The next channel of srv, renewing one that has served long enough (a
 * fresh socket, a fresh source port): the old one is retired until nothing
 * of its is in flight. */
static struct mp_chan *pick_chan(struct mp_upstream *srv, uint64_t now)
{
  struct mp_chan **slot = &srv->chans[srv->next_chan++ % CHANNELS];
  struct mp_chan *c = *slot, *fresh;

  if ((mp_chan_sends(c) >= CHAN_SENDS ||
       now - mp_chan_born_ns(c) >= CHAN_AGE) &&
      (fresh = chan_new(srv))) {
    if (srv->nretired == srv->capretired) {
      srv->capretired = srv->capretired ? 2 * srv->capretired : 4;
      srv->retired =
          mp_realloc(srv->retired, srv->capretired * sizeof(*srv->retired));
    }
    srv->retired[srv->nretired++] = c;
    *slot = c = fresh;
  }
  return c;
}

/* Sends an attempt of q to srv: in its window, or (a ping) outside it. */
static struct mp_attempt *transmit(struct mp_query *q, struct mp_upstream *srv,
                                   uint64_t now)
{
  struct mp_resolver *r = q->r;
  struct mp_attempt *a = mp_flight_attempt(&r->f);
  struct mp_chan *c = pick_chan(srv, now);
  uint8_t buf[MP_QUERY_MAX];
  int len;

  a->up = srv;
  a->q = q;
  a->k = (uint8_t)(q->hop_n < 255 ? q->hop_n : 255);
  a->req.cb = on_reply;
  mp_chan_reserve(c, &a->req);
  a->sent_ns = now;
  a->qnext = q->attempts;
  q->attempts = a;
  if (q->ping) {
    r->stats.pings++;
  } else {
    unsigned l = list_of(a);

    a->counted = true;
    a->prev = srv->tail[l];
    *(a->prev ? &a->prev->next : &srv->head[l]) = a;
    srv->tail[l] = a;
    mp_control_sent(&srv->ctl, now);
    r->stats.sent++;
  }
  if (q->attempts_n++ == 0) {
    q->first_ns = now;
  }
  r->stats.retries += q->hop_n > 0 && !q->ping && !q->probe;
  if (q->hop_n++ == 0) {
    q->hop_ns = now;
    if (r->opts.query_log && q->waiters) {
      char text[MP_NAME_TEXT_MAX + 1];

      fprintf(r->opts.query_log, "%s %s\n", text_of(q->ask, text),
              mp_type_name(q->type) ? mp_type_name(q->type) : "TYPE0");
    }
  }
  q->last = srv;
  len =
      mp_dnswire_query_wire(buf, q->ask, q->type, a->req.id, r->opts.edns_size);
  mp_chan_send(c, buf, (size_t)len, &a->req);
  return a;
}

/* The server for q's next attempt: one that is up and whose window and
 * rate allow it, preferring another than the last attempt's. NULL when none
 * may send now; *wait then says when a rate allows one. */
static struct mp_upstream *pick_server(struct mp_resolver *r,
                                       struct mp_query *q, uint64_t now,
                                       uint64_t *wait)
{
  struct mp_upstream *fallback = NULL;

  *wait = 0;
  if (q->probe) {
    return q->probe;
  }
  for (size_t i = 0; i < r->opts.nservers; i++) {
    struct mp_upstream *srv =
        &r->servers[(r->next_server + i) % r->opts.nservers];
    uint64_t w = 0;

    if (!srv->up || !mp_control_may_send(&srv->ctl, now, &w)) {
      *wait = w && (!*wait || w < *wait) ? w : *wait;
      continue;
    }
    if (srv != q->last || r->opts.nservers == 1) {
      r->next_server = (unsigned)(srv - r->servers) + 1;
      return srv;
    }
    fallback = srv;
  }
  return fallback;
}

static void on_pace(uv_timer_t *t);

/* Sends the queued queries that the servers' windows, rates and the qps cap
 * allow, in order; when all went out and a server could take more, asks
 * for more (opts.hungry). It runs from the loop (prepare and check phases,
 * the pace timer), never from inside a c-ares callback: c-ares reads a UDP
 * socket until it is empty, so a query sent from an answer's callback would
 * keep it from ever being empty, and that one call would starve every other
 * socket and timer. */
static void flush(struct mp_resolver *r)
{
  uint64_t now = uv_hrtime(), wait = 0;
  unsigned asks = 0;

  if (r->flushing || r->closing) {
    return;
  }
  if (r->dead) {
    drain_dead(r, now);
    return;
  }
  r->flushing = true;
  for (;;) {
    struct mp_query *q = r->f.head;
    struct mp_upstream *srv;

    if (!q) {
      struct mp_upstream *any =
          pick_server(r, &(struct mp_query){0}, now, &wait);

      if (!any || !r->opts.hungry || asks++ > 64) {
        break;
      }
      r->opts.hungry(r->opts.hungry_arg);
      if (!r->f.head) {
        break;
      }
      continue;
    }
    if (!(srv = pick_server(r, q, now, &wait)) || !take_token(r, now, &wait)) {
      break;
    }
    unqueue(q);
    transmit(q, srv, now);
  }
  if (wait) {
    uv_timer_start(&r->pace, on_pace, (wait + MS - 1) / MS, 0);
  }
  r->flushing = false;
}

static void on_pace(uv_timer_t *t)
{
  flush(t->data);
}

static void on_flush_in(uv_prepare_t *h)
{
  flush(h->data);
}

static void on_flush_out(uv_check_t *h)
{
  flush(h->data);
}

void mp_resolver_submit(struct mp_resolver *r, const char *name, uint16_t type,
                        struct mp_waiter *w)
{
  uint8_t wire[MP_DNSNAME_WIRE_MAX];
  int n = mp_dnsname_from_text(name, wire);
  size_t len = n > 0 ? (size_t)n : 0;
  uint64_t key;
  struct mp_query *q;

  assert(w->cb && !r->closing);
  if (n < 0 || r->dead) {
    struct mp_answer *ans = mp_answer_new(MP_OUTCOME_ERROR, -1, type);

    r->stats.unsent += r->dead;
    if (r->dead && n > 0) {
      memcpy(r->last, wire, len);
      r->last_len = len;
      r->last_type = type;
    }
    w->cb(w, ans);
    mp_answer_unref(ans);
    return;
  }
  key = mp_flight_key(wire, len, type);
  if ((q = mp_flight_find(&r->f, key, wire, len, type))) {
    w->next = q->waiters;
    q->waiters = w;
    r->stats.shared++;
    return;
  }
  q = new_query(r, wire, len, type);
  q->key = key;
  w->next = NULL;
  q->waiters = w;
  mp_flight_index(&r->f, q);
  r->stats.inflight++;
  enqueue(q, false);
}

/* --- replies and timeouts ------------------------------------------------
 */

/* a's query got no reply within its timeout: it leaves the window; the
 * query is sent again, or waits for the end of its budget. */
static void overdue(struct mp_attempt *a, uint64_t now)
{
  struct mp_query *q = a->q;
  struct mp_resolver *r = q->r;
  struct mp_upstream *srv = a->up;

  uncount(a);
  a->overdue = true;
  r->stats.overdue++;
  if (q->probe) {
    q->probe->dead = true;
  }
  srv->failed[0]++;
  mp_control_overdue(&srv->ctl, now, a->sent_ns);
  check_health(srv, now);
  if (q->hop_n <= r->opts.retries && !q->queued) {
    enqueue(q, true);
  } else if (q->heap == SIZE_MAX && !q->queued) {
    uint64_t end = q->hop_ns + r->budget_ns;

    mp_flight_deadline(&r->f, q, end > now ? end : now);
  }
}

/* An attempt ended without a reply (connection refused, c-ares' own
 * timeout, a send error): try again, or give up when nothing else of the
 * query is in flight. */
static void no_reply(struct mp_attempt *a, enum mp_chan_status st)
{
  struct mp_query *q = a->q;
  struct mp_resolver *r = q->r;

  q->refused |= st == MP_CHAN_REFUSED;
  if (q->probe) {
    q->probe->dead = true;
  }
  if (q->ping && a->up->ping == a) {
    a->up->ping = NULL;
    mp_control_ping_lost(&a->up->ctl);
  }
  mp_flight_detach(a);
  if (q->queued || q->heap != SIZE_MAX || r->closing) {
    return; /* already going again, or waiting for its end */
  }
  if (q->hop_n <= r->opts.retries) {
    enqueue(q, true);
  } else if (!q->attempts) {
    fail(q, q->refused ? MP_OUTCOME_ERROR : MP_OUTCOME_TIMEOUT);
  }
}

static void learn_good(struct mp_upstream *srv, const struct mp_query *q)
{
  if (q->probe || q->ping) {
    return;
  }
  srv->good_len = mp_dnsname_wire_len(q->ask);
  memcpy(srv->good, q->ask, srv->good_len);
  srv->good_type = q->type;
}

/* The reply to attempt a: the controller learns from it (also when the
 * lookup is over), and the first one ends the lookup. */
static void replied(struct mp_attempt *a, const uint8_t *abuf, size_t alen,
                    uint64_t now)
{
  struct mp_upstream *srv = a->up;
  struct mp_query *q = a->q;
  struct mp_answer *ans = NULL;
  int rcode = alen >= 4 ? abuf[3] & 0x0F : -1;
  enum mp_control_reply kind = MP_CONTROL_FAIL;
  unsigned lost = 0;
  bool malformed;

  if (q && q->ping) {
    if (srv->ping == a) {
      srv->ping = NULL;
      mp_control_ping(&srv->ctl, now, now - a->sent_ns);
    }
    mp_flight_detach(a);
    fail(q, MP_OUTCOME_OK);
    return;
  }
  /* A malformed reply is a failure of the server, never data: also when
   * the lookup is already over and only the controller learns from it. */
  if (q) {
    malformed = mp_dnswire_parse_wire(abuf, alen, q->ask, q->type, &ans) < 0;
  } else {
    malformed = mp_dnswire_check(abuf, alen) < 0;
  }
  if (ans) {
    rcode = ans->rcode; /* with the extended bits of EDNS */
  }
  if (malformed) {
    kind = MP_CONTROL_FAIL;
  } else if (rcode == 0 || rcode == 3) {
    kind = MP_CONTROL_GOOD;
  } else if (rcode == 2) {
    kind = MP_CONTROL_SERVFAIL;
  }
  if (kind != MP_CONTROL_GOOD) {
    srv->failed[malformed ? 3 : rcode == 5 ? 1 : rcode == 2 ? 2 : 3]++;
  }
  srv->r->stats.late += a->overdue;
  mp_control_reply(&srv->ctl, now, a->sent_ns, a->counted, kind);
  if (a->counted) {
    uncount(a);
  }
  if (kind == MP_CONTROL_GOOD) {
    server_up(srv, now);
  } else if (kind == MP_CONTROL_FAIL) {
    check_health(srv, now);
  }
  if (!q) {
    return;
  }
  for (struct mp_attempt *o = q->attempts; o && !a->overdue; o = o->qnext) {
    lost += o->overdue && o->k < a->k;
  }
  if (lost) {
    mp_control_lost(&srv->ctl, now, q->hop_ns, lost);
  }
  mp_flight_detach(a);
  if (!ans) {
    ans = mp_answer_new(MP_OUTCOME_ERROR, rcode, q->type);
  } else if (kind == MP_CONTROL_GOOD) {
    learn_good(srv, q);
  }
  if (chase(q, ans)) {
    mp_answer_unref(ans);
    return;
  }
  if (q->queued) {
    unqueue(q); /* a retry waiting: not needed any more */
  }
  complete(q, chased(q, ans));
}

/* An attempt's end on its channel: a reply, or none. */
static void on_reply(struct mp_chan_req *req, enum mp_chan_status st,
                     const uint8_t *abuf, size_t alen)
{
  struct mp_attempt *a = (struct mp_attempt *)req;
  struct mp_upstream *srv = a->up;
  struct mp_resolver *r = srv->r;
  uint64_t now = uv_hrtime();

  if (st == MP_CHAN_REPLY) {
    replied(a, abuf, alen, now);
  } else {
    if (a->counted) {
      uncount(a);
      if (st != MP_CHAN_CLOSED) {
        srv->failed[st == MP_CHAN_TIMEOUT ? 0 : 3]++;
        mp_control_reply(&srv->ctl, now, a->sent_ns, true, MP_CONTROL_DOWN);
        check_health(srv, now);
      }
    }
    if (a->q && st == MP_CHAN_CLOSED) {
      struct mp_query *q = a->q;

      mp_flight_detach(a);
      if (!q->attempts && !q->queued) {
        fail(q, MP_OUTCOME_ERROR);
      }
    } else if (a->q) {
      no_reply(a, st);
    }
  }
  mp_flight_put_attempt(&r->f, a);
}

/* --- the tick: overdue attempts, give-ups, health, probes --------------- */

static void probe(struct mp_upstream *srv, uint64_t now)
{
  struct mp_resolver *r = srv->r;
  struct mp_query *q = r->f.head;
  const uint8_t *name = srv->good_len ? srv->good : r->last;
  size_t len = srv->good_len ? srv->good_len : r->last_len;
  uint16_t type = srv->good_len ? srv->good_type : r->last_type;

  srv->probe_ns = now + PROBE_EVERY;
  if (!srv->good_len && q) {
    /* nothing known to answer: the first queued lookup goes as the probe */
    unqueue(q);
    transmit(q, srv, now);
    return;
  }
  if (!len) {
    return;
  }
  q = new_query(r, name, len, type);
  q->probe = srv;
  q->hop_n = r->opts.retries + 1; /* one attempt: no retries */
  transmit(q, srv, now);
}

/* Asks srv a name it answered a moment ago (so from its cache): the round
 * trip is its queue (control.h). */
static void ping(struct mp_upstream *srv, uint64_t now)
{
  struct mp_query *q =
      new_query(srv->r, srv->good, srv->good_len, srv->good_type);

  q->ping = true;
  q->hop_n = srv->r->opts.retries + 1; /* never sent again */
  srv->ping = transmit(q, srv, now);
  mp_control_ping_sent(&srv->ctl, now);
}

static void check_server(struct mp_upstream *srv, uint64_t now)
{
  for (unsigned l = 0; l < LISTS; l++) {
    uint64_t wait = mp_control_timeout(&srv->ctl, l);

    while (srv->head[l] && now - srv->head[l]->sent_ns >= wait) {
      overdue(srv->head[l], now);
    }
  }
  if (!srv->up && now >= srv->probe_ns) {
    probe(srv, now);
  }
  if (srv->ping &&
      now - srv->ping->sent_ns >= mp_control_timeout(&srv->ctl, 0)) {
    srv->ping = NULL; /* lost: a late reply does not count */
    mp_control_ping_lost(&srv->ctl);
  }
  if (srv->up && srv->good_len && mp_control_want_ping(&srv->ctl, now)) {
    ping(srv, now);
  }
  /* retired channels go once nothing of theirs is in flight */
  for (size_t i = 0; i < srv->nretired;) {
    if (mp_chan_outstanding(srv->retired[i])) {
      i++;
      continue;
    }
    mp_chan_free(srv->retired[i]);
    srv->retired[i] = srv->retired[--srv->nretired];
  }
}

static void on_tick(uv_timer_t *t)
{
  struct mp_resolver *r = t->data;
  uint64_t now = uv_hrtime();
  uint64_t down_since = 0;

  for (size_t i = 0; i < r->opts.nservers; i++) {
    struct mp_upstream *srv = &r->servers[i];

    check_server(srv, now);
    down_since = srv->down_ns > down_since ? srv->down_ns : down_since;
  }
  for (struct mp_query *q; (q = mp_flight_due(&r->f, now));) {
    mp_flight_undeadline(&r->f, q);
    fail(q, q->refused ? MP_OUTCOME_ERROR : MP_OUTCOME_TIMEOUT);
  }
  if (!r->dead && !any_up(r) &&
      now - down_since >= (uint64_t)r->opts.dead_after_ms * MS) {
    go_dead(r);
  }
  /* c-ares finds its own timeouts when called with no socket */
  if (now >= r->ares_tick_ns) {
    r->ares_tick_ns = now + ARES_TICK;
    for (size_t i = 0; i < r->opts.nservers; i++) {
      struct mp_upstream *srv = &r->servers[i];

      for (size_t k = 0; k < CHANNELS; k++) {
        mp_chan_tick(srv->chans[k]);
      }
      for (size_t k = 0; k < srv->nretired; k++) {
        mp_chan_tick(srv->retired[k]);
      }
    }
  }
  flush(r);
}

/* --- lifecycle ---------------------------------------------------------- */

static void on_closed(struct mp_resolver *r);

static void on_chan_gone(void *ctx)
{
  on_closed(ctx);
}

/* A channel to srv alone. It keeps each attempt until the lookup's budget
 * is over (plus a second), so a late reply is still read; our timeouts
 * decide when to ask again. */
static struct mp_chan *chan_new(struct mp_upstream *srv)
{
  struct mp_resolver *r = srv->r;
  struct mp_chan *c = mp_chan_new(&(struct mp_chan_opts){
      .loop = r->loop,
      .server = &srv->addr,
      .timeout_ms = (unsigned)(r->budget_ns / MS) + 1000,
      .edns_size = r->opts.edns_size,
      .gone = on_chan_gone,
      .ctx = r,
  });

  r->handles += c != NULL;
  return c;
}

static void free_chans(struct mp_upstream *srv)
{
  for (size_t i = 0; i < CHANNELS; i++) {
    if (srv->chans[i]) {
      mp_chan_free(srv->chans[i]);
      srv->chans[i] = NULL;
    }
  }
  while (srv->nretired) {
    mp_chan_free(srv->retired[--srv->nretired]);
  }
  mp_free(srv->retired);
  srv->retired = NULL;
}

static int server_init(struct mp_resolver *r, struct mp_upstream *srv,
                       const struct mp_server *addr, uint64_t now)
{
  struct mp_control_opts co = {
      .fixed = r->opts.fixed,
      .window_max = r->opts.window,
      .timeout_ns = (uint64_t)r->opts.timeout_ms * MS,
  };
  char ip[INET6_ADDRSTRLEN];

  srv->r = r;
  srv->addr = *addr;
  srv->up = true;
  inet_ntop(addr->family, addr->addr, ip, sizeof(ip));
  snprintf(srv->label, sizeof(srv->label),
           addr->family == AF_INET6 ? "[%s]:%u" : "%s:%u", ip, addr->port);
  mp_control_init(&srv->ctl, &co, now);
  for (unsigned i = 0; i < CHANNELS; i++) {
    if (!(srv->chans[i] = chan_new(srv))) {
      free_chans(srv);
      return -EINVAL;
    }
  }
  return 0;
}

int mp_resolver_new(uv_loop_t *loop, const struct mp_resolver_opts *opts,
                    struct mp_resolver **out)
{
  struct mp_resolver *r;
  uint64_t now = uv_hrtime();
  int rc;

  *out = NULL;
  assert(opts->nservers > 0 && opts->timeout_ms > 0 && opts->window > 0);
  if ((rc = mp_chan_library_init()) < 0) {
    return rc;
  }
  r = mp_calloc(1, sizeof(*r));
  r->loop = loop;
  r->opts = *opts;
  r->budget_ns = (uint64_t)opts->timeout_ms * MS * (opts->retries + 1);
  r->burst = opts->qps / 50.0 > 1.0 ? opts->qps / 50.0 : 1.0;
  r->tokens = r->burst;
  r->refill_ns = now;
  r->servers = mp_calloc(opts->nservers, sizeof(*r->servers));
  r->opts.servers = NULL;
  for (size_t i = 0; i < opts->nservers; i++) {
    if ((rc = server_init(r, &r->servers[i], &opts->servers[i], now)) < 0) {
      while (i--) {
        free_chans(&r->servers[i]);
      }
      mp_free(r->servers);
      mp_free(r);
      mp_chan_library_cleanup();
      return rc;
    }
  }
  mp_flight_init(&r->f);
  uv_timer_init(loop, &r->tick);
  uv_timer_init(loop, &r->pace);
  uv_prepare_init(loop, &r->flush_in);
  uv_check_init(loop, &r->flush_out);
  r->tick.data = r->pace.data = r->flush_in.data = r->flush_out.data = r;
  r->handles += 4;
  uv_prepare_start(&r->flush_in, on_flush_in);
  uv_check_start(&r->flush_out, on_flush_out);
  uv_unref((uv_handle_t *)&r->flush_in);
  uv_unref((uv_handle_t *)&r->flush_out);
  /* referenced: it keeps the loop alive while lookups wait for a server
   * (mp_resolver_close ends it) */
  uv_timer_start(&r->tick, on_tick, TICK_MS, TICK_MS);
  *out = r;
  return 0;
}

size_t mp_resolver_backlog(const struct mp_resolver *r)
{
  return r->f.queued;
}

const struct mp_resolver_stats *mp_resolver_stats(struct mp_resolver *r)
{
  struct mp_resolver_stats *st = &r->stats;

  st->queued = r->f.queued;
  st->window = st->window_peak = st->rate_cuts = 0;
  st->rate = 0;
  for (size_t i = 0; i < r->opts.nservers; i++) {
    const struct mp_control *c = &r->servers[i].ctl;

    st->window += r->servers[i].up ? mp_control_window(c) : 0;
    st->window_peak += (uint64_t)c->window_peak;
    st->rate += c->rate;
    st->rate_cuts += c->rate_limits;
  }
  st->srtt_ms = r->servers[0].ctl.srtt_ns / 1e6;
  st->rto_ms = (double)mp_control_timeout(&r->servers[0].ctl, 0) / 1e6;
  st->dead = true;
  for (size_t i = 0; i < r->opts.nservers; i++) {
    st->dead &= !r->servers[i].up && r->servers[i].dead;
  }
  st->dead |= r->dead;
  return st;
}

/* --- shutdown ----------------------------------------------------------- */

static void finish_close(struct mp_resolver *r)
{
  void (*cb)(void *) = r->close_cb;
  void *arg = r->close_arg;

  mp_flight_close(&r->f);
  mp_free(r->servers);
  mp_free(r);
  mp_chan_library_cleanup();
  if (cb) {
    cb(arg);
  }
}

/* One of our handles or channels is closed. */
static void on_closed(struct mp_resolver *r)
{
  r->handles--;
  if (r->closing && r->handles == 0) {
    finish_close(r);
  }
}

static void on_handle_closed(uv_handle_t *h)
{
  on_closed(h->data);
}

void mp_resolver_close(struct mp_resolver *r, void (*cb)(void *arg), void *arg)
{
  r->closing = true;
  r->close_cb = cb;
  r->close_arg = arg;
  while (r->f.head) {
    struct mp_query *q = r->f.head;

    unqueue(q);
    if (!q->attempts) {
      fail(q, MP_OUTCOME_ERROR);
    }
  }
  /* freeing a channel ends each attempt in it (the lookups with error)
   * and closes its sockets */
  for (size_t i = 0; i < r->opts.nservers; i++) {
    free_chans(&r->servers[i]);
  }
  for (struct mp_query *q; (q = mp_flight_due(&r->f, UINT64_MAX));) {
    mp_flight_undeadline(&r->f, q);
    fail(q, MP_OUTCOME_ERROR);
  }
  uv_close((uv_handle_t *)&r->tick, on_handle_closed);
  uv_close((uv_handle_t *)&r->pace, on_handle_closed);
  uv_close((uv_handle_t *)&r->flush_in, on_handle_closed);
  uv_close((uv_handle_t *)&r->flush_out, on_handle_closed);
}
