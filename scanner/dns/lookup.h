#ifndef MP_SCANNER_DNS_LOOKUP_H
#define MP_SCANNER_DNS_LOOKUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "scanner/dns/flight.h"
#include "scanner/dns/resolver.h"
#include "scanner/dns/upstream.h"

/* The resolver's inside, shared by its two files: resolver.c (the API, the
 * tick, the health of the servers, the lifecycle) and lookup.c (a lookup's
 * path: the send queue, the attempts, the replies and timeouts, the
 * waiters). */

#define MS  1000000ull
#define SEC 1000000000ull

struct mp_resolver {
  uv_loop_t *loop;
  struct mp_resolver_opts opts;
  struct mp_upstream *servers;
  struct mp_dgram_ring *ring; /* the replies read in a batch, any server's */
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

/* A query of (name, type), a wire name of len octets, from the pool. */
struct mp_query *mp_lookup_new(struct mp_resolver *r, const uint8_t *name,
                               size_t len, uint16_t type);

/* Ends q with an answer of outcome and no records. */
void mp_lookup_fail(struct mp_query *q, enum mp_outcome outcome);

/* Into the send queue: at its head (a retry) or its tail. */
void mp_lookup_enqueue(struct mp_query *q, bool front);

/* Sends an attempt of q to srv now: in its window, or (a ping) outside
 * it. */
struct mp_attempt *mp_lookup_send(struct mp_query *q, struct mp_upstream *srv,
                                  uint64_t now);

/* Sends what the queue holds as far as the windows, rates and the qps cap
 * allow (see lookup.c); from the loop only. */
void mp_lookup_flush(struct mp_resolver *r);

/* a's query got no reply within a's timeout. */
void mp_lookup_overdue(struct mp_attempt *a, uint64_t now);

#endif
