/* mp_responder: a misbehaving DNS server on loopback for the fault tests.
 *
 * One poll() loop serves UDP (and with --tcp, TCP) on 127.0.0.1. Each query
 * is parsed only as far as the header, the question and an OPT RR; the mode
 * decides the reply. It links nothing but libc, so it uses malloc() directly
 * rather than scanner/base/alloc.c. See tests/support/README.md for the modes.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS   64
#define QUEUE_MAX   (1u << 20)   /* delayed replies in flight */
#define REPLY_MAX   4096         /* largest reply we build */
#define TCP_IN_MAX  (2 + 65535)  /* one framed message (RFC 1035 4.2.2) */
#define TCP_OUT_MAX (256 * 1024) /* a client that does not read is dropped */
#define UDP_PLAIN   512          /* RFC 1035 4.2.1, without EDNS */
#define EDNS_SIZE   1232         /* our advertised UDP payload size */
#define TTL         300
#define BIG_TXT_LEN 3000
#define GARBAGE_MAX 600
#define T_CNAME     5
#define T_MX        15
#define T_TXT       16
#define T_OPT       41
#define F_QR        0x8000
#define F_OPCODE    0x7800
#define F_TC        0x0200
#define F_RD        0x0100
#define F_RA        0x0080
#define RC_NOERROR  0
#define RC_FORMERR  1
#define RC_SERVFAIL 2
#define RC_NXDOMAIN 3
#define RC_NOTIMP   4
#define RC_REFUSED  5

/* What to send back. A_TC turns into A_BIGTXT over TCP; A_MIXED looks at the
 * query name. */
enum action {
  A_NONE,
  A_RCODE,
  A_ECHO,
  A_GARBAGE,
  A_WRONGID,
  A_TC,
  A_BIGTXT,
  A_MIXED,
  A_SPOOF,
  A_ALIAS,
};

struct mode {
  const char *name;
  enum action act;
  uint8_t rcode;
};

static const struct mode modes[] = {
    {"silent", A_NONE, 0},
    {"servfail", A_RCODE, RC_SERVFAIL},
    {"refused", A_RCODE, RC_REFUSED},
    {"formerr", A_RCODE, RC_FORMERR},
    {"notimp", A_RCODE, RC_NOTIMP},
    {"nxdomain", A_RCODE, RC_NXDOMAIN},
    {"nodata", A_RCODE, RC_NOERROR},
    {"garbage", A_GARBAGE, 0},
    {"wrongid", A_WRONGID, 0},
    {"truncate", A_TC, 0},
    {"echo-txt", A_ECHO, 0},
    {"mixed", A_MIXED, 0},
    {"spoof", A_SPOOF, 0},
};

/* Mixed mode: the prefix of the deciding label picks the behaviour. */
static const struct mode mixed[] = {
    {"servfail-", A_RCODE, RC_SERVFAIL},
    {"refused-", A_RCODE, RC_REFUSED},
    {"silent-", A_NONE, 0},
    {"nx-", A_RCODE, RC_NXDOMAIN},
    {"formerr-", A_RCODE, RC_FORMERR},
    {"alias-", A_ALIAS, 0},
    {"reset-", A_TC, 0}, /* over TCP: the connection is reset (handle_msg) */
};

struct query {
  const uint8_t *msg;
  size_t qend;       /* offset just past the question */
  size_t qname_wire; /* QNAME octets on the wire, root included */
  uint16_t id, flags, qtype, qclass;
  bool edns, edns_do;
  uint16_t edns_size;
  size_t name_len; /* QNAME as text, no trailing dot, not NUL-terminated */
  char name[256];
  size_t key_off, key_len; /* the label that picks the answer in mixed mode */
};

struct conn {
  int fd; /* -1: free slot */
  uint64_t gen;
  bool dead;
  uint8_t *in;
  size_t inlen;
  uint8_t *out;
  size_t outlen, outcap;
};

/* Where a reply goes: a UDP peer (conn < 0) or a TCP connection slot, which
 * gen identifies across reuse of the slot. */
struct origin {
  int conn;
  uint64_t gen;
  struct sockaddr_in peer;
};

struct pending {
  uint64_t due;
  struct origin to;
  uint8_t *data;
  size_t len;
};

