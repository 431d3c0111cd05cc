#ifndef MP_TESTS_SUPPORT_CHECKJOB_H
#define MP_TESTS_SUPPORT_CHECKJOB_H

#include "scanner/config.h"
#include "scanner/job.h"
#include "tests/support/memzone.h"

/* A job for the checks' unit tests: its lookups and the cache's fetches
 * are answered by an in-memory zone, at once. */
struct mp_checkjob {
  struct mp_memzone *zone;
  struct mp_cache *cache;
  struct mp_check_counts counts;
  struct mp_job *job;
};

/* Sets up h with an empty zone, a cache over it and a job with every
 * check's slot, reading *cfg, which it initializes to the defaults. */
void mp_checkjob_open(struct mp_checkjob *h, struct mp_config *cfg);

/* Frees what mp_checkjob_open made. */
void mp_checkjob_close(struct mp_checkjob *h);

#endif
