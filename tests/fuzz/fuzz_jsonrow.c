/* Arbitrary bytes through mp_jrow_parse(): it must not crash, every node
 * of an accepted text must link inside the array, and a text the strict
 * test parser (tests/support/json.c, written apart) accepts must be
 * accepted too when it nests no deeper than MP_JROW_DEPTH_MAX. abort()
 * otherwise. */
#include <stdint.h>
#include <stdlib.h>

#include "input/jsonrow.h"
#include "tests/support/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t brackets(const uint8_t *data, size_t size)
{
  size_t n = 0;

  for (size_t i = 0; i < size; i++) {
    n += data[i] == '[' || data[i] == '{';
  }
  return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct mp_jrow j;
  struct mp_json *ref = mp_json_parse((const char *)data, size, NULL, 0);
  int rc;

  mp_jrow_init(&j);
  rc = mp_jrow_parse(&j, (const char *)data, size);
  if (rc == 0) {
    for (size_t i = 0; i < j.nn; i++) {
      if (j.n[i].next <= i || j.n[i].next > j.nn) {
        abort();
      }
    }
  }
  if (ref && rc != 0 && brackets(data, size) <= MP_JROW_DEPTH_MAX) {
    abort();
  }
  mp_json_free(ref);
  mp_jrow_close(&j);
  return 0;
}
