/* Comparing JSON trees (json.h) with some members left out. */
#include <string.h>

#include "tests/support/json.h"

static bool skipped(const struct mp_json *key, const char *const *skip)
{
  for (size_t i = 0; skip && skip[i]; i++) {
    if (mp_json_str_eq(key, skip[i])) {
      return true;
    }
  }
  return false;
}

bool mp_json_same_except(const struct mp_json *a, const struct mp_json *b,
                         const char *const *skip)
{
  if (!a || !b || a->type != b->type) {
    return a == b;
  }
  switch (a->type) {
  case MP_JSON_BOOL:
    return a->boolean == b->boolean;
  case MP_JSON_NUMBER:
    return a->number == b->number;
  case MP_JSON_STRING:
    return a->len == b->len && memcmp(a->str, b->str, a->len) == 0;
  case MP_JSON_ARRAY:
  case MP_JSON_OBJECT:
    if (a->count != b->count) {
      return false;
    }
    for (size_t i = 0; i < a->count; i++) {
      if (a->keys && !mp_json_same_except(a->keys[i], b->keys[i], NULL)) {
        return false;
      }
      if (a->keys && skipped(a->keys[i], skip)) {
        continue;
      }
      if (!mp_json_same_except(a->items[i], b->items[i], skip)) {
        return false;
      }
    }
    return true;
  default:
    return true;
  }
}

const char *const mp_json_row_volatile[] = {
    "started", "elapsed_ms", "rtt_ms", "ttl", "attempts", NULL,
};
