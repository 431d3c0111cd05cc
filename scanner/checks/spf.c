/* The SPF check: TXT at the domain, the v=spf1 records picked out, then
 * the evaluator (spf_eval.h) in posture mode and once per --spf-ip
 * address, over the scan's shared answer cache. The evaluator replays
 * from the top whenever answers it was missing land. */
#include "scanner/checks/check.h"

#include <string.h>
#include <sys/socket.h>

#include "scanner/base/alloc.h"
#include "scanner/base/fmt.h"
#include "scanner/checks/codes.h"
#include "scanner/config.h"
#include "scanner/findings.h"
#include "scanner/spf/eval.h"

/* The SPF check's state. */
struct spf_state {
  struct mp_lookup txt; /* TXT <domain> */
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

/* Keeps what the row needs from an outcome that points into the cache:
 * the references are dropped after each phase. */
static void keep_posture(struct spf_state *st, const struct mp_spf_outcome *out)
{
  st->posture = *out;
  st->error_record_len = 0;
  if (out->error_record) {
    size_t n = strlen(out->error_record);

    st->error_record_len =
        n < sizeof(st->error_record) ? n : sizeof(st->error_record);
    memcpy(st->error_record, out->error_record, st->error_record_len);
  }
  st->posture.error_record = NULL;
}

/* The task: posture, then check_host() per --spf-ip address. */
static int run(struct mp_task *t)
{
  struct mp_job *job = t->job;
  struct spf_state *st = MP_CONTAINER_OF(t, struct spf_state, task);
  const struct mp_config *cfg = job->cfg;
  char sender[64 + 1 + MP_NAME_MAX + 1]; /* RFC 5321 4.5.3.1 */
  struct mp_spf_outcome out;

  /* the identities of the vendor's mail (--spf-sender, --spf-helo): what
   * %{s}, %{l}, %{o} and %{h} expand to (RFC 7208 section 7.3) */
  mp_fmt_join3(sender, sizeof(sender), cfg->spf_sender, "@", job->domain);
  for (; st->phase <= cfg->nspf_ips; st->phase++) {
    struct mp_spf_request req = {
        .family = AF_UNSPEC,
        .sender = sender,
        .helo = cfg->spf_helo ? cfg->spf_helo : job->domain,
        .domain = job->domain,
        .root_txt = st->txt.ans,
    };

    if (st->phase > 0) {
      req.family = cfg->spf_ips[st->phase - 1].family;
      memcpy(req.ip, cfg->spf_ips[st->phase - 1].addr, 16);
    }
    if (mp_spf_check_host(&st->ev, &req, &out) == MP_SPF_PENDING) {
      return 1;
    }
    if (st->phase == 0) {
      keep_posture(st, &out);
    } else {
      st->checks[st->phase - 1].result = out.result;
      st->checks[st->phase - 1].reason = out.reason;
    }
    mp_spf_eval_reset(&st->ev);
  }
  return 0;
}

/* Evaluates whatever the answer is: a failed lookup is the evaluator's
 * temperror (RFC 7208 section 4.4), for the posture and for every
 * --spf-ip address alike, and a name check_host() cannot use is "none"
 * whatever DNS said (section 4.3). */
static void on_txt(struct mp_job *job, struct mp_lookup *lk)
{
  struct spf_state *st = MP_CONTAINER_OF(lk, struct spf_state, txt);

  /* shared: another check that asks the cache for it (the DMARC check,
   * whether the domain exists) gets it without a query */
  mp_cache_offer(job->cache, lk->name, MP_T_TXT, lk->ans);
  st->phase = 0;
  mp_task_start(&st->task);
}

/* RFC 7208 section 4.3: a single label such as "a2345678" (which passes
 * the input's rules) is not asked. */
static bool asks_domain_txt(const struct mp_job *job)
{
  return mp_spf_domain_ok(job->domain);
}

static void spf_start(struct mp_job *job, void *state)
{
  struct spf_state *st = state;

  if (!asks_domain_txt(job)) {
    /* RFC 7208 section 4.3: none, with no query */
    st->phase = 0;
    mp_task_start(&st->task);
    return;
  }
  mp_job_lookup(job, &st->txt, job->domain, MP_T_TXT, on_txt);
}

/* --- the row -------------------------------------------------------------
 */

static enum mp_spf_status status_of(enum mp_spf_result result)
{
  switch (result) {
  case MP_SPF_NONE:
    return MP_SPF_STATUS_NONE;
  case MP_SPF_PERMERROR:
    return MP_SPF_STATUS_PERMERROR;
  case MP_SPF_TEMPERROR:
    return MP_SPF_STATUS_TEMPERROR;
  default:
    return MP_SPF_STATUS_VALID;
  }
}

/* The domain's own record: direct includes, redirect, length. The
 * evaluator parsed it (from st->txt); it is not parsed again. */
static void describe_record(const struct spf_state *st,
                            const struct mp_result *res,
                            struct mp_result_spf *spf)
{
  const struct mp_spf_record *rec;
  const struct mp_rr *rr;

