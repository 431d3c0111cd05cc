/* The posture counts of a survey, per row (docs/schema.md "Summary JSON"). */
#include "scanner/posture.h"

#include <string.h>

#include "scanner/base/alloc.h"
#include "scanner/base/hash.h"

const char *const mp_adoption_names[] = {
#define MP_X_ADOPTION_NAME(name) #name,
    MP_ADOPTION_MAP(MP_X_ADOPTION_NAME)
#undef MP_X_ADOPTION_NAME
};

void mp_posture_init(struct mp_posture *p, const struct mp_orgdomain *psl)
{
  memset(p, 0, sizeof(*p));
  p->psl = psl;
  p->includes = mp_malloc(sizeof(*p->includes));
  p->report_dests = mp_malloc(sizeof(*p->report_dests));
  mp_topk_init(p->includes);
  mp_topk_init(p->report_dests);
}

void mp_posture_close(struct mp_posture *p)
{
  for (size_t i = 0; i < p->nsuffix; i++) {
    mp_free(p->suffix[i].key);
  }
  mp_free(p->suffix);
  mp_free(p->slot);
  mp_free(p->includes);
  mp_free(p->report_dests);
  memset(p, 0, sizeof(*p));
}

void mp_adoption_merge(struct mp_adoption *a, const struct mp_adoption *b)
{
  uint64_t *x = (uint64_t *)a;
  const uint64_t *y = (const uint64_t *)b;

  for (size_t i = 0; i < MP_ADOPTION_COUNT; i++) {
    x[i] += y[i];
  }
}

size_t mp_posture_rank_bucket(int64_t rank)
{
  /* ranks above 1M are outside a Tranco list: counted as unranked */
  return rank < 1          ? 4
         : rank <= 1000    ? 0
         : rank <= 10000   ? 1
         : rank <= 100000  ? 2
         : rank <= 1000000 ? 3
                           : 4;
}

/* ---- a live row -----------------------------------------------------------
 */

static void from_spf(struct mp_prow *row, const struct mp_result *res)
{
  const struct mp_result_spf *s = &res->spf_eval;

  row->spf = s->evaluated;
  row->spf_count = res->spf.count;
  row->spf_status = s->status;
  row->spf_lookup_limit = s->reason == MP_SPF_REASON_CODE_LOOKUP_LIMIT;
  row->spf_all = s->all;
  row->spf_lookups = s->lookups;
  row->nincludes =
      s->nincludes < MP_SPF_INCLUDES_MAX ? s->nincludes : MP_SPF_INCLUDES_MAX;
  memcpy(row->includes, s->includes, row->nincludes * sizeof(row->includes[0]));
}

static void from_dkim(struct mp_prow *row, const struct mp_result_dkim *d)
{
  row->dkim = d->evaluated;
  row->nkeys = d->nfound < MP_DKIM_FOUND_MAX ? d->nfound : MP_DKIM_FOUND_MAX;
  for (size_t i = 0; i < row->nkeys; i++) {
    const struct mp_result_dkim_key *k = &d->found[i];

    row->keys[i] = (struct mp_prow_key){
        .bits = k->bits,
        .rsa = k->key_type && strcmp(k->key_type, "rsa") == 0,
        .revoked = k->revoked,
        .error = k->error != MP_DKIM_ERROR_ABSENT,
    };
  }
  row->nfailed = d->nfailed;
}

void mp_prow_from_result(struct mp_prow *row, const struct mp_result *res)
{
  const struct mp_result_lookup *all[] = {&res->txt, &res->dmarc_txt, &res->mx};
  const struct mp_result_dmarc *d = &res->dmarc_eval;

  memset(row, 0, sizeof(*row));
  row->status = res->status;
  row->rank = res->rank;
  row->domain = res->domain;
  for (size_t i = 0; i < 3; i++) {
    row->queried[i] = all[i]->queried;
    row->outcome[i] = all[i]->outcome;
  }
  from_spf(row, res);
  row->dmarc = d->evaluated;
  row->effective = d->effective_policy;
  row->nrua = d->nrua < MP_DMARC_URIS_MAX ? d->nrua : MP_DMARC_URIS_MAX;
  for (size_t i = 0; i < row->nrua; i++) {
    const char *dom = d->rua[i].domain;

    row->rua_domain[i] = (struct mp_slice){dom, dom ? strlen(dom) : 0};
  }
  from_dkim(row, &res->dkim);
  row->mx = res->mx_check.evaluated;
  row->null_mx = res->mx_check.null_mx;
  row->all_fcrdns = res->mx_check.all_fcrdns;
  row->mta_sts = res->mta_sts.evaluated;
  row->mta_sts_valid = res->mta_sts.status == MP_RECORD_VALID;
  row->tls_rpt = res->tls_rpt.evaluated;
  row->tls_rpt_valid = res->tls_rpt.status == MP_RECORD_VALID;
  row->bimi = res->bimi.evaluated;
  row->bimi_valid = res->bimi.status == MP_RECORD_VALID;
  row->verdict = res->verdict.evaluated;
  row->ready = res->verdict.ready;
  row->nfindings = res->nfindings;
  memcpy(row->findings, res->findings,
         res->nfindings * sizeof(row->findings[0]));
}

