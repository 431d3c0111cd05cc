/* The DMARC check (RFC 7489, RFC 9989): the record at _dmarc.<domain>,
 * else discovery: the DNS Tree Walk of RFC 9989 section 4.10 (the row's
 * answer) and the Organizational Domain by the Public Suffix List of RFC
 * 7489 section 3.2 (shown beside it, flagged when they disagree); then the
 * record that applies, parsed (dmarc_parse.c), its effective policy for
 * the domain, and the authorization of external report destinations (RFC
 * 7489 7.1). Lookups past the first come from the answer cache: the
 * records of organizational domains are shared by their subdomains. */
#include "scanner/checks/check.h"

#include <assert.h>
#include <string.h>
#include <strings.h>

#include "scanner/base/fmt.h"
#include "scanner/checks/codes.h"
#include "scanner/records/dmarc.h"
#include "scanner/findings.h"
#include "scanner/records/orgdomain.h"

/* The DMARC check's state: discovery, the record that applies, report
 * authorization. */
struct dmarc_state {
  struct mp_lookup txt; /* TXT _dmarc.<domain> */
  struct mp_check_work work;
  struct mp_result_dmarc out; /* points into the job and work.rp's answers */
  char dest[2 * MP_DMARC_URIS_MAX][MP_NAME_MAX + 1]; /* rua, ruf domains */
  char fo[8];                                        /* "0:1:d:s" */
  uint32_t dropped; /* bit (1u << enum mp_dmarc_tag): a tag of the record
                       that applies whose value was dropped for its default
                       (its finding code is in dropped_codes) */
  int exists;       /* the domain exists: 1, 0, or -1 when its lookup failed */
};

static bool failed(const struct mp_answer *a)
{
  return a->outcome != MP_OUTCOME_OK && a->outcome != MP_OUTCOME_NODATA &&
         a->outcome != MP_OUTCOME_NXDOMAIN;
}

/* The DMARC records of an answer: how many, and the first. */
static size_t records(const struct mp_answer *a, const struct mp_rr **first)
{
  size_t n = 0;

  *first = NULL;
  for (size_t i = 0; a->outcome == MP_OUTCOME_OK && i < a->count; i++) {
    if (mp_dmarc_is_record(a->rr[i].data, a->rr[i].len)) {
      *first = *first ? *first : &a->rr[i];
      n++;
    }
  }
  return n;
}

static void walk_answer(const struct mp_answer *a,
                        struct mp_orgdomain_answer *out)
{
  const struct mp_rr *rr;
  struct mp_dmarc_record rec;
  size_t n = records(a, &rr);

  out->psd = MP_DMARC_PSD_U;
  if (failed(a)) {
    out->kind = MP_ORGDOMAIN_ANS_ERROR;
  } else if (n == 0) {
    out->kind = MP_ORGDOMAIN_ANS_NONE;
  } else if (n > 1) {
    out->kind = MP_ORGDOMAIN_ANS_MULTIPLE;
  } else {
    out->kind = MP_ORGDOMAIN_ANS_RECORD;
    /* a record with a repeated tag is still a record, but none of its
     * tags counts (RFC 6376 3.2): its psd stays u */
    if (mp_dmarc_parse(rr->data, rr->len, &rec, NULL) == 0) {
      out->psd = rec.psd;
    }
  }
}

/* The Tree Walk, one name after another as long as the answers say the
 * walk goes on (at most 8 queries; name 0 is the job's own lookup). Returns
 * false while an answer is missing. */
static bool tree_walk(struct mp_job *job, struct dmarc_state *st,
                      struct mp_orgdomain_walk *w, const struct mp_answer **got,
                      struct mp_orgdomain_walk_result *res)
{
  struct mp_orgdomain_answer ans[MP_ORGDOMAIN_WALK_MAX];
  char name[MP_QNAME_MAX + 16];
  size_t n = 0;

  if (mp_orgdomain_walk_plan(w, job->domain, strlen(job->domain)) < 0) {
    return true; /* cannot happen for a normalized name */
  }
  for (; n < w->n && (n == 0 || mp_orgdomain_walk_more(w, ans, n)); n++) {
    if (n == 0) {
      got[0] = st->txt.ans;
    } else {
      mp_orgdomain_walk_qname(w, job->domain, n, name, sizeof(name));
      if (!(got[n] = mp_replay_get(&st->work.rp, name, MP_T_TXT, NULL))) {
        return false;
      }
    }
    walk_answer(got[n], &ans[n]);
  }
  return mp_orgdomain_walk_decide(w, ans, n, res) == 0;
}

