#ifndef MP_SCANNER_JOB_H
#define MP_SCANNER_JOB_H

#include <stdbool.h>
#include <stdint.h>

#include "output/result.h"
#include "scanner/resolver.h"

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

struct mp_job {
  struct mp_resolver *resolver;
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
