/* The posture walk: check_host() for a client that matches no mechanism,
 * so every term is evaluated in order until all (then redirect= when
 * there is no all), collecting what researchers and auditors ask of a
 * policy: its lookups, voids, depth, flags, the addresses it passes
 * (flattened, first match wins) and where given include targets sit.
 * Each cached node keeps its result (a memo) until the cache changes, so
 * a provider's tree is walked once per scan, not once per domain. */
#include <limits.h>
#include <string.h>
#include <strings.h>

#include "scanner/base/alloc.h"
#include "scanner/spf/internal.h"

/* Counts add up over every path of the tree, and a tree whose shared
 * subtrees are walked once (memos) can have more paths than a counter
 * holds: they saturate at UINT_MAX (docs/schema.md, lookups_static)
 * instead of wrapping, which could also bring lookups or voids back under
 * their limits. */
static unsigned sat_add(unsigned a, unsigned b)
{
  return a > UINT_MAX - b ? UINT_MAX : a + b;
}

static void memo_reset(struct memo *m)
{
  struct mp_ipset p4 = m->pass4, p6 = m->pass6;

  mp_ipset_clear(&p4);
  mp_ipset_clear(&p6);
  memset(m, 0, sizeof(*m));
  m->pass4 = p4;
  m->pass6 = p6;
  m->result = MP_SPF_NEUTRAL;
  m->all_qual = -1;
  m->exact = true;
  for (size_t k = 0; k < SPF_TARGETS_MAX; k++) {
    m->eff[k] = -1;
  }
}

/* Ends the walk of this node with an error, keeping the counts met so far
 * so the start of the evaluation can tell whether a limit came first. */
static bool stop(struct memo *m, int result, enum mp_spf_reason why)
{
  m->result = (enum mp_spf_result)result;
  m->reason = why;
  m->err_lookups = m->lookups;
  m->err_voids = m->voids;
  return false;
}

/* Counts a void lookup, noting where the first three came: the limit
 * stops the evaluation at the third. */
static void add_void(struct memo *m)
{
  if (m->voids < 3) {
    m->void_at[m->voids] = m->lookups;
  }
  m->voids = sat_add(m->voids, 1);
}

static bool same_name(const char *a, const char *b)
{
  size_t la = strlen(a), lb = strlen(b);

  la -= la && a[la - 1] == '.';
  lb -= lb && b[lb - 1] == '.';
  return la == lb && strncasecmp(a, b, la) == 0;
}

static void add_addresses(struct mp_ipset *s4, struct mp_ipset *s6,
                          const struct mp_answer *a,
                          const struct mp_spf_term *t)
{
  for (size_t i = 0; a && i < a->count; i++) {
    if (a->rr[i].type == MP_T_A) {
      mp_ipset_add_ip4(s4, a->rr[i].addr, t->cidr4);
    } else if (a->rr[i].type == MP_T_AAAA) {
      mp_ipset_add_ip6(s6, a->rr[i].addr, t->cidr6);
    }
  }
}

/* The A and AAAA answers of a name (a4, a6: NULL while fetched). Both
 * families are flattened, so a DNS failure of either is a temperror
 * (RFC 7208 section 5: the lookup "returns a server failure ... or times
 * out"): the addresses the policy passes are then unknown, never fewer.
 * Returns false when it ends the walk. */
static bool both_families(struct memo *m, const struct mp_answer *a4,
                          const struct mp_answer *a6)
{
  if ((a4 && mp_outcome_failed(a4->outcome)) ||
      (a6 && mp_outcome_failed(a6->outcome))) {
    return stop(m, MP_SPF_TEMPERROR, MP_SPF_REASON_DNS);
  }
  return true;
}

/* a and mx (sections 5.3, 5.4). A DNS failure of an address lookup, of the
 * name or of an MX host, is a temperror; an a term is void when its name
 * has neither A nor AAAA records, an mx term when it has no MX (an MX host
 * without addresses is not a void lookup). */
static bool walk_addresses(struct run *r, const struct mp_spf_term *t,
                           const char *target, struct memo *m,
                           struct mp_ipset *s4, struct mp_ipset *s6)
{
  const struct mp_answer *a4, *a6, *mx;