/* Lowers a policy one level for t=y (RFC 9989 testing mode). */
static enum mp_dmarc_effective effective(uint8_t policy, bool testing)
{
  _Static_assert(MP_DMARC_EFFECTIVE_NONE == (int)MP_DMARC_P_NONE &&
                     MP_DMARC_EFFECTIVE_REJECT == (int)MP_DMARC_P_REJECT,
                 "an effective policy is a policy or MISSING");
  if (policy == MP_DMARC_POLICY_ABSENT) {
    return MP_DMARC_EFFECTIVE_MISSING;
  }
  if (testing && policy != MP_DMARC_POLICY_NONE) {
    policy--;
  }
  return (enum mp_dmarc_effective)mp_code_dmarc_p((enum mp_dmarc_policy)policy);
}

/* The report destinations of one list; external ones need an
 * authorization record (RFC 7489 7.1). Returns false while an answer is
 * missing. */
static bool destinations(struct mp_job *job, struct dmarc_state *st,
                         const struct mp_dmarc_record *rec,
                         const struct mp_dmarc_uri *uri, size_t n,
                         struct mp_result_report_dest *out, size_t *nout,
                         size_t slot0)
{
  const char *policy_org =
      job->psl ? mp_orgdomain_psl(job->psl, st->out.policy_domain) : NULL;
  bool complete = true;

  *nout = n;
  for (size_t i = 0; i < n; i++) {
    struct mp_result_report_dest *d = &out[i];
    char *dest = st->dest[slot0 + i], name[MP_QNAME_MAX * 2 + 32];
    const char *dest_org;
    const struct mp_answer *a;
    const struct mp_rr *rr;

    d->uri = (struct mp_slice){rec->text + uri[i].off, uri[i].len};
    if (!uri[i].mailto || !uri[i].dom_len ||
        mp_dmarc_copy_lower(rec->text, uri[i].dom_off, uri[i].dom_len, dest,
                            MP_NAME_MAX + 1) < 0) {
      continue;
    }
    d->domain = dest;
    dest_org = job->psl ? mp_orgdomain_psl(job->psl, dest) : dest;
    d->external = !policy_org || !dest_org || strcasecmp(policy_org, dest_org);
    if (!d->external) {
      continue;
    }
    mp_fmt_join3(name, sizeof(name), st->out.policy_domain, "._report._dmarc.",
                 dest);
    /* a name of this domain's alone: not kept for others */
    if (!(a = mp_replay_get_as(&st->work.rp, name, MP_T_TXT, MP_CACHE_ONCE))) {
      complete = false;
      continue;
    }
    d->authorization = failed(a)         ? MP_DMARC_AUTH_LOOKUP_FAILED
                       : records(a, &rr) ? MP_DMARC_AUTH_AUTHORIZED
                                         : MP_DMARC_AUTH_NOT_AUTHORIZED;
  }
  return complete;
}

/* Whether the domain exists (RFC 8020), for np (RFC 9989 4.10.1) and for
 * DMARC_MISSING: an answer at _dmarc.<domain> other than NXDOMAIN says a
 * name below it exists; else the domain's own TXT answer says, asked of
 * the shared cache, where the SPF check's lookup is when it runs (so no
 * query is added then; the check never reads another check's state).
 * Sets st->exists (1, 0, -1 for a failed lookup); false while the answer
 * is being fetched. */
static bool domain_exists(struct mp_job *job, struct dmarc_state *st)
{
  const struct mp_answer *a = st->txt.ans;

  if (a->outcome != MP_OUTCOME_NXDOMAIN) {
    st->exists = 1;
    return true;
  }
  if (!(a = mp_replay_get(&st->work.rp, job->domain, MP_T_TXT, NULL))) {
    return false;
  }
  st->exists = failed(a) ? -1 : a->outcome != MP_OUTCOME_NXDOMAIN;
  st->out.domain_lookup = a->outcome;
  return true;
}

