#include "tests/world/spftruth.h"

#include <assert.h>
#include <string.h>

#include "scanner/base/alloc.h"
#include "tests/world/rangeset.h"
#include "tests/world/spfrec.h"

#define LOOKUP_LIMIT 10 /* RFC 7208 section 4.6.4 */
#define VOID_LIMIT   2  /* section 4.6.4 */
#define MX_LIMIT     10 /* names per mx: section 4.6.4 */
#define PATH_MAX_LEN 64 /* include/redirect chain; far above the world's */

/* ---- a set of names (the include/redirect targets met) ---- */

struct nset {
  char **slot;
  size_t n, cap;
};

static uint64_t fnv(const char *s)
{
  uint64_t h = 0xcbf29ce484222325u;

  for (; *s != '\0'; s++) {
    h = (h ^ (uint8_t)*s) * 0x100000001b3u;
  }
  return h;
}

static void nset_add(struct nset *s, const char *name)
{
  size_t i;

  if (2 * (s->n + 1) > s->cap) { /* grow and rehash, load <= 1/2 */
    struct nset bigger = {.cap = s->cap == 0 ? 256 : 2 * s->cap};
    bigger.slot = mp_calloc(bigger.cap, sizeof(char *));
    for (size_t k = 0; k < s->cap; k++) {
      if (s->slot[k] != NULL) {
        for (i = fnv(s->slot[k]) & (bigger.cap - 1); bigger.slot[i] != NULL;
             i = (i + 1) & (bigger.cap - 1)) {
        }
        bigger.slot[i] = s->slot[k];
      }
    }
    bigger.n = s->n;
    mp_free(s->slot);
    *s = bigger;
  }
  for (i = fnv(name) & (s->cap - 1); s->slot[i] != NULL;
       i = (i + 1) & (s->cap - 1)) {
    if (strcmp(s->slot[i], name) == 0) {
      return;
    }
  }
  s->slot[i] = mp_strndup(name, strlen(name));
  s->n++;
}

static void nset_close(struct nset *s)
{
  for (size_t i = 0; i < s->cap; i++) {
    mp_free(s->slot[i]);
  }
  mp_free(s->slot);
}

/* ---- the evaluator ---- */

struct cached; /* a parsed record of a name under example. */

#define CACHE_SLOTS 256 /* the example. zone has about 40 SPF owners */

struct mp_spft {
  const struct mp_zonedb *example, *line;
  struct nset targets, walked;
  struct cached *cache[CACHE_SLOTS];
  size_t ncached;
  uint8_t join[65536]; /* one TXT record, strings joined */
};

struct mp_spft *mp_spft_new(const struct mp_zonedb *example)
{
  struct mp_spft *t = mp_calloc(1, sizeof(*t));

  t->example = example;
  return t;
}

static void cache_close(struct mp_spft *t);

void mp_spft_free(struct mp_spft *t)
{
  if (t != NULL) {
    cache_close(t);
    nset_close(&t->targets);
    nset_close(&t->walked);
    mp_free(t);
  }
}

size_t mp_spft_targets(const struct mp_spft *t, bool walked)
{
  return walked ? t->walked.n : t->targets.n;
}

const char *mp_spft_status_name(enum mp_spft_status s)
{
  static const char *const names[MP_SPFT_NSTATUS] = {"-", "none", "valid",
                                                     "permerror", "temperror"};

  return names[s];
}

const char *mp_spft_reason_name(enum mp_spft_reason r)
{
  static const char *const names[MP_SPFT_NREASON] = {
      "-",          "no_record",    "multiple",      "syntax", "lookup_limit",
      "void_limit", "include_none", "redirect_none", "dns"};

  return names[r];
}

/* ---- DNS over the parsed zones ---- */

enum ans_rc { ANS_OK, ANS_EMPTY, ANS_SERVFAIL };

struct ans {
  enum ans_rc rc;
  const struct mp_zonedb *db;
  size_t first, n;
};

/* name is zone or a name under it. */
static bool under(const char *name, const char *zone)
{
  size_t n = strlen(name), z = strlen(zone);

  return n == z ? strcmp(name, zone) == 0
                : n > z && name[n - z - 1] == '.' &&
                      strcmp(name + n - z, zone) == 0;
}

