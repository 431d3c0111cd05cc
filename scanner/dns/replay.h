#ifndef MP_SCANNER_DNS_REPLAY_H
#define MP_SCANNER_DNS_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scanner/dns/cache.h"

/* Evaluation by replay over the answer cache. A check is written as plain
 * synchronous code that asks mp_replay_get() for the answers it needs;
 * when one is not in the cache yet, get returns NULL (and the fetch
 * starts), the code goes on or gives up, and the caller waits on
 * rp->pending[] and runs it again from the top. Every entry touched stays
 * referenced until mp_replay_reset(), so a replay never loses what the last
 * one had, and answers (and strings in them) stay valid for the row. A run
 * that asks again for a name an earlier run got answered (the same text,
 * type and kind) gets the pinned answer without a cache lookup, unless
 * that answer is a failure, which the cache may fetch again. With a cache
 * whose fetcher answers at once (tests), one run suffices. */

/* Fetches a replay started (cache misses), by whoever owns the counter:
 * the scan keeps one per check, for the summary. */
struct mp_replay_counts {
  uint64_t fetches;
  uint64_t txt; /* of which TXT */
};

/* An entry a run referenced, and the kind it was asked as. */
struct mp_replay_pin {
  struct mp_cache_entry *e;
  size_t len; /* of its name */
  uint16_t type;
  enum mp_cache_kind kind;
};

struct mp_replay {
  struct mp_cache *cache;
  struct mp_replay_counts *counts; /* NULL: not counted */
  enum mp_cache_kind kind;         /* what get() asks as (KEEP) */
  const char *const *dead_zone;    /* NULL, or where a zone name is kept
                                      once its servers do not answer: names
                                      at and below it are not asked, they
                                      time out at once (job.h) */
  struct mp_replay_pin *pins;      /* referenced entries, each once */
  size_t npins, cappins;
  struct mp_cache_entry **pending; /* what the last run missed */
  size_t npending, cappending;
};

void mp_replay_init(struct mp_replay *rp, struct mp_cache *cache);
void mp_replay_close(struct mp_replay *rp);

/* Starts a run: forgets what the last one missed. */
void mp_replay_begin(struct mp_replay *rp);

/* Drops every reference: answers from get() are invalid afterwards. */
void mp_replay_reset(struct mp_replay *rp);

/* The answer for (name, type), or NULL when it is being fetched (noted in
 * pending). name is presentation form (scanner/dns/dnsname.h); one that cannot
 * be asked (the root, an empty label, a label over 63 octets, over 255 on
 * the wire) gets a shared NXDOMAIN answer: as if it did not exist. *entry
 * (if not NULL) gets the cache entry, NULL for such names. */
const struct mp_answer *mp_replay_get(struct mp_replay *rp, const char *name,
                                      uint16_t type,
                                      struct mp_cache_entry **entry);

/* get() as kind rather than rp->kind (cache.h). */
const struct mp_answer *mp_replay_get_as(struct mp_replay *rp, const char *name,
                                         uint16_t type,
                                         enum mp_cache_kind kind);

/* True when the last run missed something. */
static inline bool mp_replay_missing(const struct mp_replay *rp)
{
  return rp->npending > 0;
}

#endif
