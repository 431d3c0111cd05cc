#include "scanner/check.h"

static void mx_start(struct mp_job *job)
{
  mp_job_lookup(job, &job->mx, job->domain, MP_T_MX, NULL);
}

static void mx_finish(const struct mp_job *job, struct mp_result *res)
{
  mp_job_fill_lookup(&job->mx, &res->mx);
}

const struct mp_check mp_check_mx = {
    .name = "mx",
    .start = mx_start,
    .finish = mx_finish,
};
