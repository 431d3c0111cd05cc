#include "scanner/topk.h"

#include <string.h>

#include "scanner/hash.h"

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

size_t mp_topk_best(const struct mp_topk *t, const struct mp_topk_item **out,
                    size_t k)
{
  size_t n = 0;

  for (size_t i = 0; i < t->n && k > 0; i++) {
    size_t j = n;

    if (n == k) {
      if (t->item[i].count <= out[k - 1]->count) {
        continue;
      }
      j = k - 1; /* the last one falls out */
    } else {
      n++;
    }
    while (j > 0 && out[j - 1]->count < t->item[i].count) {
      out[j] = out[j - 1];
      j--;
    }
    out[j] = &t->item[i];
  }
  return n;
}