/* Fills the row's fields from the record that applies. */
static bool describe(struct mp_job *job, struct dmarc_state *st,
                     const struct mp_rr *rr, bool inherited)
{
  struct mp_result_dmarc *o = &st->out;
  struct mp_dmarc_record rec;
  struct mp_dmarc_error err;
  uint8_t policy;
  bool complete;

  o->record = (struct mp_slice){rr->data, rr->len};
  /* A record with a tag given twice is invalid as a whole (RFC 6376 3.2,
   * by RFC 7489 6.3 and RFC 9989 4.7): error "duplicate_tag", no tag of it
   * is shown or applied, and nothing falls back to another record. */
  if (mp_dmarc_parse(rr->data, rr->len, &rec, &err) < 0) {
    /* the version matched (mp_dmarc_is_record) and a TXT record holds
     * under 65535 bytes: a repeated tag is the only error left */
    assert(err.code == MP_DMARC_ERR_DUPLICATE_TAG);
    o->status = MP_RECORD_INVALID;
    o->error = MP_DMARC_REASON_DUPLICATE_TAG;
    o->effective_policy = MP_DMARC_EFFECTIVE_MISSING;
    return true;
  }
  st->dropped = rec.seen & ~rec.valid;
  o->p = mp_code_dmarc_p((enum mp_dmarc_policy)rec.p);
  o->sp = mp_code_dmarc_p((enum mp_dmarc_policy)rec.sp);
  o->np = mp_code_dmarc_p((enum mp_dmarc_policy)rec.np);
  o->pct = rec.seen & (1u << MP_DMARC_TAG_PCT) ? rec.pct : -1;
  o->adkim = rec.adkim_strict ? 's' : 'r';
  o->aspf = rec.aspf_strict ? 's' : 'r';
  o->psd = rec.seen & (1u << MP_DMARC_TAG_PSD) ? "uyn"[rec.psd] : 0;
  o->testing = rec.seen & (1u << MP_DMARC_TAG_T) ? (rec.t ? 'y' : 'n') : 0;
  for (size_t i = 0; i < rec.nnotes; i++) {
    const struct mp_dmarc_note *nt = &rec.notes[i];

    if (nt->code == MP_DMARC_NOTE_REMOVED_TAG &&
        o->nremoved < MP_DMARC_TAGS_MAX) {
      o->removed[o->nremoved++] = (struct mp_slice){
          mp_dmarc_tag_name(nt->tag), strlen(mp_dmarc_tag_name(nt->tag))};
    }
  }
  for (size_t i = 0; i < rec.nunknown && i < MP_DMARC_TAGS_MAX; i++) {
    o->unknown[o->nunknown++] = (struct mp_slice){
        rec.text + rec.unknown[i].name_off, rec.unknown[i].name_len};
  }
  if (rec.valid & (1u << MP_DMARC_TAG_FO)) { /* "0:d", from the bits */
    static const char opts[] = "01ds";
    size_t k = 0;

    for (size_t i = 0; i < 4; i++) {
      if (rec.fo & (1u << i)) {
        if (k) {
          st->fo[k++] = ':';
        }
        st->fo[k++] = opts[i];
      }
    }
    o->fo = (struct mp_slice){st->fo, k};
  }
  /* RFC 9989 4.10.1: the domain itself takes p; a domain below the one
   * with the record takes sp, or np when it does not exist */
  policy = !inherited                 ? rec.eff_p
           : st->exists == 0          ? rec.eff_np
           : st->exists == 1          ? rec.eff_sp
           : rec.eff_np == rec.eff_sp ? rec.eff_sp
                                      : MP_DMARC_POLICY_ABSENT;
  o->effective_policy = effective(policy, rec.t);
  o->status = rec.effect == MP_DMARC_EFFECT_NO_PROCESSING ? MP_RECORD_INVALID
                                                          : MP_RECORD_VALID;
  if (rec.effect == MP_DMARC_EFFECT_NO_PROCESSING) {
    o->error = MP_DMARC_REASON_NO_POLICY;
  } else if (policy == MP_DMARC_POLICY_ABSENT) {
    /* np and sp differ, and whether the domain exists is unknown: the
     * policy is unknown, not absent */
    o->status = MP_RECORD_TEMPERROR;
  }
  complete =
      destinations(job, st, &rec, rec.rua, rec.nrua, o->rua, &o->nrua, 0);
  complete &= destinations(job, st, &rec, rec.ruf, rec.nruf, o->ruf, &o->nruf,
                           MP_DMARC_URIS_MAX);
  return complete;
}

/* The row before anything is known: no record, the PSL's organizational
 * domain (run() starts afresh on each replay). */
static void start_out(const struct mp_job *job, struct dmarc_state *st)
{
  struct mp_result_dmarc *o = &st->out;

  memset(o, 0, sizeof(*o));
  st->dropped = 0;
  st->exists = 1;
  o->evaluated = true;
  o->pct = -1;
  o->effective_policy = MP_DMARC_EFFECTIVE_MISSING;
  o->org_psl = job->psl ? mp_orgdomain_psl(job->psl, job->domain) : NULL;
}

