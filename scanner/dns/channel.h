#ifndef MP_SCANNER_DNS_CHANNEL_H
#define MP_SCANNER_DNS_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "input/servers.h"

/* One c-ares channel asking one server, driven by the libuv loop: one UDP
 * socket (so one source port the kernel picked at random), its datagrams
 * sent and read in batches (dgram.h), truncated replies handed back as they
 * are (the caller asks again over TCP); or, with opts.tcp, one TCP
 * connection for every query. UDP and TCP are never on one channel: c-ares
 * 1.18 ends every query of a channel with ECONNREFUSED when one of its
 * sockets fails (a resolver resetting a TCP connection), so a reset would
 * take the datagrams in flight with it. Each query goes out with a random ID
 * (getrandom(2)) not in flight on the channel; c-ares takes a reply only on
 * the connected socket (the server's address and port) with that ID and the
 * same question. The only module that includes <ares.h>. */

struct mp_chan;
struct mp_chan_req;
struct mp_dgram_ring;

enum mp_chan_status {
  MP_CHAN_REPLY,   /* the reply is in abuf */
  MP_CHAN_TIMEOUT, /* none within the channel's timeout */
  MP_CHAN_REFUSED, /* connection refused (ICMP port unreachable) */
  MP_CHAN_CLOSED,  /* the channel was freed with the query in flight */
  MP_CHAN_FAILED,  /* anything else (a send error, ...) */
};

/* A query's end: called once, from the loop. abuf is borrowed for the
 * call (MP_CHAN_REPLY only). */
typedef void (*mp_chan_cb)(struct mp_chan_req *req, enum mp_chan_status st,
                           const uint8_t *abuf, size_t alen);

/* One query on a channel, embedded by the caller (no allocation per
 * query): valid from mp_chan_send until its callback. */
struct mp_chan_req {
  mp_chan_cb cb;
  struct mp_chan *c; /* private */
  uint16_t id;       /* set by mp_chan_send */
};

struct mp_chan_opts {
  uv_loop_t *loop;
  const struct mp_server *server;
  unsigned timeout_ms;        /* c-ares' own timeout: a backstop */
  uint16_t edns_size;         /* 0: no EDNS */
  struct mp_dgram_ring *ring; /* borrowed: where replies are read */
  bool tcp;                   /* every query over TCP */
  /* The channel's last libuv handle is closed after mp_chan_free: it is
   * gone. May run from within mp_chan_free. */
  void (*gone)(void *ctx);
  void *ctx;
};

/* A new channel, or NULL (logged) when c-ares cannot make one. */
struct mp_chan *mp_chan_new(const struct mp_chan_opts *o);

/* Reserves a random ID not in flight on c for req (req->id), until req's
 * callback. */
void mp_chan_reserve(struct mp_chan *c, struct mp_chan_req *req);

/* Sends query q[0..len), encoded with req->id (queued until
 * mp_chan_flush); req->cb must be set and runs once when it ends. */
void mp_chan_send(struct mp_chan *c, const uint8_t *q, size_t len,
                  struct mp_chan_req *req);

/* Sends the queries mp_chan_send queued (UDP goes out in batches,
 * dgram.h). From the loop, not from within one of c's callbacks; the
 * resolver calls it when it has sent what it could. */
void mp_chan_flush(struct mp_chan *c);

/* Lets c-ares find its own timeouts (from a timer, not per event). */
void mp_chan_tick(struct mp_chan *c);

/* Queries in flight; queries sent since it was made; when it was made. */
unsigned mp_chan_outstanding(const struct mp_chan *c);
uint64_t mp_chan_sends(const struct mp_chan *c);
uint64_t mp_chan_born_ns(const struct mp_chan *c);

/* Ends every query in flight (callbacks with MP_CHAN_CLOSED), closes the
 * sockets and frees c once their handles are closed (opts.gone then). Not
 * from within one of c's callbacks. */
void mp_chan_free(struct mp_chan *c);

/* c-ares' global state, once per process around the channels' use: 0, or
 * -ENOMEM. */
int mp_chan_library_init(void);
void mp_chan_library_cleanup(void);

/* The version of the c-ares library loaded (ares_version()), which may be
 * newer than the headers built against: "1.18.1". */
const char *mp_chan_library_version(void);

#endif
