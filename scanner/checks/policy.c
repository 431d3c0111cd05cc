/* The mail-policy TXT records: MTA-STS (RFC 8461 3.1, _mta-sts.<domain>),
 * TLS-RPT (RFC 8460 3, _smtp._tls.<domain>) and BIMI (default._bimi.
 * <domain>). One lookup each; the parsers are in policy_txt.c. The HTTPS
 * policy of MTA-STS and the BIMI image are not fetched. */
#include "scanner/checks/check.h"

#include <string.h>

#include "scanner/base/fmt.h"
#include "scanner/checks/codes.h"
#include "scanner/findings.h"
#include "scanner/records/policy_txt.h"

/* Each policy check's state: its one lookup. */
struct policy_state {
  struct mp_lookup lk;
};

static void ask(struct mp_job *job, void *state, const char *prefix)
{
  struct policy_state *st = state;
  char name[sizeof("default._bimi.") + MP_NAME_MAX];

  mp_fmt_join3(name, sizeof(name), prefix, job->domain, "");
  mp_job_lookup(job, &st->lk, name, MP_T_TXT, NULL);
}

static void mta_sts_start(struct mp_job *job, void *st)
{
  ask(job, st, "_mta-sts.");
}

static void tls_rpt_start(struct mp_job *job, void *st)
{
  ask(job, st, "_smtp._tls.");
}

static void bimi_start(struct mp_job *job, void *st)
{
  ask(job, st, "default._bimi.");
}

static void policy_reset(struct mp_job *job, void *state)
{
  struct policy_state *st = state;

  (void)job;
  mp_lookup_reset(&st->lk);
}

/* The part every record kind shares: status from the DNS outcome, then
 * from the parser. Returns false when there is nothing to parse. */
static bool begin(const struct mp_lookup *lk, struct mp_result_policy *out,
                  const struct mp_rr **rr, size_t *n)
{
  enum mp_outcome o = lk->ans ? lk->ans->outcome : MP_OUTCOME_ERROR;

  memset(out, 0, sizeof(*out));
  out->evaluated = true;
  *rr = NULL;
  *n = 0;
  if (o != MP_OUTCOME_OK && o != MP_OUTCOME_NODATA &&
      o != MP_OUTCOME_NXDOMAIN) {
    out->status = MP_RECORD_TEMPERROR;
    return false;
  }
  if (o == MP_OUTCOME_OK) {
    *rr = lk->ans->rr;
    *n = lk->ans->count;
  }
  return true;
}

/* The record picked into the row's part out, and the protocol's finding
 * for an invalid one. */
static void pick(const struct mp_policy_pick *p, struct mp_result_policy *out,
                 struct mp_result *res, enum mp_finding_code invalid)
{
  out->status = mp_code_policy_status(p->status);
  out->record = p->record;
  out->error = mp_code_policy_error(p->error);
  if (p->status == MP_POLICY_INVALID) {
    mp_result_add_finding(res, invalid);
  }
}

static void mta_sts_finish(const struct mp_job *job, const void *state,
                           struct mp_result *res)
{
  const struct policy_state *st = state;

  (void)job;
  const struct mp_rr *rr;
  size_t n;
  struct mp_mta_sts m;

  if (!begin(&st->lk, &res->mta_sts, &rr, &n)) {
    return;
  }
  mp_policy_txt_parse_mta_sts(rr, n, &m);
  pick(&m.pick, &res->mta_sts, res, MP_FINDING_MTA_STS_INVALID);
  res->mta_sts.field1 = m.id;
}

static void tls_rpt_finish(const struct mp_job *job, const void *state,
                           struct mp_result *res)
{
  const struct policy_state *st = state;

  (void)job;
  const struct mp_rr *rr;
  size_t n;
  struct mp_tls_rpt t;

  if (!begin(&st->lk, &res->tls_rpt, &rr, &n)) {
    return;
  }
  mp_policy_txt_parse_tls_rpt(rr, n, &t);
  pick(&t.pick, &res->tls_rpt, res, MP_FINDING_TLS_RPT_INVALID);
  if (t.nrua) {
    res->tls_rpt.field1 = t.rua[0];
  }
  if (t.pick.status == MP_POLICY_NONE &&
      res->mta_sts.status == MP_RECORD_VALID) {
    mp_result_add_finding(res, MP_FINDING_MTA_STS_WITHOUT_TLS_RPT);
  }
}

static void bimi_finish(const struct mp_job *job, const void *state,
                        struct mp_result *res)
{
  const struct policy_state *st = state;

  (void)job;
  const struct mp_rr *rr;
  size_t n;
  struct mp_bimi b;

  if (!begin(&st->lk, &res->bimi, &rr, &n)) {
    return;
  }
  mp_policy_txt_parse_bimi(rr, n, &b);
  pick(&b.pick, &res->bimi, res, MP_FINDING_BIMI_INVALID);
  res->bimi.field1 = b.l;
  res->bimi.field2 = b.a;
  if (b.pick.status == MP_POLICY_VALID && b.bad_avp) {
    mp_result_add_finding(res, MP_FINDING_BIMI_BAD_AVP);
  }
  /* BIMI is only honoured under an enforcing DMARC policy (draft 4.1):
   * the DMARC check has filled its part by now (it runs first). A
   * declination (4.3.1) asks for no logo, so it misses nothing. A DMARC
   * policy a failed lookup left unknown (temperror) is not a weak one. */
  if (b.pick.status == MP_POLICY_VALID && !b.declined &&
      res->dmarc_eval.evaluated &&
      res->dmarc_eval.status != MP_RECORD_STATUS_ABSENT &&
      res->dmarc_eval.status != MP_RECORD_TEMPERROR &&
      res->dmarc_eval.effective_policy != MP_DMARC_EFFECTIVE_QUARANTINE &&
      res->dmarc_eval.effective_policy != MP_DMARC_EFFECTIVE_REJECT) {
    mp_result_add_finding(res, MP_FINDING_BIMI_WITHOUT_ENFORCEMENT);
  }
}

const struct mp_check mp_check_mta_sts = {
    .name = "mta-sts",
    .state_size = sizeof(struct policy_state),
    .start = mta_sts_start,
    .finish = mta_sts_finish,
    .reset = policy_reset,
};

const struct mp_check mp_check_tls_rpt = {
    .name = "tls-rpt",
    .state_size = sizeof(struct policy_state),
    .start = tls_rpt_start,
    .finish = tls_rpt_finish,
    .reset = policy_reset,
};

const struct mp_check mp_check_bimi = {
    .name = "bimi",
    .state_size = sizeof(struct policy_state),
    .start = bimi_start,
    .finish = bimi_finish,
    .reset = policy_reset,
};