  if (t->mech == MP_SPF_A) {
    a4 = mp_spf_answer_get(r, target, MP_T_A);
    a6 = mp_spf_answer_get(r, target, MP_T_AAAA);
    if (!both_families(m, a4, a6)) {
      return false;
    }
    if (!a4 || !a6) {
      return true;
    }
    if (spf_void(a4) && spf_void(a6)) {
      add_void(m);
    }
    add_addresses(s4, s6, a4, t);
    add_addresses(s4, s6, a6, t);
    return true;
  }
  if (!(mx = mp_spf_answer_get(r, target, MP_T_MX))) {
    return true;
  }
  if (mp_outcome_failed(mx->outcome)) {
    return stop(m, MP_SPF_TEMPERROR, MP_SPF_REASON_DNS);
  }
  if (spf_void(mx)) {
    add_void(m);
  }
  if (mx->count > MP_SPF_MX_LIMIT) {
    return stop(m, MP_SPF_PERMERROR, MP_SPF_REASON_MX_LIMIT);
  }
  for (size_t i = 0; i < mx->count; i++) {
    if (!mx->rr[i].data[0]) {
      continue; /* a null MX names no host */
    }
    a4 = mp_spf_answer_get_text(r, mx->rr[i].data, MP_T_A);
    a6 = mp_spf_answer_get_text(r, mx->rr[i].data, MP_T_AAAA);
    if (!both_families(m, a4, a6)) {
      return false;
    }
    add_addresses(s4, s6, a4, t);
    add_addresses(s4, s6, a6, t);
  }
  return true;
}

/* Takes a child's walk into the parent's counts and flags. false: the
 * child's error ends the parent's walk too. */
static bool take_child(struct memo *m, const struct memo *cm, bool redirect)
{
  m->uses_ptr |= cm->uses_ptr;
  m->uses_exists |= cm->uses_exists;
  m->uses_macros |= cm->uses_macros;
  m->exact &= cm->exact;
  m->cyclic |= cm->cyclic;
  m->truncated |= cm->truncated;
  m->lookups_static = sat_add(m->lookups_static, cm->lookups_static);
  if (!cm->backedge && cm->depth + 1 > m->depth) {
    m->depth = cm->depth + 1;
  }
  /* the child's voids continue the parent's count */
  for (unsigned j = 0; j < cm->voids && m->voids < 3 && j < 3 - m->voids; j++) {
    m->void_at[m->voids + j] = sat_add(m->lookups, cm->void_at[j]);
  }
  if (cm->result == MP_SPF_NONE) { /* sections 5.2 and 6.1 */
    return stop(m, MP_SPF_PERMERROR,
                redirect ? MP_SPF_REASON_REDIRECT_NONE
                         : MP_SPF_REASON_INCLUDE_NONE);
  }
  if (cm->result == MP_SPF_PERMERROR || cm->result == MP_SPF_TEMPERROR) {
    m->result = cm->result;
    m->reason = cm->reason;
    m->err_lookups = sat_add(m->lookups, cm->err_lookups);
    m->err_voids = sat_add(m->voids, cm->err_voids);
    m->error_offset = cm->error_offset;
    m->error_record = cm->error_record;
    return false;
  }
  m->lookups = sat_add(m->lookups, cm->lookups);
  m->voids = sat_add(m->voids, cm->voids);
  return true;
}

/* What a walk that meets a node already being walked (a loop) takes from
 * it: the evaluation would go round until the lookup limit. */
static const struct memo backedge = {
    .result = MP_SPF_PERMERROR,
    .reason = MP_SPF_REASON_LOOKUP_LIMIT,
    .cyclic = true,
    .backedge = true,
    .exact = true,
    .all_qual = -1,
    .lookups = MP_SPF_LOOKUP_LIMIT + 1,
    .err_lookups = MP_SPF_LOOKUP_LIMIT + 1,
};

/* The child node at the target of an include or redirect, walked; NULL
 * while it is being fetched or when the target cannot be known. */
