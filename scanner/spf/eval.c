/* check_host() of RFC 7208 with a client address, and the API of the
 * evaluator; the posture walk is in spf_posture.c. */
#include "scanner/spf/eval.h"

#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "scanner/base/alloc.h"
#include "scanner/base/hash.h"
#include "scanner/spf/internal.h"

#define MATCH   1
#define NOMATCH 0
#define ERR     (-2) /* the term ends the evaluation: r->err holds the result */

const char mp_spf_default_explanation[] =
    "SPF fail: the sending host is not authorized by the domain's SPF "
    "record";

static const char *const result_names[] = {
    "none", "neutral", "pass", "fail", "softfail", "temperror", "permerror",
};

static const char *const reason_names[] = {
    "none",          "no_record",    "bad_domain", "multiple_records",
    "syntax",        "lookup_limit", "void_limit", "include_none",
    "redirect_none", "mx_limit",     "dns",        "macro",
};

bool mp_spf_domain_ok(const char *domain)
{
  return valid_domain(domain);
}

const char *mp_spf_result_name(enum mp_spf_result r)
{
  return result_names[r];
}

const char *mp_spf_reason_name(enum mp_spf_reason r)
{
  return reason_names[r];
}

static int fail_with(struct run *r, int result, enum mp_spf_reason why,
                     int *err)
{
  if (r->reason == MP_SPF_REASON_NONE) {
    r->reason = why;
  }
  *err = result;
  return ERR;
}

/* Section 4.6.4: at most 10 DNS-querying terms in a whole evaluation. */
static bool over_lookup_limit(struct run *r)
{
  return ++r->lookups > MP_SPF_LOOKUP_LIMIT;
}

/* The answer a term's own query got: a failure is a temperror, and more
 * than 2 void lookups in the evaluation a permerror (section 4.6.4).
 * Returns 0 when the term goes on, else ERR with *err set. */
static int check_answer(struct run *r, const struct mp_answer *a, int *err)
{
  if (spf_failed(a)) {
    return fail_with(r, MP_SPF_TEMPERROR, MP_SPF_REASON_DNS, err);
  }
  if (spf_void(a) && ++r->voids > MP_SPF_VOID_LIMIT) {
    return fail_with(r, MP_SPF_PERMERROR, MP_SPF_REASON_VOID_LIMIT, err);
  }
  return 0;
}

static bool in_net(const uint8_t *ip, const uint8_t *net, unsigned prefix)
{
  unsigned bytes = prefix / 8, bits = prefix % 8;

  if (memcmp(ip, net, bytes) != 0) {
    return false;
  }
  return bits == 0 ||
         ((ip[bytes] ^ net[bytes]) & (uint8_t)(0xFF << (8 - bits))) == 0;
}

static bool any_address(const struct run *r, const struct mp_answer *a,
                        const struct mp_spf_term *t)
{
  for (size_t i = 0; i < a->count; i++) {
    if (r->family == AF_INET && a->rr[i].type == MP_T_A &&
        in_net(r->ip, a->rr[i].addr, t->cidr4)) {
      return true;
    }
    if (r->family == AF_INET6 && a->rr[i].type == MP_T_AAAA &&
        in_net(r->ip, a->rr[i].addr, t->cidr6)) {
      return true;
    }
  }
  return false;
}

static int check_host(struct run *r, const char *domain, struct node *given,
                      bool explain);

/* The target of a, mx, ptr, include, exists (the current domain when the
 * term has none). Returns 0, R_PENDING or ERR. */
static int term_target(struct run *r, const struct node *n,
                       const struct mp_spf_term *t, const char *domain,
                       char *out, int *err)
{
  int k;

  if (!t->has_domain) {
    snprintf(out, SPF_NAME_MAX, "%s", domain);
    return 0;
  }
  k = expand_domain(r, n, t->dom_off, t->dom_len, t->macro, domain, out);
  if (k == R_PENDING) {
    return R_PENDING;
  }
  if (k <= 0) {
    return fail_with(r, MP_SPF_PERMERROR, MP_SPF_REASON_MACRO, err);
  }
  return 0;
}

static int eval_addresses(struct run *r, const struct mp_spf_term *t,
                          const char *target, int *err)
{
  const struct mp_answer *a;

  a = answer_get(r, target, r->family == AF_INET ? MP_T_A : MP_T_AAAA);
  if (!a) {
    return R_PENDING;
  }
  if (check_answer(r, a, err) == ERR) {
    return ERR;
  }
  return any_address(r, a, t) ? MATCH : NOMATCH;
}