struct server {
  const struct mode *mode;
  uint64_t delay_ms;
  int udp, listener;
  int spoof; /* spoof mode: a second UDP socket, another source port */
  struct conn conns[MAX_CONNS];
  uint64_t next_gen;
  struct pending *queue;
  size_t qhead, qcount, qcap; /* a ring, grown when full */
  uint64_t queries;
  uint64_t rng;
};

static int sig_pipe[2] = {-1, -1};

static void on_signal(int sig)
{
  int saved = errno;
  uint8_t b = (uint8_t)sig;
  ssize_t r = write(sig_pipe[1], &b, 1);

  (void)r;
  errno = saved;
}

static uint64_t now_ms(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static uint64_t rnd(struct server *s)
{
  /* xorshift64 with a fixed seed: garbage is reproducible run to run. */
  s->rng ^= s->rng << 13;
  s->rng ^= s->rng >> 7;
  s->rng ^= s->rng << 17;
  return s->rng;
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

/* ---- parsing ------------------------------------------------------------ */

/* Reads the QNAME at *off into q. Compression pointers are refused: there is
 * nothing before the question to point at (RFC 1035 4.1.4). */
static int read_qname(const uint8_t *msg, size_t len, size_t *off,
                      struct query *q)
{
  size_t p = *off;
  bool after_underscore = false;

  for (;;) {
    if (p >= len || (msg[p] & 0xC0) != 0) {
      return -1;
    }
    size_t l = msg[p];
    if (l == 0) {
      break;
    }
    if (p + 1 + l > len || q->qname_wire + 1 + l + 1 > 255) {
      return -1;
    }
    if (q->name_len > 0) {
      q->name[q->name_len++] = '.';
    }
    /* Mixed mode keys on the first label, or on the label after the last
     * underscore label (_dmarc.x, sel._domainkey.x, _smtp._tls.x). */
    if (q->qname_wire == 0 || after_underscore) {
      q->key_off = q->name_len;
      q->key_len = l;
    }
    after_underscore = msg[p + 1] == '_';
    memcpy(q->name + q->name_len, msg + p + 1, l);
    q->name_len += l;
    q->qname_wire += 1 + l;
    p += 1 + l;
  }
  q->qname_wire += 1;
  *off = p + 1;
  return 0;
}

/* Skips one RR owner name, compressed or not. */
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

/* Looks for an OPT RR (RFC 6891 6.1.2) after the question; a malformed tail
 * just means "no EDNS". */
static void find_opt(const uint8_t *msg, size_t len, size_t off,
                     struct query *q)
{
  size_t before = (size_t)rd16(msg + 6) + rd16(msg + 8);
  size_t total = before + rd16(msg + 10);

  for (size_t i = 0; i < total; i++) {
    if (skip_name(msg, len, &off) < 0 || len - off < 10) {
      return;
    }
    uint16_t type = rd16(msg + off);
    size_t rdlen = rd16(msg + off + 8);
    if (i >= before && type == T_OPT) {
      q->edns = true;
      q->edns_size = rd16(msg + off + 2);
      q->edns_do = (msg[off + 6] & 0x80) != 0;
      return;
    }
    if (len - off - 10 < rdlen) {
      return;
    }
    off += 10 + rdlen;
  }
}

/* Returns 0 for a usable query, -EBADMSG for one that deserves FORMERR and
 * -EINVAL for one to drop (too short to answer, or itself a response). */
static int parse_query(const uint8_t *msg, size_t len, struct query *q)
{
  size_t off = 12;

  memset(q, 0, sizeof(*q));
  q->msg = msg;
  if (len < 12) {
    return -EINVAL;
  }
  q->id = rd16(msg);
  q->flags = rd16(msg + 2);
  if (q->flags & F_QR) {
    return -EINVAL;
  }
  if (rd16(msg + 4) != 1 || read_qname(msg, len, &off, q) < 0 ||
      len - off < 4) {
    return -EBADMSG;
  }
  q->qtype = rd16(msg + off);
  q->qclass = rd16(msg + off + 2);
  q->qend = off + 4;
  find_opt(msg, len, q->qend, q);
  return 0;
}

/* ---- deciding and building replies -------------------------------------- */

static bool key_is(const struct query *q, const char *prefix)
{
  size_t n = strlen(prefix);

  return q->key_len >= n && strncasecmp(q->name + q->key_off, prefix, n) == 0;
}

static enum action decide(const struct server *s, const struct query *q,
                          bool tcp, uint8_t *rcode)
{
  enum action act = s->mode->act;

  *rcode = s->mode->rcode;
  if (act == A_NONE || act == A_GARBAGE) {
    return act;
  }
  if ((q->flags & F_OPCODE) != 0) {
    *rcode = RC_NOTIMP; /* only QUERY is served (RFC 1035 4.1.1) */
    return A_RCODE;
  }
  if (act == A_TC && tcp) {
    return A_BIGTXT;
  }
  if (act == A_SPOOF) {
    return A_ECHO; /* the forgeries are sent by handle_msg */
  }
  if (act == A_MIXED) {
    for (size_t i = 0; i < sizeof(mixed) / sizeof(mixed[0]); i++) {
      if (key_is(q, mixed[i].name)) {
        *rcode = mixed[i].rcode;
        return mixed[i].act;
      }
    }
    return A_ECHO;
  }
  return act;
}

/* A bounded writer: overflow is recorded, never written. */
struct wbuf {
  uint8_t *p;
  size_t len, cap;
  bool over;
};

static void put(struct wbuf *w, const void *data, size_t n)
{
  if (w->over || w->cap - w->len < n) {
    w->over = true;
    return;
  }
  memcpy(w->p + w->len, data, n);
  w->len += n;
}

static void put16(struct wbuf *w, uint16_t v)
{
  uint8_t b[2];

  wr16(b, v);
  put(w, b, 2);
}

static void put_rr_head(struct wbuf *w, const struct query *q, uint16_t type,
                        size_t rdlen)
{
  static const uint8_t ttl[4] = {0, 0, TTL >> 8, TTL & 0xff};

  put16(w, 0xC00C); /* owner: the QNAME at offset 12 */
  put16(w, type);
  put16(w, q->qclass);
  put(w, ttl, sizeof(ttl));
  put16(w, (uint16_t)rdlen);
}

/* Appends the answer records for act; returns how many. */
static uint16_t put_answers(struct wbuf *w, const struct query *q,
                            enum action act)
{
  static const uint8_t mx[7] = {0, 10, 2, 'm', 'x', 0xC0, 0x0C};

  if (act == A_ECHO || act == A_WRONGID) {
    if (q->qtype == T_TXT) {
      uint8_t n = (uint8_t)q->name_len; /* at most 253 */
      put_rr_head(w, q, T_TXT, 1u + n);
      put(w, &n, 1);
      put(w, q->name, n);
      return 1;
    }
    /* mx.<qname> must still fit in 255 octets (RFC 1035 2.3.4). */
    if (q->qtype == T_MX && q->qname_wire + 3 <= 255) {
      put_rr_head(w, q, T_MX, sizeof(mx));
      put(w, mx, sizeof(mx));
      return 1;
    }
  } else if (act == A_ALIAS) {
    /* QNAME CNAME t.QNAME, without the target's records */
    static const uint8_t target[4] = {1, 't', 0xC0, 0x0C};
    put_rr_head(w, q, T_CNAME, sizeof(target));
    put(w, target, sizeof(target));
    return 1;
  } else if (act == A_BIGTXT && q->qtype == T_TXT) {
    /* BIG_TXT_LEN octets of text in <character-string>s of at most 255. */
    size_t nstr = (BIG_TXT_LEN + 254) / 255;
    put_rr_head(w, q, T_TXT, BIG_TXT_LEN + nstr);
    for (size_t done = 0; done < BIG_TXT_LEN;) {
      uint8_t chunk[256];
      size_t n = BIG_TXT_LEN - done < 255 ? BIG_TXT_LEN - done : 255;
      chunk[0] = (uint8_t)n;
      for (size_t i = 0; i < n; i++) {
        chunk[1 + i] = (uint8_t)('a' + (done + i) % 26);
      }
      put(w, chunk, 1 + n);
      done += n;
    }
    return 1;
  }
  return 0;
}

/* Builds the reply to a parsed query into w; returns false for none. */
static bool build_reply(struct server *s, const struct query *q, bool tcp,
                        struct wbuf *w)
{
  uint8_t rcode;
  enum action act = decide(s, q, tcp, &rcode);

  if (act == A_NONE || act == A_GARBAGE) {
    return false;
  }
  for (int attempt = 0; attempt < 2; attempt++) {
    uint8_t head[12] = {0};
    uint16_t flags =
        (uint16_t)(F_QR | (q->flags & (F_OPCODE | F_RD)) | F_RA | rcode);
    /* A FORMERR reply carries no OPT: to the client that reads as "EDNS
     * not understood" (RFC 6891 7). */
    bool opt = q->edns && rcode != RC_FORMERR;

    if (act == A_TC) {
      flags |= F_TC;
    }
    w->len = 0;
    w->over = false;
    wr16(head, act == A_WRONGID ? (uint16_t)(q->id + 1) : q->id);
    wr16(head + 2, flags);
    wr16(head + 4, 1);
    put(w, head, sizeof(head));
    put(w, q->msg + 12, q->qend - 12);
    wr16(w->p + 6, put_answers(w, q, act));
    if (opt) {
      static const uint8_t rr[5] = {0, 0, T_OPT, EDNS_SIZE >> 8,
                                    EDNS_SIZE & 0xff};
      uint8_t ttl[4] = {0, 0, q->edns_do ? 0x80 : 0, 0};
      put(w, rr, sizeof(rr));
      put(w, ttl, sizeof(ttl));
      put16(w, 0);
      wr16(w->p + 10, 1);
    }
    size_t limit = UDP_PLAIN;
    if (q->edns && q->edns_size > limit) {
      limit = q->edns_size;
    }
    if (!w->over && (tcp || w->len <= limit)) {
      return true;
    }
    act = A_TC; /* too big for this transport: RFC 2181 9 */
  }
  return !w->over;
}

static void build_formerr(const struct query *q, struct wbuf *w)
{
  uint8_t head[12] = {0};

  wr16(head, q->id);
  wr16(head + 2,
       (uint16_t)(F_QR | (q->flags & (F_OPCODE | F_RD)) | F_RA | RC_FORMERR));
  put(w, head, sizeof(head));
}

static void build_garbage(struct server *s, const struct query *q,
                          struct wbuf *w)
{
  size_t n = 1 + (size_t)(rnd(s) % GARBAGE_MAX);

  for (size_t i = 0; i < n; i++) {
    uint8_t b = (uint8_t)rnd(s);
    put(w, &b, 1);
  }
  /* Keep the query ID so the client cannot drop it unread, and claim 65535
   * questions so it can never parse as a DNS message. */
  if (w->len >= 2) {
    wr16(w->p, q->id);
  }
  if (w->len >= 6) {
    wr16(w->p + 4, 0xFFFF);
  }
}

/* ---- sending ------------------------------------------------------------ */

static void conn_queue(struct conn *c, const uint8_t *data, size_t len)
{
  if (c->outcap - c->outlen < len) {
    size_t cap = c->outcap ? c->outcap : 4096;
    while (cap - c->outlen < len) {
      cap *= 2;
    }
    uint8_t *p = cap > TCP_OUT_MAX ? NULL : realloc(c->out, cap);
    if (p == NULL) {
      c->dead = true;
      return;
    }
    c->out = p;
    c->outcap = cap;
  }
  memcpy(c->out + c->outlen, data, len);
  c->outlen += len;
}

/* data is framed for TCP: two length octets, then the message. */
static void send_now(struct server *s, const struct origin *to,
                     const uint8_t *data, size_t len)
{
  if (to->conn < 0) {
    ssize_t r;
    do {
      r = sendto(s->udp, data + 2, len - 2, 0,
                 (const struct sockaddr *)&to->peer, sizeof(to->peer));
    } while (r < 0 && errno == EINTR);
    return; /* a full socket buffer drops the reply, as a network would */
  }
  struct conn *c = &s->conns[to->conn];
  if (c->fd >= 0 && c->gen == to->gen && !c->dead) {
    conn_queue(c, data, len);
  }
}

static int grow_queue(struct server *s)
{
  size_t cap = s->qcap ? 2 * s->qcap : 256;
  struct pending *q = cap > QUEUE_MAX ? NULL : calloc(cap, sizeof(*q));

  if (q == NULL) {
    return -ENOMEM;
  }
  for (size_t i = 0; i < s->qcount; i++) {
    q[i] = s->queue[(s->qhead + i) % s->qcap];
  }
  free(s->queue);
  s->queue = q;
  s->qcap = cap;
  s->qhead = 0;
  return 0;
}

static void deliver(struct server *s, const struct origin *to,
                    const uint8_t *data, size_t len)
{
  if (s->delay_ms == 0) {
    send_now(s, to, data, len);
    return;
  }
  if (s->qcount == s->qcap && grow_queue(s) < 0) {
    return; /* overloaded: drop */
  }
  struct pending *p = &s->queue[(s->qhead + s->qcount) % s->qcap];
  p->data = malloc(len);
  if (p->data == NULL) {
    return;
  }
  memcpy(p->data, data, len);
  p->len = len;
  p->to = *to;
  p->due = now_ms() + s->delay_ms;
  s->qcount++;
}

/* The delay is the same for every reply, so the queue is FIFO by due time. */
static void run_due(struct server *s)
{
  uint64_t now = now_ms();

  while (s->qcount > 0 && s->queue[s->qhead].due <= now) {
    struct pending *p = &s->queue[s->qhead];
    send_now(s, &p->to, p->data, p->len);
    free(p->data);
    s->qhead = (s->qhead + 1) % s->qcap;
    s->qcount--;
  }
}

static int queue_timeout(const struct server *s)
{
  if (s->qcount == 0) {
    return -1;
  }
  uint64_t due = s->queue[s->qhead].due, now = now_ms();
  if (due <= now) {
    return 0;
  }
  return due - now > INT_MAX ? INT_MAX : (int)(due - now);
}

/* Spoof mode: before the real reply, two forgeries whose TXT text is the
 * name with every octet 'X': one from the right address and port with the
 * wrong ID, one with the right ID from another port. */
static void send_forgeries(struct server *s, const struct query *q,
                           const struct origin *to)
{
  uint8_t out[REPLY_MAX];
  struct wbuf w = {out, 0, REPLY_MAX, false};
  struct query fq = *q;

  memset(fq.name, 'X', fq.name_len);
  if (to->conn >= 0 || !build_reply(s, &fq, false, &w)) {
    return;
  }
  wr16(out, (uint16_t)(q->id ^ 0x5555));
  (void)!sendto(s->udp, out, w.len, 0, (const struct sockaddr *)&to->peer,
                sizeof(to->peer));
  wr16(out, q->id);
  (void)!sendto(s->spoof, out, w.len, 0, (const struct sockaddr *)&to->peer,
                sizeof(to->peer));
}

/* Handles one DNS message from a client, whatever its content. */
static void handle_msg(struct server *s, const uint8_t *msg, size_t len,
                       const struct origin *from)
{
  uint8_t out[2 + REPLY_MAX];
  struct wbuf w = {out + 2, 0, REPLY_MAX, false};
  struct query q;
  int r = parse_query(msg, len, &q);

  s->queries++;
  if (r == -EINVAL || s->mode->act == A_NONE) {
    return;
  }
  if (r == 0 && from->conn >= 0 && s->mode->act == A_MIXED &&
      key_is(&q, "reset-")) {
    /* as a resolver dropping a client's connection: RST, nothing else */
    struct linger l = {1, 0};

    (void)setsockopt(s->conns[from->conn].fd, SOL_SOCKET, SO_LINGER, &l,
                     sizeof(l));
    s->conns[from->conn].dead = true;
    return;
  }
  if (s->mode->act == A_GARBAGE) {
    build_garbage(s, &q, &w);
  } else if (r == -EBADMSG) {
    build_formerr(&q, &w);
  } else if (!build_reply(s, &q, from->conn >= 0, &w)) {
    return;
  } else if (s->mode->act == A_SPOOF) {
    send_forgeries(s, &q, from);
  }
  wr16(out, (uint16_t)w.len);
  deliver(s, from, out, 2 + w.len);
}

/* ---- sockets ------------------------------------------------------------ */

static void read_udp(struct server *s)
{
  uint8_t buf[65536];

  for (int i = 0; i < 64; i++) {
    struct origin from = {.conn = -1};
    socklen_t alen = sizeof(from.peer);
    ssize_t n = recvfrom(s->udp, buf, sizeof(buf), 0,
                         (struct sockaddr *)&from.peer, &alen);
    if (n < 0) {
      return; /* EAGAIN, EINTR or a transient error: back to poll */
    }
    if (alen == sizeof(from.peer) && from.peer.sin_family == AF_INET) {
      handle_msg(s, buf, (size_t)n, &from);
    }
  }
}

static void conn_close(struct conn *c)
{
  close(c->fd);
  free(c->in);
  free(c->out);
  *c = (struct conn){.fd = -1};
}

static struct conn *free_conn(struct server *s)
{
  for (size_t i = 0; i < MAX_CONNS; i++) {
    if (s->conns[i].fd < 0) {
      return &s->conns[i];
    }
  }
  return NULL;
}

/* Accepts while there are free slots; the rest wait in the backlog. */
static void accept_conns(struct server *s)
{
  struct conn *c;

  while ((c = free_conn(s)) != NULL) {
    int fd = accept(s->listener, NULL, NULL);
    if (fd < 0) {
      return;
    }
    uint8_t *in = malloc(TCP_IN_MAX);
    if (in == NULL || fcntl(fd, F_SETFL, O_NONBLOCK) < 0) {
      free(in);
      close(fd);
      continue;
    }
    *c = (struct conn){.fd = fd, .gen = ++s->next_gen, .in = in};
  }
}

/* Reads what is there, answers every complete message and writes what it
 * can. On EOF (a client may half-close after its query) it still answers and
 * flushes once, then closes; so does an error. */
static void serve_conn(struct server *s, int idx, short revents)
{
  struct conn *c = &s->conns[idx];
  bool eof = false;

  if (revents & (POLLIN | POLLHUP | POLLERR)) {
    ssize_t n = recv(c->fd, c->in + c->inlen, TCP_IN_MAX - c->inlen, 0);
    if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
      eof = true;
    } else if (n > 0) {
      c->inlen += (size_t)n;
    }
  }
  size_t off = 0;
  while (!c->dead && c->inlen - off >= 2 &&
         c->inlen - off - 2 >= rd16(c->in + off)) {
    size_t len = rd16(c->in + off);
    struct origin from = {.conn = idx, .gen = c->gen};
    handle_msg(s, c->in + off + 2, len, &from);
    off += 2 + len;
  }
  memmove(c->in, c->in + off, c->inlen - off);
  c->inlen -= off;
  while (!c->dead && c->outlen > 0) {
    ssize_t n = send(c->fd, c->out, c->outlen, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      c->dead = errno != EAGAIN;
      break;
    }
    memmove(c->out, c->out + n, c->outlen - (size_t)n);
    c->outlen -= (size_t)n;
  }
  if (c->dead || eof) {
    conn_close(c);
  }
}

static int open_socket(int type, uint16_t port)
{
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
  int one = 1;
  int fd = socket(AF_INET, type, 0);

  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0) {
    return -errno;
  }
  if ((type == SOCK_STREAM &&
       setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0) ||
      bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
      (type == SOCK_STREAM && listen(fd, 64) < 0) ||
      fcntl(fd, F_SETFL, O_NONBLOCK) < 0) {
    int err = -errno;
    close(fd);
    return err;
  }
  return fd;
}

