/* mp_proxy: a forwarding DNS proxy on loopback that injects network faults.
 *
 * This machine has no tc netem, so the recursive benchmark and the fault
 * tests put this between a DNS client and Knot. It delays replies (a binary
 * heap of release times), drops datagrams, rate-limits clients and replaces
 * replies by SERVFAIL, garbage or TC=1. One epoll loop over non-blocking
 * sockets; UDP is read in recvmmsg batches. A UDP query goes upstream with a
 * rewritten ID (a table of 65536 IDs per upstream socket maps the reply back
 * to its client); each TCP client gets its own upstream connection. It links
 * nothing but libc. See tests/support/README.md. */

#define _GNU_SOURCE /* recvmmsg, sendmmsg, accept4, epoll_pwait2 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tests/world/rng.h"

#define MAX_LISTEN  16
#define UP_SOCKS    4        /* upstream UDP sockets, 65536 IDs each */
#define IDS         65536    /* one per DNS ID */
#define ID_TTL_US   10000000 /* an unanswered upstream ID is freed after it */
#define SWEEP_US    1000000  /* how often expired IDs are looked for */
#define BATCH       64       /* datagrams per recvmmsg and sendmmsg */
#define ROUNDS      8        /* recvmmsg calls per readiness event */
#define DGRAM_MAX   65535
#define SOCK_BUF    (8 << 20)
#define MAX_CONNS   4096
#define PACE        8           /* upstream TCP connections not yet answered */
#define PACE_US     50000       /* after which a quiet one stops counting */
#define TCP_HIGH    (256 << 10) /* above it the other side is not read */
#define TCP_BUF_MAX (4 << 20)   /* a safety net: the pair is closed */
#define RATE_SLOTS  4096        /* client addresses tracked by --rate */
#define DELAY_MAX   3600000     /* ms */
#define MAX_EVENTS  256
#define F_QR        0x8000
#define F_OPCODE    0x7800
#define F_TC        0x0200
#define F_RD        0x0100
#define F_RA        0x0080
#define F_CD        0x0010
#define RC_SERVFAIL 2
#define EV_IN       ((uint32_t)EPOLLIN)
#define EV_OUT      ((uint32_t)EPOLLOUT)
#define EV_BAD      ((uint32_t)(EPOLLERR | EPOLLHUP))

enum garbage { G_RANDOM, G_OVERRUN, G_COUNTS, G_TRAILING, G_KINDS };

static const char *const garbage_names[G_KINDS] = {"random", "overrun",
                                                   "counts", "trailing"};

/* What an epoll event is about; the tag also carries an index and, for TCP
 * connections, the generation of the slot. */
enum tag { T_SIGNAL, T_UDP, T_LISTEN, T_UPSTREAM, T_CLIENT, T_SERVER };

struct opts {
  struct sockaddr_in listen[MAX_LISTEN];
  size_t nlisten;
  struct sockaddr_in upstream;
  bool has_upstream, no_tcp, blackhole;
  uint64_t delay_min, delay_max; /* microseconds */
  double loss, rate, servfail, garbage, truncate;
  unsigned kinds; /* bit set of enum garbage */
  uint64_t seed;
  const char *pidfile;
};

struct counters {
  uint64_t queries, forwarded, replies, loss, rate, servfail, garbage,
      truncated, tcp_conns, other;
};

/* A UDP query in flight upstream under the ID that indexes it. */
struct idslot {
  uint64_t sent; /* 0: free */
  struct sockaddr_in client;
  uint16_t id;  /* the client's own ID */
  uint16_t lst; /* the listener it came in on, which must answer */
};

struct upsock {
  int fd;
  uint16_t next; /* the next ID to try */
  size_t used;
  struct idslot *slots; /* IDS of them */
};

struct buf {
  uint8_t *p;
  size_t len, cap;
};

/* A TCP client and its own upstream connection. */
struct conn {
  int cfd, ufd;      /* -1: closed */
  uint32_t gen;      /* tells a reused slot from its predecessor */
  uint32_t cev, uev; /* the epoll events registered */
  bool connected, ceof, shut, err;
  bool fresh;       /* connecting upstream, not yet answered: in p->fresh */
  bool queued;      /* waiting for its turn to connect: in p->waitq */
  int wprev, wnext; /* p->waitq links */
  uint64_t since;   /* when it connected upstream */
  size_t held;      /* replies waiting in the heap */
  uint32_t peer;    /* the client's address, for --rate */
  struct buf cin, cout, uin, uout;
};

/* A reply waiting for its release time. */
struct held {
  uint64_t due;
  int conn;     /* -1: UDP, to lst and to */
  uint32_t gen; /* of conn */
  uint16_t lst;
  struct sockaddr_in to;
  size_t len;
  uint8_t data[];
};

struct bucket {
  uint32_t addr;
  bool used;
  double tokens;
  uint64_t last;
};

struct listener {
  int udp, tcp;
};

/* Datagrams for one sendmmsg. What they point at (an rx buffer or a held
 * reply) stays put until tx_flush. */
struct txq {
  int fd;
  bool up; /* to upstream (connected): sent ones count as forwarded */
  unsigned n;
  struct mmsghdr m[BATCH];
  struct iovec iov[BATCH];
  struct sockaddr_in to[BATCH];
};

struct proxy {
  struct opts o;
  int ep;
  bool stop, pid_written, no_pwait2;
  struct listener lst[MAX_LISTEN];
  struct upsock up[UP_SOCKS];
  unsigned next_up;
  struct txq tx[MAX_LISTEN + UP_SOCKS]; /* listeners, then upstream */
  struct conn *conns;
  size_t *free_conns, nfree;
  size_t fresh[PACE], nfresh;
  int whead, wtail; /* the FIFO of queued conns; -1: empty */
  struct held **heap;
  size_t nheap, heapcap;
  struct bucket *buckets;
  size_t nbuckets;
  struct mp_rng rng;
  uint64_t now, next_sweep;
  struct counters n;
  char what[64]; /* the step setup failed in */
};

/* recvmmsg buffers, shared by every UDP socket: a batch is handled before
 * the next one is read. Trailing garbage may grow a reply in place. */
static uint8_t rx[BATCH][DGRAM_MAX + 1];
static struct sockaddr_in rx_from[BATCH];
static struct mmsghdr rx_msg[BATCH];
static struct iovec rx_iov[BATCH];

static int sig_pipe[2] = {-1, -1};

static void on_signal(int sig)
{
  int saved = errno;
  uint8_t b = (uint8_t)sig;
  ssize_t r = write(sig_pipe[1], &b, 1);

  (void)r;
  errno = saved;
}

