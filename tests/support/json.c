#include "tests/support/json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/base/alloc.h"

struct parser {
  const uint8_t *s;
  size_t len, pos;
  char *err;
  size_t errlen;
  int depth;
};

/* A growable byte buffer for decoded strings. */
struct buf {
  char *p;
  size_t n, cap;
};

static struct mp_json *parse_value(struct parser *p);

static void *fail(struct parser *p, const char *what)
{
  if (p->err && p->errlen > 0) {
    snprintf(p->err, p->errlen, "offset %zu: %s", p->pos, what);
  }
  return NULL;
}

static void buf_add(struct buf *b, const void *data, size_t n)
{
  if (b->n + n + 1 > b->cap) {
    b->cap = (b->n + n + 1) * 2;
    b->p = mp_realloc(b->p, b->cap);
  }
  memcpy(b->p + b->n, data, n);
  b->n += n;
  b->p[b->n] = '\0';
}

static struct mp_json *node(enum mp_json_type t)
{
  struct mp_json *v = mp_calloc(1, sizeof(*v));

  v->type = t;
  return v;
}

/* Appends v to the item (and key) arrays, growing them by doubling. */
static void push(struct mp_json *parent, struct mp_json *key, struct mp_json *v)
{
  size_t n = parent->count;

  if ((n & (n - 1)) == 0) { /* 0, 1, 2, 4, ...: grow to the next power */
    size_t cap = n ? n * 2 : 1;

    parent->items = mp_realloc(parent->items, cap * sizeof(v));
    if (parent->type == MP_JSON_OBJECT) {
      parent->keys = mp_realloc(parent->keys, cap * sizeof(v));
    }
  }
  parent->items[n] = v;
  if (parent->type == MP_JSON_OBJECT) {
    parent->keys[n] = key;
  }
  parent->count = n + 1;
}

void mp_json_free(struct mp_json *v)
{
  if (!v) {
    return;
  }
  for (size_t i = 0; i < v->count; i++) {
    mp_json_free(v->items[i]);
    if (v->keys) {
      mp_json_free(v->keys[i]);
    }
  }
  mp_free(v->items);
  mp_free(v->keys);
  mp_free(v->str);
  mp_free(v);
}

static void skip_ws(struct parser *p)
{
  while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
                             p->s[p->pos] == '\n' || p->s[p->pos] == '\r')) {
    p->pos++;
  }
}

/* Length of the well-formed UTF-8 sequence at s[0..n) (Unicode Table 3-7),
 * 0 if none. Written apart from output/json.c on purpose: decode the code
 * point, then check range and shortest form. */
size_t mp_json_ref_utf8_len(const uint8_t *s, size_t n)
{
  uint32_t cp;
  size_t need;

  if (s[0] < 0x80) {
    return 1;
  }
  if ((s[0] & 0xe0) == 0xc0) {
    need = 2;
    cp = s[0] & 0x1fu;
  } else if ((s[0] & 0xf0) == 0xe0) {
    need = 3;
    cp = s[0] & 0x0fu;
  } else if ((s[0] & 0xf8) == 0xf0) {
    need = 4;
    cp = s[0] & 0x07u;
  } else {
    return 0;
  }
  if (n < need) {
    return 0;
  }
  for (size_t i = 1; i < need; i++) {
    if ((s[i] & 0xc0) != 0x80) {
      return 0;
    }
    cp = cp << 6 | (s[i] & 0x3fu);
  }
  if ((need == 2 && cp < 0x80) || (need == 3 && cp < 0x800) ||
      (need == 4 && cp < 0x10000) || cp > 0x10ffff ||
      (cp >= 0xd800 && cp <= 0xdfff)) {
    return 0;
  }
  return need;
}

