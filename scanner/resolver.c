#include "scanner/resolver.h"

#include <assert.h>
#include <errno.h>
#include <string.h>
#include <sys/select.h> /* c-ares 1.18's <ares.h> needs fd_set */

#include <ares.h>

#include "scanner/alloc.h"
#include "scanner/hash.h"
#include "scanner/log.h"

/* One channel's query IDs are 16 bits and c-ares keeps one UDP socket per
 * server per channel: spread what is in flight over several channels. */
#define CHAN_INFLIGHT 8192
#define POOL_SLAB     256
#define RCVBUF_BYTES  (4 << 20)
#define MP_CHASE_MAX  8 /* dangling aliases followed per lookup */

struct chan;

struct sockpoll {
  uv_poll_t h;
  ares_socket_t fd;
  struct chan *c;
  struct sockpoll *next;
};

struct chan {
  ares_channel ch;
  struct mp_resolver *r;
  struct sockpoll *polls;
  unsigned inflight;
};

/* One distinct (name, type) in flight, shared by all its waiters. */
struct query {
  uint64_t key;
  struct query *hnext; /* hash chain, or the free list */
  struct query *qnext; /* the queue of queries waiting to be sent */
  struct mp_resolver *r;
  struct mp_waiter *waiters;
  struct chan *c;
  unsigned attempts;
  unsigned hop_attempts; /* attempts for the name asked now */
  unsigned hops;         /* dangling aliases followed (see chase()) */
  bool refused;          /* an attempt met "connection refused" (ICMP) */
  uint64_t first_sent_ns;
  uint16_t type;
  char name[MP_QNAME_MAX + 2]; /* the name looked up (the key) */
  char ask[MP_QNAME_MAX + 2];  /* the name asked now: name, or an alias
                                  target being followed */
};

struct slab {
  struct slab *next;
  struct query q[POOL_SLAB];
};

struct mp_resolver {
  uv_loop_t *loop;
  struct mp_resolver_opts opts;
  struct mp_server *servers; /* our copy, behind opts.servers */
  struct chan *chans;
  unsigned nchans, next_chan;
  unsigned sending;     /* queries handed to c-ares and not yet ended */
  struct query **table; /* single-flight index, power-of-two buckets */
  size_t tsize, tcount;
  struct query *free;
  struct slab *slabs;
  uv_timer_t tick;       /* drives c-ares timeouts */
  uv_timer_t pace;       /* wakes the flush when the qps cap allows */
  uv_prepare_t flush_in; /* sends what was queued, before the poll... */
  uv_check_t flush_out;  /* ...and after it */
  double tokens, burst;
  uint64_t refill_ns;
  struct query *out_head, *out_tail; /* queries waiting to be sent */
  struct mp_resolver_stats stats;
  bool closing;
  unsigned handles; /* libuv handles not yet closed */
  void (*close_cb)(void *);
  void *close_arg;
};

static void send_query(struct query *q);

/* --- the single-flight index ------------------------------------------ */

static uint64_t query_key(const char *name, size_t len, uint16_t type)
{
  return mp_hash(name, len) ^ ((uint64_t)type * 0x9E3779B97F4A7C15u);
}

static struct query **bucket(struct mp_resolver *r, uint64_t key)
{
  return &r->table[key & (r->tsize - 1)];
}

static void table_grow(struct mp_resolver *r)
{
  size_t old = r->tsize;
  struct query **t = r->table;

  r->tsize = old ? old * 2 : 1024;
  r->table = mp_calloc(r->tsize, sizeof(*r->table));
  for (size_t i = 0; i < old; i++) {
    for (struct query *q = t[i], *n; q; q = n) {
      n = q->hnext;
      q->hnext = *bucket(r, q->key);
      *bucket(r, q->key) = q;
    }
  }
  mp_free(t);
}

static struct query *table_find(struct mp_resolver *r, uint64_t key,
                                const char *name, uint16_t type)
{
  for (struct query *q = *bucket(r, key); q; q = q->hnext) {
    if (q->key == key && q->type == type && strcmp(q->name, name) == 0) {
      return q;
    }
  }
  return NULL;
}