static const struct memo *walk_child(struct run *r, struct node *n,
                                     uint16_t off, uint16_t len, bool macro,
                                     const char *domain, struct memo *m,
                                     size_t level, char *target)
{
  struct node *child;
  int k = mp_spf_expand_domain(r, n, off, len, macro, domain, target);

  if (k == R_PENDING) {
    return NULL;
  }
  if (k <= 0) { /* needs the client or the sender: not known here */
    m->uses_macros = true;
    m->exact = false;
    return NULL;
  }
  if (!(child = mp_spf_node_get(r, target))) {
    return NULL;
  }
  if (child->on_stack || level + 1 >= SPF_LEVEL_MAX) {
    /* The child's own memo is being filled further up: left alone. */
    return &backedge;
  }
  mp_spf_posture_walk(r, child, target, &child->memo, level + 1);
  return &child->memo;
}

/* Where an address only target k authorizes ends up (the effective
 * result), filled in by the first term that would match it. */
static void targets_include(struct run *r, struct memo *m,
                            const struct memo *cm, const char *target, int qual)
{
  const struct mp_spf_eval_impl *im = r->ev->impl;

  for (size_t k = 0; k < im->ntargets; k++) {
    bool is_target = same_name(target, im->targets[k]);

    m->reached[k] |= is_target || cm->reached[k];
    if (m->eff[k] == -1 && (is_target || cm->eff[k] == MP_SPF_PASS)) {
      m->eff[k] = qual;
    }
  }
}

/* pass gets what src holds and decided does not (x: a temporary). */
static void pass_undecided(struct mp_ipset *pass, const struct mp_ipset *src,
                           const struct mp_ipset *decided, struct mp_ipset *x)
{
  if (decided->n == 0) {
    mp_ipset_union(pass, src);
    return;
  }
  mp_ipset_clear(x);
  mp_ipset_union(x, src);
  mp_ipset_subtract(x, decided);
  mp_ipset_union(pass, x);
}

/* Flattening, first match wins: what a term matches and no earlier term
 * did passes when the qualifier is "+"; either way it is decided. The
 * decided set is only kept up when a later term may still match. */
static void flatten(const struct mp_spf_term *t, const struct mp_ipset *m4,
                    const struct mp_ipset *m6, struct memo *m,
                    struct walk_sets *ws, bool more)
{
  if (t->qual == MP_SPF_Q_PASS) {
    pass_undecided(&m->pass4, m4, &ws->d4, &ws->x);
    pass_undecided(&m->pass6, m6, &ws->d6, &ws->x);
  }
  if (more) {
    mp_ipset_union(&ws->d4, m4);
    mp_ipset_union(&ws->d6, m6);
  }
}

/* Whether a term after i may still match: not when the next one is an
 * all that passes nothing, nor after the last without redirect=. */
static bool more_after(const struct node *n, size_t i)
{
  if (i + 1 == n->rec.nterms) {
    return n->rec.has_redirect;
  }
  return !(n->rec.terms[i + 1].mech == MP_SPF_ALL &&
           n->rec.terms[i + 1].qual != MP_SPF_Q_PASS);
}

/* An include bomb (a tree as wide or deep as its author likes) is walked
 * no further than MP_SPF_WALK_MAX DNS-querying terms per evaluation; the
 * evaluation is then over the lookup limit anyway. */
static bool spend(struct run *r, struct memo *m)
{
  if (r->budget == 0) {
    m->truncated = true;
    return false;
  }
  r->budget--;
  return true;
}

/* Counts a DNS-querying term (include, a, mx, ptr, exists, redirect);
 * false when the walk's budget is spent. */
static bool count_lookup(struct run *r, struct memo *m)
{
  if (!spend(r, m)) {
    return false;
  }
  m->lookups = sat_add(m->lookups, 1);
  m->lookups_static = sat_add(m->lookups_static, 1);
  return true;
}

/* a, mx, ptr, exists: -1 when the term ends the walk of the node (an
 * error), 0 when it adds nothing to flatten, 1 when its matches are in
 * ws->t4 and ws->t6. */
static int walk_dns_term(struct run *r, const struct node *n,
                         const struct mp_spf_term *t, const char *domain,
                         struct memo *m, struct walk_sets *ws)
{
  char target[SPF_NAME_MAX];
  const struct mp_answer *a;
  int k;