static void put_utf8(struct buf *b, uint32_t cp)
{
  uint8_t u[4];
  size_t n;

  if (cp < 0x80) {
    u[0] = (uint8_t)cp;
    n = 1;
  } else if (cp < 0x800) {
    u[0] = (uint8_t)(0xc0 | cp >> 6);
    u[1] = (uint8_t)(0x80 | (cp & 0x3f));
    n = 2;
  } else if (cp < 0x10000) {
    u[0] = (uint8_t)(0xe0 | cp >> 12);
    u[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
    u[2] = (uint8_t)(0x80 | (cp & 0x3f));
    n = 3;
  } else {
    u[0] = (uint8_t)(0xf0 | cp >> 18);
    u[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3f));
    u[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
    u[3] = (uint8_t)(0x80 | (cp & 0x3f));
    n = 4;
  }
  buf_add(b, u, n);
}

static int hex4(struct parser *p, uint32_t *out)
{
  uint32_t v = 0;

  if (p->len - p->pos < 4) {
    return -1;
  }
  for (int i = 0; i < 4; i++) {
    uint8_t c = p->s[p->pos++];

    v <<= 4;
    if (c >= '0' && c <= '9') {
      v |= (uint32_t)(c - '0');
    } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') {
      v |= (uint32_t)((c | 0x20) - 'a' + 10);
    } else {
      return -1;
    }
  }
  *out = v;
  return 0;
}

/* After "\u": one code point, a surrogate pair taking two escapes. */
static int unicode_escape(struct parser *p, struct buf *b)
{
  uint32_t cp, lo;

  if (hex4(p, &cp) != 0) {
    return -1;
  }
  if (cp >= 0xdc00 && cp <= 0xdfff) {
    return -1;
  }
  if (cp >= 0xd800 && cp <= 0xdbff) {
    if (p->len - p->pos < 2 || p->s[p->pos] != '\\' ||
        p->s[p->pos + 1] != 'u') {
      return -1;
    }
    p->pos += 2;
    if (hex4(p, &lo) != 0 || lo < 0xdc00 || lo > 0xdfff) {
      return -1;
    }
    cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
  }
  put_utf8(b, cp);
  return 0;
}

static int escape(struct parser *p, struct buf *b)
{
  static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
  const char *e;
  uint8_t c;

  if (p->pos >= p->len) {
    return -1;
  }
  c = p->s[p->pos++];
  if (c == 'u') {
    return unicode_escape(p, b);
  }
  if (c == 0 || !(e = strchr(from, c))) {
    return -1;
  }
  buf_add(b, &to[e - from], 1);
  return 0;
}

/* p->pos is at the opening quote. */
static struct mp_json *parse_string(struct parser *p)
{
  struct buf b = {NULL, 0, 0};
  struct mp_json *v;

  buf_add(&b, "", 0);
  p->pos++;
  for (;;) {
    size_t start = p->pos, n;

    if (p->pos >= p->len) {
      mp_free(b.p);
      return fail(p, "unterminated string");
    }
    if (p->s[p->pos] == '"') {
      break;
    }
    if (p->s[p->pos] == '\\') {
      p->pos++;
      if (escape(p, &b) != 0) {
        p->pos = start;
        mp_free(b.p);
        return fail(p, "bad escape");
      }
      continue;
    }
    if (p->s[p->pos] < 0x20) {
      mp_free(b.p);
      return fail(p, "control character in string");
    }
    if ((n = mp_json_ref_utf8_len(p->s + p->pos, p->len - p->pos)) == 0) {
      mp_free(b.p);
      return fail(p, "invalid UTF-8");
    }
    buf_add(&b, p->s + p->pos, n);
    p->pos += n;
  }
  p->pos++;
  v = node(MP_JSON_STRING);
  v->str = b.p;
  v->len = b.n;
  return v;
}

static size_t digits(struct parser *p)
{
  size_t start = p->pos;

  while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9') {
    p->pos++;
  }
  return p->pos - start;
}