/* ---- counting -------------------------------------------------------------
 */

/* A key verifiers accept (mp_verdict_dkim_usable's rule, RFC 8301 3.2). */
static bool usable(const struct mp_prow_key *k)
{
  return !k->revoked && !k->error && (k->bits == 0 || k->bits >= 1024);
}

static bool any_usable(const struct mp_prow *r)
{
  for (size_t i = 0; i < r->nkeys; i++) {
    if (usable(&r->keys[i])) {
      return true;
    }
  }
  return false;
}

static void count_spf(struct mp_adoption *a, const struct mp_prow *r)
{
  bool valid = r->spf_status == MP_SPF_STATUS_VALID;

  a->spf_rows++;
  a->spf_record += r->spf_count > 0;
  a->spf_valid += valid;
  a->spf_lookup_limit += r->spf_lookup_limit;
  a->spf_plus_all += r->spf_all == '+';
  if (valid) {
    a->spf_all_fail += r->spf_all == '-';
    a->spf_all_softfail += r->spf_all == '~';
    a->spf_all_neutral += r->spf_all == '?';
    a->spf_all_pass += r->spf_all == '+';
    a->spf_all_none += r->spf_all == 0;
  }
}

static void count_dmarc(struct mp_adoption *a, const struct mp_prow *r)
{
  a->dmarc_rows++;
  a->dmarc_reject += r->effective == MP_DMARC_EFFECTIVE_REJECT;
  a->dmarc_quarantine += r->effective == MP_DMARC_EFFECTIVE_QUARANTINE;
  a->dmarc_none += r->effective == MP_DMARC_EFFECTIVE_NONE;
  a->dmarc_missing += r->effective != MP_DMARC_EFFECTIVE_REJECT &&
                      r->effective != MP_DMARC_EFFECTIVE_QUARANTINE &&
                      r->effective != MP_DMARC_EFFECTIVE_NONE;
  a->dmarc_rua += r->nrua > 0;
}

/* The adoption counts of one row whose status is ok. */
static void adoption(struct mp_adoption *a, const struct mp_prow *r)
{
  a->domains++;
  if (r->spf) {
    count_spf(a, r);
  }
  if (r->dmarc) {
    count_dmarc(a, r);
  }
  if (r->dkim) {
    bool ok = any_usable(r);

    a->dkim_rows++;
    a->dkim_found += r->nkeys > 0;
    a->dkim_usable += ok;
    a->dkim_unusable += r->nkeys > 0 && !ok;
    a->dkim_incomplete += r->nfailed > 0;
  }
  if (r->mx) {
    a->mx_rows++;
    a->mx_null += r->null_mx;
    a->mx_all_fcrdns += r->all_fcrdns == MP_TRI_TRUE;
    a->mx_fcrdns_unknown += r->all_fcrdns == MP_TRI_UNKNOWN;
  }
  a->mta_sts_rows += r->mta_sts;
  a->mta_sts_valid += r->mta_sts && r->mta_sts_valid;
  a->tls_rpt_rows += r->tls_rpt;
  a->tls_rpt_valid += r->tls_rpt && r->tls_rpt_valid;
  a->bimi_rows += r->bimi;
  a->bimi_valid += r->bimi && r->bimi_valid;
  a->verdict_rows += r->verdict;
  a->ready += r->verdict && r->ready == MP_TRI_TRUE;
  a->verdict_unknown += r->verdict && r->ready == MP_TRI_UNKNOWN;
}

static bool seen_slice(const struct mp_slice *v, size_t i)
{
  for (size_t k = 0; k < i; k++) {
    if (v[k].len == v[i].len && memcmp(v[k].p, v[i].p, v[i].len) == 0) {
      return true;
    }
  }
  return false;
}

static size_t bits_bucket(const struct mp_prow_key *k)
{
  static const unsigned sizes[] = {1024, 2048, 3072, 4096};

  if (k->rsa && k->bits > 0 && k->bits < 1024) {
    return 0;
  }
  for (size_t i = 0; k->rsa && i < 4; i++) {
    if (k->bits == sizes[i]) {
      return i + 1;
    }
  }
  return 5;
}