  if (res->spf.count != 1) {
    return;
  }
  rr = res->spf.rr[0];
  spf->record = (struct mp_slice){rr->data, rr->len};
  spf->length = rr->len;
  if (!(rec = mp_spf_eval_record(&st->ev)) || rec->text != rr->data) {
    return;
  }
  for (size_t i = 0; i < rec->nterms; i++) {
    if (rec->terms[i].mech == MP_SPF_INCLUDE) {
      if (spf->nincludes < MP_SPF_INCLUDES_MAX) {
        spf->includes[spf->nincludes] = (struct mp_slice){
            rr->data + rec->terms[i].dom_off, rec->terms[i].dom_len};
      }
      spf->nincludes++;
    }
  }
  if (rec->has_redirect) {
    spf->redirect =
        (struct mp_slice){rr->data + rec->redirect_off, rec->redirect_len};
  }
}

/* The finding that says why the posture is not valid; false for a reason
 * that has none. */
static bool reason_finding(enum mp_spf_reason reason, enum mp_finding_code *out)
{
  switch (reason) {
  case MP_SPF_REASON_MULTIPLE:
    *out = MP_FINDING_SPF_MULTIPLE_RECORDS;
    return true;
  case MP_SPF_REASON_SYNTAX:
  case MP_SPF_REASON_MACRO:
    *out = MP_FINDING_SPF_SYNTAX;
    return true;
  case MP_SPF_REASON_LOOKUP_LIMIT:
    *out = MP_FINDING_SPF_LOOKUP_LIMIT;
    return true;
  case MP_SPF_REASON_VOID_LIMIT:
    *out = MP_FINDING_SPF_VOID_LIMIT;
    return true;
  case MP_SPF_REASON_INCLUDE_NONE:
    *out = MP_FINDING_SPF_INCLUDE_NO_RECORD;
    return true;
  case MP_SPF_REASON_REDIRECT_NONE:
    *out = MP_FINDING_SPF_REDIRECT_NO_RECORD;
    return true;
  case MP_SPF_REASON_MX_LIMIT:
    *out = MP_FINDING_SPF_MX_LIMIT;
    return true;
  case MP_SPF_REASON_DNS:
    *out = MP_FINDING_SPF_TEMPERROR;
    return true;
  case MP_SPF_REASON_NO_RECORD:
    *out = MP_FINDING_SPF_MISSING;
    return true;
  default:
    return false;
  }
}

static void findings(const struct spf_state *st, struct mp_result *res)
{
  const struct mp_result_spf *spf = &res->spf_eval;

  if (spf->status != MP_SPF_STATUS_VALID) {
    /* a domain that does not exist is reported as such, not as one
     * missing its record */
    if (res->txt.outcome != MP_OUTCOME_NXDOMAIN) {
      enum mp_finding_code code;

      if (reason_finding(st->posture.reason, &code)) {
        mp_result_add_finding(res, code);
      }
    }
    return;
  }
  if (spf->all == '+') {
    mp_result_add_finding(res, MP_FINDING_SPF_PLUS_ALL);
  } else if (spf->all == '?') {
    mp_result_add_finding(res, MP_FINDING_SPF_NEUTRAL_ALL);
  } else if (!spf->all) {
    mp_result_add_finding(res, MP_FINDING_SPF_NO_ALL);
  }
  if (spf->uses_ptr) {
    mp_result_add_finding(res, MP_FINDING_SPF_PTR_USED);
  }
  if (spf->length > 450) {
    mp_result_add_finding(res, MP_FINDING_SPF_TOO_LONG);
  }
  if (spf->length > 512) {
    mp_result_add_finding(res, MP_FINDING_SPF_OVER_UDP);
  }
  if (spf->all != '+' && spf->ip4_addresses > (1u << 24)) {
    mp_result_add_finding(res, MP_FINDING_SPF_BROAD);
  }
  for (size_t k = 0; k < spf->ntargets; k++) {
    if (spf->targets[k].effective != MP_SPF_RESULT_PASS) {
      mp_result_add_finding(res, MP_FINDING_SPF_INCLUDE_MISSING);
    }
  }
  for (size_t k = 0; k < spf->nchecks; k++) {
    if (spf->checks[k].result != MP_SPF_RESULT_PASS) {
      mp_result_add_finding(res, MP_FINDING_SPF_SENDER_NOT_PASS);
    }
  }
}

static void spf_finish(const struct mp_job *job, const void *state,
                       struct mp_result *res)
{
  const struct spf_state *st = state;
  const struct mp_spf_outcome *o = &st->posture;
  const struct mp_config *cfg = job->cfg;
  struct mp_result_spf *spf = &res->spf_eval;
  static const char quals[] = {'+', '-', '~', '?'};