static uint64_t now_us(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void *xrealloc(void *p, size_t n)
{
  void *q = realloc(p, n);

  if (q == NULL) {
    fputs("mp_proxy: out of memory\n", stderr);
    abort();
  }
  return q;
}

static uint16_t rd16(const uint8_t *p)
{
  return (uint16_t)((p[0] << 8) | p[1]);
}

static void wr16(uint8_t *p, uint16_t v)
{
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}

/* True with probability prob; prob 0 draws nothing, so a fault that is off
 * does not shift the choices of the others. */
static bool chance(struct proxy *p, double prob)
{
  if (prob <= 0) {
    return false;
  }
  return (double)(mp_rng_next(&p->rng) >> 11) * 0x1p-53 < prob;
}

static uint64_t pick_delay(struct proxy *p)
{
  uint64_t span = p->o.delay_max - p->o.delay_min;

  return p->o.delay_min + (span ? mp_rng_next(&p->rng) % (span + 1) : 0);
}

/* ---- messages ----------------------------------------------------------- */

/* Offset just past the only question, or 0 when there is not exactly one
 * readable question. A QNAME is never compressed: nothing precedes it to
 * point at (RFC 1035 4.1.4). */
static size_t question_end(const uint8_t *msg, size_t len)
{
  size_t off = 12;

  if (len < 12 || rd16(msg + 4) != 1) {
    return 0;
  }
  for (;;) {
    if (off >= len || (msg[off] & 0xC0) != 0) {
      return 0;
    }
    if (msg[off] == 0) {
      break;
    }
    off += 1u + msg[off];
  }
  return len - off >= 5 ? off + 5 : 0; /* root label, QTYPE, QCLASS */
}

static int skip_name(const uint8_t *msg, size_t len, size_t *off)
{
  size_t p = *off;

  while (p < len) {
    if ((msg[p] & 0xC0) == 0xC0) {
      *off = p + 2;
      return p + 2 <= len ? 0 : -1;
    }
    if (msg[p] == 0) {
      *off = p + 1;
      return 0;
    }
    p += 1u + msg[p];
  }
  return -1;
}

/* Offset past count RRs from off, or 0 if they do not fit (RFC 1035 4.1.3). */
static size_t skip_rrs(const uint8_t *msg, size_t len, size_t off, size_t count)
{
  for (size_t i = 0; i < count; i++) {
    if (skip_name(msg, len, &off) < 0 || len - off < 10) {
      return 0;
    }
    size_t rdlen = rd16(msg + off + 8);
    if (len - off - 10 < rdlen) {
      return 0;
    }
    off += 10 + rdlen;
  }
  return off;
}

/* Turns a query (at least 12 octets) into a SERVFAIL in place: header kept,
 * QR and RA set, opcode, RD and CD kept, question echoed, no records.
 * Returns the new length. */
static size_t make_servfail(uint8_t *msg, size_t len)
{
  size_t qend = question_end(msg, len);
  uint16_t flags = (uint16_t)(rd16(msg + 2) & (F_OPCODE | F_RD | F_CD));

  wr16(msg + 2, (uint16_t)(flags | F_QR | F_RA | RC_SERVFAIL));
  wr16(msg + 4, qend ? 1 : 0);
  memset(msg + 6, 0, 6);
  return qend ? qend : 12;
}

/* Turns a reply into TC=1 with the question only (RFC 2181 9), in place. */
static size_t make_tc(uint8_t *msg, size_t len)
{
  size_t qend = question_end(msg, len);

  wr16(msg + 2, (uint16_t)(rd16(msg + 2) | F_TC));
  wr16(msg + 4, qend ? 1 : 0);
  memset(msg + 6, 0, 6);
  return qend ? qend : 12;
}

/* 12-511 random octets with the reply's ID and QR=1. ANCOUNT >= 32768 can
 * never fit, so it is malformed whatever the rest says. */
static size_t garbage_random(struct proxy *p, uint8_t *msg)
{
  uint16_t id = rd16(msg);
  size_t n = 12 + mp_rng_below(&p->rng, 500);

  for (size_t i = 0; i < n; i++) {
    msg[i] = (uint8_t)mp_rng_next(&p->rng);
  }
  wr16(msg, id);
  msg[2] |= 0x80;
  msg[6] |= 0x80;
  return n;
}

/* Keeps header and question and breaks the first records: the answer section
 * (the authority section when there are no answers) is cut short, or its
 * first RDLENGTH runs past the end. A reply without either gets ANCOUNT=1
 * and part of an RR. Returns the new length, 0 if the reply cannot be
 * walked. */
static size_t garbage_overrun(struct proxy *p, uint8_t *msg, size_t len,
                              size_t cap, size_t qend)
{
  static const uint8_t rr[10] = {0xC0, 0x0C, 0, 16, 0, 1, 0, 0, 0x0E, 0x10};
  size_t an = rd16(msg + 6), ns = rd16(msg + 8);

  if (an + ns == 0) {
    size_t n = 1 + mp_rng_below(&p->rng, (unsigned)sizeof(rr) - 1);
    if (cap - qend < n) {
      return 0;
    }
    memset(msg + 6, 0, 6);
    wr16(msg + 6, 1);
    memcpy(msg + qend, rr, n); /* never the whole fixed part */
    return qend + n;
  }
  size_t end = skip_rrs(msg, len, qend, an ? an : ns);
  if (end == 0) {
    return 0;
  }
  if (mp_rng_below(&p->rng, 2) == 0) {
    return qend + mp_rng_below(&p->rng, (unsigned)(end - qend));
  }
  size_t off = qend;
  (void)skip_name(msg, len, &off); /* skip_rrs read it */
  size_t rdlen = len - off - 10 + 1 + mp_rng_below(&p->rng, 64);
  if (rdlen > 0xFFFF) {
    return qend;
  }
  wr16(msg + off + 8, (uint16_t)rdlen);
  return len;
}

static enum garbage pick_kind(struct proxy *p)
{
  unsigned n = 0, k;

  for (unsigned i = 0; i < G_KINDS; i++) {
    n += (p->o.kinds >> i) & 1u;
  }
  k = mp_rng_below(&p->rng, n);
  for (unsigned i = 0; i < G_KINDS; i++) {
    if (((p->o.kinds >> i) & 1u) && k-- == 0) {
      return (enum garbage)i;
    }
  }
  return G_RANDOM;
}

/* Replaces a reply (at least 12 octets, in a buffer of cap) by garbage of a
 * random enabled kind, in place; returns the new length. A kind that does
 * not apply to this reply falls back to random octets. */
static size_t make_garbage(struct proxy *p, uint8_t *msg, size_t len,
                           size_t cap)
{
  size_t qend = question_end(msg, len), n = 0;
  size_t total = (size_t)rd16(msg + 6) + rd16(msg + 8) + rd16(msg + 10);

  switch (pick_kind(p)) {
  case G_OVERRUN:
    n = qend ? garbage_overrun(p, msg, len, cap, qend) : 0;
    break;
  case G_COUNTS:
    /* More answers than there are records in all sections: even a parser
     * that reads only the answer section runs off the end. */
    total += 1 + mp_rng_below(&p->rng, 4);
    wr16(msg + 6, (uint16_t)(total > 0xFFFF ? 0xFFFF : total));
    n = len;
    break;
  case G_TRAILING:
    n = 1 + mp_rng_below(&p->rng, 64);
    if (cap - len < n) {
      n = 0;
      break;
    }
    for (size_t i = 0; i < n; i++) {
      msg[len + i] = (uint8_t)mp_rng_next(&p->rng);
    }
    n += len;
    break;
  default:
    break;
  }
  return n ? n : garbage_random(p, msg);
}

/* ---- the release heap --------------------------------------------------- */

static void heap_push(struct proxy *p, struct held *h)
{
  size_t i;

  if (p->nheap == p->heapcap) {
    p->heapcap = p->heapcap ? 2 * p->heapcap : 1024;
    p->heap = xrealloc(p->heap, p->heapcap * sizeof(*p->heap));
  }
  for (i = p->nheap++; i > 0; i = (i - 1) / 2) {
    struct held *up = p->heap[(i - 1) / 2];
    if (up->due <= h->due) {
      break;
    }
    p->heap[i] = up;
  }
  p->heap[i] = h;
}

static struct held *heap_pop(struct proxy *p)
{
  struct held *top = p->heap[0], *last = p->heap[--p->nheap];
  size_t i = 0, n = p->nheap;

  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= n) {
      break;
    }
    if (c + 1 < n && p->heap[c + 1]->due < p->heap[c]->due) {
      c++;
    }
    if (last->due <= p->heap[c]->due) {
      break;
    }
    p->heap[i] = p->heap[c];
    i = c;
  }
  if (n > 0) {
    p->heap[i] = last;
  }
  return top;
}