/* Section 5.4: the hosts of at most 10 MX records, in the order of the
 * answer; an empty answer for a host's address is not counted as a void
 * lookup (RFC 7208 counts the terms' own queries; mature implementations
 * differ here), but a failed one ends the evaluation with temperror
 * (section 5: the lookup "returns a server failure ... or times out"),
 * unless an earlier host matched. Every host is asked at once; the answers
 * are read in order. */
static int eval_mx(struct run *r, const struct mp_spf_term *t,
                   const char *target, int *err)
{
  const struct mp_answer *mx = answer_get(r, target, MP_T_MX), *h;
  bool pending = false;

  if (!mx) {
    return R_PENDING;
  }
  if (check_answer(r, mx, err) == ERR) {
    return ERR;
  }
  if (mx->count > MP_SPF_MX_LIMIT) {
    return fail_with(r, MP_SPF_PERMERROR, MP_SPF_REASON_MX_LIMIT, err);
  }
  for (size_t i = 0; i < mx->count; i++) {
    if (!mx->rr[i].data[0]) {
      continue; /* a null MX names no host */
    }
    h = answer_get_text(r, mx->rr[i].data,
                        r->family == AF_INET ? MP_T_A : MP_T_AAAA);
    if (!h) {
      pending = true; /* the hosts after it are asked, not yet decided */
    } else if (pending) {
      continue;
    } else if (spf_failed(h)) {
      return fail_with(r, MP_SPF_TEMPERROR, MP_SPF_REASON_DNS, err);
    } else if (any_address(r, h, t)) {
      return MATCH;
    }
  }
  return pending ? R_PENDING : NOMATCH;
}

/* Section 5.5: validated PTR names of the client under the target. */
static int eval_ptr(struct run *r, const char *target)
{
  char rev[MP_REVERSE_MAX], ttext[MP_NAME_TEXT_MAX + 1];
  const struct mp_answer *ptr, *h;
  size_t tl;
  bool pending = false;

  mp_dnswire_reverse(r->family, r->ip, rev);
  if (!(ptr = answer_get_text(r, rev, MP_T_PTR))) {
    return R_PENDING;
  }
  r->voids += spf_void(ptr); /* an error is a non-match (section 5.5) */
  tl = strlen(spf_name_text(target, ttext));
  for (size_t i = 0; i < ptr->count && i < MP_SPF_MX_LIMIT; i++) {
    const char *name = ptr->rr[i].data; /* name text, as ttext */
    size_t nl = strlen(name);

    if (!(h = answer_get_text(r, name,
                              r->family == AF_INET ? MP_T_A : MP_T_AAAA))) {
      pending = true;
      continue;
    }
    for (size_t k = 0; k < h->count; k++) {
      if (memcmp(h->rr[k].addr, r->ip, r->family == AF_INET ? 4 : 16) == 0 &&
          tl > 0 &&
          (strcmp(name, ttext) == 0 || (nl > tl && name[nl - tl - 1] == '.' &&
                                        strcmp(name + nl - tl, ttext) == 0))) {
        return MATCH;
      }
    }
  }
  return pending ? R_PENDING : NOMATCH;
}

static int eval_include(struct run *r, const char *target, int *err)
{
  int res = check_host(r, target, NULL, false);

  switch (res) {
  case R_PENDING:
    return R_PENDING;
  case MP_SPF_PASS:
    return MATCH;
  case MP_SPF_FAIL:
  case MP_SPF_SOFTFAIL:
  case MP_SPF_NEUTRAL:
    return NOMATCH;
  case MP_SPF_NONE:                 /* section 5.2 */
    r->reason = MP_SPF_REASON_NONE; /* replaced: why the include failed */
    return fail_with(r, MP_SPF_PERMERROR, MP_SPF_REASON_INCLUDE_NONE, err);
  default:
    *err = res;
    return ERR;
  }
}

static int eval_term(struct run *r, struct node *n, const struct mp_spf_term *t,
                     const char *domain, int *err)
{
  char target[SPF_NAME_MAX];
  int rc;

  switch (t->mech) {
  case MP_SPF_ALL:
    return MATCH;
  case MP_SPF_IP4:
    return r->family == AF_INET && in_net(r->ip, t->addr, t->cidr4);
  case MP_SPF_IP6:
    return r->family == AF_INET6 && in_net(r->ip, t->addr, t->cidr6);
  default:
    break;
  }
  if (over_lookup_limit(r)) {
    return fail_with(r, MP_SPF_PERMERROR, MP_SPF_REASON_LOOKUP_LIMIT, err);
  }
  if ((rc = term_target(r, n, t, domain, target, err)) != 0) {
    return rc;
  }
  switch (t->mech) {
  case MP_SPF_INCLUDE:
    return eval_include(r, target, err);
  case MP_SPF_A:
    return eval_addresses(r, t, target, err);
  case MP_SPF_MX:
    return eval_mx(r, t, target, err);
  case MP_SPF_PTR:
    return eval_ptr(r, target);
  default: { /* exists: an A query whatever the client (section 5.7) */
    const struct mp_answer *a = answer_get(r, target, MP_T_A);

    if (!a) {
      return R_PENDING;
    }
    if (check_answer(r, a, err) == ERR) {
      return ERR;
    }
    return a->count ? MATCH : NOMATCH;
  }
  }
}