static void table_remove(struct mp_resolver *r, struct query *q)
{
  struct query **p = bucket(r, q->key);

  while (*p != q) {
    p = &(*p)->hnext;
  }
  *p = q->hnext;
  r->tcount--;
}

static struct query *query_alloc(struct mp_resolver *r)
{
  struct query *q;

  if (!r->free) {
    struct slab *s = mp_malloc(sizeof(*s));

    s->next = r->slabs;
    r->slabs = s;
    for (size_t i = 0; i < POOL_SLAB; i++) {
      s->q[i].hnext = r->free;
      r->free = &s->q[i];
    }
  }
  q = r->free;
  r->free = q->hnext;
  return q;
}

/* --- completion ---------------------------------------------------------- */

/* Hands ans to every waiter of q and recycles q. The waiters' callbacks may
 * submit new queries, so q leaves the index first. */
static void complete(struct query *q, struct mp_answer *ans)
{
  struct mp_resolver *r = q->r;
  struct mp_waiter *w = q->waiters;

  table_remove(r, q);
  r->stats.inflight--;
  r->stats.answered++;
  r->stats.outcomes[ans->outcome]++;
  ans->attempts = q->attempts;
  ans->rtt_ms =
      q->attempts ? (double)(uv_hrtime() - q->first_sent_ns) / 1e6 : 0.0;
  mp_log_debug("%s %s: %s after %u attempt(s)", q->name,
               mp_type_name(q->type) ? mp_type_name(q->type) : "?",
               mp_outcome_name(ans->outcome), q->attempts);
  q->hnext = r->free;
  r->free = q;
  while (w) {
    struct mp_waiter *next = w->next;

    w->cb(w, ans);
    w = next;
  }
  mp_answer_unref(ans);
}

/* An authoritative server answers an alias into a zone it does not hold
 * with the CNAME alone; a recursive resolver would have followed it. Asks
 * the target with the same query (not shared with other lookups, so two
 * aliases into each other's zones cannot wait on each other), at most
 * MP_CHASE_MAX times. Returns false when ans is the answer to keep. */
static bool chase(struct query *q, const struct mp_answer *ans)
{
  uint8_t probe[MP_QUERY_MAX];
  size_t len;

  if (!ans->dangling || q->hops >= MP_CHASE_MAX || q->r->closing ||
      (len = strlen(ans->cname)) > MP_QNAME_MAX + 1 ||
      mp_dnswire_query(probe, ans->cname, q->type, 0, 0) < 0) {
    return false;
  }
  memcpy(q->ask, ans->cname, len + 1);
  q->hops++;
  q->hop_attempts = 0;
  send_query(q);
  return true;
}

/* The answer of a followed alias, as if one server had given the whole
 * chain: cname is where it ends. */
static struct mp_answer *chased(struct query *q, struct mp_answer *ans)
{
  struct mp_answer *a;

  if (q->hops == 0 || ans->cname) {
    return ans;
  }
  a = mp_answer_build(ans->outcome, ans->rcode, q->type, ans->rr, ans->count,
                      q->ask);
  mp_answer_unref(ans);
  return a;
}

/* The one place where c-ares statuses become outcomes. */
static void on_ares(void *arg, int status, int timeouts, unsigned char *abuf,
                    int alen)
{
  struct query *q = arg;
  struct mp_resolver *r = q->r;
  struct mp_answer *ans = NULL;

  (void)timeouts;
  q->c->inflight--;
  r->sending--;
  switch (status) {
  case ARES_SUCCESS:
    if (mp_dnswire_parse(abuf, (size_t)alen, q->ask, q->type, &ans) < 0) {
      ans = mp_answer_new(MP_OUTCOME_ERROR, alen >= 4 ? abuf[3] & 0x0F : -1,
                          q->type);
    } else if (chase(q, ans)) {
      mp_answer_unref(ans);
      return;
    }
    ans = chased(q, ans);
    break;
  case ARES_ETIMEOUT:
  case ARES_ECONNREFUSED:
    /* c-ares fails every query in flight to a server on one ICMP error, so
     * a refusal is retried like a timeout; but once refused, a lookup that
     * ends without an answer ends in "error", not "timeout". */
    q->refused |= status == ARES_ECONNREFUSED;
    if (q->hop_attempts <= r->opts.retries && !r->closing) {
      r->stats.retries++;
      send_query(q);
      return;
    }
    ans = mp_answer_new(q->refused ? MP_OUTCOME_ERROR : MP_OUTCOME_TIMEOUT, -1,
                        q->type);
    break;
  default: /* ARES_EDESTRUCTION, ARES_ECANCELLED, ARES_EBADRESP, ... */
    ans = mp_answer_new(MP_OUTCOME_ERROR, -1, q->type);
    break;
  }
  complete(q, ans);
}

