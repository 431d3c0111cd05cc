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
#include "scanner/dns/dgram.h"
#include "scanner/dns/dnsname.h"
#include "scanner/dns/flight.h"
#include "scanner/dns/lookup.h"
#include "scanner/dns/upstream.h"

#define TICK_MS     10
#define ARES_TICK   (100 * MS)
#define PROBE_EVERY SEC

static void on_handle_closed(uv_handle_t *h);

static bool any_up(const struct mp_resolver *r)
{
  for (size_t i = 0; i < r->opts.nservers; i++) {
    if (r->servers[i].up) {
      return true;
    }
  }
  return false;
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

static void on_flush_in(uv_prepare_t *h)
{
  mp_lookup_flush(h->data);
}

static void on_flush_out(uv_check_t *h)
{
  mp_lookup_flush(h->data);
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
  q = mp_lookup_new(r, wire, len, type);
  q->key = key;
  w->next = NULL;
  q->waiters = w;
  mp_flight_index(&r->f, q);
  r->stats.inflight++;
  mp_lookup_enqueue(q, false);
}

/* --- the tick: overdue attempts, give-ups, health, probes --------------- */

static void probe(struct mp_resolver *r, struct mp_upstream *srv, uint64_t now)
{
  struct mp_query *q = r->f.head;
  const uint8_t *name = srv->good_len ? srv->good : r->last;
  size_t len = srv->good_len ? srv->good_len : r->last_len;
  uint16_t type = srv->good_len ? srv->good_type : r->last_type;

  srv->probe_ns = now + PROBE_EVERY;
  if (!srv->good_len && q) {
    /* nothing known to answer: the first queued lookup goes as the probe */
    mp_flight_unqueue(&r->f, q);
    mp_lookup_send(q, srv, now);
    return;
  }
  if (!len) {
    return;
  }
  q = mp_lookup_new(r, name, len, type);
  q->probe = srv;
  q->hop_n = r->opts.retries + 1; /* one attempt: no retries */
  mp_lookup_send(q, srv, now);
}

/* Asks srv a name it answered a moment ago (so from its cache): the round
 * trip is its queue (control.h). */
static void ping(struct mp_resolver *r, struct mp_upstream *srv, uint64_t now)
{
  struct mp_query *q =
      mp_lookup_new(r, srv->good, srv->good_len, srv->good_type);

  q->ping = true;
  q->hop_n = r->opts.retries + 1; /* never sent again */
  srv->ping = mp_lookup_send(q, srv, now);
  mp_control_ping_sent(&srv->ctl, now);
}

static void check_server(struct mp_resolver *r, struct mp_upstream *srv,
                         uint64_t now)
{
  for (struct mp_attempt *a; (a = mp_upstream_overdue(srv, now));) {
    mp_lookup_overdue(a, now);
  }
  if (!srv->up && now >= srv->probe_ns) {
    probe(r, srv, now);
  }
  if (srv->ping &&
      now - srv->ping->sent_ns >= mp_control_timeout(&srv->ctl, 0)) {
    srv->ping = NULL; /* lost: a late reply does not count */
    mp_control_ping_lost(&srv->ctl);
  }
  if (srv->up && srv->good_len && mp_control_want_ping(&srv->ctl, now)) {
    ping(r, srv, now);
  }
}

static void on_tick(uv_timer_t *t)
{
  struct mp_resolver *r = t->data;
  uint64_t now = uv_hrtime();
  uint64_t down_since = 0;

  for (size_t i = 0; i < r->opts.nservers; i++) {
    struct mp_upstream *srv = &r->servers[i];

    check_server(r, srv, now);
    down_since = srv->down_ns > down_since ? srv->down_ns : down_since;
  }
  for (struct mp_query *q; (q = mp_flight_due(&r->f, now));) {
    mp_flight_undeadline(&r->f, q);
    mp_lookup_fail(q, q->refused ? MP_OUTCOME_ERROR : MP_OUTCOME_TIMEOUT);
  }
  if (!r->dead && !any_up(r) &&
      now - down_since >= (uint64_t)r->opts.dead_after_ms * MS) {
    go_dead(r);
  }
  /* c-ares finds its own timeouts when called with no socket */
  if (now >= r->ares_tick_ns) {
    r->ares_tick_ns = now + ARES_TICK;
    for (size_t i = 0; i < r->opts.nservers; i++) {
      mp_upstream_tick(&r->servers[i]);
    }
  }
  mp_lookup_flush(r);
}

/* --- lifecycle ---------------------------------------------------------- */

static void on_closed(struct mp_resolver *r);

static void on_upstream_closed(void *ctx)
{
  on_closed(ctx);
}

int mp_resolver_new(uv_loop_t *loop, const struct mp_resolver_opts *opts,
                    struct mp_resolver **out)
{
  struct mp_resolver *r;
  uint64_t now = uv_hrtime();
  struct mp_chan_opts chan = {.loop = loop, .edns_size = opts->edns_size};
  struct mp_control_opts co = {
      .fixed = opts->fixed,
      .window_max = opts->window,
      .timeout_ns = (uint64_t)opts->timeout_ms * MS,
  };
  int rc;

  *out = NULL;
  assert(opts->nservers > 0 && opts->timeout_ms > 0 && opts->window > 0);
  if ((rc = mp_chan_library_init()) < 0) {
    return rc;
  }
  r = mp_calloc(1, sizeof(*r));
  r->ring = mp_malloc(sizeof(*r->ring));
  mp_dgram_ring_init(r->ring);
  chan.ring = r->ring;
  r->loop = loop;
  r->opts = *opts;
  r->budget_ns = (uint64_t)opts->timeout_ms * MS * (opts->retries + 1);
  /* a channel keeps each attempt until the lookup's budget is over (plus a
   * second), so a late reply is still read; our timeouts decide when to
   * ask again */
  chan.timeout_ms = (unsigned)(r->budget_ns / MS) + 1000;
  r->burst = opts->qps / 50.0 > 1.0 ? opts->qps / 50.0 : 1.0;
  r->tokens = r->burst;
  r->refill_ns = now;
  r->servers = mp_calloc(opts->nservers, sizeof(*r->servers));
  r->opts.servers = NULL;
  for (size_t i = 0; i < opts->nservers; i++) {
    if ((rc = mp_upstream_init(&r->servers[i], &opts->servers[i], &chan, &co,
                               now)) < 0) {
      while (i--) {
        mp_upstream_close(&r->servers[i], NULL, NULL);
      }
      mp_free(r->servers);
      mp_free(r->ring);
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
  r->handles += 4 + (unsigned)opts->nservers;
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

bool mp_resolver_answering(const struct mp_resolver *r)
{
  uint64_t now = uv_hrtime();

  for (size_t i = 0; i < r->opts.nservers; i++) {
    if (r->servers[i].up && mp_control_answering(&r->servers[i].ctl, now)) {
      return true;
    }
  }
  return false;
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
  mp_free(r->ring);
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

    mp_flight_unqueue(&r->f, q);
    if (!q->attempts) {
      mp_lookup_fail(q, MP_OUTCOME_ERROR);
    }
  }
  /* freeing a channel ends each attempt in it (the lookups with error)
   * and closes its sockets */
  for (size_t i = 0; i < r->opts.nservers; i++) {
    mp_upstream_close(&r->servers[i], on_upstream_closed, r);
  }
  for (struct mp_query *q; (q = mp_flight_due(&r->f, UINT64_MAX));) {
    mp_flight_undeadline(&r->f, q);
    mp_lookup_fail(q, MP_OUTCOME_ERROR);
  }
  uv_close((uv_handle_t *)&r->tick, on_handle_closed);
  uv_close((uv_handle_t *)&r->pace, on_handle_closed);
  uv_close((uv_handle_t *)&r->flush_in, on_handle_closed);
  uv_close((uv_handle_t *)&r->flush_out, on_handle_closed);
}