/* The (name, type) RRset as Knot serves it: CNAMEs followed, SERVFAIL for
 * everything under broken.test (configured, no zone file). A name outside
 * the zones (none is referenced) counts as empty. */
static void resolve(const struct mp_spft *t, const char *name, uint16_t type,
                    struct ans *a)
{
  const char *cur = name;

  for (int hops = 0; hops < 8; hops++) {
    size_t first;
    a->rc = ANS_EMPTY;
    a->n = 0;
    if (under(cur, "broken.test")) {
      a->rc = ANS_SERVFAIL;
      return;
    }
    a->db = under(cur, "example") ? t->example
            : under(cur, "test")  ? t->line
                                  : NULL;
    if (a->db == NULL) {
      return;
    }
    a->n = mp_zonedb_find(a->db, cur, type, &a->first);
    if (a->n > 0) {
      a->rc = ANS_OK;
      return;
    }
    if (mp_zonedb_find(a->db, cur, MP_ZT_CNAME, &first) == 0) {
      return;
    }
    cur = mp_zonedb_str(a->db, a->db->rr[first].data);
  }
  assert(0 && "CNAME chain in the world");
}

/* ---- fetching a name's SPF record (section 4.5) ---- */

enum fetch { F_OK, F_NONE, F_MULTIPLE, F_SYNTAX, F_SERVFAIL };

/* The strings of TXT RR i joined (section 3.3) into t->join. */
static size_t join(struct mp_spft *t, const struct mp_zonedb *db, size_t i)
{
  const uint8_t *p = (const uint8_t *)db->bytes + db->rr[i].data;
  const uint8_t *end = p + db->rr[i].len;
  size_t n = 0;

  while (p < end) {
    assert(n + *p <= sizeof(t->join));
    memcpy(t->join + n, p + 1, *p);
    n += *p;
    p += 1 + *p;
  }
  return n;
}

static enum fetch fetch(struct mp_spft *t, const char *name,
                        struct mp_spfrec *r)
{
  struct ans a;
  size_t found = 0, len = 0, which = 0;

  *r = (struct mp_spfrec){0};
  resolve(t, name, MP_ZT_TXT, &a);
  if (a.rc == ANS_SERVFAIL) {
    return F_SERVFAIL;
  }
  for (size_t i = a.first; i < a.first + a.n; i++) {
    len = join(t, a.db, i);
    if (mp_spfrec_is_spf(t->join, len)) {
      found++;
      which = i;
    }
  }
  if (found != 1) {
    return found == 0 ? F_NONE : F_MULTIPLE;
  }
  len = join(t, a.db, which);
  if (!mp_spfrec_parse(r, name, t->join, len)) {
    mp_spfrec_free(r);
    return F_SYNTAX;
  }
  return F_OK;
}

/* ---- parsed records of example. names, fetched once ---- */

struct cached {
  char *name;
  enum fetch f;
  struct mp_spfrec r;
};

static void cache_close(struct mp_spft *t)
{
  for (size_t i = 0; i < CACHE_SLOTS; i++) {
    if (t->cache[i] != NULL) {
      mp_spfrec_free(&t->cache[i]->r);
      mp_free(t->cache[i]->name);
      mp_free(t->cache[i]);
    }
  }
}

/* fetch() with a cache for the example. zone, which never changes: *out is
 * the record, in the cache or in scratch (the caller frees scratch). */
static enum fetch get(struct mp_spft *t, const char *name,
                      struct mp_spfrec *scratch, const struct mp_spfrec **out)
{
  size_t i;
  struct cached *c;

  *scratch = (struct mp_spfrec){0};
  *out = scratch;
  if (!under(name, "example")) {
    return fetch(t, name, scratch);
  }
  for (i = fnv(name) & (CACHE_SLOTS - 1); t->cache[i] != NULL;
       i = (i + 1) & (CACHE_SLOTS - 1)) {
    if (strcmp(t->cache[i]->name, name) == 0) {
      *out = &t->cache[i]->r;
      return t->cache[i]->f;
    }
  }
  c = mp_calloc(1, sizeof(*c));
  c->name = mp_strndup(name, strlen(name));
  c->f = fetch(t, c->name, &c->r);
  t->cache[i] = c;
  t->ncached++;
  assert(t->ncached < CACHE_SLOTS / 2);
  *out = &c->r;
  return c->f;
}

