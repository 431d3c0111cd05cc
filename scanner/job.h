#ifndef MP_SCANNER_JOB_H
#define MP_SCANNER_JOB_H

#include <stdbool.h>
#include <stdint.h>

#include "output/result.h"
#include "scanner/cache.h"
#include "scanner/resolver.h"
#include "scanner/spf_eval.h"

struct mp_config;

/* The per-domain job: the lookups the check modules ask for, counted until
 * the last one lands, then turned into one row. Jobs come from a pool sized
 * by --concurrency and are reused; nothing here allocates. */

struct mp_job;
struct mp_lookup;

/* A check's continuation for one answered lookup; it may ask for more. */
typedef void (*mp_lookup_cb)(struct mp_job *job, struct mp_lookup *lk);

struct mp_lookup {
  struct mp_waiter w; /* first member: the resolver hands this back */
  struct mp_job *job;
  mp_lookup_cb done;
  struct mp_answer *ans; /* our reference, once answered */
  uint16_t type;
  char name[MP_QNAME_MAX + 2];
};

/* The SPF check's state: its evaluation and what it waits for. */
struct mp_spf_waiter {
  struct mp_cache_waiter w; /* first member */
  struct mp_job *job;
};

struct mp_spf_state {
  struct mp_spf_eval ev;
  size_t phase;     /* 0: posture, k: the k-th --spf-ip address */
  unsigned waiting; /* cache entries not in yet, plus one while waiting */
  struct mp_spf_waiter *waiters;
  size_t capwaiters;
  struct mp_spf_outcome posture;
  struct {
    enum mp_spf_result result;
    enum mp_spf_reason reason;
  } checks[MP_SPF_CHECKS_MAX];
  char error_record[512]; /* a copy: the cache may drop the original */
  size_t error_record_len;
};

struct mp_job {
  struct mp_resolver *resolver;
  struct mp_cache *cache; /* shared answers (SPF targets, ...) */
  const struct mp_config *cfg;
  void (*complete)(struct mp_job *job); /* set by the scan */
  void *owner;                          /* the scan's, for complete() */
  struct mp_job *next_free;             /* the scan's pool */
  unsigned pending; /* lookups in flight, plus one while starting */

  uint64_t line;
  int64_t rank;
  size_t input_len;
  bool input_truncated;
  char input[MP_INPUT_MAX];
  char domain[MP_NAME_MAX + 1];
  int64_t started_us;
  uint64_t started_ns;

  /* check state: each check module owns its members */
  struct mp_lookup txt;       /* spf */
  struct mp_lookup dmarc_txt; /* dmarc */
  struct mp_lookup mx;        /* mx */
  struct mp_spf_state spf;    /* spf */
};

/* A check module: start() asks for the lookups it needs (through
 * mp_job_lookup); finish() turns the answers into its part of the row. Both
 * run on the loop; finish() only reads the job. */
struct mp_check {
  const char *name;
  void (*start)(struct mp_job *job);
  void (*finish)(const struct mp_job *job, struct mp_result *res);
};

/* The checks every job runs, in row order; NULL-terminated. */
extern const struct mp_check *const mp_checks[];

/* Asks the resolver for (name, type) on behalf of job; done (may be NULL)
 * runs when the answer is in lk->ans. lk must stay put until then. */
void mp_job_lookup(struct mp_job *job, struct mp_lookup *lk, const char *name,
                   uint16_t type, mp_lookup_cb done);

/* A check that works past its lookups (waiting on the cache) holds the
 * job; the job completes after the last release. */
void mp_job_hold(struct mp_job *job);
void mp_job_release(struct mp_job *job);

/* Starts every check; job->complete runs once, when no lookup is left
 * (possibly before this returns). */
void mp_job_start(struct mp_job *job);

/* Fills res from a completed job: input fields, status, every check's part.
 * res borrows from job until mp_job_reset. */
void mp_job_result(const struct mp_job *job, struct mp_result *res);

/* Drops the answers so the job can be reused. */
void mp_job_reset(struct mp_job *job);

/* Copies a lookup into a row's lookup (borrowing its answer). */
void mp_job_fill_lookup(const struct mp_lookup *lk,
                        struct mp_result_lookup *out);

#endif