/* Section 6.2: the explanation of a fail, from exp= of the record that
 * failed (never an included one's). Any problem gives the default. */
static int explain(struct run *r, const struct node *n, const char *domain)
{
  char target[SPF_NAME_MAX];
  const struct mp_answer *a;
  struct scratch *s = spf_scratch();
  int k;

  r->explanation = mp_spf_default_explanation;
  if (!n->rec.has_exp) {
    return 0;
  }
  k = expand_domain(r, n, n->rec.exp_off, n->rec.exp_len, n->rec.exp_macro,
                    domain, target);
  if (k == R_PENDING) {
    return R_PENDING;
  }
  if (k <= 0 || !valid_domain(target)) {
    return 0;
  }
  if (!(a = answer_get(r, target, MP_T_TXT))) {
    return R_PENDING;
  }
  if (a->outcome != MP_OUTCOME_OK || a->count != 1 ||
      mp_spf_macro_check(a->rr[0].data, a->rr[0].len, true, NULL) < 0) {
    return 0;
  }
  if (mp_spf_macro_uses(a->rr[0].data, a->rr[0].len, 'p') && !r->ptr_known &&
      spf_ptr_name(r, domain) == R_PENDING) {
    return R_PENDING;
  }
  r->mctx.domain = domain;
  r->mctx.ptr_name = r->ptr_known ? r->ptr_name : "unknown";
  k = mp_spf_macro_expand(a->rr[0].data, a->rr[0].len, true, &r->mctx,
                          s->explanation, sizeof(s->explanation));
  if (k >= 0) {
    r->explanation = s->explanation;
  }
  return 0;
}

/* check_host(<ip>, <domain>, <sender>), section 4; explain is true at the
 * top and through redirect=, false inside include. Returns a result or
 * R_PENDING. */
static int check_host(struct run *r, const char *domain, struct node *given,
                      bool explain_here)
{
  struct node *n = given;
  int err = 0, m;

  if (!valid_domain(domain)) {
    r->reason = MP_SPF_REASON_BAD_DOMAIN;
    return MP_SPF_NONE;
  }
  if (!n && !(n = node_get(r, domain))) {
    return R_PENDING;
  }
  switch (n->kind) {
  case NODE_NONE:
    r->reason = MP_SPF_REASON_NO_RECORD;
    return MP_SPF_NONE;
  case NODE_DNS:
    fail_with(r, MP_SPF_TEMPERROR, MP_SPF_REASON_DNS, &err);
    return err;
  case NODE_MULTIPLE:
    fail_with(r, MP_SPF_PERMERROR, MP_SPF_REASON_MULTIPLE, &err);
    return err;
  case NODE_SYNTAX:
    if (r->reason == MP_SPF_REASON_NONE) {
      r->error_offset = n->err.offset;
      r->error_record = n->text;
    }
    fail_with(r, MP_SPF_PERMERROR, MP_SPF_REASON_SYNTAX, &err);
    return err;
  default:
    break;
  }
  for (size_t i = 0; i < n->rec.nterms; i++) {
    const struct mp_spf_term *t = &n->rec.terms[i];

    m = eval_term(r, n, t, domain, &err);
    if (m == R_PENDING) {
      return R_PENDING;
    }
    if (m == ERR) {
      return err;
    }
    if (m == MATCH) {
      int res = (int)spf_qual_result(t->qual);

      if (res == MP_SPF_FAIL && explain_here && r->req->explain &&
          explain(r, n, domain) == R_PENDING) {
        return R_PENDING;
      }
      return res;
    }
  }
  if (n->rec.has_redirect) { /* section 6.1 */
    char target[SPF_NAME_MAX];
    int k, res;

    if (over_lookup_limit(r)) {
      fail_with(r, MP_SPF_PERMERROR, MP_SPF_REASON_LOOKUP_LIMIT, &err);
      return err;
    }
    k = expand_domain(r, n, n->rec.redirect_off, n->rec.redirect_len,
                      n->rec.redirect_macro, domain, target);
    if (k == R_PENDING) {
      return R_PENDING;
    }
    if (k <= 0) {
      fail_with(r, MP_SPF_PERMERROR, MP_SPF_REASON_MACRO, &err);
      return err;
    }
    res = check_host(r, target, NULL, explain_here);
    if (res == MP_SPF_NONE) {
      r->reason = MP_SPF_REASON_NONE;
      fail_with(r, MP_SPF_PERMERROR, MP_SPF_REASON_REDIRECT_NONE, &err);
      return err;
    }
    return res;
  }
  return MP_SPF_NEUTRAL;
}