/* ---- the no-match walk: check_host() (sections 4 and 5) ---- */

enum res { RES_PASS, RES_FAIL, RES_SOFTFAIL, RES_NEUTRAL, RES_NONE, RES_ERR };

struct walk {
  struct mp_spft *t;
  unsigned lookups, voids, mx_empty;
  bool ptr, exists, macros, exact;
  enum mp_spft_status err; /* PERMERROR or TEMPERROR with RES_ERR */
  enum mp_spft_reason reason;
};

static enum res fail(struct walk *w, enum mp_spft_status s,
                     enum mp_spft_reason r)
{
  w->err = s;
  w->reason = r;
  return RES_ERR;
}

/* A DNS-querying term: section 4.6.4 stops at the 11th. */
static bool count_lookup(struct walk *w)
{
  return ++w->lookups <= LOOKUP_LIMIT;
}

static enum res qual_res(char q)
{
  return q == '+'   ? RES_PASS
         : q == '-' ? RES_FAIL
         : q == '~' ? RES_SOFTFAIL
                    : RES_NEUTRAL;
}

/* [lo, hi] of an address with a prefix length: IPv4 keys are the 32-bit
 * address, IPv6 keys the top 64 bits (a prefix past /64 holds one key). */
static void add_net(struct mp_rangeset *s, const uint8_t *ip, bool six,
                    unsigned len)
{
  unsigned bits = six ? 64 : 32;
  uint64_t v = 0, span;

  for (unsigned i = 0; i < bits / 8; i++) {
    v = v << 8 | ip[i];
  }
  len = len > bits ? bits : len;
  span = len == 0 ? (six ? UINT64_MAX : 0xffffffffu)
                  : ((uint64_t)1 << (bits - len)) - 1;
  if (len == 0 && six) {
    mp_rangeset_add(s, 0, UINT64_MAX);
    return;
  }
  mp_rangeset_add(s, v & ~span, (v & ~span) | span);
}

/* Adds the A and AAAA addresses of name to s[0], s[1] with the cidr
 * lengths; *found: the name has any. */
static enum res host_addrs(struct walk *w, const char *name, unsigned c4,
                           unsigned c6, struct mp_rangeset s[2], bool *found)
{
  static const uint16_t types[2] = {MP_ZT_A, MP_ZT_AAAA};

  *found = false;
  for (int f = 0; f < 2; f++) {
    struct ans a;
    resolve(w->t, name, types[f], &a);
    if (a.rc == ANS_SERVFAIL) {
      return fail(w, MP_SPFT_TEMPERROR, MP_SPFT_R_DNS);
    }
    for (size_t i = a.first; i < a.first + a.n; i++) {
      add_net(&s[f], (const uint8_t *)a.db->bytes + a.db->rr[i].data, f == 1,
              f == 0 ? c4 : c6);
      *found = true;
    }
  }
  return RES_NEUTRAL;
}

/* A void lookup (section 4.6.4): the term's own query found nothing. */
static enum res void_lookup(struct walk *w)
{
  if (++w->voids > VOID_LIMIT) {
    return fail(w, MP_SPFT_PERMERROR, MP_SPFT_R_VOID_LIMIT);
  }
  return RES_NEUTRAL;
}

