/* mailposture diff: the compared fields and the rules that class a change
 * (docs/diff.md). */
#include "output/diff.h"

#include <stdlib.h>
#include <string.h>

#include "output/finding.h"

const char *mp_diff_class_name(enum mp_diff_class c)
{
  static const char *const names[] = {"neutral", "improvement", "regression"};

  return (unsigned)c < 3 ? names[c] : "?";
}

const struct mp_csv_column *const *mp_diff_fields(size_t *n)
{
  static const struct mp_csv_column *fields[128];
  static size_t nfields;

  if (nfields == 0) {
    size_t ncol;
    const struct mp_csv_column *c = mp_csv_columns(&ncol);

    for (size_t i = 0; i < ncol && nfields < 128; i++) {
      if (mp_diff_field(&c[i])->diff != MP_DIFF_SKIP) {
        fields[nfields++] = &c[i];
      }
    }
  }
  *n = nfields;
  return fields;
}

/* ---- lists --------------------------------------------------------------- */

struct item {
  const char *s;
  size_t len;
};

/* The next item of a list text at *p (before end); false past the end. An
 * item ends at a '|' not escaped by '\'. */
static bool next_item(const char **p, const char *end, struct item *it)
{
  const char *q = *p;

  if (q > end) {
    return false;
  }
  it->s = q;
  while (q < end && *q != '|') {
    q += *q == '\\' && q + 1 < end ? 2 : 1;
  }
  it->len = (size_t)(q - it->s);
  *p = q + 1;
  return true;
}

static int cmp_items(const struct item *a, const struct item *b)
{
  size_t n = a->len < b->len ? a->len : b->len;
  int c = memcmp(a->s, b->s, n);

  return c ? c : (a->len > b->len) - (a->len < b->len);
}

static int cmp_qsort(const void *a, const void *b)
{
  return cmp_items(a, b);
}

void mp_diff_sort_items(char *s, size_t len, char *tmp)
{
  struct item items[256];
  const char *p = tmp;
  size_t n = 0, o = 0;

  if (len == 0) {
    return;
  }
  memcpy(tmp, s, len);
  while (n < 256 && next_item(&p, tmp + len, &items[n])) {
    n++;
  }
  qsort(items, n, sizeof(items[0]), cmp_qsort);
  for (size_t i = 0; i < n; i++) {
    if (i) {
      s[o++] = '|';
    }
    memcpy(s + o, items[i].s, items[i].len);
    o += items[i].len;
  }
}

void mp_diff_items(struct mp_dval old, struct mp_dval new_,
                   void (*each)(const char *s, size_t len, bool added,
                                void *ctx),
                   void *ctx)
{
  const char *po = old.s, *pn = new_.s;
  const char *eo = old.s + old.len, *en = new_.s + new_.len;
  struct item a = {NULL, 0}, b = {NULL, 0};
  bool ha = !old.null && old.len && next_item(&po, eo, &a);
  bool hb = !new_.null && new_.len && next_item(&pn, en, &b);

  while (ha || hb) {
    int c = !ha ? 1 : !hb ? -1 : cmp_items(&a, &b);

    if (c < 0) {
      each(a.s, a.len, false, ctx);
    } else if (c > 0) {
      each(b.s, b.len, true, ctx);
    }
    if (c <= 0) {
      ha = next_item(&po, eo, &a);
    }
    if (c >= 0) {
      hb = next_item(&pn, en, &b);
    }
  }
}

/* ---- classes ------------------------------------------------------------- */

enum mp_diff_class mp_diff_finding_class(const char *s, size_t len)
{
  static const struct {
    const char *name;
    enum mp_severity sev;
  } codes[] = {
#define MP_X_FINDING(code, sev, text, ref) {#code, MP_SEV_##sev},
      MP_FINDING_MAP(MP_X_FINDING)
#undef MP_X_FINDING
  };

  for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
    if (strlen(codes[i].name) == len && memcmp(codes[i].name, s, len) == 0) {
      return codes[i].sev <= MP_SEV_WARNING ? MP_DIFF_CLASS_REGRESSION
                                            : MP_DIFF_CLASS_NEUTRAL;
    }
  }
  return MP_DIFF_CLASS_NEUTRAL;
}

struct set_class {
  enum mp_diff_rule rule;
  bool worse, better;
};

static void set_item(const char *s, size_t len, bool added, void *ctx)
{
  struct set_class *k = ctx;
  bool bad;

  switch (k->rule) {
  case MP_DIFF_FINDINGS:
    if (mp_diff_finding_class(s, len) != MP_DIFF_CLASS_REGRESSION) {
      return;
    }
    bad = added;
    break;
  case MP_DIFF_SET_LOSS:
    bad = !added;
    break;
  case MP_DIFF_SET_GAIN:
    bad = added;
    break;
  default:
    return;
  }
  if (bad) {
    k->worse = true;
  } else {
    k->better = true;
  }
}

static int rank_of(const struct mp_rank *rank, struct mp_dval v)
{
  for (int i = 0; !v.null && rank && rank->order[i]; i++) {
    const char *name = rank->names[rank->order[i]];

    if (strlen(name) == v.len && memcmp(name, v.s, v.len) == 0) {
      return i;
    }
  }
  return -1;
}

/* A number, or -1 for null (the smallest, for MP_DIFF_LESS_WORSE). */
static double num(struct mp_dval v)
{
  char buf[32];
  size_t n = v.len < sizeof(buf) - 1 ? v.len : sizeof(buf) - 1;

  if (v.null) {
    return -1;
  }
  memcpy(buf, v.s, n);
  buf[n] = '\0';
  return strtod(buf, NULL);
}

static bool is_true(struct mp_dval v)
{
  return !v.null && v.len == 4 && memcmp(v.s, "true", 4) == 0;
}

static enum mp_diff_class order(double old, double new_, bool up_good)
{
  if (old == new_) {
    return MP_DIFF_CLASS_NEUTRAL;
  }
  return (new_ > old) == up_good ? MP_DIFF_CLASS_IMPROVEMENT
                                 : MP_DIFF_CLASS_REGRESSION;
}

enum mp_diff_class mp_diff_classify(const struct mp_field *f,
                                    struct mp_dval old, struct mp_dval new_)
{
  struct set_class k = {f->diff, false, false};
  int ro, rn;

  switch (f->diff) {
  case MP_DIFF_RANK:
    ro = rank_of(f->diff_rank, old);
    rn = rank_of(f->diff_rank, new_);
    return ro < 0 || rn < 0 ? MP_DIFF_CLASS_NEUTRAL : order(ro, rn, true);
  case MP_DIFF_MORE_WORSE:
    return old.null || new_.null ? MP_DIFF_CLASS_NEUTRAL
                                 : order(num(old), num(new_), false);
  case MP_DIFF_LESS_WORSE:
    return order(num(old), num(new_), true);
  case MP_DIFF_TRUE_GOOD:
    return is_true(old) == is_true(new_) ? MP_DIFF_CLASS_NEUTRAL
           : is_true(new_)               ? MP_DIFF_CLASS_IMPROVEMENT
                                         : MP_DIFF_CLASS_REGRESSION;
  case MP_DIFF_SET_LOSS:
  case MP_DIFF_SET_GAIN:
  case MP_DIFF_FINDINGS:
    mp_diff_items(old, new_, set_item, &k);
    return k.worse    ? MP_DIFF_CLASS_REGRESSION
           : k.better ? MP_DIFF_CLASS_IMPROVEMENT
                      : MP_DIFF_CLASS_NEUTRAL;
  default:
    return MP_DIFF_CLASS_NEUTRAL;
  }
}
