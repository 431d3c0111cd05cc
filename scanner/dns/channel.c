#include "scanner/dns/channel.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/select.h> /* c-ares 1.18's <ares.h> needs fd_set */
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <ares.h>

#include "scanner/base/alloc.h"
#include "scanner/base/log.h"
#include "scanner/dns/dgram.h"

#define RCVBUF_BYTES (4 << 20)
#define RANDOM_BYTES 512

struct sockpoll {
  uv_poll_t h;
  ares_socket_t fd;
  struct mp_chan *c;
  struct sockpoll *next;
};

struct mp_chan {
  ares_channel ch;
  struct mp_chan_opts o;
  struct mp_server server; /* our copy, behind o.server */
  struct sockpoll *polls;
  unsigned open;        /* poll handles not yet closed */
  unsigned outstanding; /* ares_send calls not yet ended */
  uint64_t sends, born_ns;
  bool freeing;
  uint8_t rnd[RANDOM_BYTES];
  size_t rnd_pos;
  uint64_t ids[65536 / 64]; /* IDs in flight */
  struct mp_dgram udp;      /* c-ares' UDP socket, batched */
};

/* --- random IDs ----------------------------------------------------------
 */

static uint16_t random16(struct mp_chan *c)
{
  uint16_t v;

  if (c->rnd_pos + 2 > sizeof(c->rnd)) {
    size_t got = 0;

    while (got < sizeof(c->rnd)) {
      ssize_t n = getrandom(c->rnd + got, sizeof(c->rnd) - got, 0);

      if (n < 0 && errno != EINTR) {
        mp_log_error("getrandom: %s", strerror(errno));
        abort(); /* no query may go out with a guessable ID */
      }
      got += n > 0 ? (size_t)n : 0;
    }
    c->rnd_pos = 0;
  }
  memcpy(&v, c->rnd + c->rnd_pos, 2);
  c->rnd_pos += 2;
  return v;
}

/* Well under 65536 IDs are ever in flight on a channel, so the draw ends
 * fast. */
void mp_chan_reserve(struct mp_chan *c, struct mp_chan_req *req)
{
  uint16_t id;

  do {
    id = random16(c);
  } while (c->ids[id / 64] & (1ull << (id % 64)));
  c->ids[id / 64] |= 1ull << (id % 64);
  req->id = id;
  req->c = c;
}

/* --- queries -------------------------------------------------------------
 */

/* The one place where c-ares statuses become ours. */
static void on_ares(void *arg, int status, int timeouts, unsigned char *abuf,
                    int alen)
{
  struct mp_chan_req *req = arg;
  struct mp_chan *c = req->c;
  enum mp_chan_status st;

  (void)timeouts;
  c->ids[req->id / 64] &= ~(1ull << (req->id % 64));
  c->outstanding--;
  switch (status) {
  case ARES_SUCCESS:
    st = MP_CHAN_REPLY;
    break;
  case ARES_ETIMEOUT:
    st = MP_CHAN_TIMEOUT;
    break;
  case ARES_ECONNREFUSED:
    st = MP_CHAN_REFUSED;
    break;
  case ARES_EDESTRUCTION:
  case ARES_ECANCELLED:
    st = MP_CHAN_CLOSED;
    break;
  default:
    st = MP_CHAN_FAILED;
    break;
  }
  req->cb(req, st, abuf, st == MP_CHAN_REPLY ? (size_t)alen : 0);
}

void mp_chan_send(struct mp_chan *c, const uint8_t *q, size_t len,
                  struct mp_chan_req *req)
{
  c->outstanding++;
  c->sends++;
  ares_send(c->ch, q, (int)len, on_ares, req);
}

void mp_chan_tick(struct mp_chan *c)
{
  if (c->outstanding) {
    ares_process_fd(c->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
    mp_chan_flush(c);
  }
}

unsigned mp_chan_outstanding(const struct mp_chan *c)
{
  return c->outstanding;
}

uint64_t mp_chan_sends(const struct mp_chan *c)
{
  return c->sends;
}

uint64_t mp_chan_born_ns(const struct mp_chan *c)
{
  return c->born_ns;
}

/* --- c-ares' socket functions: UDP batched (dgram.h) ---------------------
 */

static ares_socket_t on_socket(int domain, int type, int protocol, void *data)
{
  struct mp_chan *c = data;
  int fd = socket(domain, type, protocol);

  if (fd >= 0 && (type & 0xF) == SOCK_DGRAM) {
    mp_dgram_open(&c->udp, fd, c->o.ring); /* c-ares keeps one */
  }
  return fd >= 0 ? fd : ARES_SOCKET_BAD;
}

static int on_close(ares_socket_t fd, void *data)
{
  struct mp_chan *c = data;

  if (fd == c->udp.fd) {
    mp_dgram_close(&c->udp);
  }
  return close(fd);
}

static int on_connect(ares_socket_t fd, const struct sockaddr *sa,
                      ares_socklen_t len, void *data)
{
  (void)data;
  return connect(fd, sa, len);
}

static ares_ssize_t on_recvfrom(ares_socket_t fd, void *buf, size_t len,
                                int flags, struct sockaddr *from,
                                ares_socklen_t *fromlen, void *data)
{
  struct mp_chan *c = data;

  if (fd == c->udp.fd) {
    return mp_dgram_recv(&c->udp, buf, len, from, fromlen);
  }
  return recvfrom(fd, buf, len, flags, from, fromlen);
}

static ares_ssize_t on_sendv(ares_socket_t fd, const struct iovec *iov, int n,
                             void *data)
{
  struct mp_chan *c = data;

  if (fd == c->udp.fd) {
    return mp_dgram_send(&c->udp, iov, n);
  }
  return writev(fd, iov, n);
}

static const struct ares_socket_functions socket_functions = {
    on_socket, on_close, on_connect, on_recvfrom, on_sendv,
};

/* Lets c-ares read until nothing is left of a batch read (c-ares may stop
 * early) or of a send error kept. */
static void drain(struct mp_chan *c)
{
  while (c->udp.fd >= 0 && mp_dgram_pending(&c->udp)) {
    uint64_t told = c->udp.told;

    ares_process_fd(c->ch, c->udp.fd, ARES_SOCKET_BAD);
    if (c->udp.told == told) {
      break; /* c-ares reads that socket no more */
    }
  }
}

void mp_chan_flush(struct mp_chan *c)
{
  if (c->udp.fd >= 0 && c->udp.nout) {
    mp_dgram_flush(&c->udp);
    drain(c);
  }
}

/* --- sockets on the libuv loop -------------------------------------------
 */

static void on_poll_closed(uv_handle_t *h)
{
  struct sockpoll *sp = (struct sockpoll *)h;
  struct mp_chan *c = sp->c;

  mp_free(sp);
  if (--c->open == 0 && c->freeing) {
    void (*gone)(void *) = c->o.gone;
    void *ctx = c->o.ctx;

    mp_free(c);
    if (gone) {
      gone(ctx);
    }
  }
}

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
  drain(sp->c);
  mp_chan_flush(sp->c);
}

