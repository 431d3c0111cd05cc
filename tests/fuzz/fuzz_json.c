/* Arbitrary bytes through mp_json_string(): the output must be one JSON
 * string that the strict test parser accepts, with no raw control byte,
 * DEL, U+2028 or U+2029 in it, and it must decode to the input with each
 * byte outside well-formed UTF-8 replaced by U+FFFD. abort() otherwise. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/json.h"

/* The strict parser of tests/support; its UTF-8 rule is written apart from
 * output/json.c and serves as the reference for the replacement. */
#include "tests/support/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_raw(const uint8_t *out, size_t len)
{
  for (size_t i = 0; i < len; i++) {
    if (out[i] < 0x20 || out[i] == 0x7f) {
      abort();
    }
    if (i + 2 < len && out[i] == 0xe2 && out[i + 1] == 0x80 &&
        (out[i + 2] == 0xa8 || out[i + 2] == 0xa9)) {
      abort();
    }
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *out = NULL, err[128];
  size_t out_len = 0;
  char *want = malloc(size * 3 + 1);
  size_t want_len = 0;
  FILE *f = open_memstream(&out, &out_len);
  struct mp_json *v;

  if (!f || !want) {
    abort();
  }
  mp_json_string(f, (const char *)data, size);
  if (fclose(f) != 0) {
    abort();
  }
  check_raw((const uint8_t *)out, out_len);
  v = mp_json_parse(out, out_len, err, sizeof(err));
  if (!v || v->type != MP_JSON_STRING) {
    fprintf(stderr, "fuzz_json: %s\n", v ? "not a string" : err);
    abort();
  }
  for (size_t i = 0; i < size;) {
    size_t n = mp_json_ref_utf8_len(data + i, size - i);

    if (n) {
      memcpy(want + want_len, data + i, n);
      want_len += n;
    } else {
      memcpy(want + want_len, "\xef\xbf\xbd", 3);
      want_len += 3;
    }
    i += n ? n : 1;
  }
  if (v->len != want_len || memcmp(v->str, want, want_len) != 0) {
    abort();
  }
  free(want);
  mp_json_free(v);
  free(out);
  return 0;
}
