#include "scanner/verdict.h"

#include <string.h>

/* A key verifiers accept: not revoked, not in error, and not RSA under
 * 1024 bits, which must not be used (RFC 8301 3.2). */
bool mp_verdict_dkim_usable(const struct mp_result_dkim *d)
{
  for (size_t i = 0; d->evaluated && i < d->nfound && i < MP_DKIM_FOUND_MAX;
       i++) {
    if (!d->found[i].revoked && !d->found[i].error &&
        (d->found[i].bits == 0 || d->found[i].bits >= 1024)) {
      return true;
    }
  }
  return false;
}

/* SPF or DKIM: unknown when neither is met and a lookup either needed
 * failed (a failed probe may have hidden a key). */
static enum mp_tri spf_or_dkim(const struct mp_result *res)
{
  const struct mp_result_dkim *d = &res->dkim;

  if (res->spf_eval.status == MP_SPF_STATUS_VALID ||
      mp_verdict_dkim_usable(d)) {
    return MP_TRI_TRUE;
  }
  if (res->spf_eval.status == MP_SPF_STATUS_TEMPERROR ||
      (d->evaluated &&
       (d->status == MP_DKIM_STATUS_TEMPERROR || d->nfailed > 0))) {
    return MP_TRI_UNKNOWN;
  }
  return MP_TRI_FALSE;
}

static enum mp_tri dmarc(const struct mp_result *res)
{
  const struct mp_result_dmarc *d = &res->dmarc_eval;

  if (d->effective_policy != MP_DMARC_EFFECTIVE_ABSENT &&
      d->effective_policy != MP_DMARC_EFFECTIVE_MISSING) {
    return MP_TRI_TRUE;
  }
  return d->status == MP_RECORD_TEMPERROR ? MP_TRI_UNKNOWN : MP_TRI_FALSE;
}

/* The MX hosts stand in for the sending hosts. A null MX meets it; a
 * domain without MX has nothing that stands in, so it is unknown. */
static enum mp_tri mx_fcrdns(const struct mp_result *res)
{
  const struct mp_result_mx_check *m = &res->mx_check;

  if (m->null_mx) {
    return MP_TRI_TRUE;
  }
  if (res->mx.outcome == MP_OUTCOME_NODATA) {
    return MP_TRI_UNKNOWN;
  }
  return m->all_fcrdns;
}

void mp_verdict(struct mp_result *res)
{
  struct mp_result_verdict *v = &res->verdict;
  /* with --spf-ip the real sending addresses are checked, not the MX
   * hosts that stand in for them */
  bool senders = res->mx_check.nsenders > 0;
  const enum mp_requirement codes[3] = {
      MP_REQUIREMENT_SPF_OR_DKIM, MP_REQUIREMENT_DMARC,
      senders ? MP_REQUIREMENT_SENDER_FCRDNS : MP_REQUIREMENT_MX_FCRDNS};
  enum mp_tri met[3];

  memset(v, 0, sizeof(*v));
  if (res->status != MP_STATUS_OK || !res->spf_eval.evaluated ||
      !res->dmarc_eval.evaluated || !res->mx_check.evaluated) {
    return;
  }
  v->evaluated = true;
  met[0] = spf_or_dkim(res);
  met[1] = dmarc(res);
  met[2] = senders ? res->mx_check.senders_fcrdns : mx_fcrdns(res);
  for (size_t i = 0; i < 3; i++) {
    if (met[i] == MP_TRI_FALSE) {
      v->failed[v->nfailed++] = codes[i];
    } else if (met[i] == MP_TRI_UNKNOWN) {
      v->unknown[v->nunknown++] = codes[i];
    }
  }
  v->ready = v->nfailed    ? MP_TRI_FALSE
             : v->nunknown ? MP_TRI_UNKNOWN
                           : MP_TRI_TRUE;
}
