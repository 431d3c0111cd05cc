#include "scanner/topk.h"

#include <stdbool.h>
#include <string.h>

#include "scanner/base/hash.h"

void mp_topk_init(struct mp_topk *t)
{
  t->n = 0;
}

void mp_topk_add(struct mp_topk *t, const char *name, size_t len)
{
  uint64_t h;
  size_t min = 0;

  len = len < MP_TOPK_NAME - 1 ? len : MP_TOPK_NAME - 1;
  h = mp_hash(name, len);
  for (size_t i = 0; i < t->n; i++) {
    if (t->item[i].hash == h && strncmp(t->item[i].name, name, len) == 0 &&
        t->item[i].name[len] == '\0') {
      t->item[i].count++;
      return;
    }
    if (t->item[i].count < t->item[min].count) {
      min = i;
    }
  }
  if (t->n < MP_TOPK_SLOTS) {
    min = t->n++;
    t->item[min].count = t->item[min].over = 0;
  } else {
    t->item[min].over = t->item[min].count; /* it takes the least's place */
  }
  t->item[min].hash = h;
  t->item[min].count++;
  memcpy(t->item[min].name, name, len);
  t->item[min].name[len] = '\0';
}

/* What the name was surely seen: its count less what it may be over. */
static uint64_t sure(const struct mp_topk_item *it)
{
  return it->count - it->over;
}

static bool before(const struct mp_topk_item *a, const struct mp_topk_item *b)
{
  if (sure(a) != sure(b)) {
    return sure(a) > sure(b);
  }
  if (a->count != b->count) {
    return a->count > b->count;
  }
  /* then by name: the same counts give the same list in any row order */
  return strcmp(a->name, b->name) < 0;
}

size_t mp_topk_best(const struct mp_topk *t, const struct mp_topk_item **out,
                    size_t k)
{
  size_t n = 0;

  for (size_t i = 0; i < t->n && k > 0; i++) {
    const struct mp_topk_item *it = &t->item[i];
    size_t j = n;

    if (it->over > 0 && sure(it) < 2) {
      continue; /* perhaps seen once: no sign that it is shared */
    }
    if (n == k) {
      if (!before(it, out[k - 1])) {
        continue;
      }
      j = k - 1; /* the last one falls out */
    } else {
      n++;
    }
    while (j > 0 && before(it, out[j - 1])) {
      out[j] = out[j - 1];
      j--;
    }
    out[j] = it;
  }
  return n;
}