/* RFC 7489: the record of the organizational domain by the PSL, when it
 * is another than the domain: *org_rr its one record (else NULL), and
 * whether its lookup failed. Returns false while the lookup is pending. */
static bool psl_record(struct dmarc_state *st, const char *domain,
                       const struct mp_rr **org_rr, bool *org_failed)
{
  const char *org_psl = st->out.org_psl;
  const struct mp_answer *org;
  char name[MP_QNAME_MAX + 16];

  *org_rr = NULL;
  *org_failed = false;
  if (!org_psl || strcasecmp(org_psl, domain) == 0) {
    return true;
  }
  mp_fmt_join3(name, sizeof(name), "_dmarc.", org_psl, "");
  if (!(org = mp_replay_get(&st->work.rp, name, MP_T_TXT, NULL))) {
    return false;
  }
  *org_failed = failed(org);
  if (records(org, org_rr) != 1) {
    *org_rr = NULL;
  }
  return true;
}

/* The record that applies and where it was found: the domain's own (own),
 * else the one the tree walk found (RFC 9989), else the PSL's
 * organizational domain's (RFC 7489, org_rr); *rr gets it. */
static void locate(const char *domain, struct mp_result_dmarc *o, bool own,
                   const struct mp_orgdomain_walk *w,
                   const struct mp_orgdomain_walk_result *res,
                   const struct mp_answer *const *got,
                   const struct mp_rr *org_rr, const struct mp_rr **rr)
{
  if (own) {
    o->found_at = MP_DMARC_FOUND_SELF;
    o->method = MP_DMARC_METHOD_DIRECT;
    o->policy_domain = domain;
  } else if (res->source != MP_ORGDOMAIN_SRC_NONE) {
    o->found_at = res->source == MP_ORGDOMAIN_SRC_PSD
                      ? MP_DMARC_FOUND_PUBLIC_SUFFIX
                      : MP_DMARC_FOUND_ORGANIZATIONAL;
    o->method = MP_DMARC_METHOD_TREE_WALK;
    o->policy_domain = domain + w->off[res->policy];
    records(got[res->policy], rr);
  } else if (org_rr) {
    o->found_at = MP_DMARC_FOUND_ORGANIZATIONAL;
    o->method = MP_DMARC_METHOD_PSL;
    o->policy_domain = o->org_psl;
    *rr = org_rr;
  }
}

/* Whether the two methods read different policy records: each one's
 * reading is the domain's own record (own), else the organizational
 * domain's (RFC 7489, org_found), else what the walk found (RFC 9989).
 * Unknown when the PSL's lookup failed. */
static enum mp_tri disagree(const char *domain, const char *org_psl, bool own,
                            bool org_found, bool org_failed,
                            const struct mp_orgdomain_walk *w,
                            const struct mp_orgdomain_walk_result *res)
{
  const char *psl_policy = own ? domain : org_found ? org_psl : NULL;
  const char *walk_policy = own ? domain
                            : res->source != MP_ORGDOMAIN_SRC_NONE
                                ? domain + w->off[res->policy]
                                : NULL;

  if (!own && org_failed) {
    return MP_TRI_UNKNOWN;
  }
  return (psl_policy == NULL) != (walk_policy == NULL) ||
                 (psl_policy && strcasecmp(psl_policy, walk_policy) != 0)
             ? MP_TRI_TRUE
             : MP_TRI_FALSE;
}