/* --- the API ------------------------------------------------------------ */

void mp_spf_eval_init(struct mp_spf_eval *ev, struct mp_cache *cache)
{
  mp_replay_init(&ev->rp, cache);
  ev->impl = mp_calloc(1, sizeof(*ev->impl));
}

void mp_spf_eval_reset(struct mp_spf_eval *ev)
{
  mp_replay_reset(&ev->rp);
}

void mp_spf_eval_close(struct mp_spf_eval *ev)
{
  if (!ev->impl) {
    return;
  }
  mp_replay_close(&ev->rp);
  mp_free(ev->impl);
  ev->impl = NULL;
}

void mp_spf_eval_targets(struct mp_spf_eval *ev, const char *const *names,
                         size_t n)
{
  uint64_t key = n;

  ev->impl->targets = names;
  ev->impl->ntargets = n < SPF_TARGETS_MAX ? n : SPF_TARGETS_MAX;
  for (size_t i = 0; i < ev->impl->ntargets; i++) {
    key = key * 31 + mp_hash(names[i], strlen(names[i]));
  }
  ev->impl->targets_key = key;
}

/* The identities of section 4.1 and 2.4: the sender's local-part and
 * domain, or postmaster@<helo> when there is no sender. */
static void identities(struct run *r, const struct mp_spf_request *req)
{
  const char *sender = req->sender && *req->sender ? req->sender : NULL;
  const char *at;

  snprintf(r->helo, sizeof(r->helo), "%s", req->helo ? req->helo : "");
  if (!sender) {
    snprintf(r->sender, sizeof(r->sender), "postmaster@%s", r->helo);
  } else {
    snprintf(r->sender, sizeof(r->sender), "%s", sender);
  }
  at = strrchr(r->sender, '@');
  if (!at) {
    snprintf(r->local, sizeof(r->local), "postmaster");
    snprintf(r->sender_domain, sizeof(r->sender_domain), "%s", r->sender);
  } else {
    size_t ll = (size_t)(at - r->sender);

    snprintf(r->local, sizeof(r->local), "%.*s", (int)ll, r->sender);
    if (ll == 0) {
      snprintf(r->local, sizeof(r->local), "postmaster");
    }
    snprintf(r->sender_domain, sizeof(r->sender_domain), "%s", at + 1);
  }
  r->mctx.sender = r->sender;
  r->mctx.local = r->local;
  r->mctx.sender_domain = r->sender_domain;
  r->mctx.helo = r->helo;
  r->mctx.receiver = req->receiver ? req->receiver : "unknown";
  r->mctx.now = req->now;
  r->mctx.family = r->family;
  r->mctx.ip = r->ip;
}

/* An IPv4-mapped IPv6 client is an IPv4 client (RFC 7208 section 5). */
static void client(struct run *r, const struct mp_spf_request *req)
{
  static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};

  r->family = req->family;
  if (req->family == AF_INET6 && memcmp(req->ip, mapped, 12) == 0) {
    r->family = AF_INET;
    memcpy(r->ip, req->ip + 12, 4);
  } else {
    memcpy(r->ip, req->ip, req->family == AF_INET ? 4 : 16);
  }
}

static void finish_posture(struct run *r, const struct memo *m,
                           struct mp_spf_outcome *out)
{
  struct mp_spf_posture *p = &out->posture;
  const struct mp_spf_eval_impl *im = r->ev->impl;
  bool err = m->result == MP_SPF_PERMERROR || m->result == MP_SPF_TEMPERROR;
  unsigned lookups = err ? m->err_lookups : m->lookups;
  unsigned voids = err ? m->err_voids : m->voids;

  out->result = m->result;
  out->reason = m->reason;
  out->error_offset = m->error_offset;
  out->error_record = m->error_record;
  /* the limits are over the whole evaluation, so they are applied here,
   * where it starts; met before an error, they come first */
  bool limit = lookups > MP_SPF_LOOKUP_LIMIT || voids > MP_SPF_VOID_LIMIT;

