#ifndef MP_SCANNER_DNS_CACHE_H
#define MP_SCANNER_DNS_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scanner/dns/dnswire.h"

/* The answer cache shared by every domain of a scan: (name, type) to a DNS
 * answer, with single-flight fetches (one fetch per entry however many ask
 * at once; askers wait on the entry), TTLs honoured, failures fetched again
 * for the next asker (with backoff), and a byte budget with
 * least-recently-used eviction of entries nobody holds. An entry may carry
 * an attachment built from its answer: the SPF engine keeps its compiled
 * node there, so a provider's record is fetched and parsed once per scan.
 * Keys are XXH3-64 of the name text (scanner/dns/dnsname.h: one text per
 * name) mixed with the type. Runs on one thread; no locks. */

struct mp_cache;
struct mp_cache_entry;
struct mp_cache_waiter;

/* Gets an answer the cache lacks: it must call mp_cache_fill(c, e, ans)
 * exactly once, later or before it returns. */
typedef void (*mp_cache_fetch_fn)(void *ctx, struct mp_cache *c,
                                  struct mp_cache_entry *e, const char *name,
                                  uint16_t type);

/* Called once when the entry waited on has its answer. */
typedef void (*mp_cache_ready_cb)(struct mp_cache_waiter *w);

struct mp_cache_waiter {
  mp_cache_ready_cb cb;
  struct mp_cache_waiter *next; /* private */
};

struct mp_cache_opts {
  size_t max_bytes;  /* budget for entries nobody holds; 0 = keep none */
  uint32_t max_ttl;  /* cap on any TTL, seconds */
  uint32_t neg_ttl;  /* nodata/nxdomain answers, seconds */
  uint32_t fail_ttl; /* servfail, timeout, other failures: the longest
                        backoff before the next asker fetches again,
                        seconds (the first failure: none) */
  mp_cache_fetch_fn fetch;
  void *fetch_ctx;
  uint64_t (*now_ms)(void *ctx); /* a monotonic clock in ms; NULL: the
                                    system's (CLOCK_MONOTONIC_COARSE) */
  void *now_ctx;
};

struct mp_cache_stats {
  uint64_t lookups;   /* mp_cache_get calls */
  uint64_t hits;      /* answered from the cache or joined a fetch */
  uint64_t fetches;   /* fetches started */
  uint64_t evictions; /* entries dropped for the byte budget */
  uint64_t unkept;    /* ONCE entries dropped when released */
  uint64_t expired;   /* entries refetched because their TTL ran out */
  uint64_t refetched; /* failures fetched again while still held */
  size_t entries, bytes;
};

/* A new cache. Never fails (allocation aborts on OOM). */
struct mp_cache *mp_cache_new(const struct mp_cache_opts *opts);

/* Frees the cache; every entry must be unreferenced and no fetch pending
 * (the scan ends its fetches first). NULL is a no-op. */
void mp_cache_free(struct mp_cache *c);

/* What an asker will do with an entry, so the budget keeps what is read
 * again: KEEP, the default; ONCE, a lookup no other domain repeats (DKIM
 * selector probes, report authorization): single-flighted like any, but
 * dropped when the last holder lets go unless a KEEP or MEMO asker came
 * too; MEMO, read by the SPF engine, whose memos are built over several
 * entries: only dropping or refilling such an entry moves the generation
 * (mp_cache_generation). */
enum mp_cache_kind { MP_CACHE_KEEP, MP_CACHE_ONCE, MP_CACHE_MEMO };

/* The entry for (name, type), with a reference the caller drops with
 * mp_cache_unref. When its answer is missing or expired a fetch starts
 * (or the caller joins the one under way). name is presentation form (any
 * case, escaped or not, with or without the trailing dot): every spelling
 * of a name is one entry, and the fetcher gets its name text. */
struct mp_cache_entry *mp_cache_get(struct mp_cache *c, const char *name,
                                    uint16_t type);
struct mp_cache_entry *mp_cache_get_kind(struct mp_cache *c, const char *name,
                                         uint16_t type,
                                         enum mp_cache_kind kind);

void mp_cache_unref(struct mp_cache *c, struct mp_cache_entry *e);

/* Offers an answer got outside the cache (a check's own lookup) for
 * (name, type), so a later mp_cache_get finds it without a query. Kept
 * only when the cache has no entry for it and ans is an answer (ok, nodata,
 * nxdomain; a failure is fetched again anyway); ans is borrowed (the cache
 * takes its own reference). The entry is unreferenced: the byte budget
 * may drop it at once. */
void mp_cache_offer(struct mp_cache *c, const char *name, uint16_t type,
                    struct mp_answer *ans);

/* The entry's answer, or NULL while it is being fetched; borrowed while
 * the entry is referenced. */
const struct mp_answer *mp_cache_answer(const struct mp_cache_entry *e);

/* The entry's name text and its type. */
const char *mp_cache_name(const struct mp_cache_entry *e);
uint16_t mp_cache_type(const struct mp_cache_entry *e);

/* Calls w->cb when the answer is in: later, or at once if it already is.
 * The caller must hold a reference until then. */
void mp_cache_wait(struct mp_cache *c, struct mp_cache_entry *e,
                   struct mp_cache_waiter *w);

/* The fetcher's completion: ans (borrowed; the cache takes its own
 * reference) becomes the entry's answer and its waiters run. */
void mp_cache_fill(struct mp_cache *c, struct mp_cache_entry *e,
                   struct mp_answer *ans);

/* The attachment built from the current answer, or NULL. Setting one
 * counts its bytes in the budget; free_fn(att) runs when the answer is
 * replaced or the entry dropped. */
void *mp_cache_attachment(const struct mp_cache_entry *e);
void mp_cache_attach(struct mp_cache *c, struct mp_cache_entry *e, void *att,
                     size_t bytes, void (*free_fn)(void *att));

/* Grows whenever a MEMO entry that had an answer is dropped or refilled,
 * so memos computed over several entries can tell they may be stale. */
uint64_t mp_cache_generation(const struct mp_cache *c);

const struct mp_cache_stats *mp_cache_stats(const struct mp_cache *c);

#endif