/* Binds UDP (and TCP) on 127.0.0.1:port; with port 0 retries until one
 * ephemeral port is free for both. Returns the port or a negative errno. */
static int open_sockets(struct server *s, uint16_t port, bool tcp)
{
  for (int attempt = 0; attempt < 32; attempt++) {
    struct sockaddr_in sa;
    socklen_t alen = sizeof(sa);

    s->udp = open_socket(SOCK_DGRAM, port);
    if (s->udp < 0) {
      return s->udp;
    }
    if (getsockname(s->udp, (struct sockaddr *)&sa, &alen) < 0) {
      return -errno;
    }
    if (!tcp) {
      return ntohs(sa.sin_port);
    }
    s->listener = open_socket(SOCK_STREAM, ntohs(sa.sin_port));
    if (s->listener >= 0) {
      return ntohs(sa.sin_port);
    }
    if (port != 0 || s->listener != -EADDRINUSE) {
      return s->listener;
    }
    close(s->udp);
  }
  return -EADDRINUSE;
}

/* ---- main --------------------------------------------------------------- */

static void run(struct server *s)
{
  struct pollfd pfd[3 + MAX_CONNS];

  for (;;) {
    pfd[0] = (struct pollfd){.fd = sig_pipe[0], .events = POLLIN};
    pfd[1] = (struct pollfd){.fd = s->udp, .events = POLLIN};
    pfd[2] = (struct pollfd){.fd = free_conn(s) ? s->listener : -1,
                             .events = POLLIN};
    for (size_t i = 0; i < MAX_CONNS; i++) {
      struct conn *c = &s->conns[i];
      short ev = (short)(POLLIN | (c->outlen > 0 ? POLLOUT : 0));
      pfd[3 + i] = (struct pollfd){.fd = c->fd, .events = ev};
    }
    if (poll(pfd, 3 + MAX_CONNS, queue_timeout(s)) < 0) {
      if (errno == EINTR) {
        continue;
      }
      perror("mp_responder: poll");
      return;
    }
    if (pfd[0].revents != 0) {
      return; /* SIGTERM or SIGINT */
    }
    run_due(s);
    if (pfd[1].revents != 0) {
      read_udp(s);
    }
    if (pfd[2].revents != 0) {
      accept_conns(s);
    }
    for (int i = 0; i < MAX_CONNS; i++) {
      /* Also slots with pending output from run_due or a fresh accept. */
      if (s->conns[i].fd >= 0) {
        serve_conn(s, i, pfd[3 + i].fd >= 0 ? pfd[3 + i].revents : 0);
      }
    }
  }
}

