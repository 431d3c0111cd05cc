#include "scanner/dns/resolver.h"

#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/types.h>
#include <sys/select.h> /* c-ares 1.18's <ares.h> needs fd_set */

#include <ares.h>

#include "scanner/base/alloc.h"
#include "scanner/dns/control.h"
#include "scanner/dns/dnsname.h"
#include "scanner/base/hash.h"
#include "scanner/base/log.h"

#define CHANNELS     4     /* per server: sockets, so source ports */
#define CHAN_SENDS   20000 /* attempts a channel sends before renewal */
#define CHAN_AGE     (60 * SEC)
#define LISTS        4 /* attempts in flight by number: 0, 1, 2, 3+ */
#define POOL_SLAB    256
#define RCVBUF_BYTES (4 << 20)
#define MP_CHASE_MAX 8 /* dangling aliases followed per lookup */
#define TICK_MS      10
#define ARES_TICK    (100 * MS)
#define PROBE_EVERY  SEC
#define MS           1000000ull
#define SEC          1000000000ull
#define RANDOM_BYTES 512

struct server;
struct query;

struct sockpoll {
  uv_poll_t h;
  ares_socket_t fd;
  struct chan *c;
  struct mp_resolver *r;
  struct sockpoll *next;
};

/* A c-ares channel asking one server: one UDP socket (one source port), the
 * IDs in flight on it. */
struct chan {
  ares_channel ch;
  struct server *srv;
  struct chan *next;
  struct sockpoll *polls;
  unsigned outstanding; /* ares_send calls not yet ended */
  uint64_t sends, born_ns;
  uint64_t ids[65536 / 64]; /* IDs in flight */
};

/* One query sent: it counts in its server's window until its reply or until
 * it is overdue; c-ares holds it until a reply or the end of the budget. */
struct attempt {
  struct query *q; /* NULL once the lookup is over */
  struct chan *c;
  struct attempt *prev, *next; /* the server's list, while counted */
  struct attempt *qnext;       /* the query's attempts, or the free list */
  uint64_t sent_ns;
  uint16_t id;
  uint8_t k; /* attempt number within the hop */
  bool counted, overdue;
};

struct server {
  struct mp_resolver *r;
  struct mp_server addr;
  char label[INET6_ADDRSTRLEN + 8];
  struct chan *chans, *retired;
  unsigned next_chan;
  struct mp_control ctl;
  struct attempt *head[LISTS], *tail[LISTS]; /* counted, in send order */
  bool up;
  bool dead; /* down, and nothing known to answer (or its probe failed) */
  uint64_t down_ns, probe_ns;
  unsigned failed[4]; /* since up: overdue, refused, servfail, other */
  uint8_t good[MP_DNSNAME_WIRE_MAX]; /* a name that got an answer: the
                                        probe and the ping (wire form) */
  size_t good_len;                   /* 0: none yet */
  uint16_t good_type;
  struct attempt *ping; /* the ping in flight, until its reply or rto */
};

/* One distinct (name, type) in flight, shared by all its waiters. */
struct query {
  uint64_t key;
  struct query *hnext;         /* hash chain, or the free list */
  struct query *qnext, *qprev; /* the send queue */
  struct mp_resolver *r;
  struct mp_waiter *waiters;
  struct attempt *attempts;    /* in c-ares now */
  struct server *last, *probe; /* probe: sent only to this (down) server */
  size_t heap;                 /* index in the give-up heap, or SIZE_MAX */
  uint64_t give_up_ns;
  uint64_t first_ns, hop_ns; /* first attempt, and first of this hop */
  unsigned attempts_n;       /* attempts sent, every hop */
  unsigned hop_n;            /* attempts sent for the name asked now */
  unsigned hops;             /* dangling aliases followed (chase()) */
  bool queued, refused, in_table;
  bool ping; /* a ping of the server (control.h), no waiters */
  uint16_t type;
  /* Names on the wire, lowercase (dnsname.h): one form, one key. */
  uint8_t name[MP_DNSNAME_WIRE_MAX]; /* the name looked up (the key) */
  uint8_t ask[MP_DNSNAME_WIRE_MAX];  /* the name asked now: name, or an
                                        alias target being followed */
};

struct qslab {
  struct qslab *next;
  struct query q[POOL_SLAB];
};

struct aslab {
  struct aslab *next;
  struct attempt a[POOL_SLAB];
};