static void hold(struct proxy *p, int conn, uint16_t lst,
                 const struct sockaddr_in *to, const uint8_t *msg, size_t len)
{
  struct held *h = xrealloc(NULL, sizeof(*h) + len);

  h->due = p->now + pick_delay(p);
  h->conn = conn;
  h->gen = conn >= 0 ? p->conns[conn].gen : 0;
  h->lst = lst;
  if (to != NULL) {
    h->to = *to;
  }
  h->len = len;
  memcpy(h->data, msg, len);
  heap_push(p, h);
}

/* ---- rate limit --------------------------------------------------------- */

/* A token bucket per client address: QPS tokens a second, at most
 * max(QPS/10, 1) saved up. The table is emptied when it gets full. */
static bool rate_ok(struct proxy *p, uint32_t addr)
{
  double burst = p->o.rate / 10 < 1 ? 1 : p->o.rate / 10;
  size_t i = (uint32_t)(addr * 2654435761u) % RATE_SLOTS;
  struct bucket *b;

  if (p->o.rate <= 0) {
    return true;
  }
  if (p->nbuckets >= RATE_SLOTS * 3 / 4) {
    memset(p->buckets, 0, RATE_SLOTS * sizeof(*p->buckets));
    p->nbuckets = 0;
  }
  for (b = &p->buckets[i]; b->used && b->addr != addr;
       b = &p->buckets[i = (i + 1) % RATE_SLOTS]) {
  }
  if (!b->used) {
    *b = (struct bucket){.addr = addr, .used = true, .tokens = burst};
    b->last = p->now;
    p->nbuckets++;
  }
  b->tokens += (double)(p->now - b->last) * p->o.rate / 1e6;
  b->tokens = b->tokens > burst ? burst : b->tokens;
  b->last = p->now;
  if (b->tokens < 1) {
    return false;
  }
  b->tokens -= 1;
  return true;
}

/* ---- UDP ---------------------------------------------------------------- */

static int rx_batch(int fd)
{
  int n;

  for (size_t i = 0; i < BATCH; i++) {
    rx_iov[i] = (struct iovec){.iov_base = rx[i], .iov_len = sizeof(rx[i])};
    rx_msg[i].msg_hdr = (struct msghdr){.msg_name = &rx_from[i],
                                        .msg_namelen = sizeof(rx_from[i]),
                                        .msg_iov = &rx_iov[i],
                                        .msg_iovlen = 1};
  }
  do {
    n = recvmmsg(fd, rx_msg, BATCH, MSG_DONTWAIT, NULL);
  } while (n < 0 && errno == EINTR);
  return n;
}

/* Sends what is queued. A datagram the kernel refuses (a full socket buffer)
 * is dropped, as a network would. */
static void tx_flush(struct proxy *p, struct txq *q)
{
  unsigned off = 0;

  while (off < q->n) {
    int r = sendmmsg(q->fd, q->m + off, q->n - off, MSG_DONTWAIT);
    if (r < 0 && errno == EINTR) {
      continue;
    }
    if (r <= 0) {
      p->n.other++; /* the first one failed: skip it */
      off++;
      continue;
    }
    if (q->up) {
      p->n.forwarded += (unsigned)r;
    } else {
      p->n.replies += (unsigned)r;
    }
    off += (unsigned)r;
  }
  q->n = 0;
}

static void tx_flush_all(struct proxy *p)
{
  for (size_t i = 0; i < MAX_LISTEN + UP_SOCKS; i++) {
    if (p->tx[i].n > 0) {
      tx_flush(p, &p->tx[i]);
    }
  }
}

static void tx_add(struct proxy *p, struct txq *q, const uint8_t *msg,
                   size_t len, const struct sockaddr_in *to)
{
  if (q->n == BATCH) {
    tx_flush(p, q);
  }
  unsigned i = q->n++;
  q->iov[i] =
      (struct iovec){.iov_base = (void *)(uintptr_t)msg, .iov_len = len};
  q->m[i].msg_hdr = (struct msghdr){.msg_iov = &q->iov[i], .msg_iovlen = 1};
  if (to != NULL) {
    q->to[i] = *to;
    q->m[i].msg_hdr.msg_name = &q->to[i];
    q->m[i].msg_hdr.msg_namelen = sizeof(q->to[i]);
  }
}

static void udp_send(struct proxy *p, uint16_t lst,
                     const struct sockaddr_in *to, const uint8_t *msg,
                     size_t len)
{
  tx_add(p, &p->tx[lst], msg, len, to);
}

static void udp_reply(struct proxy *p, uint16_t lst,
                      const struct sockaddr_in *to, const uint8_t *msg,
                      size_t len)
{
  if (p->o.delay_max == 0) {
    udp_send(p, lst, to, msg, len);
  } else {
    hold(p, -1, lst, to, msg, len);
  }
}

static uint16_t take_id(struct upsock *u)
{
  while (u->slots[u->next].sent != 0) {
    u->next = (uint16_t)(u->next + 1);
  }
  uint16_t id = u->next;
  u->next = (uint16_t)(id + 1);
  return id;
}

/* Sends a query upstream under an ID no other query in flight on that socket
 * has; with all of them taken it is dropped. */
static void forward(struct proxy *p, uint16_t lst,
                    const struct sockaddr_in *from, uint8_t *msg, size_t len)
{
  for (unsigned i = 0; i < UP_SOCKS; i++) {
    struct upsock *u = &p->up[p->next_up++ % UP_SOCKS];
    if (u->used == IDS) {
      continue;
    }
    uint16_t id = take_id(u);
    struct idslot *s = &u->slots[id];
    *s = (struct idslot){.sent = p->now, .client = *from, .lst = lst};
    s->id = rd16(msg);
    wr16(msg, id);
    u->used++;
    /* If the send fails, the ID waits for the sweep like a lost reply. */
    tx_add(p, &p->tx[MAX_LISTEN + (size_t)(u - p->up)], msg, len, NULL);
    return;
  }
  p->n.other++;
}