static void usage(FILE *f)
{
  fputs("usage: mp_responder --mode MODE [--port P] [--delay-ms D] [--tcp]\n"
        "modes: silent servfail refused formerr notimp nxdomain nodata\n"
        "       garbage wrongid truncate echo-txt mixed spoof\n",
        f);
}

static bool parse_ulong(const char *arg, unsigned long max, unsigned long *out)
{
  char *end;

  errno = 0;
  *out = strtoul(arg, &end, 10);
  return errno == 0 && end != arg && *end == '\0' && arg[0] != '-' &&
         *out <= max;
}

static int parse_args(int argc, char **argv, struct server *s, uint16_t *port,
                      bool *tcp)
{
  static const struct option opts[] = {
      {"mode", required_argument, NULL, 'm'},
      {"port", required_argument, NULL, 'p'},
      {"delay-ms", required_argument, NULL, 'd'},
      {"tcp", no_argument, NULL, 't'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0},
  };
  unsigned long v;
  int c;

  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    if (c == 'm') {
      for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
        if (strcmp(optarg, modes[i].name) == 0) {
          s->mode = &modes[i];
        }
      }
      if (s->mode == NULL) {
        fprintf(stderr, "mp_responder: unknown mode '%s'\n", optarg);
        return -EINVAL;
      }
    } else if (c == 'p' && parse_ulong(optarg, 65535, &v)) {
      *port = (uint16_t)v;
    } else if (c == 'd' && parse_ulong(optarg, 3600000, &v)) {
      s->delay_ms = v;
    } else if (c == 't') {
      *tcp = true;
    } else if (c == 'h') {
      usage(stdout);
      exit(0);
    } else {
      return -EINVAL;
    }
  }
  return s->mode != NULL && optind == argc ? 0 : -EINVAL;
}

