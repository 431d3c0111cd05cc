#include "input/shard.h"

#include <errno.h>
#include <stdint.h>

#include "scanner/base/hash.h"

/* Parses a decimal number of at most 6 digits at *s, advancing *s. Returns
 * false when there is no digit or the number is too long. */
static bool parse_number(const char **s, unsigned *out)
{
  unsigned v = 0;
  int digits = 0;

  while (**s >= '0' && **s <= '9') {
    if (++digits > 6) {
      return false;
    }
    v = v * 10 + (unsigned)(**s - '0');
    (*s)++;
  }
  *out = v;
  return digits > 0;
}

int mp_shard_parse(const char *s, struct mp_shard *out)
{
  unsigned k, n;

  if (!s || !parse_number(&s, &k) || *s++ != '/' || !parse_number(&s, &n) ||
      *s != '\0') {
    return -EINVAL;
  }
  if (n < 1 || n > MP_SHARD_MAX || k >= n) {
    return -EINVAL;
  }
  out->k = k;
  out->n = n;
  return 0;
}

bool mp_shard_keep(const struct mp_shard *s, const void *key, size_t len)
{
  if (s->n == 0) {
    return true;
  }
  return mp_hash(key, len) % s->n == s->k;
}
