/* The MX check: the MX records (RFC 5321 5.1, RFC 7505 null MX), then for
 * up to 10 hosts in preference order their addresses, and for each address
 * its PTR names and whether one resolves back to it (forward-confirmed
 * reverse DNS), the trust check receivers apply to sending hosts; and the
 * same for the --spf-ip addresses, the real sending hosts. Hosts,
 * addresses and PTRs shared by many domains come from the answer cache. */
#include "scanner/checks/check.h"

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "scanner/config.h"
#include "scanner/findings.h"
#include "scanner/records/ptrname.h"

#define PTR_NAMES_MAX 3 /* PTR names tried for forward confirmation */

/* The MX check's state: the hosts, their addresses and reverse DNS. */
struct mx_state {
  struct mp_lookup mx; /* MX <domain> */
  struct mp_check_work work;
  struct mp_result_mx_check out; /* points into answers work.rp holds */
};

/* An answer that says nothing about the name: a lookup that failed is
 * never read as one (no records, no PTR, no address). */
static bool failed(const struct mp_answer *a)
{
  return mp_outcome_failed(a->outcome);
}

/* Forward confirmation of one address, and what its PTR name looks like:
 * confirmed when a PTR name (of the first PTR_NAMES_MAX) has the address
 * among its A (AAAA) records; not confirmed when there is no PTR name or
 * every forward lookup answered without it; else unknown (a lookup that
 * could tell failed). Returns false while answers are missing. */
static bool examine_address(struct mp_replay *rp, struct mp_result_mx_addr *ad,
                            int family, const uint8_t *bytes)
{
  char rev[MP_REVERSE_MAX];
  const struct mp_answer *ptr, *fwd, *decided = NULL, *fail = NULL;
  bool complete = true;
  const char *why;

  mp_dnswire_reverse(family, bytes, rev);
  if (!(ptr = mp_replay_get(rp, rev, MP_T_PTR, NULL))) {
    return false;
  }
  ad->ptr_outcome = ptr->outcome;
  ad->ptr = ptr->count ? ptr->rr[0].data : NULL;
  ad->fcrdns = failed(ptr) ? MP_TRI_UNKNOWN : MP_TRI_FALSE;
  for (size_t k = 0; k < ptr->count && k < PTR_NAMES_MAX; k++) {
    fwd = mp_replay_get(rp, ptr->rr[k].data,
                        family == AF_INET ? MP_T_A : MP_T_AAAA, NULL);
    if (!fwd) {
      complete = false;
      continue;
    }
    decided = decided ? decided : fwd; /* the first name's, by default */
    fail = !fail && failed(fwd) ? fwd : fail;
    for (size_t i = 0; i < fwd->count && ad->fcrdns != MP_TRI_TRUE; i++) {
      if (memcmp(fwd->rr[i].addr, bytes, family == AF_INET ? 4 : 16) == 0) {
        ad->fcrdns = MP_TRI_TRUE;
        decided = fwd;
      }
    }
  }
  if (ad->fcrdns != MP_TRI_TRUE && fail) {
    ad->fcrdns = MP_TRI_UNKNOWN;
    decided = fail;
  }
  ad->forwarded = decided != NULL;
  ad->forward_outcome = decided ? decided->outcome : MP_OUTCOME_OK;
  ad->generic = ad->ptr && mp_ptrname_generic(ad->ptr, bytes, family, &why);
  return complete;
}

/* One MX host: a name with A and AAAA records (an alias is followed: RFC
 * 2181 10.3 says it should not be one), or an address literal, which
 * senders cannot use. A failed A or AAAA lookup is not "no address": the
 * host resolves when the other found one, else that is unknown; either way
 * *unknown is set, as when an address's confirmation is unknown. */