/* --- sending, paced by a token bucket -------------------------------------
 */

static bool take_token(struct mp_resolver *r)
{
  uint64_t now;

  if (r->opts.qps <= 0) {
    return true;
  }
  now = uv_hrtime();
  r->tokens += (double)(now - r->refill_ns) * r->opts.qps / 1e9;
  r->refill_ns = now;
  if (r->tokens > r->burst) {
    r->tokens = r->burst;
  }
  if (r->tokens < 1.0) {
    return false;
  }
  r->tokens -= 1.0;
  return true;
}

/* Hands q to the next channel. */
static void transmit(struct query *q)
{
  struct mp_resolver *r = q->r;
  uint8_t buf[MP_QUERY_MAX];
  int len;

  len = mp_dnswire_query(buf, q->ask, q->type, 0, r->opts.edns_size);
  assert(len > 0); /* checked on submit and by chase() */
  q->hop_attempts++;
  if (q->attempts++ == 0) {
    q->first_sent_ns = uv_hrtime();
  }
  q->c = &r->chans[r->next_chan++ % r->nchans];
  q->c->inflight++;
  r->sending++;
  r->stats.sent++;
  ares_send(q->c->ch, buf, len, on_ares, q);
}

static void on_pace(uv_timer_t *t);

/* Sends the queued queries that the window and the qps cap allow, in
 * order. It runs from the
 * loop (prepare and check phases, the pace timer), never from inside a
 * c-ares callback: c-ares reads a UDP socket until it is empty, so a query
 * sent from an answer's callback would keep it from ever being empty, and
 * that one call would starve every other socket and timer. */