  m->uses_ptr |= t->mech == MP_SPF_PTR;
  m->uses_exists |= t->mech == MP_SPF_EXISTS;
  if (t->has_domain) {
    k = mp_spf_expand_domain(r, n, t->dom_off, t->dom_len, t->macro, domain,
                             target);
    if (k == R_PENDING) {
      return 0;
    }
    if (k <= 0) {
      m->uses_macros = true;
      m->exact = false;
      return 0;
    }
  } else {
    memcpy(target, domain, strlen(domain) + 1);
  }
  if (t->mech == MP_SPF_PTR || t->mech == MP_SPF_EXISTS) {
    /* they depend on the client: count them as matching nothing */
    m->exact = false;
    if (t->mech == MP_SPF_EXISTS &&
        (a = mp_spf_answer_get(r, target, MP_T_A))) {
      if (mp_outcome_failed(a->outcome)) {
        stop(m, MP_SPF_TEMPERROR, MP_SPF_REASON_DNS);
        return -1;
      }
      if (spf_void(a)) {
        add_void(m);
      }
    }
    return 0;
  }
  return walk_addresses(r, t, target, m, &ws->t4, &ws->t6) ? 1 : -1;
}

/* One term; false when it ends the walk of the node (an error). */
static bool walk_term(struct run *r, struct node *n, size_t i,
                      const char *domain, struct memo *m, size_t level,
                      struct walk_sets *ws)
{
  const struct mp_spf_term *t = &n->rec.terms[i];
  const struct mp_ipset *m4 = &ws->t4, *m6 = &ws->t6;
  char target[SPF_NAME_MAX];
  const struct memo *cm;
  int k;

  mp_ipset_clear(&ws->t4);
  mp_ipset_clear(&ws->t6);
  switch (t->mech) {
  case MP_SPF_ALL:
    if (t->qual != MP_SPF_Q_PASS) {
      return true; /* passes nothing, and the walk ends here */
    }
    mp_ipset_fill(&ws->t4, false);
    mp_ipset_fill(&ws->t6, true);
    break;
  case MP_SPF_IP4:
    mp_ipset_add_ip4(&ws->t4, t->addr, t->cidr4);
    break;
  case MP_SPF_IP6:
    mp_ipset_add_ip6(&ws->t6, t->addr, t->cidr6);
    break;
  case MP_SPF_INCLUDE:
    if (!count_lookup(r, m)) {
      return false;
    }
    cm = walk_child(r, n, t->dom_off, t->dom_len, t->macro, domain, m, level,
                    target);
    if (!cm) {
      return true;
    }
    if (!take_child(m, cm, false)) {
      return false;
    }
    targets_include(r, m, cm, target, (int)spf_qual_result(t->qual));
    m4 = &cm->pass4;
    m6 = &cm->pass6;
    break;
  default: /* a, mx, ptr, exists: DNS-querying terms */
    if (!count_lookup(r, m)) {
      return false;
    }
    if ((k = walk_dns_term(r, n, t, domain, m, ws)) <= 0) {
      return k == 0;
    }
    break;
  }
  flatten(t, m4, m6, m, ws, more_after(n, i));
  return true;
}

/* After the terms, when no all matched: redirect= or neutral. */
static void walk_end(struct run *r, struct node *n, const char *domain,
                     struct memo *m, size_t level, struct walk_sets *ws)
{
  const struct mp_spf_eval_impl *im = r->ev->impl;
  char target[SPF_NAME_MAX];
  const struct memo *cm;

  if (!n->rec.has_redirect) {
    m->result = MP_SPF_NEUTRAL;
    for (size_t k = 0; k < im->ntargets; k++) {
      m->eff[k] = m->eff[k] == -1 ? MP_SPF_NEUTRAL : m->eff[k];
    }
    return;
  }
  if (!count_lookup(r, m)) {
    return;
  }
  cm = walk_child(r, n, n->rec.redirect_off, n->rec.redirect_len,
                  n->rec.redirect_macro, domain, m, level, target);
  if (!cm || !take_child(m, cm, true)) {
    return;
  }
  m->result = cm->result;
  m->all_qual = cm->all_qual;
  pass_undecided(&m->pass4, &cm->pass4, &ws->d4, &ws->x);
  pass_undecided(&m->pass6, &cm->pass6, &ws->d6, &ws->x);
  for (size_t k = 0; k < im->ntargets; k++) {
    m->reached[k] |= same_name(target, im->targets[k]) || cm->reached[k];
    if (m->eff[k] == -1) {
      m->eff[k] = same_name(target, im->targets[k]) ? MP_SPF_PASS : cm->eff[k];
    }
  }
}