static void udp_query(struct proxy *p, uint16_t lst,
                      const struct sockaddr_in *from, uint8_t *msg, size_t len)
{
  p->n.queries++;
  if (p->o.blackhole) {
    return;
  }
  if (len < 12 || from->sin_family != AF_INET) {
    p->n.other++;
    return;
  }
  if (!rate_ok(p, from->sin_addr.s_addr)) {
    p->n.rate++;
    return;
  }
  if (chance(p, p->o.loss)) {
    p->n.loss++;
    return;
  }
  if (chance(p, p->o.servfail)) {
    p->n.servfail++;
    len = make_servfail(msg, len);
    if (chance(p, p->o.loss)) {
      p->n.loss++;
      return;
    }
    udp_reply(p, lst, from, msg, len);
    return;
  }
  forward(p, lst, from, msg, len);
}

static void upstream_reply(struct proxy *p, struct upsock *u, uint8_t *msg,
                           size_t len)
{
  struct idslot *s = &u->slots[len >= 12 ? rd16(msg) : 0];
  struct idslot q = *s;

  if (len < 12 || q.sent == 0) {
    p->n.other++; /* unsolicited, a duplicate or after expiry */
    return;
  }
  s->sent = 0;
  u->used--;
  if (p->now - q.sent > ID_TTL_US) {
    p->n.other++;
    return;
  }
  wr16(msg, q.id);
  if (chance(p, p->o.loss)) {
    p->n.loss++;
    return;
  }
  if (chance(p, p->o.truncate)) {
    p->n.truncated++;
    len = make_tc(msg, len);
  } else if (chance(p, p->o.garbage)) {
    p->n.garbage++;
    len = make_garbage(p, msg, len, sizeof(rx[0]));
  }
  udp_reply(p, q.lst, &q.client, msg, len);
}

static void read_clients(struct proxy *p, size_t lst)
{
  for (int r = 0; r < ROUNDS; r++) {
    int n = rx_batch(p->lst[lst].udp);
    for (int i = 0; i < n; i++) {
      udp_query(p, (uint16_t)lst, &rx_from[i], rx[i], rx_msg[i].msg_len);
    }
    tx_flush_all(p); /* before rx is read into again */
    if (n < BATCH) {
      return;
    }
  }
}

static void read_upstream(struct proxy *p, size_t idx)
{
  for (int r = 0; r < ROUNDS; r++) {
    int n = rx_batch(p->up[idx].fd);
    for (int i = 0; i < n; i++) {
      upstream_reply(p, &p->up[idx], rx[i], rx_msg[i].msg_len);
    }
    tx_flush_all(p);
    if (n < BATCH) {
      return;
    }
  }
}

/* Frees the IDs of queries upstream never answered. */
static void sweep(struct proxy *p)
{
  p->next_sweep = p->now + SWEEP_US;
  for (size_t i = 0; i < UP_SOCKS; i++) {
    struct upsock *u = &p->up[i];
    for (size_t id = 0; u->used > 0 && id < IDS; id++) {
      if (u->slots[id].sent != 0 && p->now - u->slots[id].sent > ID_TTL_US) {
        u->slots[id].sent = 0;
        u->used--;
      }
    }
  }
}

/* ---- TCP ---------------------------------------------------------------- */

static uint64_t tag(enum tag t, size_t idx, uint32_t gen)
{
  return (uint64_t)t | (uint64_t)idx << 8 | (uint64_t)gen << 32;
}

static int ep_ctl(struct proxy *p, int op, int fd, uint32_t events,
                  uint64_t tagv)
{
  struct epoll_event ev = {.events = events, .data.u64 = tagv};

  return epoll_ctl(p->ep, op, fd, &ev) < 0 ? -errno : 0;
}

static void buf_reserve(struct buf *b, size_t n)
{
  size_t cap = b->cap ? b->cap : 4096;

  if (b->cap - b->len >= n) {
    return;
  }
  while (cap - b->len < n) {
    cap *= 2;
  }
  b->p = xrealloc(b->p, cap);
  b->cap = cap;
}

static void buf_consume(struct buf *b, size_t n)
{
  memmove(b->p, b->p + n, b->len - n);
  b->len -= n;
}

/* Appends one message with its two-octet length (RFC 1035 4.2.2). */
static void buf_frame(struct buf *b, const uint8_t *msg, size_t len)
{
  buf_reserve(b, 2 + len);
  wr16(b->p + b->len, (uint16_t)len);
  memcpy(b->p + b->len + 2, msg, len);
  b->len += 2 + len;
}

/* Calls fn for every complete message in b and drops them from it. */
static void buf_messages(struct proxy *p, size_t ci, struct buf *b,
                         void (*fn)(struct proxy *, size_t, uint8_t *, size_t))
{
  size_t off = 0;

  while (b->len - off >= 2 && b->len - off - 2 >= rd16(b->p + off)) {
    size_t len = rd16(b->p + off);
    fn(p, ci, b->p + off + 2, len);
    off += 2 + len;
  }
  buf_consume(b, off);
}

/* Reads once; returns 1 for data, 0 for EOF, -1 for nothing now and -2 for
 * an error. */
static int buf_read(int fd, struct buf *b)
{
  ssize_t n;

  buf_reserve(b, 16384);
  n = recv(fd, b->p + b->len, b->cap - b->len, MSG_DONTWAIT);
  if (n > 0) {
    b->len += (size_t)n;
    return 1;
  }
  if (n == 0) {
    return 0;
  }
  return errno == EAGAIN || errno == EINTR ? -1 : -2;
}

/* Writes what the socket takes; false on an error. */
static bool buf_flush(int fd, struct buf *b)
{
  while (b->len > 0) {
    ssize_t n = send(fd, b->p, b->len, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return errno == EAGAIN;
    }
    buf_consume(b, (size_t)n);
  }
  return true;
}

/* Knot listens with a backlog of 10: a burst of connects overflows it and
 * the kernel retries the SYN only after a second. So at most PACE upstream
 * connections are "fresh" (connecting, not yet answered, younger than
 * PACE_US); further clients wait in a FIFO with their queries buffered. */
static void pace_done(struct proxy *p, size_t ci)
{
  if (!p->conns[ci].fresh) {
    return;
  }
  p->conns[ci].fresh = false;
  for (size_t i = 0; i < p->nfresh; i++) {
    if (p->fresh[i] == ci) {
      p->fresh[i] = p->fresh[--p->nfresh];
      break;
    }
  }
}

static void wait_unlink(struct proxy *p, size_t ci)
{
  struct conn *c = &p->conns[ci];

  if (c->wprev >= 0) {
    p->conns[c->wprev].wnext = c->wnext;
  } else {
    p->whead = c->wnext;
  }
  if (c->wnext >= 0) {
    p->conns[c->wnext].wprev = c->wprev;
  } else {
    p->wtail = c->wprev;
  }
  c->queued = false;
}

