#ifndef MP_SCANNER_DNS_FLIGHT_H
#define MP_SCANNER_DNS_FLIGHT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scanner/dns/channel.h"
#include "scanner/dns/dnsname.h"

/* The resolver's bookkeeping of what is in flight: the distinct queries
 * (single-flight by wire name and type), each one's attempts on the wire,
 * the queue of queries waiting to be sent, and the deadlines at which
 * queries give up. Pools, no allocation per lookup once warm. Used by
 * resolver.c only; plain data structures, no I/O. */

struct mp_upstream; /* a server the resolver asks (resolver.c) */
struct mp_resolver;
struct mp_waiter;
struct mp_query;

/* One query sent: it counts in its server's window until its reply or until
 * it is overdue; the channel holds it until a reply or its own timeout. */
struct mp_attempt {
  struct mp_chan_req req; /* first member: the channel hands it back */
  struct mp_query *q;     /* NULL once the lookup is over */
  struct mp_resolver *r;
  struct mp_upstream *up;
  struct mp_attempt *prev, *next; /* the server's list, while counted */
  struct mp_attempt *qnext;       /* the query's attempts, or the free list */
  uint64_t sent_ns;
  unsigned inflight; /* the server's attempts in flight with it */
  uint8_t k;         /* attempt number within the hop */
  bool counted, overdue;
  bool tcp; /* on the server's TCP channel, outside its window */
};

/* One distinct (name, type) in flight, shared by all its waiters. */
struct mp_query {
  uint64_t key;
  struct mp_query *hnext;         /* hash chain, or the free list */
  struct mp_query *qnext, *qprev; /* the send queue */
  struct mp_resolver *r;
  struct mp_waiter *waiters;
  struct mp_attempt *attempts;      /* on the wire now */
  struct mp_upstream *last, *probe; /* probe: sent only to this (down)
                                       server */
  size_t heap;                      /* index among the deadlines, or
                                       SIZE_MAX */
  uint64_t give_up_ns;
  uint64_t first_ns, hop_ns; /* first attempt, and first of this hop */
  unsigned attempts_n;       /* attempts sent, every hop */
  unsigned hop_n;            /* attempts sent for the name asked now */
  unsigned hops;             /* dangling aliases followed */
  bool queued, refused, in_table;
  bool ping; /* a ping of the server (control.h), no waiters */
  uint16_t type;
  /* Names on the wire, lowercase (dnsname.h): one form, one key. */
  uint8_t name[MP_DNSNAME_WIRE_MAX]; /* the name looked up (the key) */
  uint8_t ask[MP_DNSNAME_WIRE_MAX];  /* the name asked now: name, or an
                                        alias target being followed */
};

struct mp_qslab;
struct mp_aslab;

struct mp_flight {
  struct mp_query **table; /* single-flight index, power-of-two buckets */
  size_t tsize, tcount;
  struct mp_query *free_q;
  struct mp_attempt *free_a;
  struct mp_qslab *qslabs;
  struct mp_aslab *aslabs;
  struct mp_query **heap; /* give-up deadlines, a binary heap */
  size_t nheap, capheap;
  struct mp_query *head, *tail; /* the send queue */
  size_t queued;
};

void mp_flight_init(struct mp_flight *f);

/* Frees the pools; nothing may be in flight any more. */
void mp_flight_close(struct mp_flight *f);

/* A query (zeroed up to its names, no deadline) or an attempt (zeroed) from
 * the pools, and back. */
struct mp_query *mp_flight_query(struct mp_flight *f);
void mp_flight_put_query(struct mp_flight *f, struct mp_query *q);
struct mp_attempt *mp_flight_attempt(struct mp_flight *f);
void mp_flight_put_attempt(struct mp_flight *f, struct mp_attempt *a);

/* The single-flight key of a wire name (lowercase) and a type, so every
 * spelling of a name is one query. */
uint64_t mp_flight_key(const uint8_t *name, size_t len, uint16_t type);

/* The query in flight for (name, type) with that key, or NULL. */
struct mp_query *mp_flight_find(struct mp_flight *f, uint64_t key,
                                const uint8_t *name, size_t len, uint16_t type);

/* Into the single-flight index (q->key set), and out of it. */
void mp_flight_index(struct mp_flight *f, struct mp_query *q);
void mp_flight_unindex(struct mp_flight *f, struct mp_query *q);

/* The send queue: at its head (retries) or tail, and out of it. */
void mp_flight_enqueue(struct mp_flight *f, struct mp_query *q, bool front);
void mp_flight_unqueue(struct mp_flight *f, struct mp_query *q);

/* q gives up at `at` (ns); or no more. */
void mp_flight_deadline(struct mp_flight *f, struct mp_query *q, uint64_t at);
void mp_flight_undeadline(struct mp_flight *f, struct mp_query *q);

/* The query whose deadline is the earliest, if it is at or before now;
 * else NULL. It stays among the deadlines. */
struct mp_query *mp_flight_due(const struct mp_flight *f, uint64_t now);

/* Unlinks a from its query's attempts (a->q becomes NULL). */
void mp_flight_detach(struct mp_attempt *a);

#endif