/* The sets of one level of the walk, cleared. */
static struct walk_sets *level_sets(struct mp_spf_eval_impl *im, size_t level)
{
  struct walk_sets *ws;

  if (level >= im->nlevels) {
    im->levels = mp_realloc(im->levels, (level + 1) * sizeof(*im->levels));
    while (im->nlevels <= level) {
      im->levels[im->nlevels++] = mp_calloc(1, sizeof(struct walk_sets));
    }
  }
  ws = im->levels[level];
  mp_ipset_clear(&ws->d4);
  mp_ipset_clear(&ws->d6);
  mp_ipset_clear(&ws->t4);
  mp_ipset_clear(&ws->t6);
  mp_ipset_clear(&ws->x);
  return ws;
}

static void trim_set(struct mp_ipset *s, bool close)
{
  if (close || s->cap > SPF_RANGES_KEEP) {
    mp_ipset_close(s);
  }
}

void mp_spf_posture_trim(struct mp_spf_eval_impl *im, bool close)
{
  for (size_t i = 0; i < im->nlevels; i++) {
    struct walk_sets *ws = im->levels[i];

    trim_set(&ws->d4, close);
    trim_set(&ws->d6, close);
    trim_set(&ws->t4, close);
    trim_set(&ws->t6, close);
    trim_set(&ws->x, close);
    if (close) {
      mp_free(ws);
    }
  }
  trim_set(&im->root_memo.pass4, close);
  trim_set(&im->root_memo.pass6, close);
  if (close) {
    mp_free(im->levels);
    im->levels = NULL;
    im->nlevels = 0;
  }
}

static void walk_record(struct run *r, struct node *n, const char *domain,
                        struct memo *m, size_t level)
{
  const struct mp_spf_eval_impl *im = r->ev->impl;
  struct walk_sets *ws = level_sets(r->ev->impl, level);

  for (size_t i = 0; i < n->rec.nterms; i++) {
    const struct mp_spf_term *t = &n->rec.terms[i];

    if (!walk_term(r, n, i, domain, m, level, ws)) {
      return;
    }
    if (t->mech == MP_SPF_ALL) {
      m->all_qual = t->qual;
      m->result = spf_qual_result(t->qual);
      for (size_t k = 0; k < im->ntargets; k++) {
        m->eff[k] = m->eff[k] == -1 ? (int)m->result : m->eff[k];
      }
      return;
    }
  }
  walk_end(r, n, domain, m, level, ws);
}

void mp_spf_posture_walk(struct run *r, struct node *n, const char *domain,
                         struct memo *m, size_t level)
{
  uint64_t gen = mp_cache_generation(r->cache);
  bool outer_pending = r->pending;

  if (m->valid && m->gen == gen && m->targets_key == r->ev->impl->targets_key) {
    return;
  }
  memo_reset(m);
  m->targets_key = r->ev->impl->targets_key;
  r->pending = false;
  switch (n->kind) {
  case NODE_NONE:
    m->result = MP_SPF_NONE;
    m->reason = MP_SPF_REASON_NO_RECORD;
    break;
  case NODE_DNS:
    stop(m, MP_SPF_TEMPERROR, MP_SPF_REASON_DNS);
    break;
  case NODE_MULTIPLE:
    stop(m, MP_SPF_PERMERROR, MP_SPF_REASON_MULTIPLE);
    break;
  case NODE_SYNTAX:
    stop(m, MP_SPF_PERMERROR, MP_SPF_REASON_SYNTAX);
    m->error_offset = n->err.offset;
    m->error_record = n->text;
    break;
  case NODE_RECORD:
    m->uses_macros = n->rec.uses_macros;
    n->on_stack = true;
    walk_record(r, n, domain, m, level);
    n->on_stack = false;
    break;
  }
  /* a memo is kept only when nothing below was missing or in a loop */
  m->valid = !r->pending && !m->cyclic && !m->truncated;
  m->gen = gen;
  r->pending |= outer_pending;
}
