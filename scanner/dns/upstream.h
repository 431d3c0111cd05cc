#ifndef MP_SCANNER_DNS_UPSTREAM_H
#define MP_SCANNER_DNS_UPSTREAM_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "input/servers.h"
#include "scanner/dns/channel.h"
#include "scanner/dns/control.h"
#include "scanner/dns/flight.h"

/* One server the resolver asks, as resolver.c keeps it: its channels (a few
 * sockets, renewed as the scan goes), its concurrency control, the attempts
 * that count in its window (in send order, by attempt number, so the
 * overdue ones are found at the heads), and its health: whether it answers,
 * what failed since it last did, a name it answered (to probe it while it
 * is paused, and to ping it for its queue). */

#define MP_UPSTREAM_CHANNELS 4 /* sockets, so source ports */
#define MP_UPSTREAM_LISTS    4 /* attempts counted by number: 0, 1, 2, 3+ */

enum mp_upstream_failure {
  MP_UPSTREAM_OVERDUE,
  MP_UPSTREAM_REFUSED,
  MP_UPSTREAM_SERVFAIL,
  MP_UPSTREAM_OTHER,
};

struct mp_upstream {
  struct mp_server addr;
  char label[INET6_ADDRSTRLEN + 8]; /* "addr:port" for logs */
  struct mp_chan_opts chan_opts;    /* for new channels */
  struct mp_chan *chans[MP_UPSTREAM_CHANNELS];
  struct mp_chan *tcp;      /* for truncated replies, --timeout per query */
  struct mp_chan **retired; /* renewed, until nothing of theirs is in
                               flight */
  size_t nretired, capretired;
  unsigned next_chan;
  struct mp_control ctl;
  struct mp_attempt *head[MP_UPSTREAM_LISTS], *tail[MP_UPSTREAM_LISTS];
  bool up;
  bool dead; /* down, and nothing known to answer (or its probe failed) */
  uint64_t down_ns, probe_ns;
  unsigned failed[4]; /* since it last answered, by enum mp_upstream_failure */
  uint8_t good[MP_DNSNAME_WIRE_MAX]; /* a name it answered (wire form) */
  size_t good_len;                   /* 0: none yet */
  uint16_t good_type;
  struct mp_attempt *ping; /* the ping in flight, until its reply or rto */
  unsigned live;           /* channels not yet gone */
  bool closing;
  void (*closed)(void *ctx); /* after mp_upstream_close, when the last
                                channel is gone */
  void *ctx;
};

/* Sets up up for addr with its channels (made from chan: loop, timeout and
 * EDNS size; the TCP one waits ctl->timeout_ns) and a controller from ctl. 0,
 * or -EINVAL when c-ares cannot make a channel (logged; nothing is left open).
 */
int mp_upstream_init(struct mp_upstream *up, const struct mp_server *addr,
                     const struct mp_chan_opts *chan,
                     const struct mp_control_opts *ctl, uint64_t now);

/* Frees the channels (what is in flight ends, see mp_chan_free);
 * closed(ctx) runs when the last is gone, maybe before this returns. */
void mp_upstream_close(struct mp_upstream *up, void (*closed)(void *ctx),
                       void *ctx);

/* The channel for the next attempt, round robin; one that has served
 * enough is renewed first (a fresh socket, a fresh source port). */
struct mp_chan *mp_upstream_chan(struct mp_upstream *up, uint64_t now);

/* Sends what its channels queued (mp_chan_flush). */
void mp_upstream_flush(struct mp_upstream *up);

/* From the tick: c-ares' own timeouts, and the retired channels freed once
 * nothing of theirs is in flight. */
void mp_upstream_tick(struct mp_upstream *up);

/* a (a->k set) counts in up's window until uncounted. */
void mp_upstream_count(struct mp_upstream *up, struct mp_attempt *a);
void mp_upstream_uncount(struct mp_upstream *up, struct mp_attempt *a);

/* The oldest counted attempt whose timeout has passed at now, or NULL. */
struct mp_attempt *mp_upstream_overdue(const struct mp_upstream *up,
                                       uint64_t now);

/* A failure of up: counted, and true when up is now found not answering
 * (control.h: mp_control_failing); it is then paused (logged). */
bool mp_upstream_failure(struct mp_upstream *up, enum mp_upstream_failure what,
                         uint64_t now);

/* up answered: true when it was paused and is up again (logged). */
bool mp_upstream_answered(struct mp_upstream *up, uint64_t now);

/* (name, type) got an answer from up: the name to probe and ping it
 * with. */
void mp_upstream_learn(struct mp_upstream *up, const uint8_t *name,
                       uint16_t type);

#endif