/* RFC 8259 section 6: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
static struct mp_json *parse_number(struct parser *p)
{
  size_t start = p->pos;
  bool integral = true;
  struct mp_json *v;
  char *text, *end;

  if (p->s[p->pos] == '-') {
    p->pos++;
  }
  if (p->pos < p->len && p->s[p->pos] == '0') {
    p->pos++;
  } else if (digits(p) == 0) {
    return fail(p, "bad number");
  }
  if (p->pos < p->len && p->s[p->pos] == '.') {
    p->pos++;
    integral = false;
    if (digits(p) == 0) {
      return fail(p, "bad number fraction");
    }
  }
  if (p->pos < p->len && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
    p->pos++;
    integral = false;
    if (p->pos < p->len && (p->s[p->pos] == '+' || p->s[p->pos] == '-')) {
      p->pos++;
    }
    if (digits(p) == 0) {
      return fail(p, "bad number exponent");
    }
  }
  text = mp_strndup((const char *)p->s + start, p->pos - start);
  v = node(MP_JSON_NUMBER);
  v->number = strtod(text, NULL);
  v->integral = integral;
  if (integral) {
    errno = 0;
    v->integer = strtoll(text, &end, 10);
    v->is_int = errno == 0 && *end == '\0';
  }
  mp_free(text);
  return v;
}

static struct mp_json *parse_literal(struct parser *p)
{
  static const struct {
    const char *word;
    enum mp_json_type type;
    bool value;
  } words[] = {{"true", MP_JSON_BOOL, true},
               {"false", MP_JSON_BOOL, false},
               {"null", MP_JSON_NULL, false}};

  for (size_t i = 0; i < 3; i++) {
    size_t n = strlen(words[i].word);

    if (p->len - p->pos >= n && memcmp(p->s + p->pos, words[i].word, n) == 0) {
      struct mp_json *v = node(words[i].type);

      v->boolean = words[i].value;
      p->pos += n;
      return v;
    }
  }
  return fail(p, "unexpected character");
}

/* Arrays and objects: p->pos is at '[' or '{'. */
static struct mp_json *parse_container(struct parser *p)
{
  bool object = p->s[p->pos] == '{';
  uint8_t close = object ? '}' : ']';
  struct mp_json *v = node(object ? MP_JSON_OBJECT : MP_JSON_ARRAY);

  if (++p->depth > MP_JSON_DEPTH_MAX) {
    mp_json_free(v);
    return fail(p, "nested too deeply");
  }
  p->pos++;
  skip_ws(p);
  if (p->pos < p->len && p->s[p->pos] == close) {
    p->pos++;
    p->depth--;
    return v;
  }
  for (;;) {
    struct mp_json *key = NULL, *item;

    skip_ws(p);
    if (object) {
      if (p->pos >= p->len || p->s[p->pos] != '"') {
        mp_json_free(v);
        return fail(p, "expected member name");
      }
      if (!(key = parse_string(p))) {
        mp_json_free(v);
        return NULL;
      }
      if (mp_json_getn(v, key->str, key->len)) {
        mp_json_free(key);
        mp_json_free(v);
        return fail(p, "duplicate member name");
      }
      skip_ws(p);
      if (p->pos >= p->len || p->s[p->pos] != ':') {
        mp_json_free(key);
        mp_json_free(v);
        return fail(p, "expected ':'");
      }
      p->pos++;
    }
    if (!(item = parse_value(p))) {
      mp_json_free(key);
      mp_json_free(v);
      return NULL;
    }
    push(v, key, item);
    skip_ws(p);
    if (p->pos < p->len && p->s[p->pos] == ',') {
      p->pos++;
      continue;
    }
    if (p->pos < p->len && p->s[p->pos] == close) {
      p->pos++;
      p->depth--;
      return v;
    }
    mp_json_free(v);
    return fail(p, object ? "expected ',' or '}'" : "expected ',' or ']'");
  }
}

static struct mp_json *parse_value(struct parser *p)
{
  uint8_t c;

  skip_ws(p);
  if (p->pos >= p->len) {
    return fail(p, "expected a value");
  }
  c = p->s[p->pos];
  if (c == '{' || c == '[') {
    return parse_container(p);
  }
  if (c == '"') {
    return parse_string(p);
  }
  if (c == '-' || (c >= '0' && c <= '9')) {
    return parse_number(p);
  }
  return parse_literal(p);
}