static void wait_push(struct proxy *p, size_t ci)
{
  struct conn *c = &p->conns[ci];

  c->queued = true;
  c->wprev = p->wtail;
  c->wnext = -1;
  if (p->wtail >= 0) {
    p->conns[p->wtail].wnext = (int)ci;
  } else {
    p->whead = (int)ci;
  }
  p->wtail = (int)ci;
}

static void conn_close(struct proxy *p, size_t ci)
{
  struct conn *c = &p->conns[ci];
  uint32_t gen = c->gen;

  pace_done(p, ci);
  if (c->queued) {
    wait_unlink(p, ci);
  }
  close(c->cfd);
  if (c->ufd >= 0) {
    close(c->ufd);
  }
  free(c->cin.p);
  free(c->cout.p);
  free(c->uin.p);
  free(c->uout.p);
  *c = (struct conn){.cfd = -1, .ufd = -1, .gen = gen};
  p->free_conns[p->nfree++] = ci;
}

static void tcp_deliver(struct proxy *p, struct conn *c, const uint8_t *msg,
                        size_t len)
{
  buf_frame(&c->cout, msg, len);
  p->n.replies++;
}

static void tcp_reply(struct proxy *p, size_t ci, uint8_t *msg, size_t len)
{
  if (p->o.delay_max == 0) {
    tcp_deliver(p, &p->conns[ci], msg, len);
  } else {
    hold(p, (int)ci, 0, NULL, msg, len);
    p->conns[ci].held++;
  }
}

static void tcp_query(struct proxy *p, size_t ci, uint8_t *msg, size_t len)
{
  struct conn *c = &p->conns[ci];

  p->n.queries++;
  if (p->o.blackhole) {
    return;
  }
  if (len < 12 || (c->ufd < 0 && !c->queued)) {
    p->n.other++;
    return;
  }
  if (!rate_ok(p, c->peer)) {
    p->n.rate++;
    return;
  }
  if (chance(p, p->o.servfail)) {
    p->n.servfail++;
    tcp_reply(p, ci, msg, make_servfail(msg, len));
    return;
  }
  buf_frame(&c->uout, msg, len);
  p->n.forwarded++;
}

static void client_event(struct proxy *p, size_t ci, uint32_t events)
{
  struct conn *c = &p->conns[ci];

  if (events & EV_BAD) {
    c->err = true; /* reset: nothing can reach the client any more */
    return;
  }
  if (events & EV_IN) {
    int r = buf_read(c->cfd, &c->cin);
    c->ceof = r == 0;
    c->err = r == -2;
    buf_messages(p, ci, &c->cin, tcp_query);
  }
}

/* Upstream closing its side ends the connection once every reply it sent
 * has been delivered. */
