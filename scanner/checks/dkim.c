/* The DKIM check: selectors probed at <selector>._domainkey.<domain>
 * (CNAMEs followed: a delegation to a provider is recorded), each key
 * record parsed (dkim_key.c). First _domainkey.<domain> itself: NXDOMAIN
 * there means nothing exists below it (RFC 8020), so the probes are
 * skipped; --no-dkim-shortcut turns that off for servers that answer
 * NXDOMAIN for empty non-terminals. A timeout or SERVFAIL there skips them
 * too (the selectors are then unknown, never absent). */
#include "scanner/checks/check.h"

#include <string.h>
#include <strings.h>

#include "scanner/base/fmt.h"
#include "scanner/checks/codes.h"
#include "scanner/config.h"
#include "scanner/records/dkim_key.h"
#include "scanner/findings.h"

#define KEY_TYPE_MAX 64 /* bytes of a k= value kept for the row */

/* What a --dkim-require selector was found to be. */
enum required {
  REQUIRED_OK,
  REQUIRED_MISSING,       /* no key record there */
  REQUIRED_UNUSABLE,      /* revoked, malformed, RSA under 1024 bits */
  REQUIRED_NOT_DELEGATED, /* =TARGET: not a CNAME to TARGET */
  REQUIRED_UNKNOWN,       /* its probe failed */
};

/* The DKIM check's state: the probes and the keys found. */
struct dkim_state {
  uint8_t required[MP_DKIM_REQUIRE_MAX]; /* enum required, by cfg's order */
  struct mp_check_work work;
  struct mp_result_dkim out; /* points into answers work.rp holds, and
                                into key_type */
  char key_type[MP_DKIM_FOUND_MAX][KEY_TYPE_MAX + 1]; /* k= values that
                                are neither rsa nor ed25519 */
};

/* Every failed probe is listed: a key under a selector whose probe failed
 * is unknown, and the row says which one. */
_Static_assert(MP_DKIM_SELECTORS_MAX <= MP_DKIM_FAILED_MAX,
               "a failed probe the row could not list");

static bool failed(const struct mp_answer *a)
{
  return mp_outcome_failed(a->outcome);
}

/* The key type for the row: "rsa", "ed25519", or the k= value as written
 * (RFC 6376 3.6.1 lets k= name other algorithms; verifiers ignore such
 * keys), its first KEY_TYPE_MAX bytes copied to buf. */
static const char *key_type(const struct mp_dkim_key *k, char *buf)
{
  size_t n = k->k.len < KEY_TYPE_MAX ? k->k.len : KEY_TYPE_MAX;

  if (k->type != MP_DKIM_KEY_OTHER) {
    return mp_dkim_key_type_name(k->type);
  }
  memcpy(buf, k->k.p, n);
  buf[n] = '\0';
  return buf;
}

/* The key record among a selector's TXT records: one that parses with a
 * p= tag, or says v=DKIM1 (then its error is kept). type_buf holds the
 * key type when it is neither rsa nor ed25519. */
static bool take_key(const struct mp_answer *a, const char *selector,
                     struct mp_result_dkim_key *out, char *type_buf)
{
  for (size_t i = 0; i < a->count; i++) {
    struct mp_dkim_key k;
    int rc = mp_dkim_key_parse(a->rr[i].data, a->rr[i].len, &k);

    if (rc < 0 && !k.p.p && !k.v.p) {
      continue; /* some other TXT record */
    }
    memset(out, 0, sizeof(*out));
    out->selector = selector;
    out->cname = a->cname;
    out->key_type = key_type(&k, type_buf);
    out->bits = k.type == MP_DKIM_KEY_RSA ? k.bits : 0;
    out->revoked = k.revoked;
    out->testing = k.testing;
    out->error = mp_code_dkim_error(k.error);
    out->record = (struct mp_slice){a->rr[i].data, a->rr[i].len};
    return true;
  }
  return false;
}

/* Names compared as DNS compares them: without case, a final dot
 * optional. */
static bool same_name(const char *a, const char *b)
{
  size_t na = strlen(a), nb = strlen(b);

  na -= na && a[na - 1] == '.';
  nb -= nb && b[nb - 1] == '.';
  return na == nb && strncasecmp(a, b, na) == 0;
}

/* A --dkim-require selector's probe answer a, against its TARGET ("" for
 * none). A failed probe is unknown, never missing. The CNAME compared is
 * the end of the chain (a->cname), where the key is. */
