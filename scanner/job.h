#ifndef MP_SCANNER_JOB_H
#define MP_SCANNER_JOB_H

#include <stdbool.h>
#include <stdint.h>

#include "output/result.h"
#include "scanner/dns/cache.h"
#include "scanner/dns/replay.h"
#include "scanner/dns/resolver.h"

struct mp_config;
struct mp_check;

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

/* A check's DNS work past its first lookup, run by replay (replay.h):
 * run() goes from the top until it returns 0; while it returns 1 the task
 * waits for what rp->pending names, then runs again. The job is held
 * meanwhile. */
struct mp_task;
typedef int (*mp_task_fn)(struct mp_task *t);

struct mp_task_waiter {
  struct mp_cache_waiter w; /* first member */
  struct mp_task *task;
};

struct mp_task {
  struct mp_job *job;
  struct mp_replay *rp;
  mp_task_fn run;
  unsigned waiting; /* entries not in yet, plus one while registering */
  struct mp_task_waiter *waiters;
  size_t capwaiters;
};

/* Cache fetches by check, for the summary (the scan's, shared by jobs). */
struct mp_check_counts {
  struct mp_replay_counts spf, dkim, mx, dmarc;
};

struct mp_orgdomain;
struct mp_line;

struct mp_job {
  struct mp_resolver *resolver;
  const struct mp_orgdomain *psl; /* the Public Suffix List, or NULL */
  struct mp_cache *cache; /* shared answers (SPF targets, MX hosts, ...) */
  struct mp_check_counts *counts;
  const struct mp_config *cfg;
  void (*complete)(struct mp_job *job); /* set by the scan */
  void *owner;                          /* the scan's, for complete() */
  struct mp_job *next_free;             /* the scan's pool */
  unsigned pending; /* lookups in flight, plus one while starting */
  unsigned on;      /* bit i: mp_checks[i] is on (--checks) */

  uint64_t line;
  int64_t rank;
  size_t input_len;
  bool input_truncated;
  char input[MP_INPUT_MAX];
  char domain[MP_NAME_MAX + 1];
  int64_t started_us;
  uint64_t started_ns;

  struct mp_lookup gate; /* TXT <domain>, asked first (mp_job_start) */
  const char *dead_zone; /* job->domain once the gate timed out: names at
                            and below it are not asked (mp_job_start) */

  unsigned char *state; /* the checks' slots (mp_job_state) */
  /* lookups go to submit when it is set (tests answer from a zone in
   * memory), else to the resolver */
  void (*submit)(struct mp_job *job, const char *name, uint16_t type,
                 struct mp_waiter *w);
};

/* The job's input line: its number and text (cut at MP_INPUT_MAX). */
void mp_job_set_input(struct mp_job *job, const struct mp_line *line);

/* Allocates the checks' state block of a job slot and runs every check's
 * init on it; sets job->on from cfg->checks (init) before. Close runs
 * every check's close and frees the block. */
void mp_job_init_checks(struct mp_job *job);
void mp_job_close_checks(struct mp_job *job);

/* The state slot of check (an entry of mp_checks) in job. */
void *mp_job_state(const struct mp_job *job, const struct mp_check *check);

/* Asks the resolver for (name, type) on behalf of job; done (may be NULL)
 * runs when the answer is in lk->ans. lk must stay put until then. */
void mp_job_lookup(struct mp_job *job, struct mp_lookup *lk, const char *name,
                   uint16_t type, mp_lookup_cb done);

/* A check that works past its lookups (waiting on the cache) holds the
 * job; the job completes after the last release. */
void mp_job_hold(struct mp_job *job);
void mp_job_release(struct mp_job *job);

/* Sets up a task of job over rp (owned by the caller). */
void mp_task_init(struct mp_task *t, struct mp_job *job, struct mp_replay *rp,
                  mp_task_fn run);
void mp_task_close(struct mp_task *t);

/* Holds the job and runs the task to its end (now or later). */
void mp_task_start(struct mp_task *t);

/* Starts every check; job->complete runs once, when no lookup is left
 * (possibly before this returns). When a check on asks TXT <domain> first
 * (mp_check.asks_domain_txt), the job asks it before any check starts and
 * hands that answer to the check. If it timed out, the domain's name
 * servers do not answer (a lame or dead delegation): the other names at
 * and below the domain are not asked, each gets a timeout with 0 attempts
 * at once. Without this, each such domain sends some 25 names that a
 * recursive resolver works on for a minute (Unbound 1.17 holds a query to
 * a server that never answers until it drops it), and a few percent of
 * them fill its 1024 slots, which every other domain needs. */
void mp_job_start(struct mp_job *job);

/* Fills res from a completed job: input fields, status, every check's part.
 * res borrows from job until mp_job_reset. */
void mp_job_result(const struct mp_job *job, struct mp_result *res);

/* Drops the answers so the job can be reused. */
void mp_job_reset(struct mp_job *job);

/* Drops a lookup's answer (the check's reset). */
void mp_lookup_reset(struct mp_lookup *lk);

/* Copies a lookup into a row's lookup (borrowing its answer). */
void mp_job_fill_lookup(const struct mp_lookup *lk,
                        struct mp_result_lookup *out);

#endif