struct mp_resolver {
  uv_loop_t *loop;
  struct mp_resolver_opts opts;
  struct server *servers;
  unsigned next_server;
  uint64_t budget_ns;   /* a lookup gives up this long after its first try */
  struct query **table; /* single-flight index, power-of-two buckets */
  size_t tsize, tcount;
  struct query *free_q;
  struct attempt *free_a;
  struct qslab *qslabs;
  struct aslab *aslabs;
  struct query **heap; /* give-up deadlines */
  size_t nheap, capheap;
  struct query *out_head, *out_tail; /* the send queue */
  uv_timer_t tick;
  uv_timer_t pace;       /* wakes the flush when a rate allows */
  uv_prepare_t flush_in; /* sends what was queued, before the poll... */
  uv_check_t flush_out;  /* ...and after it */
  uint64_t ares_tick_ns;
  double tokens, burst; /* --qps */
  uint64_t refill_ns;
  uint8_t rnd[RANDOM_BYTES];
  size_t rnd_pos;
  uint8_t last[MP_DNSNAME_WIRE_MAX]; /* the last name submitted (wire): a
                                        probe when nothing else is known to
                                        answer */
  size_t last_len;                   /* 0: none */
  uint16_t last_type;
  struct mp_resolver_stats stats;
  bool closing, flushing, dead;
  unsigned handles; /* libuv handles not yet closed */
  void (*close_cb)(void *);
  void *close_arg;
};

static void enqueue(struct query *q, bool front);
static void complete(struct query *q, struct mp_answer *ans);
static void on_handle_closed(uv_handle_t *h);
static void on_ares(void *arg, int status, int timeouts, unsigned char *abuf,
                    int alen);

/* --- random IDs ----------------------------------------------------------
 */

static uint16_t random16(struct mp_resolver *r)
{
  uint16_t v;

  if (r->rnd_pos + 2 > sizeof(r->rnd)) {
    size_t got = 0;

    while (got < sizeof(r->rnd)) {
      ssize_t n = getrandom(r->rnd + got, sizeof(r->rnd) - got, 0);

      if (n < 0 && errno != EINTR) {
        mp_log_error("getrandom: %s", strerror(errno));
        abort(); /* no query may go out with a guessable ID */
      }
      got += n > 0 ? (size_t)n : 0;
    }
    r->rnd_pos = 0;
  }
  memcpy(&v, r->rnd + r->rnd_pos, 2);
  r->rnd_pos += 2;
  return v;
}

/* A random ID not in flight on c (well under 65536 ever are). */
static uint16_t take_id(struct mp_resolver *r, struct chan *c)
{
  uint16_t id;

  do {
    id = random16(r);
  } while (c->ids[id / 64] & (1ull << (id % 64)));
  c->ids[id / 64] |= 1ull << (id % 64);
  return id;
}

static void drop_id(struct chan *c, uint16_t id)
{
  c->ids[id / 64] &= ~(1ull << (id % 64));
}

/* --- the single-flight index ------------------------------------------ */

/* The single-flight key: the wire name, lowercase, so every spelling of
 * a name (escaped or not, any case) is one query. */
static uint64_t query_key(const uint8_t *name, size_t len, uint16_t type)
{
  return mp_hash(name, len) ^ ((uint64_t)type * 0x9E3779B97F4A7C15u);
}