/* c-ares tells which sockets to watch: one uv_poll_t per socket. It calls
 * this with neither flag before it closes a socket. */
static void on_sock_state(void *data, ares_socket_t fd, int readable,
                          int writable)
{
  struct mp_chan *c = data;
  struct sockpoll **pp = &c->polls, *sp;

  while (*pp && (*pp)->fd != fd) {
    pp = &(*pp)->next;
  }
  sp = *pp;
  if (!readable && !writable) {
    if (sp) {
      *pp = sp->next;
      uv_poll_stop(&sp->h);
      uv_close((uv_handle_t *)&sp->h, on_poll_closed);
    }
    return;
  }
  if (!sp) {
    sp = mp_calloc(1, sizeof(*sp));
    sp->fd = fd;
    sp->c = c;
    if (uv_poll_init_socket(c->o.loop, &sp->h, fd) != 0) {
      mp_log_error("cannot watch DNS socket %d", fd);
      mp_free(sp);
      return;
    }
    c->open++;
    sp->next = c->polls;
    c->polls = sp;
  }
  uv_poll_start(&sp->h,
                (readable ? UV_READABLE : 0) | (writable ? UV_WRITABLE : 0),
                on_poll);
}

/* --- a channel -----------------------------------------------------------
 */

struct mp_chan *mp_chan_new(const struct mp_chan_opts *o)
{
  struct mp_chan *c = mp_calloc(1, sizeof(*c));
  struct ares_options ao;
  struct ares_addr_port_node node;
  int mask, rc;

  c->o = *o;
  c->server = *o->server;
  c->o.server = &c->server;
  c->born_ns = uv_hrtime();
  c->rnd_pos = sizeof(c->rnd);
  c->udp.fd = -1;
  memset(&ao, 0, sizeof(ao));
  ao.flags = ARES_FLAG_NOCHECKRESP | ARES_FLAG_STAYOPEN | ARES_FLAG_NOSEARCH |
             (o->tcp ? ARES_FLAG_USEVC : ARES_FLAG_IGNTC) |
             (o->edns_size ? ARES_FLAG_EDNS : 0);
  ao.timeout = (int)o->timeout_ms;
  ao.tries = 1; /* retries are the caller's */
  ao.ednspsz = o->edns_size;
  ao.sock_state_cb = on_sock_state;
  ao.sock_state_cb_data = c;
  ao.socket_receive_buffer_size = RCVBUF_BYTES;
  ao.ndomains = 0;
  mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES |
         ARES_OPT_SOCK_STATE_CB | ARES_OPT_SOCK_RCVBUF | ARES_OPT_DOMAINS |
         (o->edns_size ? ARES_OPT_EDNSPSZ : 0);
  if ((rc = ares_init_options(&c->ch, &ao, mask)) != ARES_SUCCESS) {
    mp_log_error("c-ares: %s", ares_strerror(rc));
    mp_free(c);
    return NULL;
  }
  memset(&node, 0, sizeof(node));
  node.family = c->server.family;
  memcpy(&node.addr, c->server.addr, c->server.family == AF_INET ? 4 : 16);
  node.udp_port = c->server.port;
  node.tcp_port = c->server.port;
  if ((rc = ares_set_servers_ports(c->ch, &node)) != ARES_SUCCESS) {
    mp_log_error("c-ares servers: %s", ares_strerror(rc));
    ares_destroy(c->ch);
    mp_free(c);
    return NULL;
  }
  ares_set_socket_functions(c->ch, &socket_functions, c);
  return c;
}

void mp_chan_free(struct mp_chan *c)
{
  c->freeing = true;
  /* ends each query with ARES_EDESTRUCTION and reports every socket
   * closed, which closes the polls */
  ares_destroy(c->ch);
  mp_dgram_close(&c->udp); /* done by on_close already, when c-ares
                            * closed the UDP socket through it */
  if (c->open == 0) {
    void (*gone)(void *) = c->o.gone;
    void *ctx = c->o.ctx;

    mp_free(c);
    if (gone) {
      gone(ctx);
    }
  }
}

const char *mp_chan_library_version(void)
{
  return ares_version(NULL);
}

int mp_chan_library_init(void)
{
  return ares_library_init(ARES_LIB_INIT_ALL) == ARES_SUCCESS ? 0 : -ENOMEM;
}

void mp_chan_library_cleanup(void)
{
  ares_library_cleanup();
}
