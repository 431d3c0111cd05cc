#include "input/list.h"

#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>

/* Tranco ranks are positive and, as JSON numbers, stay exact up to 2^53. */
#define RANK_MAX ((int64_t)1 << 53)

static bool is_blank(char c)
{
  return c == ' ' || c == '\t';
}

static void trim(const char **s, size_t *n)
{
  while (*n > 0 && is_blank(**s)) {
    (*s)++;
    (*n)--;
  }
  while (*n > 0 && is_blank((*s)[*n - 1])) {
    (*n)--;
  }
}

/* Length of s without a trailing comment: the first '#' that follows a
 * space or tab starts it. s does not start with '#' or a blank. */
static size_t strip_comment(const char *s, size_t n)
{
  for (size_t i = 1; i < n; i++) {
    if (s[i] == '#' && is_blank(s[i - 1])) {
      return i;
    }
  }
  return n;
}

/* Matches "[0-9]+[ \t]*," at the start of s. Returns the offset just past
 * the comma, or 0 when it does not match; *rank gets the value, or -1 when
 * it is outside 1..2^53. */
static size_t scan_rank(const char *s, size_t n, int64_t *rank)
{
  size_t i = 0;
  int64_t v = 0;

  while (i < n && s[i] >= '0' && s[i] <= '9') {
    if (v <= RANK_MAX) {
      v = v * 10 + (s[i] - '0');
    }
    i++;
  }
  if (i == 0) {
    return 0;
  }
  while (i < n && is_blank(s[i])) {
    i++;
  }
  if (i == n || s[i] != ',') {
    return 0;
  }
  *rank = v >= 1 && v <= RANK_MAX ? v : -1;
  return i + 1;
}

void mp_list_init(struct mp_list *l, enum mp_list_format f)
{
  l->format = f;
}

int mp_list_format_parse(const char *s, enum mp_list_format *out)
{
  static const struct {
    const char *name;
    enum mp_list_format format;
  } formats[] = {
      {"auto", MP_LIST_AUTO},
      {"plain", MP_LIST_PLAIN},
      {"tranco", MP_LIST_TRANCO},
  };

  for (size_t i = 0; s && i < sizeof(formats) / sizeof(formats[0]); i++) {
    if (strcmp(s, formats[i].name) == 0) {
      *out = formats[i].format;
      return 0;
    }
  }
  return -EINVAL;
}

/* Splits a Tranco "rank,name" line; a line that does not start with a
 * valid rank and a comma keeps the whole line as its name. */
static void parse_tranco(const char *s, size_t n, struct mp_entry *out)
{
  int64_t rank = -1;
  size_t at = scan_rank(s, n, &rank);

  if (at == 0 || rank < 0) {
    out->error = MP_NAME_ERROR_BAD_RANK;
    return;
  }
  out->rank = rank;
  out->name = s + at;
  out->name_len = n - at;
  trim(&out->name, &out->name_len);
}

int mp_list_parse(struct mp_list *l, const char *text, size_t len,
                  struct mp_entry *out)
{
  int64_t rank;

  assert(text || len == 0);
  trim(&text, &len);
  if (len == 0 || text[0] == '#') {
    return 0;
  }
  len = strip_comment(text, len);
  trim(&text, &len);
  if (l->format == MP_LIST_AUTO) {
    l->format = scan_rank(text, len, &rank) ? MP_LIST_TRANCO : MP_LIST_PLAIN;
  }
  out->rank = -1;
  out->name = text;
  out->name_len = len;
  out->error = MP_NAME_ERROR_ABSENT;
  if (l->format == MP_LIST_TRANCO) {
    parse_tranco(text, len, out);
  }
  return 1;
}