static int run(struct mp_task *t)
{
  struct mp_job *job = t->job;
  struct dmarc_state *st = MP_CONTAINER_OF(t, struct dmarc_state, work.task);
  struct mp_result_dmarc *o = &st->out;
  const struct mp_answer *own = st->txt.ans, *got[8];
  const struct mp_rr *rr, *org_rr;
  struct mp_orgdomain_walk w;
  struct mp_orgdomain_walk_result res = {0};
  size_t n;
  bool known, org_failed;

  start_out(job, st);
  if (failed(own)) {
    o->status = MP_RECORD_TEMPERROR;
    o->walk_failed = true;
    o->methods_disagree = MP_TRI_UNKNOWN;
    return 0;
  }
  if ((n = records(own, &rr)) > 1) {
    /* several records: none applies (RFC 7489 6.6.3 step 5) */
    o->status = MP_RECORD_INVALID;
    o->error = MP_DMARC_REASON_MULTIPLE_RECORDS;
    return 0;
  }
  /* both asked before waiting, so their queries go out together */
  known = domain_exists(job, st);
  if (!tree_walk(job, st, &w, got, &res) || !known) {
    return 1;
  }
  o->domain_missing = st->exists == 0;
  /* A failed lookup of the walk is never read as "no record" (RFC 9989
   * 4.10.1 leaves DNS errors to the receiver): the Organizational Domain
   * is unknown, and so is the policy unless the domain's own record
   * applies. */
  o->walk_failed = res.incomplete;
  if (!res.incomplete) {
    o->walk_queries = (unsigned)res.used;
    o->org_tree_walk = job->domain + res.org_off;
  }
  if (!psl_record(st, job->domain, &org_rr, &org_failed)) {
    return 1;
  }
  if (n != 1 &&
      (res.incomplete || (org_failed && res.source == MP_ORGDOMAIN_SRC_NONE))) {
    /* the record that applies is unknown: the walk's, or the PSL's, which
     * applies when the walk finds none */
    o->status = MP_RECORD_TEMPERROR;
    o->methods_disagree = MP_TRI_UNKNOWN;
    return 0;
  }
  locate(job->domain, o, n == 1, &w, &res, got, org_rr, &rr);
  o->methods_disagree = disagree(job->domain, o->org_psl, n == 1,
                                 org_rr != NULL, org_failed, &w, &res);
  if (!o->policy_domain) {
    o->status = MP_RECORD_NONE;
    return 0;
  }
  return describe(job, st, rr, n != 1) ? 0 : 1;
}

static void on_dmarc(struct mp_job *job, struct mp_lookup *lk)
{
  struct dmarc_state *st = MP_CONTAINER_OF(lk, struct dmarc_state, txt);

  (void)job;
  mp_task_start(&st->work.task);
}

static void dmarc_start(struct mp_job *job, void *state)
{
  struct dmarc_state *st = state;
  char name[sizeof("_dmarc.") + MP_NAME_MAX];

  memset(&st->out, 0, sizeof(st->out));
  /* A domain too long for the prefix still gets its lookup, answered
   * "error", so the row says why. */
  mp_fmt_join3(name, sizeof(name), "_dmarc.", job->domain, "");
  mp_job_lookup(job, &st->txt, name, MP_T_TXT, on_dmarc);
}

/* Both given, and a lower than b (the policies are weakest first). */
static bool weaker(enum mp_dmarc_p a, enum mp_dmarc_p b)
{
  return a != MP_DMARC_P_ABSENT && b != MP_DMARC_P_ABSENT && a < b;
}

/* A tag given with a value outside its grammar is "discarded in favor of
 * default values (if any) or ignored outright" (RFC 9989 4.8; RFC 7489 6.3
 * says SHOULD): the row shows the default, and this finding says why. p
 * has DMARC_P_MISSING (absent or bad alike); a bad rua or ruf URI is
 * ignored by itself and listed in the row. */
static const struct {
  enum mp_dmarc_tag tag;
  enum mp_finding_code code;
} dropped_codes[] = {
    {MP_DMARC_TAG_SP, MP_FINDING_DMARC_SP_INVALID},
    {MP_DMARC_TAG_NP, MP_FINDING_DMARC_NP_INVALID},
    {MP_DMARC_TAG_PCT, MP_FINDING_DMARC_PCT_INVALID},
    {MP_DMARC_TAG_ADKIM, MP_FINDING_DMARC_ADKIM_INVALID},
    {MP_DMARC_TAG_ASPF, MP_FINDING_DMARC_ASPF_INVALID},
    {MP_DMARC_TAG_FO, MP_FINDING_DMARC_FO_INVALID},
    {MP_DMARC_TAG_RF, MP_FINDING_DMARC_RF_INVALID},
    {MP_DMARC_TAG_RI, MP_FINDING_DMARC_RI_INVALID},
    {MP_DMARC_TAG_PSD, MP_FINDING_DMARC_PSD_INVALID},
    {MP_DMARC_TAG_T, MP_FINDING_DMARC_T_INVALID},
};

