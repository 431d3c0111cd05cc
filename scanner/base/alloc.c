#include "scanner/base/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(size_t size)
{
  fprintf(stderr, "mailposture: out of memory (%zu bytes)\n", size);
  abort();
}

void *mp_malloc(size_t size)
{
  void *p = malloc(size ? size : 1);

  if (!p) {
    oom(size);
  }
  return p;
}

void *mp_calloc(size_t n, size_t size)
{
  void *p = calloc(n ? n : 1, size ? size : 1);

  if (!p) {
    oom(n * size);
  }
  return p;
}

void *mp_realloc(void *p, size_t size)
{
  void *q = realloc(p, size ? size : 1);

  if (!q) {
    oom(size);
  }
  return q;
}

void *mp_memdup(const void *p, size_t size)
{
  void *q = mp_malloc(size);

  if (size) {
    memcpy(q, p, size);
  }
  return q;
}

char *mp_strndup(const char *s, size_t n)
{
  char *q = mp_malloc(n + 1);

  memcpy(q, s, n);
  q[n] = '\0';
  return q;
}

void mp_free(void *p)
{
  free(p);
}