static enum required required_state(const struct mp_answer *a,
                                    const char *target)
{
  struct mp_result_dkim_key k;
  char type[KEY_TYPE_MAX + 1];
  bool key;

  if (failed(a)) {
    return REQUIRED_UNKNOWN;
  }
  key = take_key(a, "", &k, type);
  if (*target && !(a->cname && same_name(a->cname, target)) &&
      (key || a->cname)) {
    return REQUIRED_NOT_DELEGATED; /* a key or an alias, not the vendor's */
  }
  if (!key) {
    return REQUIRED_MISSING;
  }
  if (k.error || k.revoked ||
      (k.bits && mp_dkim_rsa_classify(k.bits) == MP_DKIM_RSA_FORBIDDEN)) {
    return REQUIRED_UNUSABLE; /* what the verdict counts as no key */
  }
  return REQUIRED_OK;
}

/* The --dkim-require selectors, once every probe is in (nxdomain: at
 * _domainkey, so none exists). */
static void check_required(struct dkim_state *st, const struct mp_job *job,
                           bool nxdomain)
{
  const struct mp_config *cfg = job->cfg;
  char name[MP_QNAME_MAX + 80];

  for (size_t i = 0; i < cfg->ndkim_required; i++) {
    const struct mp_dkim_required *r = &cfg->dkim_required[i];
    const struct mp_answer *a = NULL;

    if (!nxdomain) {
      mp_fmt_join3(name, sizeof(name), r->selector, "._domainkey.",
                   job->domain);
      a = mp_replay_get(&st->work.rp, name, MP_T_TXT, NULL);
    }
    st->required[i] =
        (uint8_t)(a ? required_state(a, r->target) : REQUIRED_MISSING);
  }
}

/* The _domainkey lookup timed out or got SERVFAIL: the domain's name
 * servers do not answer (a lame or dead delegation) or its zone does not
 * validate, and the probes, in the same zone, would fail the same way
 * after as long a wait, holding a recursive resolver's slots (Unbound
 * serves 1024 queries at once) that every other domain needs. */
static bool zone_failed(const struct mp_answer *a)
{
  return a->outcome == MP_OUTCOME_TIMEOUT || a->outcome == MP_OUTCOME_SERVFAIL;
}

/* Each selector is then unknown, with the _domainkey lookup's outcome, and
 * none was probed. */
static void skip_probes(const struct mp_config *cfg, const struct mp_answer *a,
                        struct mp_result_dkim *o)
{
  for (size_t i = 0; cfg->dkim_selectors[i]; i++) {
    if (o->nfailed < MP_DKIM_FAILED_MAX) {
      o->failed[o->nfailed].selector = cfg->dkim_selectors[i];
      o->failed[o->nfailed].outcome = a->outcome;
    }
    o->nfailed++;
  }
  o->status = MP_DKIM_STATUS_TEMPERROR;
}

static int run(struct mp_task *t)
{
  struct mp_job *job = t->job;
  const struct mp_config *cfg = job->cfg;
  struct dkim_state *st = MP_CONTAINER_OF(t, struct dkim_state, work.task);
  struct mp_result_dkim *o = &st->out;
  char name[MP_QNAME_MAX + 80];
  const struct mp_answer *a;
  bool complete = true;

  memset(o, 0, sizeof(*o));
  o->evaluated = true;
  if (cfg->dkim_shortcut) {
    mp_fmt_join3(name, sizeof(name), "_domainkey.", job->domain, "");
    if (!(a = mp_replay_get(&st->work.rp, name, MP_T_TXT, NULL))) {
      return 1; /* the probes wait for it */
    }
    if (a->outcome == MP_OUTCOME_NXDOMAIN) {
      o->status = MP_DKIM_STATUS_NO_DOMAINKEY;
      check_required(st, job, true);
      return 0;
    }
    if (zone_failed(a)) {
      skip_probes(cfg, a, o);
      memset(st->required, REQUIRED_UNKNOWN, sizeof(st->required));
      return 0;
    }
  }
  for (size_t i = 0; cfg->dkim_selectors[i]; i++) {
    mp_fmt_join3(name, sizeof(name), cfg->dkim_selectors[i], "._domainkey.",
                 job->domain);
    if (!(a = mp_replay_get(&st->work.rp, name, MP_T_TXT, NULL))) {
      complete = false;
      continue;
    }
    o->probed++;
    if (failed(a)) {
      /* a failed probe is not "no key": the list may be incomplete
       * (RFC 6376 6.1.2 has verifiers retry such a key later) */
      if (o->nfailed < MP_DKIM_FAILED_MAX) {
        o->failed[o->nfailed].selector = cfg->dkim_selectors[i];
        o->failed[o->nfailed].outcome = a->outcome;
      }
      o->nfailed++;
      continue;
    }
    if (o->nfound < MP_DKIM_FOUND_MAX
            ? take_key(a, cfg->dkim_selectors[i], &o->found[o->nfound],
                       st->key_type[o->nfound])
            : a->count > 0) {
      o->nfound++;
    }
  }
  if (!complete) {
    return 1;
  }
  check_required(st, job, false);
  o->status = o->nfound    ? MP_DKIM_STATUS_FOUND
              : o->nfailed ? MP_DKIM_STATUS_TEMPERROR
                           : MP_DKIM_STATUS_NONE;
  for (size_t i = 0; i < o->nfound && i < MP_DKIM_FOUND_MAX; i++) {
    const struct mp_result_dkim_key *k = &o->found[i];

    if (k->bits && !k->revoked && !k->error &&
        (!o->weakest_bits || k->bits < o->weakest_bits)) {
      o->weakest_bits = k->bits;
    }
  }
  return 0;
}

