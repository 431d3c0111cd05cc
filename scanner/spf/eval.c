/* check_host() of RFC 7208 with a client address: the terms matched in
 * order, include, redirect= and exp=. run.c sets a run up; the walk
 * without a client (posture) is in posture.c. */
#include "scanner/spf/eval.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "scanner/base/alloc.h"
#include "scanner/base/fmt.h"
#include "scanner/spf/internal.h"

#define MATCH   1
#define NOMATCH 0
#define ERR     (-2) /* the term ends the evaluation: r->err holds the result */

const char mp_spf_default_explanation[] =
    "SPF fail: the sending host is not authorized by the domain's SPF "
    "record";

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
  if (mp_outcome_failed(a->outcome)) {
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

/* The target of a, mx, ptr, include, exists (the current domain when the
 * term has none). Returns 0, R_PENDING or ERR. */
static int term_target(struct run *r, const struct node *n,
                       const struct mp_spf_term *t, const char *domain,
                       char *out, int *err)
{
  int k;

  if (!t->has_domain) {
    mp_fmt_join3(out, SPF_NAME_MAX, domain, "", "");
    return 0;
  }
  k = mp_spf_expand_domain(r, n, t->dom_off, t->dom_len, t->macro, domain, out);
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

  a = mp_spf_answer_get(r, target, r->family == AF_INET ? MP_T_A : MP_T_AAAA);
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
  const struct mp_answer *mx = mp_spf_answer_get(r, target, MP_T_MX), *h;
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
    h = mp_spf_answer_get_text(r, mx->rr[i].data,
                               r->family == AF_INET ? MP_T_A : MP_T_AAAA);
    if (!h) {
      pending = true; /* the hosts after it are asked, not yet decided */
    } else if (pending) {
      continue;
    } else if (mp_outcome_failed(h->outcome)) {
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
  if (!(ptr = mp_spf_answer_get_text(r, rev, MP_T_PTR))) {
    return R_PENDING;
  }
  r->voids += spf_void(ptr); /* an error is a non-match (section 5.5) */
  tl = strlen(mp_spf_name_text(target, ttext));
  for (size_t i = 0; i < ptr->count && i < MP_SPF_MX_LIMIT; i++) {
    const char *name = ptr->rr[i].data; /* name text, as ttext */
    size_t nl = strlen(name);

    if (!(h = mp_spf_answer_get_text(
              r, name, r->family == AF_INET ? MP_T_A : MP_T_AAAA))) {
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
  int res = mp_spf_run_check_host(r, target, NULL, false);

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
    const struct mp_answer *a = mp_spf_answer_get(r, target, MP_T_A);

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
  struct mp_spf_eval_impl *im = r->ev->impl;
  char target[SPF_NAME_MAX];
  const struct mp_answer *a;
  int k;

  r->explanation = mp_spf_default_explanation;
  if (!n->rec.has_exp) {
    return 0;
  }
  k = mp_spf_expand_domain(r, n, n->rec.exp_off, n->rec.exp_len,
                           n->rec.exp_macro, domain, target);
  if (k == R_PENDING) {
    return R_PENDING;
  }
  if (k <= 0 || !mp_spf_domain_ok(target)) {
    return 0;
  }
  if (!(a = mp_spf_answer_get(r, target, MP_T_TXT))) {
    return R_PENDING;
  }
  if (a->outcome != MP_OUTCOME_OK || a->count != 1 ||
      mp_spf_macro_check(a->rr[0].data, a->rr[0].len, true, NULL) < 0) {
    return 0;
  }
  if (mp_spf_macro_uses(a->rr[0].data, a->rr[0].len, 'p') && !r->ptr_known &&
      mp_spf_ptr_name(r, domain) == R_PENDING) {
    return R_PENDING;
  }
  r->mctx.domain = domain;
  r->mctx.ptr_name = r->ptr_known ? r->ptr_name : "unknown";
  if (!im->explanation) {
    im->explanation = mp_malloc(MP_SPF_EXP_MAX);
  }
  k = mp_spf_macro_expand(a->rr[0].data, a->rr[0].len, true, &r->mctx,
                          im->explanation, MP_SPF_EXP_MAX);
  if (k >= 0) {
    r->explanation = im->explanation;
  }
  return 0;
}

/* The result of a node without a record to evaluate (section 4.5); false
 * for one with a record. */
static bool node_result(struct run *r, const struct node *n, int *res)
{
  switch (n->kind) {
  case NODE_NONE:
    r->reason = MP_SPF_REASON_NO_RECORD;
    *res = MP_SPF_NONE;
    return true;
  case NODE_DNS:
    fail_with(r, MP_SPF_TEMPERROR, MP_SPF_REASON_DNS, res);
    return true;
  case NODE_MULTIPLE:
    fail_with(r, MP_SPF_PERMERROR, MP_SPF_REASON_MULTIPLE, res);
    return true;
  case NODE_SYNTAX:
    if (r->reason == MP_SPF_REASON_NONE) {
      r->error_offset = n->err.offset;
      r->error_record = n->text;
    }
    fail_with(r, MP_SPF_PERMERROR, MP_SPF_REASON_SYNTAX, res);
    return true;
  default:
    return false;
  }
}

/* Section 6.1: redirect=, when no term matched. */
static int eval_redirect(struct run *r, const struct node *n,
                         const char *domain, bool explain_here)
{
  char target[SPF_NAME_MAX];
  int k, res, err = 0;

  if (over_lookup_limit(r)) {
    fail_with(r, MP_SPF_PERMERROR, MP_SPF_REASON_LOOKUP_LIMIT, &err);
    return err;
  }
  k = mp_spf_expand_domain(r, n, n->rec.redirect_off, n->rec.redirect_len,
                           n->rec.redirect_macro, domain, target);
  if (k == R_PENDING) {
    return R_PENDING;
  }
  if (k <= 0) {
    fail_with(r, MP_SPF_PERMERROR, MP_SPF_REASON_MACRO, &err);
    return err;
  }
  res = mp_spf_run_check_host(r, target, NULL, explain_here);
  if (res == MP_SPF_NONE) {
    r->reason = MP_SPF_REASON_NONE;
    fail_with(r, MP_SPF_PERMERROR, MP_SPF_REASON_REDIRECT_NONE, &err);
    return err;
  }
  return res;
}

/* Section 4; explain_here is true at the top and through redirect=,
 * false inside include. */
int mp_spf_run_check_host(struct run *r, const char *domain, struct node *given,
                          bool explain_here)
{
  struct node *n = given;
  int err = 0, m;

  if (!mp_spf_domain_ok(domain)) {
    r->reason = MP_SPF_REASON_BAD_DOMAIN;
    return MP_SPF_NONE;
  }
  if (!n && !(n = mp_spf_node_get(r, domain))) {
    return R_PENDING;
  }
  if (node_result(r, n, &err)) {
    return err;
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
  return n->rec.has_redirect ? eval_redirect(r, n, domain, explain_here)
                             : MP_SPF_NEUTRAL;
}