static void server_event(struct proxy *p, size_t ci, uint32_t events)
{
  struct conn *c = &p->conns[ci];
  int r = 1;

  if (c->ufd < 0) {
    return;
  }
  if (!c->connected) {
    int err = 0;
    socklen_t elen = sizeof(err);
    if (getsockopt(c->ufd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0 || err) {
      c->err = true; /* refused: the client sees its connection close */
      return;
    }
    c->connected = (events & (EV_OUT | EV_IN)) != 0;
  }
  if (events & (EV_IN | EV_BAD)) {
    r = buf_read(c->ufd, &c->uin);
    if (r != -1) {
      pace_done(p, ci); /* answered (or gone) */
    }
    buf_messages(p, ci, &c->uin, tcp_reply);
  }
  if (r == 0 || r == -2) {
    close(c->ufd);
    c->ufd = -1;
  }
}

static void ep_update(struct proxy *p, int fd, uint32_t *cur, uint32_t want,
                      uint64_t tagv)
{
  if (*cur != want && ep_ctl(p, EPOLL_CTL_MOD, fd, want, tagv) == 0) {
    *cur = want;
  }
}

/* Flushes both directions, half-closes upstream after the client did, and
 * closes the pair when it is done or broken. Backpressure: a side is not
 * read while the other side has TCP_HIGH octets it has not taken yet, so a
 * slow reader stalls the writer as a direct connection would. */
static void conn_update(struct proxy *p, size_t ci)
{
  struct conn *c = &p->conns[ci];
  bool ok = !c->err, done;

  if (ok && c->ufd >= 0 && c->connected) {
    ok = buf_flush(c->ufd, &c->uout);
  }
  ok = ok && buf_flush(c->cfd, &c->cout);
  if (ok && c->ceof && c->ufd >= 0 && c->connected && c->uout.len == 0 &&
      !c->shut) {
    shutdown(c->ufd, SHUT_WR);
    c->shut = true;
  }
  done = !ok || c->cout.len > TCP_BUF_MAX || c->uout.len > TCP_BUF_MAX ||
         (p->o.blackhole && c->ceof) ||
         (!p->o.blackhole && c->ufd < 0 && !c->queued && c->held == 0 &&
          c->cout.len == 0);
  if (done) {
    conn_close(p, ci);
    return;
  }
  ep_update(p, c->cfd, &c->cev,
            (c->ceof || c->uout.len >= TCP_HIGH ? 0 : EV_IN) |
                (c->cout.len ? EV_OUT : 0),
            tag(T_CLIENT, ci, c->gen));
  if (c->ufd >= 0) {
    ep_update(p, c->ufd, &c->uev,
              (c->cout.len >= TCP_HIGH ? 0 : EV_IN) |
                  (!c->connected || c->uout.len ? EV_OUT : 0),
              tag(T_SERVER, ci, c->gen));
  }
}

static int conn_connect(struct proxy *p, size_t ci)
{
  struct conn *c = &p->conns[ci];
  int one = 1;

  c->ufd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (c->ufd < 0) {
    return -errno;
  }
  setsockopt(c->ufd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  if (connect(c->ufd, (const struct sockaddr *)&p->o.upstream,
              sizeof(p->o.upstream)) == 0) {
    c->connected = true;
  } else if (errno != EINPROGRESS) {
    return -errno;
  }
  c->uev = EV_IN | EV_OUT;
  c->fresh = true;
  c->since = p->now;
  p->fresh[p->nfresh++] = ci;
  return ep_ctl(p, EPOLL_CTL_ADD, c->ufd, c->uev, tag(T_SERVER, ci, c->gen));
}

/* Ages out quiet fresh connections and connects queued clients while there
 * is room. */
static void pace_run(struct proxy *p)
{
  for (size_t i = 0; i < p->nfresh;) {
    struct conn *c = &p->conns[p->fresh[i]];
    if (p->now - c->since >= PACE_US) {
      c->fresh = false;
      p->fresh[i] = p->fresh[--p->nfresh];
    } else {
      i++;
    }
  }
  while (p->nfresh < PACE && p->whead >= 0) {
    size_t ci = (size_t)p->whead;
    wait_unlink(p, ci);
    if (conn_connect(p, ci) < 0) {
      p->n.other++;
      conn_close(p, ci);
    } else {
      conn_update(p, ci);
    }
  }
}

static void conn_open(struct proxy *p, int fd, const struct sockaddr_in *peer)
{
  int one = 1;

  p->n.tcp_conns++;
  if (p->nfree == 0) {
    close(fd);
    p->n.other++;
    return;
  }
  size_t ci = p->free_conns[--p->nfree];
  struct conn *c = &p->conns[ci];
  *c = (struct conn){.cfd = fd, .ufd = -1, .gen = c->gen + 1, .cev = EV_IN};
  c->peer = peer->sin_addr.s_addr;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  if (ep_ctl(p, EPOLL_CTL_ADD, fd, c->cev, tag(T_CLIENT, ci, c->gen)) < 0) {
    p->n.other++;
    conn_close(p, ci);
  } else if (!p->o.blackhole) {
    wait_push(p, ci); /* pace_run connects it */
  }
}

static void accept_conns(struct proxy *p, size_t lst)
{
  for (int i = 0; i < 64; i++) {
    struct sockaddr_in peer = {0};
    socklen_t alen = sizeof(peer);
    int fd = accept4(p->lst[lst].tcp, (struct sockaddr *)&peer, &alen,
                     SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      return;
    }
    conn_open(p, fd, &peer);
  }
}

/* ---- the loop ----------------------------------------------------------- */

/* Sends the replies that are due, a chunk at a time: a UDP reply is freed
 * only after its sendmmsg. */
static void release_due(struct proxy *p)
{
  struct held *done[4 * BATCH];
  size_t n;

  do {
    for (n = 0; n < 4 * BATCH && p->nheap > 0 && p->heap[0]->due <= p->now;
         n++) {
      struct held *h = done[n] = heap_pop(p);
      struct conn *c = h->conn < 0 ? NULL : &p->conns[h->conn];
      if (c == NULL) {
        udp_send(p, h->lst, &h->to, h->data, h->len);
      } else if (c->cfd >= 0 && c->gen == h->gen) {
        c->held--;
        tcp_deliver(p, c, h->data, h->len);
        conn_update(p, (size_t)h->conn);
      } else {
        p->n.other++; /* the client left */
      }
    }
    tx_flush_all(p);
    for (size_t i = 0; i < n; i++) {
      free(done[i]);
    }
  } while (n == 4 * BATCH);
}

static void on_event(struct proxy *p, const struct epoll_event *ev)
{
  enum tag t = (enum tag)(ev->data.u64 & 0xFF);
  size_t idx = (size_t)(ev->data.u64 >> 8 & 0xFFFFFF);
  uint32_t gen = (uint32_t)(ev->data.u64 >> 32);

  switch (t) {
  case T_SIGNAL:
    p->stop = true;
    break;
  case T_UDP:
    read_clients(p, idx);
    break;
  case T_LISTEN:
    accept_conns(p, idx);
    break;
  case T_UPSTREAM:
    read_upstream(p, idx);
    break;
  case T_CLIENT:
  case T_SERVER:
    /* An event of a slot closed (and maybe reused) earlier in the batch. */
    if (p->conns[idx].cfd < 0 || p->conns[idx].gen != gen) {
      break;
    }
    if (t == T_CLIENT) {
      client_event(p, idx, ev->events);
    } else {
      server_event(p, idx, ev->events);
    }
    conn_update(p, idx);
    break;
  }
}

/* Waits until the next release or sweep. epoll_pwait2 (Linux 5.11) takes
 * the timeout in nanoseconds; epoll_wait's milliseconds would add up to 1 ms
 * to every delay. */
static int wait_events(struct proxy *p, struct epoll_event *evs)
{
  uint64_t due = p->next_sweep, now = now_us(), us;
  int n;

  if (p->nheap > 0 && p->heap[0]->due < due) {
    due = p->heap[0]->due;
  }
  for (size_t i = 0; p->whead >= 0 && i < p->nfresh; i++) {
    uint64_t age_out = p->conns[p->fresh[i]].since + PACE_US;
    due = age_out < due ? age_out : due;
  }
  us = due > now ? due - now : 0;
  if (!p->no_pwait2) {
    struct timespec ts = {.tv_sec = (time_t)(us / 1000000),
                          .tv_nsec = (long)(us % 1000000 * 1000)};
    n = epoll_pwait2(p->ep, evs, MAX_EVENTS, &ts, NULL);
    if (n >= 0 || errno != ENOSYS) {
      return n;
    }
    p->no_pwait2 = true;
  }
  return epoll_wait(p->ep, evs, MAX_EVENTS, (int)((us + 999) / 1000));
}

static int run(struct proxy *p)
{
  struct epoll_event evs[MAX_EVENTS];

  while (!p->stop) {
    int n = wait_events(p, evs);
    if (n < 0 && errno != EINTR) {
      return -errno;
    }
    p->now = now_us();
    for (int i = 0; i < n; i++) {
      on_event(p, &evs[i]);
    }
    release_due(p);
    if (p->whead >= 0) {
      pace_run(p);
    }
    if (p->now >= p->next_sweep) {
      sweep(p);
    }
  }
  return 0;
}

/* ---- setup -------------------------------------------------------------- */

static void set_bufs(int fd)
{
  int size = SOCK_BUF;

  /* The FORCE variants pass net.core.[rw]mem_max; they need root. */
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0) {
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
  }
  if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) < 0) {
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
  }
}

/* A bound (listening, for TCP) non-blocking socket, or a negative errno. */
static int open_socket(int type, const struct sockaddr_in *sa)
{
  int one = 1;
  int fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

  if (fd < 0) {
    return -errno;
  }
  if (type == SOCK_DGRAM) {
    set_bufs(fd);
  }
  if ((type == SOCK_STREAM &&
       setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0) ||
      bind(fd, (const struct sockaddr *)sa, sizeof(*sa)) < 0 ||
      (type == SOCK_STREAM && listen(fd, 1024) < 0)) {
    int err = -errno;
    close(fd);
    return err;
  }
  return fd;
}

/* Binds UDP (and TCP) on listen address i, and with port 0 retries until
 * one ephemeral port is free for both; the address gets the bound port. */
static int open_listener(struct proxy *p, size_t i)
{
  struct sockaddr_in *sa = &p->o.listen[i];
  struct listener *l = &p->lst[i];
  bool any = sa->sin_port == 0;

  for (int attempt = 0; attempt < 32; attempt++) {
    socklen_t alen = sizeof(*sa);
    sa->sin_port = any ? 0 : sa->sin_port;
    l->udp = open_socket(SOCK_DGRAM, sa);
    if (l->udp < 0) {
      return l->udp;
    }
    p->tx[i].fd = l->udp;
    if (getsockname(l->udp, (struct sockaddr *)sa, &alen) < 0) {
      return -errno;
    }
    if (p->o.no_tcp) {
      return 0;
    }
    l->tcp = open_socket(SOCK_STREAM, sa);
    if (l->tcp >= 0 || !any || l->tcp != -EADDRINUSE) {
      return l->tcp < 0 ? l->tcp : 0;
    }
    close(l->udp);
    l->udp = -1;
  }
  return -EADDRINUSE;
}

