#include "scanner/dns/lookup.h"

#include <string.h>

#include "scanner/base/log.h"
#include "scanner/dns/channel.h"
#include "scanner/dns/control.h"
#include "scanner/dns/dnsname.h"

#define MP_CHASE_MAX 8 /* dangling aliases followed per lookup */

static void on_reply(struct mp_chan_req *req, enum mp_chan_status st,
                     const uint8_t *abuf, size_t alen);
static void complete(struct mp_query *q, struct mp_answer *ans);

struct mp_query *mp_lookup_new(struct mp_resolver *r, const uint8_t *name,
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

/* q's attempts still on the wire become orphans (their replies only teach
 * the round trip), and q has no deadline. */
static void forget_attempts(struct mp_query *q)
{
  while (q->attempts) {
    struct mp_attempt *a = q->attempts;

    if (a->counted) {
      mp_upstream_uncount(a->up, a);
      mp_control_cancel(&a->up->ctl);
    }
    mp_flight_detach(a);
  }
  mp_flight_undeadline(&q->r->f, q);
}

/* --- completion ----------------------------------------------------------
 */

/* Hands ans to every waiter of q and recycles q. A retry of q still queued
 * is dropped (a recycled query left in the queue would be sent, and its
 * reply handed to waiters long gone); its attempts still in c-ares become
 * orphans (their replies only teach the round trip). The waiters'
 * callbacks may submit new queries, so q leaves the index first. */
static void complete(struct mp_query *q, struct mp_answer *ans)
{
  struct mp_resolver *r = q->r;
  struct mp_waiter *w = q->waiters;
  char text[MP_NAME_TEXT_MAX + 1];

  forget_attempts(q);
  if (q->queued) {
    mp_flight_unqueue(&r->f, q);
  }
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

void mp_lookup_fail(struct mp_query *q, enum mp_outcome outcome)
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
  forget_attempts(q);
  if (!q->queued) { /* a retry already waiting asks the target instead */
    mp_lookup_enqueue(q, true);
  }
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

/* srv answered: when it was paused it is up again, and so are the
 * lookups if they were failing at once. */
static void answered(struct mp_resolver *r, struct mp_upstream *srv,
                     uint64_t now)
{
  if (mp_upstream_answered(srv, now) && r->dead) {
    mp_log_warn("lookups are sent again");
    r->dead = false;
  }
}

/* A failure of srv, which may pause it. */
static void failure(struct mp_resolver *r, struct mp_upstream *srv,
                    enum mp_upstream_failure what, uint64_t now)
{
  r->stats.down += mp_upstream_failure(srv, what, now);
}

/* --- sending -------------------------------------------------------------
 */

void mp_lookup_enqueue(struct mp_query *q, bool front)
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
      mp_lookup_fail(q, MP_OUTCOME_ERROR);
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

/* A new attempt of q on channel c of srv, encoded and queued. */
static struct mp_attempt *transmit(struct mp_query *q, struct mp_upstream *srv,
                                   struct mp_chan *c, uint64_t now)
{
  struct mp_resolver *r = q->r;
  struct mp_attempt *a = mp_flight_attempt(&r->f);
  uint8_t buf[MP_QUERY_MAX];
  int len;

  a->r = r;
  a->up = srv;
  a->q = q;
  a->k = (uint8_t)(q->hop_n < 255 ? q->hop_n : 255);
  a->tcp = c == srv->tcp;
  a->req.cb = on_reply;
  mp_chan_reserve(c, &a->req);
  a->sent_ns = now;
  a->qnext = q->attempts;
  q->attempts = a;
  q->last = srv;
  len =
      mp_dnswire_query_wire(buf, q->ask, q->type, a->req.id, r->opts.edns_size);
  mp_chan_send(c, buf, (size_t)len, &a->req);
  return a;
}

struct mp_attempt *mp_lookup_send(struct mp_query *q, struct mp_upstream *srv,
                                  uint64_t now)
{
  struct mp_resolver *r = q->r;
  struct mp_attempt *a = transmit(q, srv, mp_upstream_chan(srv, now), now);

  if (q->ping) {
    r->stats.pings++;
  } else {
    mp_upstream_count(srv, a);
    a->inflight = mp_control_sent(&srv->ctl, now);
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
  return a;
}

/* A truncated reply to a's datagram: the same attempt goes on over TCP (a
 * retry waiting is dropped: this one has its answer coming), unless one of
 * q's attempts is on TCP already. Outside the window, waiting --timeout
 * (the TCP channel's own timeout); the attempt count stays. */
static void over_tcp(struct mp_attempt *a, uint64_t now)
{
  struct mp_query *q = a->q;

  mp_flight_detach(a);
  for (struct mp_attempt *o = q->attempts; o; o = o->qnext) {
    if (o->tcp) {
      return;
    }
  }
  if (q->queued) {
    unqueue(q);
  }
  transmit(q, a->up, a->up->tcp, now);
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

/* Sends the queued queries that the servers' windows, rates and the qps cap
 * allow, in order; when all went out and a server could take more, asks
 * for more (opts.hungry). It runs from the loop (prepare and check phases,
 * the pace timer), never from inside a c-ares callback: c-ares reads a UDP
 * socket until it is empty, so a query sent from an answer's callback would
 * keep it from ever being empty, and that one call would starve every other
 * socket and timer. */
static void on_pace(uv_timer_t *t)
{
  mp_lookup_flush(t->data);
}

static void send_queued(struct mp_resolver *r, uint64_t now)
{
  uint64_t wait = 0;
  unsigned asks = 0;

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
    mp_lookup_send(q, srv, now);
  }
  if (wait) {
    uv_timer_start(&r->pace, on_pace, (wait + MS - 1) / MS, 0);
  }
}

void mp_lookup_flush(struct mp_resolver *r)
{
  uint64_t now = uv_hrtime();

  if (r->flushing || r->closing) {
    return;
  }
  r->flushing = true;
  if (r->dead) {
    drain_dead(r, now);
  } else {
    send_queued(r, now);
  }
  /* then the channels send what they queued, probes and pings too; a
   * send's error is read back at once (mp_chan_flush), and what the
   * lookups it ends queue goes at the next flush */
  for (size_t i = 0; i < r->opts.nservers; i++) {
    mp_upstream_flush(&r->servers[i]);
  }
  r->flushing = false;
}

/* --- replies and timeouts ------------------------------------------------
 */

/* a's query got no reply within its timeout: it leaves the window; the
 * query is sent again, or waits --timeout after its last attempt (the
 * newest, at the head of its list). Each datagram went out once the one
 * before was overdue, so that is within the lookup's budget; only a later
 * attempt over TCP (a truncated reply's) could pass it, hence the cap. */
void mp_lookup_overdue(struct mp_attempt *a, uint64_t now)
{
  struct mp_query *q = a->q;
  struct mp_resolver *r = q->r;
  struct mp_upstream *srv = a->up;

  mp_upstream_uncount(a->up, a);
  a->overdue = true;
  r->stats.overdue++;
  if (q->probe) {
    q->probe->dead = true;
  }
  mp_control_overdue(&srv->ctl, now, a->sent_ns, a->inflight);
  failure(r, srv, MP_UPSTREAM_OVERDUE, now);
  if (q->hop_n <= r->opts.retries && !q->queued) {
    mp_lookup_enqueue(q, true);
  } else if (q->heap == SIZE_MAX && !q->queued) {
    uint64_t end = q->attempts->sent_ns + r->opts.timeout_ms * MS;

    end = end < q->hop_ns + r->budget_ns ? end : q->hop_ns + r->budget_ns;

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
    mp_lookup_enqueue(q, true);
  } else if (!q->attempts) {
    mp_lookup_fail(q, q->refused ? MP_OUTCOME_ERROR : MP_OUTCOME_TIMEOUT);
  }
}

/* The reply to a ping: its round trip is the resolver's queue. */
static void pinged(struct mp_attempt *a, int rcode, uint64_t now)
{
  struct mp_upstream *srv = a->up;
  struct mp_query *q = a->q;

  if (srv->ping == a) {
    srv->ping = NULL;
    if (rcode == 0 || rcode == 3) {
      mp_control_ping(&srv->ctl, now, now - a->sent_ns);
    } else {
      mp_control_ping_lost(&srv->ctl);
    }
  }
  mp_flight_detach(a);
  mp_lookup_fail(q, MP_OUTCOME_OK);
}

/* What a reply says of its server, for the controller: a truncated one
 * (TC) is an answer in time; SERVFAIL speaks of the name asked. */
static enum mp_control_reply reply_kind(bool tc, bool malformed, int rcode)
{
  if (tc || (!malformed && (rcode == 0 || rcode == 3))) {
    return MP_CONTROL_GOOD;
  }
  return !malformed && rcode == 2 ? MP_CONTROL_SERVFAIL : MP_CONTROL_FAIL;
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
  enum mp_control_reply kind;
  unsigned lost = 0;
  /* truncated (TC): an answer in time, whose records come over TCP */
  bool tc = !a->tcp && alen >= 4 && (abuf[2] & 0x02), malformed = false;

  if (q && q->ping) {
    pinged(a, rcode, now);
    return;
  }
  /* A malformed reply is a failure of the server, never data: also when
   * the lookup is already over and only the controller learns from it. */
  if (!tc) {
    malformed = q ? mp_dnswire_parse_wire(abuf, alen, q->ask, q->type, &ans) < 0
                  : mp_dnswire_check(abuf, alen) < 0;
  }
  if (ans) {
    rcode = ans->rcode; /* with the extended bits of EDNS */
  }
  kind = reply_kind(tc, malformed, rcode);
  a->r->stats.late += a->overdue;
  mp_control_reply(&srv->ctl, now, a->sent_ns, a->inflight, a->counted, kind);
  if (a->overdue) {
    mp_control_late(&srv->ctl, a->sent_ns, a->inflight);
  }
  if (a->counted) {
    mp_upstream_uncount(srv, a);
  }
  if (kind == MP_CONTROL_GOOD) {
    answered(a->r, srv, now);
  } else if (kind == MP_CONTROL_SERVFAIL) {
    srv->failed[MP_UPSTREAM_SERVFAIL]++; /* the name's, not the server's */
  } else {
    failure(a->r, srv,
            !malformed && rcode == 5 ? MP_UPSTREAM_REFUSED : MP_UPSTREAM_OTHER,
            now);
  }
  if (!q) {
    return;
  }
  if (tc) {
    over_tcp(a, now);
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
  } else if (kind == MP_CONTROL_GOOD && !q->probe) {
    mp_upstream_learn(srv, q->ask, q->type);
  }
  if (chase(q, ans)) {
    mp_answer_unref(ans);
    return;
  }
  if (ans->dangling) {
    /* an alias not followed (a chain over MP_CHASE_MAX): no answer, as a
     * resolver gives SERVFAIL, never "no such record" */
    struct mp_answer *e = mp_answer_new(MP_OUTCOME_ERROR, ans->rcode, q->type);

    mp_answer_unref(ans);
    ans = e;
  }
  complete(q, chased(q, ans));
}

/* An attempt's end on its channel: a reply, or none. */
static void on_reply(struct mp_chan_req *req, enum mp_chan_status st,
                     const uint8_t *abuf, size_t alen)
{
  struct mp_attempt *a = (struct mp_attempt *)req;
  struct mp_upstream *srv = a->up;
  struct mp_resolver *r = a->r;
  uint64_t now = uv_hrtime();

  if (st == MP_CHAN_REPLY) {
    replied(a, abuf, alen, now);
  } else {
    if (a->counted) {
      mp_upstream_uncount(a->up, a);
      if (st != MP_CHAN_CLOSED) {
        mp_control_reply(&srv->ctl, now, a->sent_ns, a->inflight, true,
                         MP_CONTROL_DOWN);
        failure(r, srv,
                st == MP_CHAN_TIMEOUT ? MP_UPSTREAM_OVERDUE : MP_UPSTREAM_OTHER,
                now);
      }
    }
    if (a->q && st == MP_CHAN_CLOSED) {
      struct mp_query *q = a->q;

      mp_flight_detach(a);
      if (!q->attempts && !q->queued) {
        mp_lookup_fail(q, MP_OUTCOME_ERROR);
      }
    } else if (a->q) {
      no_reply(a, st);
    }
  }
  mp_flight_put_attempt(&r->f, a);
}