  mp_job_fill_lookup(&st->txt, &res->txt);
  mp_check_pick(&res->txt, mp_spf_is_record, &res->spf);
  memset(spf, 0, sizeof(*spf));
  spf->evaluated = true;
  spf->error_offset = -1;
  spf->status = status_of(o->result);
  spf->reason = spf->status == MP_SPF_STATUS_VALID
                    ? MP_SPF_REASON_CODE_ABSENT
                    : mp_code_spf_reason(o->reason);
  if (o->reason == MP_SPF_REASON_SYNTAX) {
    spf->error_offset = (int64_t)o->error_offset;
    spf->error_record =
        (struct mp_slice){st->error_record, st->error_record_len};
  }
  spf->lookups = o->lookups;
  spf->lookups_static = o->posture.lookups_static;
  spf->voids = o->voids;
  spf->depth = o->posture.depth;
  spf->all = o->posture.all_qual >= 0 ? quals[o->posture.all_qual] : 0;
  spf->uses_ptr = o->posture.uses_ptr;
  spf->uses_exists = o->posture.uses_exists;
  spf->uses_macros = o->posture.uses_macros;
  spf->tree_failed = o->posture.failed;
  spf->counted = spf->status == MP_SPF_STATUS_VALID;
  spf->exact = o->posture.exact;
  spf->ip4_addresses = o->posture.ip4_addresses;
  spf->ip6_prefixes = o->posture.ip6_prefixes;
  describe_record(st, res, spf);
  spf->nchecks = cfg->nspf_ips;
  for (size_t k = 0; k < cfg->nspf_ips; k++) {
    spf->checks[k].ip = cfg->spf_ips[k].text;
    spf->checks[k].result = mp_code_spf_result(st->checks[k].result);
    spf->checks[k].reason = mp_code_spf_reason(st->checks[k].reason);
  }
  spf->ntargets = cfg->nspf_includes;
  for (size_t k = 0; k < cfg->nspf_includes; k++) {
    spf->targets[k].name = cfg->spf_includes[k];
    if (k >= o->posture.ntargets) {
      continue; /* nothing was walked: a name check_host() cannot use */
    }
    /* a failed lookup (the domain's own TXT, or one below) leaves where
     * the name sits unknown past it, and an address it authorizes gets
     * temperror unless a term decided it first (section 4.4) */
    spf->targets[k].reached = o->posture.targets[k].reached;
    spf->targets[k].unknown = o->posture.targets[k].unknown;
    spf->targets[k].effective =
        o->posture.targets[k].effective >= 0
            ? mp_code_spf_result(
                  (enum mp_spf_result)o->posture.targets[k].effective)
            : MP_SPF_CHECK_RESULT_ABSENT;
  }
  findings(st, res);
}

static void spf_init(struct mp_job *job, void *state)
{
  struct spf_state *st = state;

  mp_spf_eval_init(&st->ev, job->cache);
  mp_spf_eval_targets(&st->ev, job->cfg->spf_includes, job->cfg->nspf_includes);
  mp_task_init(&st->task, job, &st->ev.rp, run);
  st->ev.rp.counts = &job->counts->spf;
}

static void spf_reset(struct mp_job *job, void *state)
{
  struct spf_state *st = state;

  (void)job;
  mp_lookup_reset(&st->txt);
}

static void spf_close(struct mp_job *job, void *state)
{
  struct spf_state *st = state;

  (void)job;
  mp_spf_eval_close(&st->ev);
  mp_task_close(&st->task);
}

const struct mp_check mp_check_spf = {
    .name = "spf",
    .state_size = sizeof(struct spf_state),
    .init = spf_init,
    .start = spf_start,
    .finish = spf_finish,
    .reset = spf_reset,
    .close = spf_close,
    .asks_domain_txt = asks_domain_txt,
};