static void flush(struct mp_resolver *r)
{
  while (r->out_head && r->sending < r->opts.window) {
    struct query *q = r->out_head;

    if (!take_token(r)) {
      /* wake when the next token is there (1 ms timer resolution) */
      double wait_ms = (1.0 - r->tokens) * 1000.0 / r->opts.qps;

      uv_timer_start(&r->pace, on_pace,
                     wait_ms < 1.0 ? 1 : (uint64_t)wait_ms + 1, 0);
      return;
    }
    r->out_head = q->qnext;
    if (!r->out_head) {
      r->out_tail = NULL;
    }
    transmit(q);
  }
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

/* Queues q to be sent on this turn of the loop. */
static void send_query(struct query *q)
{
  struct mp_resolver *r = q->r;

  q->qnext = NULL;
  if (r->out_tail) {
    r->out_tail->qnext = q;
  } else {
    r->out_head = q;
  }
  r->out_tail = q;
}

void mp_resolver_submit(struct mp_resolver *r, const char *name, uint16_t type,
                        struct mp_waiter *w)
{
  size_t len = strlen(name);
  uint8_t probe[MP_QUERY_MAX];
  uint64_t key;
  struct query *q;

  assert(w->cb && !r->closing);
  if (len > MP_QNAME_MAX + 1 || mp_dnswire_query(probe, name, type, 0, 0) < 0) {
    struct mp_answer *ans = mp_answer_new(MP_OUTCOME_ERROR, -1, type);

    w->cb(w, ans);
    mp_answer_unref(ans);
    return;
  }
  key = query_key(name, len, type);
  if ((q = table_find(r, key, name, type))) {
    w->next = q->waiters;
    q->waiters = w;
    r->stats.shared++;
    return;
  }
  if (r->tcount >= r->tsize) {
    table_grow(r);
  }
  q = query_alloc(r);
  q->key = key;
  q->r = r;
  q->type = type;
  q->attempts = q->hop_attempts = q->hops = 0;
  q->refused = false;
  memcpy(q->name, name, len + 1);
  memcpy(q->ask, name, len + 1);
  w->next = NULL;
  q->waiters = w;
  q->hnext = *bucket(r, key);
  *bucket(r, key) = q;
  r->tcount++;
  r->stats.inflight++;
  send_query(q);
}

/* --- c-ares sockets on the libuv loop ----------------------------------- */

static void on_handle_closed(uv_handle_t *h);

static void on_poll(uv_poll_t *h, int status, int events)
{
  struct sockpoll *sp = (struct sockpoll *)h;
  ares_socket_t fd = sp->fd;

  if (status < 0) {
    /* let c-ares see the error on its next read or write */
    events = UV_READABLE | UV_WRITABLE;
  }
  ares_process_fd(sp->c->ch, (events & UV_READABLE) ? fd : ARES_SOCKET_BAD,
                  (events & UV_WRITABLE) ? fd : ARES_SOCKET_BAD);
}

/* c-ares tells which sockets to watch: one uv_poll_t per socket. It calls
 * this with neither flag before it closes a socket. */
static void on_sock_state(void *data, ares_socket_t fd, int readable,
                          int writable)
{
  struct chan *c = data;
  struct sockpoll **pp = &c->polls, *sp;

  while (*pp && (*pp)->fd != fd) {
    pp = &(*pp)->next;
  }
  sp = *pp;
  if (!readable && !writable) {
    if (sp) {
      *pp = sp->next;
      uv_poll_stop(&sp->h);
      uv_close((uv_handle_t *)&sp->h, on_handle_closed);
    }
    return;
  }
  if (!sp) {
    sp = mp_calloc(1, sizeof(*sp));
    sp->fd = fd;
    sp->c = c;
    if (uv_poll_init_socket(c->r->loop, &sp->h, fd) != 0) {
      mp_log_error("cannot watch DNS socket %d", fd);
      mp_free(sp);
      return;
    }
    c->r->handles++;
    sp->next = c->polls;
    c->polls = sp;
  }
  uv_poll_start(&sp->h,
                (readable ? UV_READABLE : 0) | (writable ? UV_WRITABLE : 0),
                on_poll);
}

/* Timeouts are found by c-ares when it is called with no socket; calling
 * ares_timeout() per event would walk every query. */
static void on_tick(uv_timer_t *t)
{
  struct mp_resolver *r = t->data;

  for (unsigned i = 0; i < r->nchans; i++) {
    if (r->chans[i].inflight) {
      ares_process_fd(r->chans[i].ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
    }
  }
}

static int chan_init(struct mp_resolver *r, struct chan *c)
{
  struct ares_options o;
  struct ares_addr_port_node *nodes;
  int mask, rc;

  memset(&o, 0, sizeof(o));
  o.flags = ARES_FLAG_NOCHECKRESP | ARES_FLAG_STAYOPEN | ARES_FLAG_NOSEARCH |
            (r->opts.edns_size ? ARES_FLAG_EDNS : 0);
  o.timeout = (int)r->opts.timeout_ms;
  o.tries = 1; /* retries are ours: a constant per-attempt timeout */
  o.ednspsz = r->opts.edns_size;
  o.sock_state_cb = on_sock_state;
  o.sock_state_cb_data = c;
  o.socket_receive_buffer_size = RCVBUF_BYTES;
  o.ndomains = 0;
  mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES |
         ARES_OPT_SOCK_STATE_CB | ARES_OPT_SOCK_RCVBUF | ARES_OPT_DOMAINS |
         ARES_OPT_ROTATE | (r->opts.edns_size ? ARES_OPT_EDNSPSZ : 0);
  c->r = r;
  if ((rc = ares_init_options(&c->ch, &o, mask)) != ARES_SUCCESS) {
    mp_log_error("c-ares: %s", ares_strerror(rc));
    return rc == ARES_ENOMEM ? -ENOMEM : -EINVAL;
  }
  nodes = mp_calloc(r->opts.nservers, sizeof(*nodes));
  for (size_t i = 0; i < r->opts.nservers; i++) {
    const struct mp_server *s = &r->opts.servers[i];

    nodes[i].next = i + 1 < r->opts.nservers ? &nodes[i + 1] : NULL;
    nodes[i].family = s->family;
    memcpy(&nodes[i].addr, s->addr, s->family == AF_INET ? 4 : 16);
    nodes[i].udp_port = s->port;
    nodes[i].tcp_port = s->port;
  }
  rc = ares_set_servers_ports(c->ch, nodes);
  mp_free(nodes);
  if (rc != ARES_SUCCESS) {
    mp_log_error("c-ares servers: %s", ares_strerror(rc));
    ares_destroy(c->ch);
    c->ch = NULL;
    return -EINVAL;
  }
  return 0;
}

int mp_resolver_new(uv_loop_t *loop, const struct mp_resolver_opts *opts,
                    struct mp_resolver **out)
{
  struct mp_resolver *r;
  int rc;

  *out = NULL;
  assert(opts->nservers > 0 && opts->timeout_ms > 0);
  if ((rc = ares_library_init(ARES_LIB_INIT_ALL)) != ARES_SUCCESS) {
    return -ENOMEM;
  }
  r = mp_calloc(1, sizeof(*r));
  r->loop = loop;
  r->opts = *opts;
  r->servers =
      mp_memdup(opts->servers, opts->nservers * sizeof(*opts->servers));
  r->opts.servers = r->servers;
  r->burst = opts->qps / 50.0 > 1.0 ? opts->qps / 50.0 : 1.0;
  r->tokens = r->burst;
  r->refill_ns = uv_hrtime();
  r->nchans = opts->window / CHAN_INFLIGHT + 1;
  r->chans = mp_calloc(r->nchans, sizeof(*r->chans));
  for (unsigned i = 0; i < r->nchans; i++) {
    if ((rc = chan_init(r, &r->chans[i])) < 0) {
      while (i--) {
        ares_destroy(r->chans[i].ch);
      }
      mp_free(r->chans);
      mp_free(r->servers);
      mp_free(r);
      ares_library_cleanup();
      return rc;
    }
  }
  table_grow(r);
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
  /* a period well under the timeout keeps expiry late by at most a tick */
  uint64_t period = opts->timeout_ms / 4;
  period = period < 10 ? 10 : period > 100 ? 100 : period;
  uv_timer_start(&r->tick, on_tick, period, period);
  uv_unref((uv_handle_t *)&r->tick);
  *out = r;
  return 0;
}

const struct mp_resolver_stats *mp_resolver_stats(const struct mp_resolver *r)
{
  return &r->stats;
}

/* --- shutdown ----------------------------------------------------------- */

static void finish_close(struct mp_resolver *r)
{
  void (*cb)(void *) = r->close_cb;
  void *arg = r->close_arg;

  while (r->slabs) {
    struct slab *s = r->slabs;

    r->slabs = s->next;
    mp_free(s);
  }
  mp_free(r->table);
  mp_free(r->chans);
  mp_free(r->servers);
  mp_free(r);
  ares_library_cleanup();
  if (cb) {
    cb(arg);
  }
}

static void on_handle_closed(uv_handle_t *h)
{
  struct mp_resolver *r;

  if (h->type == UV_POLL) {
    struct sockpoll *sp = (struct sockpoll *)h;

    r = sp->c->r;
    mp_free(sp);
  } else {
    r = h->data;
  }
  r->handles--;
  if (r->closing && r->handles == 0) {
    finish_close(r);
  }
}

void mp_resolver_close(struct mp_resolver *r, void (*cb)(void *arg), void *arg)
{
  r->closing = true;
  r->close_cb = cb;
  r->close_arg = arg;
  while (r->out_head) {
    struct query *q = r->out_head;

    r->out_head = q->qnext;
    complete(q, mp_answer_new(MP_OUTCOME_ERROR, -1, q->type));
  }
  r->out_tail = NULL;
  /* ares_destroy ends each query with ARES_EDESTRUCTION and reports every
   * socket closed, which closes the polls. */
  for (unsigned i = 0; i < r->nchans; i++) {
    ares_destroy(r->chans[i].ch);
  }
  uv_close((uv_handle_t *)&r->tick, on_handle_closed);
  uv_close((uv_handle_t *)&r->pace, on_handle_closed);
  uv_close((uv_handle_t *)&r->flush_in, on_handle_closed);
  uv_close((uv_handle_t *)&r->flush_out, on_handle_closed);
}