struct mp_json *mp_json_parse(const char *s, size_t len, char *err,
                              size_t errlen)
{
  struct parser p = {(const uint8_t *)s, len, 0, err, errlen, 0};
  struct mp_json *v = parse_value(&p);

  if (!v) {
    return NULL;
  }
  skip_ws(&p);
  if (p.pos != len) {
    mp_json_free(v);
    return fail(&p, "trailing characters");
  }
  return v;
}

struct mp_json *mp_json_parse_ndjson(const char *s, size_t len, char *err,
                                     size_t errlen)
{
  struct mp_json *all = node(MP_JSON_ARRAY);
  size_t pos = 0, line = 1;
  char msg[256];

  for (; pos < len; line++) {
    const char *nl = memchr(s + pos, '\n', len - pos);
    struct mp_json *v;

    if (!nl) {
      snprintf(msg, sizeof(msg), "offset %zu: no newline at the end",
               len - pos);
      goto fail;
    }
    if (nl == s + pos) {
      snprintf(msg, sizeof(msg), "offset 0: empty line");
      goto fail;
    }
    if (!(v = mp_json_parse(s + pos, (size_t)(nl - (s + pos)), msg,
                            sizeof(msg)))) {
      goto fail;
    }
    push(all, NULL, v);
    pos = (size_t)(nl - s) + 1;
  }
  return all;

fail:
  if (err && errlen > 0) {
    snprintf(err, errlen, "line %zu: %s", line, msg);
  }
  mp_json_free(all);
  return NULL;
}

const struct mp_json *mp_json_getn(const struct mp_json *obj, const char *key,
                                   size_t keylen)
{
  if (!obj || obj->type != MP_JSON_OBJECT) {
    return NULL;
  }
  for (size_t i = 0; i < obj->count; i++) {
    if (obj->keys[i]->len == keylen &&
        memcmp(obj->keys[i]->str, key, keylen) == 0) {
      return obj->items[i];
    }
  }
  return NULL;
}

const struct mp_json *mp_json_get(const struct mp_json *obj, const char *key)
{
  return key ? mp_json_getn(obj, key, strlen(key)) : NULL;
}

const struct mp_json *mp_json_at(const struct mp_json *arr, size_t i)
{
  if (!arr || arr->type != MP_JSON_ARRAY || i >= arr->count) {
    return NULL;
  }
  return arr->items[i];
}

const struct mp_json *mp_json_path(const struct mp_json *v, const char *path)
{
  const char *p = path;

  if (!path) {
    return NULL;
  }
  while (v && *p) {
    if (*p == '[') {
      char *end;
      unsigned long long i;

      if (p[1] < '0' || p[1] > '9') {
        return NULL;
      }
      errno = 0;
      i = strtoull(p + 1, &end, 10);
      if (errno != 0 || *end != ']') {
        return NULL;
      }
      v = mp_json_at(v, (size_t)i);
      p = end + 1;
    } else {
      size_t n = strcspn(p, ".[");

      if (n == 0) {
        return NULL;
      }
      v = mp_json_getn(v, p, n);
      p += n;
    }
    /* After a step: the end, '[' or '.' followed by a name. */
    if (*p == '.') {
      p++;
      if (*p == '\0' || *p == '.' || *p == '[') {
        return NULL;
      }
    } else if (*p != '\0' && *p != '[') {
      return NULL;
    }
  }
  return v;
}

const char *mp_json_type_name(enum mp_json_type t)
{
  static const char *const names[] = {"null",   "bool",  "number",
                                      "string", "array", "object"};

  return (unsigned)t < 6 ? names[t] : "?";
}

bool mp_json_str_eq(const struct mp_json *v, const char *s)
{
  return v && v->type == MP_JSON_STRING && s && strlen(s) == v->len &&
         memcmp(v->str, s, v->len) == 0;
}

const char *mp_json_str(const struct mp_json *v)
{
  return v && v->type == MP_JSON_STRING ? v->str : NULL;
}

bool mp_json_is_null(const struct mp_json *v)
{
  return v && v->type == MP_JSON_NULL;
}