/* A wire name as name text, for logs (buf: MP_NAME_TEXT_MAX + 1 bytes). */
static const char *text_of(const uint8_t *wire, char *buf)
{
  mp_dnsname_to_text(wire, buf);
  return buf;
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
                                const uint8_t *name, size_t len, uint16_t type)
{
  for (struct query *q = *bucket(r, key); q; q = q->hnext) {
    if (q->key == key && q->type == type && memcmp(q->name, name, len) == 0) {
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

  if (!r->free_q) {
    struct qslab *s = mp_malloc(sizeof(*s));

    s->next = r->qslabs;
    r->qslabs = s;
    for (size_t i = 0; i < POOL_SLAB; i++) {
      s->q[i].hnext = r->free_q;
      r->free_q = &s->q[i];
    }
  }
  q = r->free_q;
  r->free_q = q->hnext;
  memset(q, 0, offsetof(struct query, name));
  q->r = r;
  q->heap = SIZE_MAX;
  return q;
}

static struct attempt *attempt_alloc(struct mp_resolver *r)
{
  struct attempt *a;

  if (!r->free_a) {
    struct aslab *s = mp_malloc(sizeof(*s));

    s->next = r->aslabs;
    r->aslabs = s;
    for (size_t i = 0; i < POOL_SLAB; i++) {
      s->a[i].qnext = r->free_a;
      r->free_a = &s->a[i];
    }
  }
  a = r->free_a;
  r->free_a = a->qnext;
  memset(a, 0, sizeof(*a));
  return a;
}

/* --- the give-up heap ----------------------------------------------------
 */

static bool heap_less(struct mp_resolver *r, size_t i, size_t j)
{
  return r->heap[i]->give_up_ns < r->heap[j]->give_up_ns;
}

static void heap_swap(struct mp_resolver *r, size_t i, size_t j)
{
  struct query *t = r->heap[i];

  r->heap[i] = r->heap[j];
  r->heap[j] = t;
  r->heap[i]->heap = i;
  r->heap[j]->heap = j;
}

static void heap_fix(struct mp_resolver *r, size_t i)
{
  while (i && heap_less(r, i, (i - 1) / 2)) {
    heap_swap(r, i, (i - 1) / 2);
    i = (i - 1) / 2;
  }
  for (;;) {
    size_t c = 2 * i + 1;

    if (c >= r->nheap) {
      break;
    }
    if (c + 1 < r->nheap && heap_less(r, c + 1, c)) {
      c++;
    }
    if (!heap_less(r, c, i)) {
      break;
    }
    heap_swap(r, i, c);
    i = c;
  }
}

static void heap_add(struct mp_resolver *r, struct query *q, uint64_t at)
{
  if (r->nheap == r->capheap) {
    r->capheap = r->capheap ? 2 * r->capheap : 1024;
    r->heap = mp_realloc(r->heap, r->capheap * sizeof(*r->heap));
  }
  q->give_up_ns = at;
  q->heap = r->nheap;
  r->heap[r->nheap++] = q;
  heap_fix(r, q->heap);
}

static void heap_remove(struct mp_resolver *r, struct query *q)
{
  size_t i = q->heap;

  if (i == SIZE_MAX) {
    return;
  }
  q->heap = SIZE_MAX;
  if (i != --r->nheap) {
    r->heap[i] = r->heap[r->nheap];
    r->heap[i]->heap = i;
    heap_fix(r, i);
  }
}

/* --- attempts in flight --------------------------------------------------
 */

static unsigned list_of(const struct attempt *a)
{
  return a->k < LISTS ? a->k : LISTS - 1;
}

static void uncount(struct attempt *a)
{
  struct server *srv = a->c->srv;
  unsigned l = list_of(a);

  assert(a->counted);
  *(a->prev ? &a->prev->next : &srv->head[l]) = a->next;
  *(a->next ? &a->next->prev : &srv->tail[l]) = a->prev;
  a->counted = false;
}

/* Unlinks a from its query's list of attempts. */
static void detach(struct attempt *a)
{
  struct attempt **p = &a->q->attempts;

  while (*p != a) {
    p = &(*p)->qnext;
  }
  *p = a->qnext;
  a->q = NULL;
}

/* --- completion ----------------------------------------------------------
 */

/* Hands ans to every waiter of q and recycles q. Its attempts still in
 * c-ares become orphans (their replies only teach the round trip). The
 * waiters' callbacks may submit new queries, so q leaves the index
 * first. */
static void complete(struct query *q, struct mp_answer *ans)
{
  struct mp_resolver *r = q->r;
  struct mp_waiter *w = q->waiters;
  char text[MP_NAME_TEXT_MAX + 1];

  while (q->attempts) {
    struct attempt *a = q->attempts;

    if (a->counted) {
      uncount(a);
      mp_control_cancel(&a->c->srv->ctl);
    }
    detach(a);
  }
  heap_remove(r, q);
  if (q->in_table) {
    table_remove(r, q);
  }
  r->stats.inflight -= q->waiters != NULL;
  r->stats.answered += q->waiters != NULL;
  r->stats.outcomes[ans->outcome] += q->waiters != NULL;
  ans->attempts = q->attempts_n;
  ans->rtt_ms = q->attempts_n ? (double)(uv_hrtime() - q->first_ns) / 1e6 : 0.0;
  mp_log_debug("%s %s: %s after %u attempt(s)", text_of(q->name, text),
               mp_type_name(q->type) ? mp_type_name(q->type) : "?",
               mp_outcome_name(ans->outcome), q->attempts_n);
  q->hnext = r->free_q;
  r->free_q = q;
  while (w) {
    struct mp_waiter *next = w->next;

    w->cb(w, ans);
    w = next;
  }
  mp_answer_unref(ans);
}

static void fail(struct query *q, enum mp_outcome outcome)
{
  complete(q, mp_answer_new(outcome, -1, q->type));
}

/* An authoritative server answers an alias into a zone it does not hold
 * with the CNAME alone; a recursive resolver would have followed it. Asks
 * the target with the same query (not shared with other lookups, so two
 * aliases into each other's zones cannot wait on each other), at most
 * MP_CHASE_MAX times. Returns false when ans is the answer to keep. */
static bool chase(struct query *q, const struct mp_answer *ans)
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
    struct attempt *a = q->attempts;

    if (a->counted) {
      uncount(a);
      mp_control_cancel(&a->c->srv->ctl);
    }
    detach(a);
  }
  heap_remove(q->r, q);
  enqueue(q, true);
  return true;
}

