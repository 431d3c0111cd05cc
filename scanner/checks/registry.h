#ifndef MP_SCANNER_CHECKS_REGISTRY_H
#define MP_SCANNER_CHECKS_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>

struct mp_job;
struct mp_result;

/* The check registry: every check, in row order, once. Its name is the
 * only source of --checks' names and of --help's list; its state_size
 * sizes the opaque slot each job holds for it (mp_job_state). */

/* A check module. init()/close() set up and free its state st in a job
 * slot (once per scan; may be NULL); start() asks for the lookups it needs
 * (mp_job_lookup, tasks); finish() turns the answers into its part of the
 * row and reset() drops what it holds before the slot is reused (may be
 * NULL). All run on the loop; finish() only reads the job and st. A check
 * reads what another found only from the row (the parts filled before its
 * own, in registry order). */
struct mp_check {
  const char *name; /* as --checks names it */
  size_t state_size;
  void (*init)(struct mp_job *job, void *st);
  void (*start)(struct mp_job *job, void *st);
  void (*finish)(const struct mp_job *job, const void *st,
                 struct mp_result *res);
  void (*reset)(struct mp_job *job, void *st);
  void (*close)(struct mp_job *job, void *st);
  /* NULL, or true when its first lookup for job will be TXT <domain>
   * (mp_job_lookup): the job asks that one before starting any check
   * (job.h, mp_job_start), and hands the answer to the check */
  bool (*asks_domain_txt)(const struct mp_job *job);
};

/* The checks every job runs, in row order: a check may read the parts
 * filled before it (BIMI reads the DMARC policy). NULL-terminated. */
extern const struct mp_check *const mp_checks[];

/* The number of checks in mp_checks (at most 32: --checks is a bit set). */
size_t mp_checks_count(void);

/* The name of check i, NULL past the last: --checks, --help. */
const char *mp_check_name(size_t i);

/* Where check i's state starts in a job's state block (suitably aligned),
 * and the size of the whole block. */
size_t mp_check_state_offset(size_t i);
size_t mp_checks_state_size(void);

#endif