static int open_upstream(struct proxy *p)
{
  for (size_t i = 0; i < UP_SOCKS; i++) {
    struct upsock *u = &p->up[i];
    p->tx[MAX_LISTEN + i].up = true;
    u->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (u->fd < 0) {
      return -errno;
    }
    set_bufs(u->fd);
    if (connect(u->fd, (const struct sockaddr *)&p->o.upstream,
                sizeof(p->o.upstream)) < 0) {
      return -errno;
    }
    p->tx[MAX_LISTEN + i].fd = u->fd;
    u->slots = calloc(IDS, sizeof(*u->slots));
    if (u->slots == NULL) {
      return -ENOMEM;
    }
  }
  return 0;
}

static int setup_signals(void)
{
  struct sigaction sa;

  if (pipe2(sig_pipe, O_NONBLOCK | O_CLOEXEC) < 0) {
    return -errno;
  }
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGTERM, &sa, NULL) < 0 || sigaction(SIGINT, &sa, NULL) < 0) {
    return -errno;
  }
  sa.sa_handler = SIG_IGN;
  return sigaction(SIGPIPE, &sa, NULL) < 0 ? -errno : 0;
}

static int setup_epoll(struct proxy *p)
{
  int r;

  p->ep = epoll_create1(EPOLL_CLOEXEC);
  if (p->ep < 0) {
    return -errno;
  }
  r = ep_ctl(p, EPOLL_CTL_ADD, sig_pipe[0], EV_IN, tag(T_SIGNAL, 0, 0));
  for (size_t i = 0; r == 0 && i < p->o.nlisten; i++) {
    r = ep_ctl(p, EPOLL_CTL_ADD, p->lst[i].udp, EV_IN, tag(T_UDP, i, 0));
    if (r == 0 && p->lst[i].tcp >= 0) {
      r = ep_ctl(p, EPOLL_CTL_ADD, p->lst[i].tcp, EV_IN, tag(T_LISTEN, i, 0));
    }
  }
  for (size_t i = 0; r == 0 && !p->o.blackhole && i < UP_SOCKS; i++) {
    r = ep_ctl(p, EPOLL_CTL_ADD, p->up[i].fd, EV_IN, tag(T_UPSTREAM, i, 0));
  }
  return r;
}

static int write_pidfile(const char *path)
{
  FILE *f = fopen(path, "w");

  if (f == NULL) {
    return -errno;
  }
  if (fprintf(f, "%ld\n", (long)getpid()) < 0 || fclose(f) != 0) {
    return -EIO;
  }
  return 0;
}

/* ADDR:PORT into buf (at least 32 octets). */
static const char *fmt_addr(const struct sockaddr_in *sa, char *buf,
                            size_t size)
{
  char host[INET_ADDRSTRLEN];

  if (inet_ntop(AF_INET, &sa->sin_addr, host, sizeof(host)) == NULL) {
    host[0] = '\0';
  }
  int n = snprintf(buf, size, "%s:%u", host, ntohs(sa->sin_port));
  return n < 0 || (size_t)n >= size ? "?" : buf;
}

static int setup(struct proxy *p)
{
  struct rlimit rl;
  int r = setup_signals();

  /* Each TCP client costs two descriptors. */
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  for (size_t i = 0; r == 0 && i < p->o.nlisten; i++) {
    char a[32];
    snprintf(p->what, sizeof(p->what), "listen %s",
             fmt_addr(&p->o.listen[i], a, sizeof(a)));
    r = open_listener(p, i);
  }
  if (r == 0 && !p->o.blackhole) {
    snprintf(p->what, sizeof(p->what), "upstream");
    r = open_upstream(p);
  }
  if (r == 0) {
    snprintf(p->what, sizeof(p->what), "epoll");
    r = setup_epoll(p);
  }
  if (r == 0 && p->o.pidfile != NULL) {
    snprintf(p->what, sizeof(p->what), "pidfile");
    r = write_pidfile(p->o.pidfile);
    p->pid_written = r == 0;
  }
  p->conns = xrealloc(NULL, MAX_CONNS * sizeof(*p->conns));
  p->free_conns = xrealloc(NULL, MAX_CONNS * sizeof(*p->free_conns));
  for (size_t i = 0; i < MAX_CONNS; i++) {
    p->conns[i] = (struct conn){.cfd = -1, .ufd = -1};
    p->free_conns[p->nfree++] = MAX_CONNS - 1 - i;
  }
  p->whead = p->wtail = -1;
  p->buckets = calloc(RATE_SLOTS, sizeof(*p->buckets));
  mp_rng_init(&p->rng, p->o.seed, 0, 0);
  p->now = now_us();
  p->next_sweep = p->now + SWEEP_US;
  return r == 0 && p->buckets == NULL ? -ENOMEM : r;
}

static void teardown(struct proxy *p)
{
  for (size_t i = 0; p->conns != NULL && i < MAX_CONNS; i++) {
    if (p->conns[i].cfd >= 0) {
      conn_close(p, i);
    }
  }
  while (p->nheap > 0) {
    free(heap_pop(p));
  }
  for (size_t i = 0; i < p->o.nlisten; i++) {
    if (p->lst[i].udp >= 0) {
      close(p->lst[i].udp);
    }
    if (p->lst[i].tcp >= 0) {
      close(p->lst[i].tcp);
    }
  }
  for (size_t i = 0; i < UP_SOCKS; i++) {
    if (p->up[i].fd >= 0) {
      close(p->up[i].fd);
    }
    free(p->up[i].slots);
  }
  if (p->ep >= 0) {
    close(p->ep);
  }
  free(p->heap);
  free(p->conns);
  free(p->free_conns);
  free(p->buckets);
}

/* ---- options ------------------------------------------------------------ */

static void usage(FILE *f)
{
  fputs("usage: mp_proxy --listen ADDR:PORT [--listen ADDR:PORT ...]\n"
        "         [--upstream ADDR:PORT] [--delay MS | --delay MIN-MAX]\n"
        "         [--loss P] [--rate QPS] [--servfail P] [--garbage P]\n"
        "         [--garbage-kinds random,overrun,counts,trailing]\n"
        "         [--truncate P] [--no-tcp] [--blackhole] [--seed N]\n"
        "         [--pidfile FILE]\n"
        "addresses are IPv4 in 127.0.0.0/8; P is a probability in [0, 1]\n",
        f);
}

static bool parse_ulong(const char *arg, unsigned long max, unsigned long *out)
{
  char *end;

  errno = 0;
  *out = strtoul(arg, &end, 10);
  return errno == 0 && end != arg && *end == '\0' && arg[0] != '-' &&
         arg[0] != '+' && arg[0] != ' ' && *out <= max;
}

static bool parse_double(const char *arg, double max, double *out)
{
  char *end;

  errno = 0;
  *out = strtod(arg, &end);
  return errno == 0 && end != arg && *end == '\0' && *out >= 0 && *out <= max;
}