/* The answer of a followed alias, as if one server had given the whole
 * chain: cname is where it ends. */
static struct mp_answer *chased(struct query *q, struct mp_answer *ans)
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

static void server_up(struct server *srv, uint64_t now)
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

static void server_down(struct server *srv, uint64_t now)
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
static void check_health(struct server *srv, uint64_t now)
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

static void enqueue(struct query *q, bool front)
{
  struct mp_resolver *r = q->r;

  assert(!q->queued);
  q->queued = true;
  r->stats.queued++;
  if (front) {
    q->qprev = NULL;
    q->qnext = r->out_head;
    *(r->out_head ? &r->out_head->qprev : &r->out_tail) = q;
    r->out_head = q;
  } else {
    q->qnext = NULL;
    q->qprev = r->out_tail;
    *(r->out_tail ? &r->out_tail->qnext : &r->out_head) = q;
    r->out_tail = q;
  }
}

static void unqueue(struct query *q)
{
  struct mp_resolver *r = q->r;

  assert(q->queued);
  *(q->qprev ? &q->qprev->qnext : &r->out_head) = q->qnext;
  *(q->qnext ? &q->qnext->qprev : &r->out_tail) = q->qprev;
  q->queued = false;
  r->stats.queued--;
}

/* While no server answers: what waits to be sent fails now (a query with
 * attempts still in c-ares ends at the next tick). */