/* The addresses of "a" or "mx" (sections 5.3, 5.4) into s. */
static enum res a_mx(struct walk *w, const struct mp_spfrec_term *tm,
                     const char *name, struct mp_rangeset s[2])
{
  struct ans a;
  bool found;

  if (tm->m == MP_SPFM_A) {
    if (host_addrs(w, name, tm->c4, tm->c6, s, &found) == RES_ERR) {
      return RES_ERR;
    }
    return found ? RES_NEUTRAL : void_lookup(w);
  }
  resolve(w->t, name, MP_ZT_MX, &a);
  if (a.rc == ANS_SERVFAIL) {
    return fail(w, MP_SPFT_TEMPERROR, MP_SPFT_R_DNS);
  }
  if (a.n == 0) {
    return void_lookup(w);
  }
  assert(a.n <= MX_LIMIT);
  for (size_t i = a.first; i < a.first + a.n; i++) {
    const char *host = mp_zonedb_str(a.db, a.db->rr[i].data);
    /* an MX host without addresses is not a void lookup: only the
     * term's own MX query counts (see README.md) */
    if (host[0] != '\0' &&
        host_addrs(w, host, tm->c4, tm->c6, s, &found) == RES_ERR) {
      return RES_ERR;
    }
    w->mx_empty += host[0] != '\0' && !found;
  }
  return RES_NEUTRAL;
}

static enum res check_host(struct walk *w, const char *name,
                           struct mp_rangeset pass[2], char *endq);

/* An include or redirect: check_host() of target into sub. */
static enum res recurse(struct walk *w, const char *target, bool redirect,
                        struct mp_rangeset sub[2], char *endq)
{
  enum res r;

  if (!count_lookup(w)) {
    return fail(w, MP_SPFT_PERMERROR, MP_SPFT_R_LOOKUP_LIMIT);
  }
  nset_add(&w->t->walked, target);
  r = check_host(w, target, sub, endq);
  if (r == RES_NONE) { /* sections 5.2 and 6.1 */
    return fail(w, MP_SPFT_PERMERROR,
                redirect ? MP_SPFT_R_REDIRECT_NONE : MP_SPFT_R_INCLUDE_NONE);
  }
  return r;
}

/* The set of addresses term tm matches into s (emptied first). */
static enum res match_set(struct walk *w, const struct mp_spfrec *r,
                          const struct mp_spfrec_term *tm,
                          struct mp_rangeset s[2])
{
  char q;
  enum res res = RES_NEUTRAL;

  mp_rangeset_clear(&s[0]);
  mp_rangeset_clear(&s[1]);
  switch (tm->m) {
  case MP_SPFM_ALL:
    mp_rangeset_add(&s[0], 0, 0xffffffffu);
    mp_rangeset_add(&s[1], 0, UINT64_MAX);
    break;
  case MP_SPFM_IP4:
  case MP_SPFM_IP6:
    add_net(&s[tm->m == MP_SPFM_IP6], tm->ip, tm->m == MP_SPFM_IP6,
            tm->m == MP_SPFM_IP6 ? tm->c6 : tm->c4);
    break;
  case MP_SPFM_A:
  case MP_SPFM_MX:
    if (!count_lookup(w)) {
      return fail(w, MP_SPFT_PERMERROR, MP_SPFT_R_LOOKUP_LIMIT);
    }
    assert(!tm->macro); /* the world has none */
    res = a_mx(w, tm, tm->dom != NULL ? tm->dom : r->name, s);
    break;
  case MP_SPFM_PTR:
  case MP_SPFM_EXISTS: /* not queried: they match nothing, the sets are a lower
                    bound (no client address in posture mode) */
    if (!count_lookup(w)) {
      return fail(w, MP_SPFT_PERMERROR, MP_SPFT_R_LOOKUP_LIMIT);
    }
    w->ptr = w->ptr || tm->m == MP_SPFM_PTR;
    w->exists = w->exists || tm->m == MP_SPFM_EXISTS;
    w->macros = w->macros || tm->macro;
    w->exact = false;
    break;
  case MP_SPFM_INCLUDE:
    assert(!tm->macro);
    res = recurse(w, tm->dom, false, s, &q);
    /* an included +all would make the include match the walk's address:
     * the world never includes one (README.md) */
    assert(res != RES_PASS);
    break;
  }
  return res == RES_ERR ? RES_ERR : RES_NEUTRAL;
}

/* Walks a parsed record: pass[] gets the addresses it passes (first match
 * wins: a pass term adds its set minus everything matched before it). */
static enum res eval_rec(struct walk *w, const struct mp_spfrec *r,
                         struct mp_rangeset pass[2], char *endq)
{
  struct mp_rangeset done[2], s[2];
  enum res res = RES_NEUTRAL;
  size_t i;

