#ifndef MP_SCANNER_BASE_ALLOC_H
#define MP_SCANNER_BASE_ALLOC_H

#include <stddef.h>

/* All heap memory goes through these. On out-of-memory (or a size that
 * overflows) they print a message and abort, so callers carry no OOM
 * branches. mp_free(NULL) is a no-op. */
void *mp_malloc(size_t size);
void *mp_calloc(size_t n, size_t size);
void *mp_realloc(void *p, size_t size);
void *mp_memdup(const void *p, size_t size);
char *mp_strndup(const char *s, size_t n);
void mp_free(void *p);

#endif