static void findings(const struct dmarc_state *st, struct mp_result *res)
{
  const struct mp_result_dmarc *d = &res->dmarc_eval;

  if (d->error == MP_DMARC_REASON_MULTIPLE_RECORDS) {
    mp_result_add_finding(res, MP_FINDING_DMARC_MULTIPLE_RECORDS);
  } else if (d->error == MP_DMARC_REASON_NO_POLICY) {
    mp_result_add_finding(res, MP_FINDING_DMARC_NO_POLICY);
  } else if (d->error == MP_DMARC_REASON_DUPLICATE_TAG) {
    mp_result_add_finding(res, MP_FINDING_DMARC_DUPLICATE_TAG);
  } else if (d->effective_policy == MP_DMARC_EFFECTIVE_MISSING &&
             d->status != MP_RECORD_TEMPERROR && !d->domain_missing &&
             !mp_outcome_failed(d->domain_lookup)) {
    /* a domain that does not exist is reported as such (status), so one
     * whose existence a failed lookup left unknown (the row's status says
     * it) gets no finding that only a domain that exists gets */
    mp_result_add_finding(res, MP_FINDING_DMARC_MISSING);
  }
  /* the record that applies was read: valid, or without a usable policy,
   * where the dropped value may be why */
  if (d->status == MP_RECORD_VALID || d->error == MP_DMARC_REASON_NO_POLICY) {
    for (size_t i = 0; i < sizeof(dropped_codes) / sizeof(dropped_codes[0]);
         i++) {
      if (st->dropped & (1u << dropped_codes[i].tag)) {
        mp_result_add_finding(res, dropped_codes[i].code);
      }
    }
  }
  if (d->status != MP_RECORD_VALID) {
    return;
  }
  if (!d->p) {
    mp_result_add_finding(res, MP_FINDING_DMARC_P_MISSING);
  }
  if (d->effective_policy == MP_DMARC_EFFECTIVE_NONE) {
    mp_result_add_finding(res, MP_FINDING_DMARC_P_NONE);
  }
  if (weaker(d->sp, d->p) || weaker(d->np, d->p)) {
    mp_result_add_finding(res, MP_FINDING_DMARC_SP_WEAKER);
  }
  if (d->testing == 'y') {
    mp_result_add_finding(res, MP_FINDING_DMARC_TESTING);
  }
  if (d->pct >= 0 && d->pct < 100) {
    mp_result_add_finding(res, MP_FINDING_DMARC_PCT);
  }
  if (d->nremoved) {
    mp_result_add_finding(res, MP_FINDING_DMARC_REMOVED_TAG);
  }
  if (!d->nrua) {
    mp_result_add_finding(res, MP_FINDING_DMARC_NO_RUA);
  }
  for (size_t i = 0; i < d->nrua + d->nruf; i++) {
    const struct mp_result_report_dest *x =
        i < d->nrua ? &d->rua[i] : &d->ruf[i - d->nrua];

    /* a failed lookup of the authorization record is not a refusal: the
     * entry says lookup_failed, and no finding claims more */
    if (x->authorization == MP_DMARC_AUTH_NOT_AUTHORIZED) {
      mp_result_add_finding(res, MP_FINDING_DMARC_REPORT_UNAUTHORIZED);
    }
  }
  if (d->methods_disagree == MP_TRI_TRUE) {
    mp_result_add_finding(res, MP_FINDING_DMARC_METHODS_DISAGREE);
  }
}

static void dmarc_finish(const struct mp_job *job, const void *state,
                         struct mp_result *res)
{
  const struct dmarc_state *st = state;

  (void)job;
  mp_job_fill_lookup(&st->txt, &res->dmarc_txt);
  mp_check_pick(&res->dmarc_txt, mp_dmarc_is_record, &res->dmarc);
  res->dmarc_eval = st->out;
  if (res->dmarc_eval.evaluated) {
    findings(st, res);
  }
}

static void dmarc_init(struct mp_job *job, void *state)
{
  struct dmarc_state *st = state;

  mp_check_work_init(&st->work, job, run, &job->counts->dmarc);
}

static void dmarc_reset(struct mp_job *job, void *state)
{
  struct dmarc_state *st = state;

  (void)job;
  mp_lookup_reset(&st->txt);
  mp_check_work_reset(&st->work);
}

static void dmarc_close(struct mp_job *job, void *state)
{
  struct dmarc_state *st = state;

  (void)job;
  mp_check_work_close(&st->work);
}

const struct mp_check mp_check_dmarc = {
    .name = "dmarc",
    .state_size = sizeof(struct dmarc_state),
    .init = dmarc_init,
    .start = dmarc_start,
    .finish = dmarc_finish,
    .reset = dmarc_reset,
    .close = dmarc_close,
};