static void dkim_start(struct mp_job *job, void *state)
{
  struct dkim_state *st = state;

  (void)job;
  memset(&st->out, 0, sizeof(st->out));
  memset(st->required, 0, sizeof(st->required));
  mp_task_start(&st->work.task);
}

static void findings(struct mp_result *res)
{
  const struct mp_result_dkim *d = &res->dkim;

  for (size_t i = 0; i < d->nfound && i < MP_DKIM_FOUND_MAX; i++) {
    const struct mp_result_dkim_key *k = &d->found[i];

    if (k->error) {
      mp_result_add_finding(res, MP_FINDING_DKIM_KEY_INVALID);
    } else if (k->revoked) {
      mp_result_add_finding(res, MP_FINDING_DKIM_KEY_REVOKED);
    } else if (k->bits) {
      enum mp_dkim_rsa_class c = mp_dkim_rsa_classify(k->bits);

      if (c == MP_DKIM_RSA_FORBIDDEN) {
        mp_result_add_finding(res, MP_FINDING_DKIM_KEY_FORBIDDEN);
      } else if (c == MP_DKIM_RSA_WEAK) {
        mp_result_add_finding(res, MP_FINDING_DKIM_KEY_WEAK);
      }
    }
    if (k->testing) {
      mp_result_add_finding(res, MP_FINDING_DKIM_TESTING);
    }
  }
  if (d->nfailed) {
    mp_result_add_finding(res, MP_FINDING_DKIM_PROBE_FAILED);
  }
}

/* The findings of the --dkim-require selectors (their probe may have
 * failed: unknown, not missing). */
static void required_findings(const struct dkim_state *st, size_t n,
                              struct mp_result *res)
{
  static const enum mp_finding_code codes[] = {
      [REQUIRED_MISSING] = MP_FINDING_DKIM_REQUIRED_MISSING,
      [REQUIRED_UNUSABLE] = MP_FINDING_DKIM_REQUIRED_UNUSABLE,
      [REQUIRED_NOT_DELEGATED] = MP_FINDING_DKIM_REQUIRED_NOT_DELEGATED,
      [REQUIRED_UNKNOWN] = MP_FINDING_DKIM_REQUIRED_UNKNOWN,
  };

  for (size_t i = 0; i < n; i++) {
    if (st->required[i] != REQUIRED_OK) {
      mp_result_add_finding(res, codes[st->required[i]]);
    }
  }
}

static void dkim_finish(const struct mp_job *job, const void *state,
                        struct mp_result *res)
{
  const struct dkim_state *st = state;

  res->dkim = st->out;
  res->dkim.evaluated = res->dkim.status != MP_DKIM_STATUS_ABSENT;
  if (res->dkim.evaluated) {
    findings(res);
    required_findings(st, job->cfg->ndkim_required, res);
  }
}

static void dkim_init(struct mp_job *job, void *state)
{
  struct dkim_state *st = state;

  mp_check_work_init(&st->work, job, run, &job->counts->dkim);
  st->work.rp.kind = MP_CACHE_ONCE; /* no other domain asks these names */
}

static void dkim_reset(struct mp_job *job, void *state)
{
  struct dkim_state *st = state;

  (void)job;
  mp_check_work_reset(&st->work);
}

static void dkim_close(struct mp_job *job, void *state)
{
  struct dkim_state *st = state;

  (void)job;
  mp_check_work_close(&st->work);
}

const struct mp_check mp_check_dkim = {
    .name = "dkim",
    .state_size = sizeof(struct dkim_state),
    .init = dkim_init,
    .start = dkim_start,
    .finish = dkim_finish,
    .reset = dkim_reset,
    .close = dkim_close,
};