static bool examine_host(struct mp_replay *rp, struct mp_result_mx_host *h,
                         bool *unknown)
{
  const struct mp_answer *a4, *a6;
  const struct mp_rr *addrs[MP_MX_ADDRS_MAX];
  uint8_t lit[16];
  int family = 0;
  bool complete = true;

  if (inet_pton(AF_INET, h->host, lit) == 1) {
    family = AF_INET;
  } else if (inet_pton(AF_INET6, h->host, lit) == 1) {
    family = AF_INET6;
  }
  if (family) {
    /* an exchange is a name (RFC 5321 5.1): senders look it up as one and
     * find nothing, so the host does not resolve */
    h->ip_literal = true;
    h->resolves = MP_TRI_FALSE;
    return true;
  }
  a4 = mp_replay_get(rp, h->host, MP_T_A, NULL);
  a6 = mp_replay_get(rp, h->host, MP_T_AAAA, NULL);
  if (!a4 || !a6) {
    return false;
  }
  h->a_outcome = a4->outcome;
  h->aaaa_outcome = a6->outcome;
  h->cname = a4->cname ? a4->cname : a6->cname;
  *unknown = failed(a4) || failed(a6);
  h->resolves = a4->count + a6->count > 0 ? MP_TRI_TRUE
                : *unknown                ? MP_TRI_UNKNOWN
                                          : MP_TRI_FALSE;
  for (size_t i = 0; i < a4->count && h->naddrs < MP_MX_ADDRS_MAX; i++) {
    addrs[h->naddrs++] = &a4->rr[i];
  }
  for (size_t i = 0; i < a6->count && h->naddrs < MP_MX_ADDRS_MAX; i++) {
    addrs[h->naddrs++] = &a6->rr[i];
  }
  for (size_t i = 0; i < h->naddrs; i++) {
    h->addrs[i].addr = addrs[i]->data;
    complete &= examine_address(rp, &h->addrs[i],
                                addrs[i]->type == MP_T_A ? AF_INET : AF_INET6,
                                addrs[i]->addr);
    *unknown |= h->addrs[i].fcrdns == MP_TRI_UNKNOWN;
  }
  return complete;
}

/* Three-valued over the addresses examined: false when one is not
 * confirmed; else unknown when a lookup left one (or a host's addresses)
 * unknown; else true when at least one was examined. */
static enum mp_tri all_fcrdns(const struct mp_result_mx_check *o)
{
  size_t addrs = 0;

  for (size_t i = 0; i < o->nhosts; i++) {
    for (size_t k = 0; k < o->hosts[i].naddrs; k++) {
      if (o->hosts[i].addrs[k].fcrdns == MP_TRI_FALSE) {
        return MP_TRI_FALSE;
      }
      addrs++;
    }
  }
  return o->lookup_failed ? MP_TRI_UNKNOWN
         : addrs > 0      ? MP_TRI_TRUE
                          : MP_TRI_FALSE;
}

/* --spf-ip: the real sending addresses, whose reverse DNS receivers check
 * (in place of the MX hosts, which only stand in for them). Their PTRs
 * and forward lookups are shared by every domain through the cache. */
static bool examine_senders(struct mp_job *job, struct mp_replay *rp,
                            struct mp_result_mx_check *o)
{
  const struct mp_config *cfg = job->cfg;
  bool complete = true, unknown = false, no = false;

  for (size_t i = 0; i < cfg->nspf_ips && i < MP_SPF_CHECKS_MAX; i++) {
    struct mp_result_mx_addr *ad = &o->senders[o->nsenders++];

    ad->addr = cfg->spf_ips[i].text;
    complete &=
        examine_address(rp, ad, cfg->spf_ips[i].family, cfg->spf_ips[i].addr);
    unknown |= ad->fcrdns == MP_TRI_UNKNOWN;
    no |= ad->fcrdns == MP_TRI_FALSE;
  }
  o->senders_fcrdns = no || o->nsenders == 0 ? MP_TRI_FALSE
                      : unknown              ? MP_TRI_UNKNOWN
                                             : MP_TRI_TRUE;
  return complete;
}

static int run(struct mp_task *t)
{
  struct mp_job *job = t->job;
  struct mx_state *st = MP_CONTAINER_OF(t, struct mx_state, work.task);
  struct mp_result_mx_check *o = &st->out;
  const struct mp_answer *mx = st->mx.ans;
  size_t order[MP_MX_HOSTS_MAX], n = 0;
  bool complete;

  memset(o, 0, sizeof(*o));
  o->evaluated = true;
  complete = examine_senders(job, &st->work.rp, o);
  if (mx->count == 1 && !mx->rr[0].data[0]) {
    o->null_mx = true; /* RFC 7505: accepts no mail */
    return complete ? 0 : 1;
  }
  /* the MP_MX_HOSTS_MAX lowest preferences, in order, stable for ties */
  for (size_t i = 0; i < mx->count; i++) {
    size_t k = n;

    if (n == MP_MX_HOSTS_MAX) {
      if (mx->rr[i].pref >= mx->rr[order[n - 1]].pref) {
        continue;
      }
      k = n - 1; /* the last one falls out */
    } else {
      n++;
    }
    while (k > 0 && mx->rr[order[k - 1]].pref > mx->rr[i].pref) {
      order[k] = order[k - 1];
      k--;
    }
    order[k] = i;
  }
  for (size_t i = 0; i < n; i++) {
    struct mp_result_mx_host *h = &o->hosts[o->nhosts++];
    bool unknown = false;

    h->preference = mx->rr[order[i]].pref;
    h->host = mx->rr[order[i]].data;
    if (!h->host[0]) {
      continue; /* a null MX among others: nothing to examine */
    }
    complete &= examine_host(&st->work.rp, h, &unknown);
    o->unresolved += h->resolves == MP_TRI_FALSE;
    o->lookup_failed |= unknown;
  }
  o->all_fcrdns = all_fcrdns(o);
  return complete ? 0 : 1;
}

