#ifndef MP_SCANNER_RESOLVER_H
#define MP_SCANNER_RESOLVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "input/servers.h"
#include "scanner/dnswire.h"

/* Asynchronous DNS lookups for the scan: c-ares channels driven by the libuv
 * loop, single-flight per (name, type), a global queries-per-second cap and
 * our own retry policy. The only module that includes <ares.h>. */

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
  unsigned timeout_ms; /* per attempt */
  unsigned retries;    /* further attempts after a timeout */
  double qps;          /* queries per second over all servers, 0 = no cap */
  unsigned window;     /* queries in flight at most; more wait their turn */
  uint16_t edns_size;  /* 0 = no EDNS */
};

struct mp_resolver_stats {
  uint64_t sent;     /* queries handed to c-ares, retries included */
  uint64_t retries;  /* of which retries after a timeout */
  uint64_t shared;   /* lookups that joined a query already in flight */
  uint64_t answered; /* distinct queries completed */
  uint64_t outcomes[MP_OUTCOME_COUNT]; /* per distinct query */
  uint64_t inflight;                   /* distinct queries in flight now */
};

/* Creates the resolver on loop. Returns 0 and *out, or a negative errno
 * (c-ares initialisation failures map to -EINVAL/-ENOMEM). */
int mp_resolver_new(uv_loop_t *loop, const struct mp_resolver_opts *opts,
                    struct mp_resolver **out);

/* Asks for (name, type); w->cb must be set. When the same pair is already in
 * flight, w joins that query (single-flight). A name that cannot be encoded
 * is answered at once with outcome error. */
void mp_resolver_submit(struct mp_resolver *r, const char *name, uint16_t type,
                        struct mp_waiter *w);

const struct mp_resolver_stats *mp_resolver_stats(const struct mp_resolver *r);

/* Cancels what is in flight (waiters get outcome error), closes every
 * handle and frees r; cb(arg) runs from the last close callback. */
void mp_resolver_close(struct mp_resolver *r, void (*cb)(void *arg), void *arg);

#endif