/* ADDR:PORT with ADDR in 127.0.0.0/8: nothing here leaves loopback. */
static bool parse_addr(const char *arg, struct sockaddr_in *sa)
{
  const char *colon = strrchr(arg, ':');
  char host[INET_ADDRSTRLEN];
  unsigned long port;

  memset(sa, 0, sizeof(*sa));
  sa->sin_family = AF_INET;
  if (colon == NULL || (size_t)(colon - arg) >= sizeof(host) ||
      !parse_ulong(colon + 1, 65535, &port)) {
    return false;
  }
  memcpy(host, arg, (size_t)(colon - arg));
  host[colon - arg] = '\0';
  sa->sin_port = htons((uint16_t)port);
  return inet_pton(AF_INET, host, &sa->sin_addr) == 1 &&
         ntohl(sa->sin_addr.s_addr) >> 24 == 127;
}

/* MS or MIN-MAX, in milliseconds. */
static bool parse_delay(const char *arg, struct opts *o)
{
  char lo[16];
  const char *dash = strchr(arg, '-');
  unsigned long a, b;

  if (dash == NULL) {
    if (!parse_ulong(arg, DELAY_MAX, &a)) {
      return false;
    }
    b = a;
  } else {
    if ((size_t)(dash - arg) >= sizeof(lo)) {
      return false;
    }
    memcpy(lo, arg, (size_t)(dash - arg));
    lo[dash - arg] = '\0';
    if (!parse_ulong(lo, DELAY_MAX, &a) ||
        !parse_ulong(dash + 1, DELAY_MAX, &b) || a > b) {
      return false;
    }
  }
  o->delay_min = (uint64_t)a * 1000;
  o->delay_max = (uint64_t)b * 1000;
  return true;
}

static bool parse_kinds(const char *arg, unsigned *kinds)
{
  char list[64];
  char *save = NULL;
  int n = snprintf(list, sizeof(list), "%s", arg);

  *kinds = 0;
  if (n < 0 || (size_t)n >= sizeof(list)) {
    return false;
  }
  for (char *t = strtok_r(list, ",", &save); t != NULL;
       t = strtok_r(NULL, ",", &save)) {
    unsigned i = 0;
    while (i < G_KINDS && strcmp(t, garbage_names[i]) != 0) {
      i++;
    }
    if (i == G_KINDS) {
      return false;
    }
    *kinds |= 1u << i;
  }
  return *kinds != 0;
}

static bool parse_opt(int c, const char *arg, struct opts *o)
{
  unsigned long v;

  switch (c) {
  case 'l':
    return o->nlisten < MAX_LISTEN && parse_addr(arg, &o->listen[o->nlisten++]);
  case 'u':
    o->has_upstream = true;
    return parse_addr(arg, &o->upstream) && o->upstream.sin_port != 0;
  case 'd':
    return parse_delay(arg, o);
  case 'L':
    return parse_double(arg, 1, &o->loss);
  case 'r':
    return parse_double(arg, 1e9, &o->rate) && o->rate > 0;
  case 's':
    return parse_double(arg, 1, &o->servfail);
  case 'g':
    return parse_double(arg, 1, &o->garbage);
  case 'k':
    return parse_kinds(arg, &o->kinds);
  case 't':
    return parse_double(arg, 1, &o->truncate);
  case 'T':
    o->no_tcp = true;
    return true;
  case 'b':
    o->blackhole = true;
    return true;
  case 'S':
    if (!parse_ulong(arg, ULONG_MAX, &v)) {
      return false;
    }
    o->seed = v;
    return true;
  case 'p':
    o->pidfile = arg;
    return true;
  default:
    return false;
  }
}

static int parse_args(int argc, char **argv, struct opts *o)
{
  static const struct option opts[] = {
      {"listen", required_argument, NULL, 'l'},
      {"upstream", required_argument, NULL, 'u'},
      {"delay", required_argument, NULL, 'd'},
      {"loss", required_argument, NULL, 'L'},
      {"rate", required_argument, NULL, 'r'},
      {"servfail", required_argument, NULL, 's'},
      {"garbage", required_argument, NULL, 'g'},
      {"garbage-kinds", required_argument, NULL, 'k'},
      {"truncate", required_argument, NULL, 't'},
      {"no-tcp", no_argument, NULL, 'T'},
      {"blackhole", no_argument, NULL, 'b'},
      {"seed", required_argument, NULL, 'S'},
      {"pidfile", required_argument, NULL, 'p'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0},
  };
  int c;

  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    if (c == 'h') {
      usage(stdout);
      exit(0);
    }
    if (!parse_opt(c, optarg, o)) {
      if (c != '?') {
        fprintf(stderr, "mp_proxy: bad value '%s'\n", optarg);
      }
      return -EINVAL;
    }
  }
  if (optind != argc || o->nlisten == 0 ||
      (!o->blackhole && !o->has_upstream)) {
    return -EINVAL;
  }
  return 0;
}

/* ---- main --------------------------------------------------------------- */

static int print_ready(const struct proxy *p)
{
  for (size_t i = 0; i < p->o.nlisten; i++) {
    char a[32];
    if (printf("%s\n", fmt_addr(&p->o.listen[i], a, sizeof(a))) < 0) {
      return -EIO;
    }
  }
  return fflush(stdout) == 0 ? 0 : -EIO;
}

static void print_counters(const struct counters *n)
{
  fprintf(stderr,
          "queries=%llu forwarded=%llu replies=%llu dropped_loss=%llu "
          "dropped_rate=%llu servfail=%llu garbage=%llu truncated=%llu "
          "tcp_conns=%llu dropped_other=%llu\n",
          (unsigned long long)n->queries, (unsigned long long)n->forwarded,
          (unsigned long long)n->replies, (unsigned long long)n->loss,
          (unsigned long long)n->rate, (unsigned long long)n->servfail,
          (unsigned long long)n->garbage, (unsigned long long)n->truncated,
          (unsigned long long)n->tcp_conns, (unsigned long long)n->other);
}

int main(int argc, char **argv)
{
  static struct proxy p;
  int r;

  p.ep = -1;
  p.o.seed = 1;
  p.o.kinds = (1u << G_KINDS) - 1;
  for (size_t i = 0; i < MAX_LISTEN; i++) {
    p.lst[i] = (struct listener){.udp = -1, .tcp = -1};
  }
  for (size_t i = 0; i < UP_SOCKS; i++) {
    p.up[i].fd = -1;
  }
  if (parse_args(argc, argv, &p.o) < 0) {
    usage(stderr);
    return 2;
  }
  snprintf(p.what, sizeof(p.what), "signals");
  r = setup(&p);
  if (r == 0) {
    snprintf(p.what, sizeof(p.what), "stdout");
    r = print_ready(&p);
  }
  if (r == 0) {
    snprintf(p.what, sizeof(p.what), "epoll_wait");
    r = run(&p);
    print_counters(&p.n);
  }
  if (r < 0) {
    fprintf(stderr, "mp_proxy: %s: %s\n", p.what, strerror(-r));
  }
  teardown(&p);
  if (p.pid_written) {
    unlink(p.o.pidfile);
  }
  return r < 0 ? 1 : 0;
}