  *endq = 0;
  for (int f = 0; f < 2; f++) {
    mp_rangeset_init(&done[f]);
    mp_rangeset_init(&s[f]);
  }
  for (i = 0; i < r->n && res != RES_ERR; i++) {
    const struct mp_spfrec_term *tm = &r->t[i];
    if (match_set(w, r, tm, s) == RES_ERR) {
      res = RES_ERR;
      break;
    }
    for (int f = 0; f < 2; f++) {
      if (tm->qual == '+') {
        mp_rangeset_add_minus(&pass[f], &s[f], &done[f]);
      }
      for (size_t k = 0; k < s[f].n; k++) {
        mp_rangeset_add(&done[f], s[f].r[k].lo, s[f].r[k].hi);
      }
    }
    if (tm->m == MP_SPFM_ALL) { /* later terms and redirect are never reached */
      *endq = tm->qual;
      res = qual_res(tm->qual);
      break;
    }
  }
  if (i == r->n && r->redirect != NULL) { /* section 6.1 */
    assert(!r->redirect_macro);
    res = recurse(w, r->redirect, true, s, endq);
    for (int f = 0; f < 2 && res != RES_ERR; f++) {
      mp_rangeset_add_minus(&pass[f], &s[f], &done[f]);
    }
  }
  for (int f = 0; f < 2; f++) {
    mp_rangeset_close(&done[f]);
    mp_rangeset_close(&s[f]);
  }
  return res;
}

static enum res check_host(struct walk *w, const char *name,
                           struct mp_rangeset pass[2], char *endq)
{
  struct mp_spfrec scratch;
  const struct mp_spfrec *r;
  enum res res;

  *endq = 0;
  mp_rangeset_clear(&pass[0]);
  mp_rangeset_clear(&pass[1]);
  switch (get(w->t, name, &scratch, &r)) {
  case F_NONE:
    return RES_NONE;
  case F_SERVFAIL:
    return fail(w, MP_SPFT_TEMPERROR, MP_SPFT_R_DNS);
  case F_MULTIPLE:
    return fail(w, MP_SPFT_PERMERROR, MP_SPFT_R_MULTIPLE);
  case F_SYNTAX:
    return fail(w, MP_SPFT_PERMERROR, MP_SPFT_R_SYNTAX);
  case F_OK:
    break;
  }
  res = eval_rec(w, r, pass, endq);
  mp_spfrec_free(&scratch);
  return res;
}

/* ---- the static tree: every include and redirect followed ---- */

struct tree {
  unsigned lookups, depth;
  bool failed; /* a target's lookup failed (SERVFAIL): the tree is not
                  known whole */
};

/* docs/schema.md: lookups_static stops at 4294967295 rather than wrap (no
 * tree of this world comes near; an include bomb would). */
static unsigned add_capped(unsigned a, unsigned b)
{
  return b > 4294967295u - a ? 4294967295u : a + b;
}

static void static_rec(struct mp_spft *t, const struct mp_spfrec *r,
                       const char **path, size_t np, struct tree *out);

/* An include/redirect edge to target: adds the target to the set and,
 * unless it is already on the path (a loop: the chain ends before it),
 * makes the chain one longer and follows a target with a usable record. */
static void edge(struct mp_spft *t, const char *target, const char **path,
                 size_t np, struct tree *out)
{
  struct tree sub = {0, 0, false};
  struct mp_spfrec scratch;
  const struct mp_spfrec *r;
  enum fetch f;

  nset_add(&t->targets, target);
  for (size_t i = 0; i < np; i++) {
    if (strcmp(path[i], target) == 0) {
      return;
    }
  }
  if ((f = get(t, target, &scratch, &r)) == F_OK) {
    assert(np < PATH_MAX_LEN);
    path[np] = target;
    static_rec(t, r, path, np + 1, &sub);
  }
  mp_spfrec_free(&scratch);
  out->failed = out->failed || sub.failed || f == F_SERVFAIL;
  out->lookups = add_capped(out->lookups, sub.lookups);
  out->depth = 1 + sub.depth > out->depth ? 1 + sub.depth : out->depth;
}

