#ifndef MP_SCANNER_JOB_H
#define MP_SCANNER_JOB_H

#include <stdbool.h>
#include <stdint.h>

#include "output/result.h"
#include "scanner/dns/cache.h"
#include "scanner/dns/replay.h"
#include "scanner/dns/resolver.h"
#include "scanner/spf/eval.h"

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

/* The SPF check's state. */
struct mp_spf_state {
  struct mp_spf_eval ev;
  struct mp_task task;
  size_t phase; /* 0: posture, k: the k-th --spf-ip address */
  struct mp_spf_outcome posture;
  struct {
    enum mp_spf_result result;
    enum mp_spf_reason reason;
  } checks[MP_SPF_CHECKS_MAX];
  char error_record[512]; /* a copy: the cache may drop the original */
  size_t error_record_len;
};

/* The MX check's state: the hosts, their addresses and reverse DNS. */
struct mp_mx_state {
  struct mp_replay rp;
  struct mp_task task;
  struct mp_result_mx_check out; /* points into answers rp holds */
};

#define MP_DKIM_KEY_TYPE_MAX 64 /* bytes of a k= value kept for the row */

/* The DKIM check's state: the probes and the keys found. */
struct mp_dkim_state {
  struct mp_replay rp;
  struct mp_task task;
  struct mp_result_dkim out; /* points into answers rp holds, and into
                                key_type */
  char key_type[MP_DKIM_FOUND_MAX][MP_DKIM_KEY_TYPE_MAX + 1]; /* k= values
                                that are neither rsa nor ed25519 */
};

/* The DMARC check's state: discovery, the record that applies, report
 * authorization. */
struct mp_dmarc_state {
  struct mp_replay rp;
  struct mp_task task;
  struct mp_result_dmarc out; /* points into the job and rp's answers */
  char dest[2 * MP_DMARC_URIS_MAX][MP_NAME_MAX + 1]; /* rua, ruf domains */
  char fo[8];                                        /* "0:1:d:s" */
  uint32_t dropped; /* bit (1u << enum mp_dmarc_tag): a tag of the record
                       that applies whose value was dropped for its default
                       (its finding code is in check_dmarc.c) */
  int exists;       /* the domain exists: 1, 0, or -1 when its lookup failed */
};

/* Cache fetches by check, for the summary (the scan's, shared by jobs). */
struct mp_check_counts {
  struct mp_replay_counts spf, dkim, mx, dmarc;
};

struct mp_orgdomain;

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

  /* check state: each check module owns its members */
  struct mp_lookup txt;                    /* spf */
  struct mp_lookup dmarc_txt;              /* dmarc */
  struct mp_lookup mx;                     /* mx */
  struct mp_spf_state spf;                 /* spf */
  struct mp_mx_state mxs;                  /* mx */
  struct mp_dkim_state dks;                /* dkim */
  struct mp_dmarc_state dms;               /* dmarc */
  struct mp_lookup mta_sts, tls_rpt, bimi; /* the policy records */
};

/* A check module: init()/close() set up and free its state in a job slot
 * (once per scan; may be NULL); start() asks for the lookups it needs
 * (mp_job_lookup, tasks); finish() turns the answers into its part of the
 * row and reset() drops what it holds before the slot is reused (may be
 * NULL). All run on the loop; finish() only reads the job. */
struct mp_check {
  const char *name;
  void (*init)(struct mp_job *job);
  void (*start)(struct mp_job *job);
  void (*finish)(const struct mp_job *job, struct mp_result *res);
  void (*reset)(struct mp_job *job);
  void (*close)(struct mp_job *job);
};

/* Runs every check's init (close) on a job slot. */
void mp_job_init_checks(struct mp_job *job);
void mp_job_close_checks(struct mp_job *job);

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

/* Sets up a task of job over rp (owned by the caller). */
void mp_task_init(struct mp_task *t, struct mp_job *job, struct mp_replay *rp,
                  mp_task_fn run);
void mp_task_close(struct mp_task *t);

/* Holds the job and runs the task to its end (now or later). */
void mp_task_start(struct mp_task *t);

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
