#include "scanner/verdict.h"

#include <string.h>

static bool dkim_key(const struct mp_result_dkim *d)
{
  for (size_t i = 0; d->evaluated && i < d->nfound && i < MP_DKIM_FOUND_MAX;
       i++) {
    /* a key under 1024 bits must not be used (RFC 8301 3.2) */
    if (!d->found[i].revoked && !d->found[i].error &&
        (d->found[i].bits == 0 || d->found[i].bits >= 1024)) {
      return true;
    }
  }
  return false;
}

void mp_verdict(struct mp_result *res)
{
  struct mp_result_verdict *v = &res->verdict;
  bool spf, dkim, dmarc, mx;

  memset(v, 0, sizeof(*v));
  if (res->status != MP_STATUS_OK || !res->spf_eval.evaluated ||
      !res->dmarc_eval.evaluated || !res->mx_check.evaluated) {
    return;
  }
  v->evaluated = true;
  spf = strcmp(res->spf_eval.status, "valid") == 0;
  dkim = dkim_key(&res->dkim);
  dmarc = res->dmarc_eval.effective_policy &&
          strcmp(res->dmarc_eval.effective_policy, "missing") != 0;
  mx = res->mx_check.null_mx || res->mx_check.all_fcrdns;
  if (!spf && !dkim) {
    v->failed[v->nfailed++] = "spf_or_dkim";
  }
  if (!dmarc) {
    v->failed[v->nfailed++] = "dmarc";
  }
  if (!mx) {
    v->failed[v->nfailed++] = "mx_fcrdns";
  }
  v->ready = v->nfailed == 0;
}