  if (m->truncated && lookups <= MP_SPF_LOOKUP_LIMIT) {
    lookups = MP_SPF_LOOKUP_LIMIT + 1; /* cannot be: the budget is larger */
  }
  /* the third void stops the walk where it came, unless the eleventh
   * lookup came first */
  if (voids > MP_SPF_VOID_LIMIT && m->void_at[2] <= MP_SPF_LOOKUP_LIMIT) {
    out->result = MP_SPF_PERMERROR;
    out->reason = MP_SPF_REASON_VOID_LIMIT;
    lookups = m->void_at[2];
    voids = MP_SPF_VOID_LIMIT + 1;
  } else if (lookups > MP_SPF_LOOKUP_LIMIT) {
    out->result = MP_SPF_PERMERROR;
    out->reason = MP_SPF_REASON_LOOKUP_LIMIT;
  }
  out->lookups =
      lookups > MP_SPF_LOOKUP_LIMIT + 1 ? MP_SPF_LOOKUP_LIMIT + 1 : lookups;
  out->voids = voids;
  p->lookups_static = m->lookups_static;
  p->depth = m->depth;
  p->all_qual = limit || err ? -1 : m->all_qual; /* the walk stopped short */
  p->uses_ptr = m->uses_ptr;
  p->uses_exists = m->uses_exists;
  p->uses_macros = m->uses_macros;
  p->exact = m->exact;
  p->ip4_addresses = mp_ipset_count(&m->pass4);
  p->ip6_prefixes = mp_ipset_count(&m->pass6);
  /* A failed lookup ended the walk (section 4.4: temperror), unless a
   * limit came first: the tree past it is unknown, never absent. */
  p->failed = m->result == MP_SPF_TEMPERROR;
  p->ntargets = im->ntargets;
  for (size_t k = 0; k < im->ntargets; k++) {
    p->targets[k].name = im->targets[k];
    p->targets[k].reached = m->reached[k];
    p->targets[k].unknown = p->failed && !m->reached[k];
    p->targets[k].effective = m->reached[k] ? m->eff[k] : -1;
    if (out->result == MP_SPF_TEMPERROR && m->eff[k] == -1) {
      /* no term decided such an address before the failed lookup, which
       * it meets too */
      p->targets[k].effective = MP_SPF_TEMPERROR;
    }
  }
}

int mp_spf_check_host(struct mp_spf_eval *ev, const struct mp_spf_request *req,
                      struct mp_spf_outcome *out)
{
  struct scratch *s = spf_scratch();
  struct run run, *r = &run;
  struct node *root = NULL;
  const char *domain;
  int res;

  memset(r, 0, sizeof(*r));
  memset(out, 0, sizeof(*out));
  r->ev = ev;
  r->cache = ev->rp.cache;
  r->req = req;
  r->posture = req->family == AF_UNSPEC;
  r->budget = MP_SPF_WALK_MAX;
  mp_replay_begin(&ev->rp);
  if (!r->posture) {
    client(r, req);
  }
  identities(r, req);
  domain = req->domain ? req->domain : r->sender_domain;
  if (req->root_txt) {
    root = &s->root;
    memo_close(&root->memo);
    node_from_answer(root, req->root_txt, s->root_terms, SPF_TERMS_MAX);
  }
  if (r->posture) {
    if (!valid_domain(domain)) {
      out->result = MP_SPF_NONE;
      out->reason = MP_SPF_REASON_BAD_DOMAIN;
      return 0;
    }
    if (!root && !(root = node_get(r, domain))) {
      return MP_SPF_PENDING;
    }
    s->root_memo.valid = false;
    posture_walk(r, root, domain,
                 root == &s->root ? &s->root_memo : &root->memo, 0);
    if (r->pending) {
      return MP_SPF_PENDING;
    }
    finish_posture(r, root == &s->root ? &s->root_memo : &root->memo, out);
    return 0;
  }
  res = check_host(r, domain, root, true);
  if (res == R_PENDING) {
    assert(ev->rp.npending > 0);
    return MP_SPF_PENDING;
  }
  out->result = (enum mp_spf_result)res;
  out->reason = res == MP_SPF_PASS || res == MP_SPF_FAIL ||
                        res == MP_SPF_SOFTFAIL || res == MP_SPF_NEUTRAL
                    ? MP_SPF_REASON_NONE
                    : r->reason;
  out->error_offset = r->error_offset;
  out->error_record = r->error_record;
  out->explanation = res == MP_SPF_FAIL && req->explain ? r->explanation : NULL;
  out->lookups = r->lookups;
  out->voids = r->voids;
  return 0;
}
