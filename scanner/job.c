#include "scanner/job.h"

#include <assert.h>
#include <string.h>

#include "input/reader.h"
#include "scanner/base/alloc.h"
#include "scanner/checks/registry.h"
#include "scanner/dns/dnsname.h"
#include "scanner/config.h"
#include "scanner/verdict.h"

static void *slot(const struct mp_job *job, size_t i)
{
  return job->state + mp_check_state_offset(i);
}

void *mp_job_state(const struct mp_job *job, const struct mp_check *check)
{
  for (size_t i = 0; mp_checks[i]; i++) {
    if (mp_checks[i] == check) {
      return slot(job, i);
    }
  }
  assert(0); /* not a check of the registry */
  return NULL;
}

void mp_job_hold(struct mp_job *job)
{
  job->pending++;
}

void mp_job_release(struct mp_job *job)
{
  assert(job->pending > 0);
  if (--job->pending == 0) {
    job->complete(job);
  }
}

static void on_answer(struct mp_waiter *w, struct mp_answer *ans)
{
  struct mp_lookup *lk = (struct mp_lookup *)w;
  struct mp_job *job = lk->job;

  lk->ans = mp_answer_ref(ans);
  if (lk->done) {
    lk->done(job, lk);
  }
  mp_job_release(job);
}

/* --- tasks ------------------------------------------------------------- */

void mp_task_init(struct mp_task *t, struct mp_job *job, struct mp_replay *rp,
                  mp_task_fn run)
{
  memset(t, 0, sizeof(*t));
  t->job = job;
  t->rp = rp;
  t->run = run;
}

void mp_task_close(struct mp_task *t)
{
  mp_free(t->waiters);
  t->waiters = NULL;
  t->capwaiters = 0;
}

static void task_step(struct mp_task *t);

static void on_task_ready(struct mp_cache_waiter *w)
{
  struct mp_task *t = ((struct mp_task_waiter *)w)->task;

  if (--t->waiting == 0) {
    task_step(t);
  }
}

/* Waits on everything the last run missed; true when it was all in
 * already (a waiter may run at once), so the caller replays now. */
static bool task_wait(struct mp_task *t)
{
  size_t n = t->rp->npending;

  if (n > t->capwaiters) {
    t->capwaiters = n * 2;
    t->waiters = mp_realloc(t->waiters, t->capwaiters * sizeof(*t->waiters));
  }
  t->waiting = 1; /* held while registering, so the last one out replays */
  for (size_t i = 0; i < n; i++) {
    t->waiters[i].task = t;
    t->waiters[i].w.cb = on_task_ready;
    t->waiting++;
    mp_cache_wait(t->rp->cache, t->rp->pending[i], &t->waiters[i].w);
  }
  return --t->waiting == 0;
}

static void task_step(struct mp_task *t)
{
  for (;;) {
    mp_replay_begin(t->rp);
    if (t->run(t) == 0) {
      mp_job_release(t->job);
      return;
    }
    if (!task_wait(t)) {
      return;
    }
  }
}

void mp_task_start(struct mp_task *t)
{
  mp_job_hold(t->job);
  task_step(t);
}

/* --- lookups ------------------------------------------------------------ */

/* The answer a lookup gets without a query, or NULL: the gate's answer
 * for TXT <domain>, a timeout for a name of a dead zone. */
static struct mp_answer *known(const struct mp_job *job,
                               const struct mp_lookup *lk, const char *name,
                               size_t n, uint16_t type)
{
  if (lk != &job->gate && job->gate.ans && type == MP_T_TXT &&
      strcmp(name, job->domain) == 0) {
    return mp_answer_ref(job->gate.ans);
  }
  if (job->dead_zone && mp_dnsname_text_at_or_below(name, n, job->dead_zone)) {
    return mp_answer_new(MP_OUTCOME_TIMEOUT, -1, type);
  }
  return NULL;
}

void mp_job_lookup(struct mp_job *job, struct mp_lookup *lk, const char *name,
                   uint16_t type, mp_lookup_cb done)
{
  size_t n = strlen(name);
  struct mp_answer *ans;

  assert(!lk->ans);
  lk->job = job;
  lk->done = done;
  lk->type = type;
  lk->w.cb = on_answer;
  job->pending++;
  if (n >= sizeof(lk->name)) {
    /* longer than any DNS name: keep the start for the row, answer "error" */
    n = sizeof(lk->name) - 1;
    ans = mp_answer_new(MP_OUTCOME_ERROR, -1, type);
  } else {
    ans = known(job, lk, name, n, type);
  }
  memcpy(lk->name, name, n);
  lk->name[n] = '\0';
  if (ans) {
    on_answer(&lk->w, ans);
    mp_answer_unref(ans);
    return;
  }
  if (job->submit) {
    job->submit(job, lk->name, type, &lk->w);
  } else {
    mp_resolver_submit(job->resolver, lk->name, type, &lk->w);
  }
}

static void start_checks(struct mp_job *job)
{
  for (size_t i = 0; mp_checks[i]; i++) {
    if ((job->on >> i) & 1) {
      mp_checks[i]->start(job, slot(job, i));
    }
  }
}

/* The gate timed out while the resolver answered others: the domain's
 * servers do not answer. (A resolver that answers nothing is a resolver
 * failure, which its health tells; every lookup is then sent, so the
 * rows say what each got.) Tests answer from memory: no resolver. */
static void on_gate(struct mp_job *job, struct mp_lookup *lk)
{
  if (lk->ans->outcome == MP_OUTCOME_TIMEOUT &&
      (!job->resolver || mp_resolver_answering(job->resolver))) {
    job->dead_zone = job->domain;
  }
  start_checks(job); /* the gate's own count holds the job meanwhile */
}