/* Histograms and top lists: over the domains that resolve. */
static void spread(struct mp_posture *p, const struct mp_prow *r)
{
  if (r->spf && (r->spf_status == MP_SPF_STATUS_VALID || r->spf_lookup_limit)) {
    p->spf_lookups[r->spf_lookups > 10 ? 11 : r->spf_lookups]++;
  }
  for (size_t i = 0; r->spf && i < r->nincludes; i++) {
    if (!seen_slice(r->includes, i)) {
      mp_topk_add(p->includes, r->includes[i].p, r->includes[i].len);
    }
  }
  for (size_t i = 0; r->dmarc && i < r->nrua; i++) {
    if (r->rua_domain[i].p && !seen_slice(r->rua_domain, i)) {
      mp_topk_add(p->report_dests, r->rua_domain[i].p, r->rua_domain[i].len);
    }
  }
  for (size_t i = 0; r->dkim && i < r->nkeys; i++) {
    if (!r->keys[i].revoked && !r->keys[i].error) {
      p->dkim_bits[bits_bucket(&r->keys[i])]++;
    }
  }
}

/* Each domain once per code and once per severity. */
static void findings(struct mp_posture *p, const struct mp_prow *r)
{
  bool sev[MP_SEV_COUNT] = {false};

  for (size_t i = 0; i < r->nfindings; i++) {
    bool again = false;

    for (size_t k = 0; k < i; k++) {
      again = again || r->findings[k] == r->findings[i];
    }
    if (!again) {
      p->code[r->findings[i]]++;
      sev[mp_finding_severity(r->findings[i])] = true;
    }
  }
  for (int s = 0; s < MP_SEV_COUNT; s++) {
    p->severity[s] += sev[s];
  }
}

/* ---- suffix groups --------------------------------------------------------
 */

static void rehash(struct mp_posture *p)
{
  size_t n = p->nslots ? 2 * p->nslots : 1024;

  mp_free(p->slot);
  p->slot = mp_calloc(n, sizeof(*p->slot));
  p->nslots = n;
  for (size_t g = 0; g < p->nsuffix; g++) {
    size_t i = p->suffix[g].hash & (n - 1);

    while (p->slot[i]) {
      i = (i + 1) & (n - 1);
    }
    p->slot[i] = (uint32_t)(g + 1);
  }
}

/* The group of key[0..len), made when new; NULL when the table is full. */
static struct mp_adoption *group(struct mp_posture *p, const char *key,
                                 size_t len)
{
  uint64_t h = mp_hash(key, len);
  size_t i;

  if (2 * (p->nsuffix + 1) > p->nslots) {
    rehash(p);
  }
  for (i = h & (p->nslots - 1); p->slot[i]; i = (i + 1) & (p->nslots - 1)) {
    struct mp_posture_group *g = &p->suffix[p->slot[i] - 1];

    if (g->hash == h && strncmp(g->key, key, len) == 0 && !g->key[len]) {
      return &g->a;
    }
  }
  if (p->nsuffix == MP_POSTURE_SUFFIXES_MAX) {
    return NULL;
  }
  if (p->nsuffix == p->suffix_cap) {
    p->suffix_cap = p->suffix_cap ? 2 * p->suffix_cap : 64;
    p->suffix = mp_realloc(p->suffix, p->suffix_cap * sizeof(*p->suffix));
  }
  p->suffix[p->nsuffix] =
      (struct mp_posture_group){mp_strndup(key, len), h, {0}};
  p->slot[i] = (uint32_t)++p->nsuffix;
  return &p->suffix[p->nsuffix - 1].a;
}

/* The public suffix of the domain (the PSL as the DMARC check reads it);
 * without a list, its last label. */
static const char *suffix_of(const struct mp_posture *p, const char *domain)
{
  const char *s = p->psl ? mp_orgdomain_suffix(p->psl, domain) : NULL;
  const char *dot = strrchr(domain, '.');

  return s ? s : dot ? dot + 1 : domain;
}

void mp_posture_add(struct mp_posture *p, const struct mp_prow *r)
{
  p->rows++;
  p->by_status[r->status]++;
  for (size_t i = 0; i < 3; i++) {
    if (r->queried[i]) {
      p->lookups[r->outcome[i]]++;
    }
  }
  findings(p, r);
  if (r->status != MP_STATUS_OK) {
    return;
  }
  adoption(&p->adopt, r);
  spread(p, r);
  adoption(&p->by_rank[mp_posture_rank_bucket(r->rank)], r);
  if (r->domain) {
    const char *s = suffix_of(p, r->domain);
    struct mp_adoption *g = group(p, s, strlen(s));

    adoption(g ? g : &p->suffix_overflow, r);
  }
}