static void static_rec(struct mp_spft *t, const struct mp_spfrec *r,
                       const char **path, size_t np, struct tree *out)
{
  size_t i;

  *out = (struct tree){0, 0, false};
  for (i = 0; i < r->n && r->t[i].m != MP_SPFM_ALL; i++) {
    enum mp_spfrec_mech m = r->t[i].m;
    out->lookups =
        add_capped(out->lookups, m != MP_SPFM_IP4 && m != MP_SPFM_IP6);
    if (m == MP_SPFM_INCLUDE) {
      edge(t, r->t[i].dom, path, np, out);
    }
  }
  if (i == r->n && r->redirect != NULL) {
    out->lookups = add_capped(out->lookups, 1);
    edge(t, r->redirect, path, np, out);
  }
}

/* ---- one row ---- */

static void columns(const struct mp_spfrec *r, struct mp_spft_row *row)
{
  size_t len = 0;

  for (size_t i = 0; i < r->n; i++) {
    if (r->t[i].m == MP_SPFM_INCLUDE) {
      size_t n = strlen(r->t[i].dom);
      assert(len + n + 2 <= sizeof(row->includes));
      if (len > 0) {
        row->includes[len++] = ',';
      }
      memcpy(row->includes + len, r->t[i].dom, n + 1);
      len += n;
    }
  }
  if (r->redirect != NULL) {
    assert(strlen(r->redirect) < sizeof(row->redirect));
    memcpy(row->redirect, r->redirect, strlen(r->redirect) + 1);
  }
}

void mp_spft_eval(struct mp_spft *t, const struct mp_zonedb *line,
                  const char *domain, struct mp_spft_row *row)
{
  static const enum mp_spft_reason why[] = {[F_NONE] = MP_SPFT_R_NO_RECORD,
                                            [F_MULTIPLE] = MP_SPFT_R_MULTIPLE,
                                            [F_SYNTAX] = MP_SPFT_R_SYNTAX};
  struct walk w = {.t = t, .exact = true};
  struct mp_rangeset pass[2];
  const char *path[PATH_MAX_LEN] = {domain};
  struct tree tree;
  struct ans a;
  struct mp_spfrec r;
  enum fetch f;
  enum res res;

  memset(row, 0, sizeof(*row));
  t->line = line;
  resolve(t, domain, MP_ZT_TXT, &a);
  if (a.rc == ANS_SERVFAIL || !mp_zonedb_exists(line, domain)) {
    return; /* MP_SPFT_DASH */
  }
  f = fetch(t, domain, &r);
  assert(f != F_SERVFAIL);
  if (f != F_OK) {
    row->status = f == F_NONE ? MP_SPFT_NONE : MP_SPFT_PERMERROR;
    row->reason = why[f];
    return;
  }
  columns(&r, row);
  static_rec(t, &r, path, 1, &tree);
  row->lookups_static = tree.lookups;
  row->depth = tree.depth;
  mp_rangeset_init(&pass[0]);
  mp_rangeset_init(&pass[1]);
  res = eval_rec(&w, &r, pass, &row->all);
  row->lookups = w.lookups;
  row->voids = w.voids;
  row->mx_empty = w.mx_empty;
  row->uses_ptr = w.ptr;
  row->uses_exists = w.exists;
  row->uses_macros = w.macros;
  if (res == RES_ERR) {
    row->status = w.err;
    row->reason = w.reason;
    row->all = 0;
    /* docs/schema.md: past a failed lookup the tree is unknown, also when
     * a limit met first decided the result */
    row->tree_failed = w.err == MP_SPFT_TEMPERROR ||
                       (tree.failed && (w.reason == MP_SPFT_R_LOOKUP_LIMIT ||
                                        w.reason == MP_SPFT_R_VOID_LIMIT));
  } else {
    row->status = MP_SPFT_VALID;
    row->exact = w.exact;
    row->ip4 = mp_rangeset_count(&pass[0]);
    row->ip6 = mp_rangeset_count(&pass[1]);
    /* a complete walk evaluates every term of the tree once */
    assert(row->lookups == row->lookups_static);
  }
  mp_rangeset_close(&pass[0]);
  mp_rangeset_close(&pass[1]);
  mp_spfrec_free(&r);
}
