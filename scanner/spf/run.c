/* The evaluator's API (eval.h): an evaluation's state and the memory its
 * runs use, one run set up (the client, the identities, the domain's own
 * record), then check_host() (eval.c) or the posture walk (posture.c),
 * and the walk's memo turned into the outcome. */
#include "scanner/spf/eval.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "scanner/base/alloc.h"
#include "scanner/base/hash.h"
#include "scanner/spf/internal.h"

void mp_spf_eval_init(struct mp_spf_eval *ev, struct mp_cache *cache)
{
  mp_replay_init(&ev->rp, cache);
  ev->rp.kind = MP_CACHE_MEMO; /* the posture memos are built over them */
  ev->impl = mp_calloc(1, sizeof(*ev->impl));
  mp_spf_memo_init(&ev->impl->root.memo);
  mp_spf_memo_init(&ev->impl->root_memo);
}

void mp_spf_eval_reset(struct mp_spf_eval *ev)
{
  mp_replay_reset(&ev->rp);
  mp_spf_posture_trim(ev->impl, false);
}

void mp_spf_eval_close(struct mp_spf_eval *ev)
{
  struct mp_spf_eval_impl *im = ev->impl;

  if (!im) {
    return;
  }
  mp_replay_close(&ev->rp);
  mp_spf_posture_trim(im, true);
  mp_spf_memo_close(&im->root.memo);
  mp_free(im->root_terms.t);
  mp_free(im->explanation);
  mp_free(im);
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

const struct mp_spf_record *mp_spf_eval_record(const struct mp_spf_eval *ev)
{
  const struct mp_spf_eval_impl *im = ev->impl;

  return im->root_set && im->root.kind == NODE_RECORD ? &im->root.rec : NULL;
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

/* A run of ev for req, from the top (a replay). */
static void run_init(struct run *r, struct mp_spf_eval *ev,
                     const struct mp_spf_request *req)
{
  memset(r, 0, sizeof(*r));
  r->ev = ev;
  r->cache = ev->rp.cache;
  r->req = req;
  r->posture = req->family == AF_UNSPEC;
  r->budget = MP_SPF_WALK_MAX;
  if (!r->posture) {
    client(r, req);
  }
  identities(r, req);
}

/* The posture walk from root, the domain's node (NULL: from the cache). */
static int run_posture(struct run *r, struct node *root, const char *domain,
                       struct mp_spf_outcome *out)
{
  struct mp_spf_eval_impl *im = r->ev->impl;
  struct memo *memo;

  if (!mp_spf_domain_ok(domain)) {
    out->result = MP_SPF_NONE;
    out->reason = MP_SPF_REASON_BAD_DOMAIN;
    return 0;
  }
  if (!root && !(root = mp_spf_node_get(r, domain))) {
    return MP_SPF_PENDING;
  }
  memo = root == &im->root ? &im->root_memo : &root->memo;
  im->root_memo.valid = false;
  mp_spf_posture_walk(r, root, domain, memo, 0);
  if (r->pending) {
    return MP_SPF_PENDING;
  }
  finish_posture(r, memo, out);
  return 0;
}

/* check_host() for the client, from root (NULL: from the cache). */
static int run_client(struct run *r, struct node *root, const char *domain,
                      struct mp_spf_outcome *out)
{
  int res = mp_spf_run_check_host(r, domain, root, true);

  if (res == R_PENDING) {
    assert(r->ev->rp.npending > 0);
    return MP_SPF_PENDING;
  }
  out->result = (enum mp_spf_result)res;
  out->reason = res == MP_SPF_PASS || res == MP_SPF_FAIL ||
                        res == MP_SPF_SOFTFAIL || res == MP_SPF_NEUTRAL
                    ? MP_SPF_REASON_NONE
                    : r->reason;
  out->error_offset = r->error_offset;
  out->error_record = r->error_record;
  out->explanation =
      res == MP_SPF_FAIL && r->req->explain ? r->explanation : NULL;
  out->lookups = r->lookups;
  out->voids = r->voids;
  return 0;
}

int mp_spf_check_host(struct mp_spf_eval *ev, const struct mp_spf_request *req,
                      struct mp_spf_outcome *out)
{
  struct mp_spf_eval_impl *im = ev->impl;
  struct node *root = NULL;
  const char *domain;
  struct run r;

  memset(out, 0, sizeof(*out));
  run_init(&r, ev, req);
  mp_replay_begin(&ev->rp);
  domain = req->domain ? req->domain : r.sender_domain;
  im->root_set = false;
  if (req->root_txt) {
    root = &im->root;
    mp_spf_memo_close(&root->memo);
    mp_spf_node_from_answer(root, req->root_txt, &im->root_terms);
    im->root_set = true;
  }
  return r.posture ? run_posture(&r, root, domain, out)
                   : run_client(&r, root, domain, out);
}
