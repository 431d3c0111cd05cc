#ifndef MP_SCANNER_TOPK_H
#define MP_SCANNER_TOPK_H

#include <stddef.h>
#include <stdint.h>

/* The most frequent names of a stream, in fixed memory: the Space-Saving
 * algorithm (Metwally et al. 2005) with MP_TOPK_SLOTS counters, a hash
 * index to find a name and a min-heap to find the least counted, so each
 * add is O(log MP_TOPK_SLOTS). While fewer than MP_TOPK_SLOTS distinct
 * names were seen the counts are exact (over 0) and do not depend on the
 * order of the stream. After that a name seen more often than
 * 1/MP_TOPK_SLOTS of the stream is always kept, and a count may be over by
 * at most its `over`. About 2.4 MB, touched as it fills. */

#define MP_TOPK_SLOTS   8192
#define MP_TOPK_BUCKETS (2 * MP_TOPK_SLOTS)
#define MP_TOPK_NAME    254

struct mp_topk_item {
  uint64_t hash;
  uint64_t count, over;
  uint32_t next; /* the next item of its hash bucket + 1, 0 none */
  uint32_t heap; /* its place in the heap */
  char name[MP_TOPK_NAME];
};

struct mp_topk {
  size_t n;
  uint32_t bucket[MP_TOPK_BUCKETS]; /* first item + 1, 0 none */
  uint32_t heap[MP_TOPK_SLOTS];     /* items, least count first */
  struct mp_topk_item item[MP_TOPK_SLOTS];
};

void mp_topk_init(struct mp_topk *t);

/* Counts one occurrence of name[0..len) (longer names are cut). */
void mp_topk_add(struct mp_topk *t, const char *name, size_t len);

/* The k most frequent, best first, into out[0..k); returns how many.
 * Ranked by what each was surely seen (count - over), so a name that
 * took over a slot late does not rank on its inherited count; a name that
 * may have been seen only once (over > 0, count - over < 2) is left out.
 * Ties go by count, then by name. */
size_t mp_topk_best(const struct mp_topk *t, const struct mp_topk_item **out,
                    size_t k);

#endif
