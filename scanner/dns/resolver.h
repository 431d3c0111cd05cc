#ifndef MP_SCANNER_DNS_RESOLVER_H
#define MP_SCANNER_DNS_RESOLVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <uv.h>

#include "input/servers.h"
#include "scanner/dns/dnswire.h"

/* Asynchronous DNS lookups for the scan: c-ares channels (channel.h) driven
 * by the libuv loop, single-flight per (name, type), and what c-ares leaves
 * to us:
 * - queries hard to forge: every attempt has a random ID (getrandom(2)),
 *   unique among those in flight on its channel, and each server is asked
 *   through several channels (so several source ports), renewed as the
 *   scan goes; c-ares accepts a reply only from the server's address and
 *   port, with that ID and the same question;
 * - adaptive concurrency per server (control.h): how many attempts are in
 *   flight, how fast they go, when one is overdue and sent again;
 * - health: a server that stops answering is paused and probed; when no
 *   server has answered for a while, lookups fail at once instead of
 *   waiting. */

struct mp_resolver;
struct mp_waiter;

/* Called once per waiter with the answer (borrowed: take a reference with
 * mp_answer_ref to keep it). Runs on the loop, possibly from within
 * mp_resolver_submit for a name that cannot be queried. */
typedef void (*mp_answer_cb)(struct mp_waiter *w, struct mp_answer *ans);

/* Embedded by the caller (no allocation per lookup); valid until its
 * callback runs. */
struct mp_waiter {
  mp_answer_cb cb;
  struct mp_waiter *next; /* private: the query's waiter list */
};

struct mp_resolver_opts {
  const struct mp_server *servers;
  size_t nservers;
  unsigned timeout_ms;    /* the longest wait for one attempt */
  unsigned retries;       /* further attempts after an overdue one */
  double qps;             /* queries per second over all servers, 0 = no cap */
  unsigned window;        /* queries in flight at most, all servers */
  bool fixed;             /* the window as given and a fixed timeout per
                             attempt (no adaptation) */
  uint16_t edns_size;     /* 0 = no EDNS */
  unsigned dead_after_ms; /* no server answering this long: fail at once */
  FILE *query_log;        /* each distinct query as "name TYPE", or NULL */
  /* Called from the loop when every queued query went out and a server
   * could take more: the caller may submit more (admit domains). */
  void (*hungry)(void *arg);
  void *hungry_arg;
};

struct mp_resolver_stats {
  uint64_t sent;     /* attempts handed to c-ares, retries included */
  uint64_t retries;  /* of which retries after an overdue attempt */
  uint64_t pings;    /* queries of a name just answered, for the queue
                        (control.h); not in sent */
  uint64_t overdue;  /* attempts with no reply within their timeout */
  uint64_t late;     /* replies that came after their attempt was overdue */
  uint64_t shared;   /* lookups that joined a query already in flight */
  uint64_t answered; /* distinct queries completed */
  uint64_t unsent;   /* of which failed without a query: no server was
                        answering (--dead-after) */
  uint64_t outcomes[MP_OUTCOME_COUNT]; /* per distinct query */
  uint64_t inflight;                   /* distinct queries in flight now */
  uint64_t queued;                     /* of which waiting to be sent */
  uint64_t window;                     /* attempts allowed in flight now */
  uint64_t window_peak;
  uint64_t down;      /* times a server was found not answering */
  uint64_t rate_cuts; /* times a server's rate limit was learned */
  double rate;        /* pacing now, sends/s over all servers; 0 = none */
  double srtt_ms;     /* smoothed round trip, first server */
  double rto_ms;      /* its timeout for a first attempt */
  bool dead;          /* no server is answering now: lookups fail at once
                         (dead_after_ms), or every server is paused and
                         failed its probe */
};

/* Creates the resolver on loop. Returns 0 and *out, or a negative errno
 * (c-ares initialisation failures map to -EINVAL/-ENOMEM). */
int mp_resolver_new(uv_loop_t *loop, const struct mp_resolver_opts *opts,
                    struct mp_resolver **out);

/* Asks for (name, type); w->cb must be set. name is presentation form
 * (scanner/dns/dnsname.h: \DDD escapes), and names that are the same on the
 * wire (any case, escaped or not) are the same name: when the pair is
 * already in flight, w joins that query (single-flight). A name that cannot
 * be encoded
 * is answered at once with outcome error, and so is every lookup while no
 * server answers (after dead_after_ms): outcome error, attempts 0. */
void mp_resolver_submit(struct mp_resolver *r, const char *name, uint16_t type,
                        struct mp_waiter *w);

/* Lookups waiting to be sent: 0 when the servers could take more. */
size_t mp_resolver_backlog(const struct mp_resolver *r);

/* True when a server answered (a lookup or a ping: NOERROR or NXDOMAIN)
 * within the last 3 s: a lookup that timed out meanwhile speaks of its
 * name's servers, not of the resolver. */
bool mp_resolver_answering(const struct mp_resolver *r);

/* Counters, brought up to date. */
const struct mp_resolver_stats *mp_resolver_stats(struct mp_resolver *r);

/* Cancels what is in flight (waiters get outcome error), closes every
 * handle and frees r; cb(arg) runs from the last close callback. */
void mp_resolver_close(struct mp_resolver *r, void (*cb)(void *arg), void *arg);

#endif
