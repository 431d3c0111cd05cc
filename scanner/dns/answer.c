#include "scanner/dns/answer.h"

#include <string.h>

#include "scanner/base/alloc.h"

struct mp_answer *mp_answer_alloc(size_t count, size_t bytes)
{
  struct mp_answer *a;

  a = mp_malloc(sizeof(*a) + count * sizeof(struct mp_rr) + bytes);
  memset(a, 0, sizeof(*a));
  a->refs = 1;
  a->rcode = -1;
  a->rr = (struct mp_rr *)(a + 1);
  return a;
}

struct mp_answer *mp_answer_new(enum mp_outcome outcome, int rcode,
                                uint16_t type)
{
  struct mp_answer *a = mp_answer_alloc(0, 0);

  a->outcome = outcome;
  a->rcode = rcode;
  a->type = type;
  return a;
}

struct mp_answer *mp_answer_build(enum mp_outcome outcome, int rcode,
                                  uint16_t type, const struct mp_rr *rr,
                                  size_t n, const char *cname)
{
  size_t bytes = cname ? strlen(cname) + 1 : 0;
  struct mp_answer *a;
  char *heap;

  for (size_t i = 0; i < n; i++) {
    bytes += rr[i].len + 1;
  }
  a = mp_answer_alloc(n, bytes);
  heap = (char *)(a->rr + n);
  a->outcome = outcome;
  a->rcode = rcode;
  a->type = type;
  for (size_t i = 0; i < n; i++) {
    a->rr[i] = rr[i];
    memcpy(heap, rr[i].data, rr[i].len);
    heap[rr[i].len] = '\0';
    a->rr[i].data = heap;
    heap += rr[i].len + 1;
  }
  a->count = n;
  if (cname) {
    memcpy(heap, cname, strlen(cname) + 1);
    a->cname = heap;
  }
  return a;
}

struct mp_answer *mp_answer_ref(struct mp_answer *a)
{
  a->refs++;
  return a;
}

void mp_answer_unref(struct mp_answer *a)
{
  if (a && --a->refs == 0) {
    mp_free(a);
  }
}

uint32_t mp_answer_ttl(const struct mp_answer *a)
{
  return mp_rr_min_ttl(a->rr, a->count);
}