static void on_mx(struct mp_job *job, struct mp_lookup *lk)
{
  struct mx_state *st = MP_CONTAINER_OF(lk, struct mx_state, mx);

  /* the hosts when there are some; the --spf-ip addresses also when there
   * are none */
  if (lk->ans->outcome == MP_OUTCOME_OK ||
      (lk->ans->outcome == MP_OUTCOME_NODATA && job->cfg->nspf_ips > 0)) {
    mp_task_start(&st->work.task);
  }
}

static void mx_start(struct mp_job *job, void *state)
{
  struct mx_state *st = state;

  memset(&st->out, 0, sizeof(st->out));
  mp_job_lookup(job, &st->mx, job->domain, MP_T_MX, on_mx);
}

static void findings(struct mp_result *res)
{
  const struct mp_result_mx_check *o = &res->mx_check;
  bool generic = false, noptr = false, nofc = false, alias = false,
       literal = false;

  if (res->mx.outcome == MP_OUTCOME_NODATA) {
    mp_result_add_finding(res, MP_FINDING_MX_NONE);
  }
  if (o->null_mx) {
    mp_result_add_finding(res, MP_FINDING_MX_NULL);
  }
  for (size_t i = 0; i < o->nhosts; i++) {
    const struct mp_result_mx_host *h = &o->hosts[i];

    if (!h->host[0]) {
      mp_result_add_finding(res, MP_FINDING_MX_NULL_MIXED);
      continue;
    }
    literal |= h->ip_literal;
    alias |= h->cname != NULL;
    for (size_t k = 0; k < h->naddrs; k++) {
      const struct mp_result_mx_addr *a = &h->addrs[k];

      /* a failed PTR or forward lookup is neither "no PTR" nor "not
       * confirmed": it is unknown (MX_TEMPERROR) */
      noptr |= !a->ptr && a->fcrdns == MP_TRI_FALSE;
      nofc |= a->ptr && a->fcrdns == MP_TRI_FALSE;
      generic |= a->generic;
    }
  }
  if (literal) {
    mp_result_add_finding(res, MP_FINDING_MX_IP_LITERAL);
  }
  if (alias) {
    mp_result_add_finding(res, MP_FINDING_MX_CNAME);
  }
  if (o->unresolved) {
    mp_result_add_finding(res, MP_FINDING_MX_UNRESOLVED);
  }
  if (noptr) {
    mp_result_add_finding(res, MP_FINDING_MX_PTR_MISSING);
  }
  if (nofc) {
    mp_result_add_finding(res, MP_FINDING_MX_NO_FCRDNS);
  }
  if (generic) {
    mp_result_add_finding(res, MP_FINDING_MX_PTR_GENERIC);
  }
  if (o->lookup_failed) {
    mp_result_add_finding(res, MP_FINDING_MX_TEMPERROR);
  }
}

static void mx_finish(const struct mp_job *job, const void *state,
                      struct mp_result *res)
{
  const struct mx_state *st = state;
  enum mp_outcome o;

  (void)job;
  mp_job_fill_lookup(&st->mx, &res->mx);
  o = res->mx.outcome;
  if (o == MP_OUTCOME_OK || o == MP_OUTCOME_NODATA) {
    res->mx_check = st->out;
    res->mx_check.evaluated = true;
    findings(res);
  }
}

static void mx_init(struct mp_job *job, void *state)
{
  struct mx_state *st = state;

  mp_check_work_init(&st->work, job, run, &job->counts->mx);
}

static void mx_reset(struct mp_job *job, void *state)
{
  struct mx_state *st = state;

  (void)job;
  mp_lookup_reset(&st->mx);
  mp_check_work_reset(&st->work);
}

static void mx_close(struct mp_job *job, void *state)
{
  struct mx_state *st = state;

  (void)job;
  mp_check_work_close(&st->work);
}

const struct mp_check mp_check_mx = {
    .name = "mx",
    .state_size = sizeof(struct mx_state),
    .init = mx_init,
    .start = mx_start,
    .finish = mx_finish,
    .reset = mx_reset,
    .close = mx_close,
};
