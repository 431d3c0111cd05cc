#ifndef MP_SCANNER_CHECKS_CHECK_H
#define MP_SCANNER_CHECKS_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "scanner/checks/registry.h"
#include "scanner/job.h"

/* What the check modules share. Each keeps its state (its lookups, its
 * tasks) in its own file and its slot of the job (registry.h), and fills
 * its part of struct mp_result. */

extern const struct mp_check mp_check_spf;     /* TXT <domain>, v=spf1 */
extern const struct mp_check mp_check_dmarc;   /* TXT _dmarc.<domain> */
extern const struct mp_check mp_check_dkim;    /* <selector>._domainkey */
extern const struct mp_check mp_check_mx;      /* MX <domain>, hosts, PTR */
extern const struct mp_check mp_check_mta_sts; /* _mta-sts.<domain> */
extern const struct mp_check mp_check_tls_rpt; /* _smtp._tls.<domain> */
extern const struct mp_check mp_check_bimi;    /* default._bimi.<domain> */

/* The struct of type holding member at p (a check's state, from its
 * lookup or its task). */
#define MP_CONTAINER_OF(p, type, member)                                       \
  ((type *)(void *)((char *)(p)-offsetof(type, member)))

/* A check's DNS work past its first lookup: the answers it holds (replay)
 * and the task that runs over them. */
struct mp_check_work {
  struct mp_replay rp;
  struct mp_task task;
};

/* Sets up w for job: run is the task, counts the summary's fetch counts
 * for the check. mp_check_work_reset drops the answers before the slot is
 * reused; mp_check_work_close frees what w holds. */
void mp_check_work_init(struct mp_check_work *w, struct mp_job *job,
                        mp_task_fn run, struct mp_replay_counts *counts);
void mp_check_work_reset(struct mp_check_work *w);
void mp_check_work_close(struct mp_check_work *w);

/* Lists the records of a TXT lookup for which is_record holds. */
void mp_check_pick(const struct mp_result_lookup *txt,
                   bool (*is_record)(const char *, size_t),
                   struct mp_result_records *out);

#endif