static int setup_signals(void)
{
  struct sigaction sa;

  if (pipe(sig_pipe) < 0) {
    return -errno;
  }
  for (int i = 0; i < 2; i++) {
    if (fcntl(sig_pipe[i], F_SETFL, O_NONBLOCK) < 0 ||
        fcntl(sig_pipe[i], F_SETFD, FD_CLOEXEC) < 0) {
      return -errno;
    }
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

int main(int argc, char **argv)
{
  struct server s = {
      .udp = -1, .listener = -1, .spoof = -1, .rng = 0x9E3779B97F4A7C15u};
  uint16_t port = 0;
  bool tcp = false;
  int r;

  for (size_t i = 0; i < MAX_CONNS; i++) {
    s.conns[i].fd = -1;
  }
  if (parse_args(argc, argv, &s, &port, &tcp) < 0) {
    usage(stderr);
    return 2;
  }
  r = setup_signals();
  if (r == 0 && s.mode->act == A_SPOOF) {
    r = s.spoof = open_socket(SOCK_DGRAM, 0);
  }
  if (r >= 0) {
    r = open_sockets(&s, port, tcp);
  }
  if (r < 0) {
    fprintf(stderr, "mp_responder: %s\n", strerror(-r));
    return 1;
  }
  if (printf("%d\n", r) < 0 || fflush(stdout) != 0) {
    return 1;
  }
  run(&s);
  fprintf(stderr, "queries=%llu\n", (unsigned long long)s.queries);
  for (size_t i = 0; i < MAX_CONNS; i++) {
    if (s.conns[i].fd >= 0) {
      conn_close(&s.conns[i]);
    }
  }
  for (; s.qcount > 0; s.qcount--, s.qhead = (s.qhead + 1) % s.qcap) {
    free(s.queue[s.qhead].data);
  }
  free(s.queue);
  close(s.udp);
  if (s.spoof >= 0) {
    close(s.spoof);
  }
  if (s.listener >= 0) {
    close(s.listener);
  }
  return 0;
}