static bool gated(const struct mp_job *job)
{
  for (size_t i = 0; mp_checks[i]; i++) {
    if (((job->on >> i) & 1) && mp_checks[i]->asks_domain_txt &&
        mp_checks[i]->asks_domain_txt(job)) {
      return true;
    }
  }
  return false;
}

void mp_job_start(struct mp_job *job)
{
  /* Hold one count while starting, so that an answer delivered at once
   * cannot complete the job before every check has asked. */
  job->pending = 1;
  if (gated(job)) {
    mp_job_lookup(job, &job->gate, job->domain, MP_T_TXT, on_gate);
  } else {
    start_checks(job);
  }
  mp_job_release(job);
}

void mp_job_fill_lookup(const struct mp_lookup *lk,
                        struct mp_result_lookup *out)
{
  memset(out, 0, sizeof(*out));
  out->rcode = -1;
  if (!lk->ans) {
    return;
  }
  out->queried = true;
  out->name = lk->name;
  out->type = lk->type;
  out->outcome = lk->ans->outcome;
  out->rcode = lk->ans->rcode;
  out->attempts = lk->ans->attempts;
  out->rtt_ms = lk->ans->rtt_ms;
  out->cname = lk->ans->cname;
  out->count = lk->ans->count;
  out->rr = lk->ans->rr;
}

static enum mp_status failure_status(enum mp_outcome o)
{
  switch (o) {
  case MP_OUTCOME_SERVFAIL:
    return MP_STATUS_SERVFAIL;
  case MP_OUTCOME_REFUSED:
    return MP_STATUS_REFUSED;
  case MP_OUTCOME_TIMEOUT:
    return MP_STATUS_TIMEOUT;
  case MP_OUTCOME_FORMERR:
    return MP_STATUS_FORMERR;
  default:
    return MP_STATUS_ERROR;
  }
}

static bool answered(enum mp_outcome o)
{
  return o == MP_OUTCOME_OK || o == MP_OUTCOME_NODATA ||
         o == MP_OUTCOME_NXDOMAIN;
}

/* ok when every lookup was answered and the domain exists; nxdomain when a
 * lookup at the name itself says it does not (the SPF check's TXT, the MX
 * check's MX, or the TXT the DMARC check asks after an NXDOMAIN at
 * _dmarc.<domain>); otherwise the first failed lookup's outcome, in row
 * order, then the DMARC check's. Only the lookups of the checks that ran
 * count (--checks). */
static enum mp_status derive_status(const struct mp_result *res)
{
  const struct mp_result_lookup *all[] = {&res->txt, &res->dmarc_txt, &res->mx};

  for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
    if (all[i]->queried && !answered(all[i]->outcome)) {
      return failure_status(all[i]->outcome);
    }
  }
  if (!answered(res->dmarc_eval.domain_lookup)) {
    return failure_status(res->dmarc_eval.domain_lookup);
  }
  if ((res->txt.queried && res->txt.outcome == MP_OUTCOME_NXDOMAIN) ||
      (res->mx.queried && res->mx.outcome == MP_OUTCOME_NXDOMAIN) ||
      res->dmarc_eval.domain_missing) {
    return MP_STATUS_NXDOMAIN;
  }
  return MP_STATUS_OK;
}

void mp_job_result(const struct mp_job *job, struct mp_result *res)
{
  memset(res, 0, sizeof(*res));
  res->line = job->line;
  res->input = job->input;
  res->input_len = job->input_len;
  res->input_truncated = job->input_truncated;
  res->rank = job->rank;
  res->domain = job->domain;
  res->started_us = job->started_us;
  res->elapsed_ms = (double)(uv_hrtime() - job->started_ns) / 1e6;
  res->txt.rcode = res->dmarc_txt.rcode = res->mx.rcode = -1;
  for (size_t i = 0; mp_checks[i]; i++) {
    if ((job->on >> i) & 1) {
      mp_checks[i]->finish(job, slot(job, i), res);
    }
  }
  res->status = derive_status(res);
  mp_verdict(res);
}

void mp_lookup_reset(struct mp_lookup *lk)
{
  mp_answer_unref(lk->ans);
  lk->ans = NULL;
}

void mp_job_reset(struct mp_job *job)
{
  mp_lookup_reset(&job->gate);
  job->dead_zone = NULL;
  for (size_t i = 0; mp_checks[i]; i++) {
    if (mp_checks[i]->reset) {
      mp_checks[i]->reset(job, slot(job, i));
    }
  }
}

/* --checks: bit i names mp_checks[i] (the registry is the only list). */
void mp_job_init_checks(struct mp_job *job)
{
  job->on = job->cfg->checks;
  job->state = mp_calloc(1, mp_checks_state_size());
  for (size_t i = 0; mp_checks[i]; i++) {
    if (mp_checks[i]->init) {
      mp_checks[i]->init(job, slot(job, i));
    }
  }
}

void mp_job_close_checks(struct mp_job *job)
{
  for (size_t i = 0; mp_checks[i]; i++) {
    if (mp_checks[i]->close) {
      mp_checks[i]->close(job, slot(job, i));
    }
  }
  mp_free(job->state);
  job->state = NULL;
}

void mp_job_set_input(struct mp_job *job, const struct mp_line *line)
{
  size_t n = line->len < MP_INPUT_MAX ? line->len : MP_INPUT_MAX;

  memcpy(job->input, line->text, n);
  job->input_len = n;
  job->input_truncated = line->truncated || line->len > MP_INPUT_MAX;
  job->line = line->number;
}