static void drain_dead(struct mp_resolver *r, uint64_t now)
{
  while (r->out_head) {
    struct query *q = r->out_head;

    unqueue(q);
    if (q->attempts) {
      if (q->heap == SIZE_MAX) {
        heap_add(r, q, now);
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

static struct chan *chan_new(struct server *srv);

/* The next channel of srv, renewing one that has served long enough (a
 * fresh socket, a fresh source port). */
static struct chan *pick_chan(struct server *srv, uint64_t now)
{
  struct chan **p = &srv->chans;
  unsigned n = srv->next_chan++ % CHANNELS;
  struct chan *c;

  while (n-- && (*p)->next) {
    p = &(*p)->next;
  }
  c = *p;
  if (c->sends >= CHAN_SENDS || now - c->born_ns >= CHAN_AGE) {
    struct chan *fresh = chan_new(srv);

    if (fresh) {
      fresh->next = c->next;
      *p = fresh;
      c->next = srv->retired;
      srv->retired = c;
      c = fresh;
    }
  }
  return c;
}

/* Sends an attempt of q to srv: in its window, or (a ping) outside it. */
static struct attempt *transmit(struct query *q, struct server *srv,
                                uint64_t now)
{
  struct mp_resolver *r = q->r;
  struct attempt *a = attempt_alloc(r);
  uint8_t buf[MP_QUERY_MAX];
  int len;

  a->c = pick_chan(srv, now);
  a->q = q;
  a->k = (uint8_t)(q->hop_n < 255 ? q->hop_n : 255);
  a->id = take_id(r, a->c);
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
  a->c->outstanding++;
  a->c->sends++;
  len = mp_dnswire_query_wire(buf, q->ask, q->type, a->id, r->opts.edns_size);
  ares_send(a->c->ch, buf, len, on_ares, a);
  return a;
}

/* The server for q's next attempt: one that is up and whose window and
 * rate allow it, preferring another than the last attempt's. NULL when none
 * may send now; *wait then says when a rate allows one. */
static struct server *pick_server(struct mp_resolver *r, struct query *q,
                                  uint64_t now, uint64_t *wait)
{
  struct server *fallback = NULL;

  *wait = 0;
  if (q->probe) {
    return q->probe;
  }
  for (size_t i = 0; i < r->opts.nservers; i++) {
    struct server *srv = &r->servers[(r->next_server + i) % r->opts.nservers];
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
    struct query *q = r->out_head;
    struct server *srv;

    if (!q) {
      struct server *any = pick_server(r, &(struct query){0}, now, &wait);

      if (!any || !r->opts.hungry || asks++ > 64) {
        break;
      }
      r->opts.hungry(r->opts.hungry_arg);
      if (!r->out_head) {
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
  struct query *q;

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
  key = query_key(wire, len, type);
  if ((q = table_find(r, key, wire, len, type))) {
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
  q->type = type;
  q->in_table = true;
  memcpy(q->name, wire, len);
  memcpy(q->ask, wire, len);
  w->next = NULL;
  q->waiters = w;
  q->hnext = *bucket(r, key);
  *bucket(r, key) = q;
  r->tcount++;
  r->stats.inflight++;
  enqueue(q, false);
}

/* --- replies and timeouts ------------------------------------------------
 */

/* a's query got no reply within its timeout: it leaves the window; the
 * query is sent again, or waits for the end of its budget. */
static void overdue(struct attempt *a, uint64_t now)
{
  struct query *q = a->q;
  struct mp_resolver *r = q->r;
  struct server *srv = a->c->srv;

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

    heap_add(r, q, end > now ? end : now);
  }
}

/* An attempt ended without a reply (connection refused, c-ares' own
 * timeout, a send error): try again, or give up when nothing else of the
 * query is in flight. */
static void no_reply(struct attempt *a, int status, uint64_t now)
{
  struct query *q = a->q;
  struct mp_resolver *r = q->r;

  q->refused |= status == ARES_ECONNREFUSED;
  if (q->probe) {
    q->probe->dead = true;
  }
  if (q->ping && a->c->srv->ping == a) {
    a->c->srv->ping = NULL;
    mp_control_ping_lost(&a->c->srv->ctl);
  }
  detach(a);
  if (q->queued || q->heap != SIZE_MAX || r->closing) {
    return; /* already going again, or waiting for its end */
  }
  if (q->hop_n <= r->opts.retries) {
    enqueue(q, true);
  } else if (!q->attempts) {
    fail(q, q->refused ? MP_OUTCOME_ERROR : MP_OUTCOME_TIMEOUT);
  } else {
    (void)now;
  }
}

static void learn_good(struct server *srv, const struct query *q)
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
static void replied(struct attempt *a, const uint8_t *abuf, size_t alen,
                    uint64_t now)
{
  struct server *srv = a->c->srv;
  struct query *q = a->q;
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
    detach(a);
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
  for (struct attempt *o = q->attempts; o && !a->overdue; o = o->qnext) {
    lost += o->overdue && o->k < a->k;
  }
  if (lost) {
    mp_control_lost(&srv->ctl, now, q->hop_ns, lost);
  }
  detach(a);
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

/* The one place where c-ares statuses become outcomes. */
static void on_ares(void *arg, int status, int timeouts, unsigned char *abuf,
                    int alen)
{
  struct attempt *a = arg;
  struct chan *c = a->c;
  struct mp_resolver *r = c->srv->r;
  uint64_t now = uv_hrtime();

  (void)timeouts;
  drop_id(c, a->id);
  c->outstanding--;
  if (status == ARES_SUCCESS) {
    replied(a, abuf, (size_t)alen, now);
  } else {
    if (a->counted) {
      uncount(a);
      if (status != ARES_EDESTRUCTION && status != ARES_ECANCELLED) {
        c->srv->failed[status == ARES_ETIMEOUT ? 0 : 3]++;
        mp_control_reply(&c->srv->ctl, now, a->sent_ns, true, MP_CONTROL_DOWN);
        check_health(c->srv, now);
      }
    }
    if (a->q && (status == ARES_EDESTRUCTION || status == ARES_ECANCELLED)) {
      struct query *q = a->q;

      detach(a);
      if (!q->attempts && !q->queued) {
        fail(q, MP_OUTCOME_ERROR);
      }
    } else if (a->q) {
      no_reply(a, status, now);
    }
  }
  a->qnext = r->free_a;
  r->free_a = a;
}

/* --- the tick: overdue attempts, give-ups, health, probes --------------- */

static void probe(struct server *srv, uint64_t now)
{
  struct mp_resolver *r = srv->r;
  struct query *q = r->out_head;
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
  q = query_alloc(r);
  q->type = type;
  q->probe = srv;
  memcpy(q->name, name, len);
  memcpy(q->ask, name, len);
  q->hop_n = r->opts.retries + 1; /* one attempt: no retries */
  transmit(q, srv, now);
}

/* Asks srv a name it answered a moment ago (so from its cache): the round
 * trip is its queue (control.h). */
static void ping(struct server *srv, uint64_t now)
{
  struct query *q = query_alloc(srv->r);

  q->type = srv->good_type;
  q->ping = true;
  memcpy(q->name, srv->good, srv->good_len);
  memcpy(q->ask, srv->good, srv->good_len);
  q->hop_n = srv->r->opts.retries + 1; /* never sent again */
  srv->ping = transmit(q, srv, now);
  mp_control_ping_sent(&srv->ctl, now);
}

static void check_server(struct server *srv, uint64_t now)
{
  struct mp_resolver *r = srv->r;

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
  /* retired channels go once nothing of theirs is in c-ares */
  for (struct chan **p = &srv->retired; *p;) {
    struct chan *c = *p;

    if (c->outstanding) {
      p = &c->next;
      continue;
    }
    *p = c->next;
    ares_destroy(c->ch);
    mp_free(c);
  }
  (void)r;
}

static void on_tick(uv_timer_t *t)
{
  struct mp_resolver *r = t->data;
  uint64_t now = uv_hrtime();
  uint64_t down_since = 0;

  for (size_t i = 0; i < r->opts.nservers; i++) {
    struct server *srv = &r->servers[i];

    check_server(srv, now);
    down_since = srv->down_ns > down_since ? srv->down_ns : down_since;
  }
  while (r->nheap && r->heap[0]->give_up_ns <= now) {
    struct query *q = r->heap[0];

    heap_remove(r, q);
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
      for (struct chan *c = r->servers[i].chans; c; c = c->next) {
        if (c->outstanding) {
          ares_process_fd(c->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
        }
      }
      for (struct chan *c = r->servers[i].retired; c; c = c->next) {
        ares_process_fd(c->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
      }
    }
  }
  flush(r);
}

/* --- c-ares sockets on the libuv loop ----------------------------------- */

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
  struct mp_resolver *r = c->srv->r;
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
    sp->r = r;
    if (uv_poll_init_socket(r->loop, &sp->h, fd) != 0) {
      mp_log_error("cannot watch DNS socket %d", fd);
      mp_free(sp);
      return;
    }
    r->handles++;
    sp->next = c->polls;
    c->polls = sp;
  }
  uv_poll_start(&sp->h,
                (readable ? UV_READABLE : 0) | (writable ? UV_WRITABLE : 0),
                on_poll);
}

/* A channel to srv alone. c-ares keeps each attempt until the lookup's
 * budget is over (plus a second), so a late reply is still read; our
 * timeouts decide when to ask again. */
static struct chan *chan_new(struct server *srv)
{
  struct mp_resolver *r = srv->r;
  struct chan *c = mp_calloc(1, sizeof(*c));
  struct ares_options o;
  struct ares_addr_port_node node;
  int mask, rc;

  memset(&o, 0, sizeof(o));
  o.flags = ARES_FLAG_NOCHECKRESP | ARES_FLAG_STAYOPEN | ARES_FLAG_NOSEARCH |
            (r->opts.edns_size ? ARES_FLAG_EDNS : 0);
  o.timeout = (int)(r->budget_ns / MS) + 1000;
  o.tries = 1; /* retries are ours */
  o.ednspsz = r->opts.edns_size;
  o.sock_state_cb = on_sock_state;
  o.sock_state_cb_data = c;
  o.socket_receive_buffer_size = RCVBUF_BYTES;
  o.ndomains = 0;
  mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES |
         ARES_OPT_SOCK_STATE_CB | ARES_OPT_SOCK_RCVBUF | ARES_OPT_DOMAINS |
         (r->opts.edns_size ? ARES_OPT_EDNSPSZ : 0);
  c->srv = srv;
  c->born_ns = uv_hrtime();
  if ((rc = ares_init_options(&c->ch, &o, mask)) != ARES_SUCCESS) {
    mp_log_error("c-ares: %s", ares_strerror(rc));
    mp_free(c);
    return NULL;
  }
  memset(&node, 0, sizeof(node));
  node.family = srv->addr.family;
  memcpy(&node.addr, srv->addr.addr, srv->addr.family == AF_INET ? 4 : 16);
  node.udp_port = srv->addr.port;
  node.tcp_port = srv->addr.port;
  if ((rc = ares_set_servers_ports(c->ch, &node)) != ARES_SUCCESS) {
    mp_log_error("c-ares servers: %s", ares_strerror(rc));
    ares_destroy(c->ch);
    mp_free(c);
    return NULL;
  }
  return c;
}

static void free_chans(struct chan *c)
{
  while (c) {
    struct chan *next = c->next;

    ares_destroy(c->ch);
    mp_free(c);
    c = next;
  }
}

static int server_init(struct mp_resolver *r, struct server *srv,
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
    struct chan *c = chan_new(srv);

    if (!c) {
      free_chans(srv->chans);
      return -EINVAL;
    }
    c->next = srv->chans;
    srv->chans = c;
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
  if ((rc = ares_library_init(ARES_LIB_INIT_ALL)) != ARES_SUCCESS) {
    return -ENOMEM;
  }
  r = mp_calloc(1, sizeof(*r));
  r->loop = loop;
  r->opts = *opts;
  r->budget_ns = (uint64_t)opts->timeout_ms * MS * (opts->retries + 1);
  r->rnd_pos = sizeof(r->rnd);
  r->burst = opts->qps / 50.0 > 1.0 ? opts->qps / 50.0 : 1.0;
  r->tokens = r->burst;
  r->refill_ns = now;
  r->servers = mp_calloc(opts->nservers, sizeof(*r->servers));
  r->opts.servers = NULL;
  for (size_t i = 0; i < opts->nservers; i++) {
    if ((rc = server_init(r, &r->servers[i], &opts->servers[i], now)) < 0) {
      while (i--) {
        free_chans(r->servers[i].chans);
      }
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
  /* referenced: it keeps the loop alive while lookups wait for a server
   * (mp_resolver_close ends it) */
  uv_timer_start(&r->tick, on_tick, TICK_MS, TICK_MS);
  *out = r;
  return 0;
}

size_t mp_resolver_backlog(const struct mp_resolver *r)
{
  return r->stats.queued;
}

const struct mp_resolver_stats *mp_resolver_stats(struct mp_resolver *r)
{
  struct mp_resolver_stats *st = &r->stats;

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

  while (r->qslabs) {
    struct qslab *s = r->qslabs;

    r->qslabs = s->next;
    mp_free(s);
  }
  while (r->aslabs) {
    struct aslab *s = r->aslabs;

    r->aslabs = s->next;
    mp_free(s);
  }
  mp_free(r->heap);
  mp_free(r->table);
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

    r = sp->r;
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

    unqueue(q);
    if (!q->attempts) {
      fail(q, MP_OUTCOME_ERROR);
    }
  }
  /* ares_destroy ends each attempt with ARES_EDESTRUCTION (the lookups
   * with error) and reports every socket closed, which closes the
   * polls. */
  for (size_t i = 0; i < r->opts.nservers; i++) {
    free_chans(r->servers[i].chans);
    free_chans(r->servers[i].retired);
    r->servers[i].chans = r->servers[i].retired = NULL;
  }
  while (r->nheap) {
    struct query *q = r->heap[0];

    heap_remove(r, q);
    fail(q, MP_OUTCOME_ERROR);
  }
  uv_close((uv_handle_t *)&r->tick, on_handle_closed);
  uv_close((uv_handle_t *)&r->pace, on_handle_closed);
  uv_close((uv_handle_t *)&r->flush_in, on_handle_closed);
  uv_close((uv_handle_t *)&r->flush_out, on_handle_closed);
}
