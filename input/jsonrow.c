/* A strict JSON reader into a flat node array (RFC 8259). */
#include "input/jsonrow.h"

#include <errno.h>
#include <string.h>

#include "scanner/base/alloc.h"

struct cur {
  struct mp_jrow *j;
  const unsigned char *p, *end;
  unsigned depth;
};

static void ws(struct cur *c)
{
  while (c->p < c->end &&
         (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r')) {
    c->p++;
  }
}

static size_t node_new(struct mp_jrow *j, enum mp_jtype t)
{
  if (j->nn == j->cap) {
    j->cap = j->cap ? 2 * j->cap : 256;
    j->n = mp_realloc(j->n, j->cap * sizeof(*j->n));
  }
  memset(&j->n[j->nn], 0, sizeof(j->n[0]));
  j->n[j->nn].type = t;
  return j->nn++;
}

/* Length of the well-formed UTF-8 sequence at p (RFC 3629 table), or 0. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
  size_t n = (size_t)(end - p);
  unsigned char b = p[0];

  if (b < 0x80) {
    return 1;
  }
  if (b >= 0xC2 && b <= 0xDF) {
    return n >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 0;
  }
  if (b >= 0xE0 && b <= 0xEF) {
    unsigned char lo = b == 0xE0 ? 0xA0 : 0x80, hi = b == 0xED ? 0x9F : 0xBF;

    return n >= 3 && p[1] >= lo && p[1] <= hi && (p[2] & 0xC0) == 0x80 ? 3 : 0;
  }
  if (b >= 0xF0 && b <= 0xF4) {
    unsigned char lo = b == 0xF0 ? 0x90 : 0x80, hi = b == 0xF4 ? 0x8F : 0xBF;

    return n >= 4 && p[1] >= lo && p[1] <= hi && (p[2] & 0xC0) == 0x80 &&
                   (p[3] & 0xC0) == 0x80
               ? 4
               : 0;
  }
  return 0;
}

static int hex4(struct cur *c, unsigned *out)
{
  unsigned v = 0;

  if (c->end - c->p < 4) {
    return -EILSEQ;
  }
  for (int k = 0; k < 4; k++) {
    unsigned char h = *c->p++;

    v <<= 4;
    if (h >= '0' && h <= '9') {
      v |= (unsigned)(h - '0');
    } else if ((h | 0x20) >= 'a' && (h | 0x20) <= 'f') {
      v |= (unsigned)((h | 0x20) - 'a' + 10);
    } else {
      return -EILSEQ;
    }
  }
  *out = v;
  return 0;
}

static void put_utf8(struct mp_jrow *j, unsigned cp)
{
  char *o = j->str + j->used;

  if (cp < 0x80) {
    o[0] = (char)cp;
    j->used += 1;
  } else if (cp < 0x800) {
    o[0] = (char)(0xC0 | (cp >> 6));
    o[1] = (char)(0x80 | (cp & 0x3F));
    j->used += 2;
  } else if (cp < 0x10000) {
    o[0] = (char)(0xE0 | (cp >> 12));
    o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (char)(0x80 | (cp & 0x3F));
    j->used += 3;
  } else {
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    j->used += 4;
  }
}

/* \uXXXX, with a surrogate pair as one code point (RFC 8259 7). */
static int unicode_escape(struct cur *c)
{
  unsigned cp, lo;

  if (hex4(c, &cp) < 0) {
    return -EILSEQ;
  }
  if (cp >= 0xDC00 && cp <= 0xDFFF) {
    return -EILSEQ;
  }
  if (cp >= 0xD800 && cp <= 0xDBFF) {
    if (c->end - c->p < 2 || c->p[0] != '\\' || c->p[1] != 'u') {
      return -EILSEQ;
    }
    c->p += 2;
    if (hex4(c, &lo) < 0 || lo < 0xDC00 || lo > 0xDFFF) {
      return -EILSEQ;
    }
    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
  }
  put_utf8(c->j, cp);
  return 0;
}

static int escape(struct cur *c)
{
  static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
  const char *k;

  if (c->p == c->end) {
    return -EILSEQ;
  }
  if (*c->p == 'u') {
    c->p++;
    return unicode_escape(c);
  }
  k = memchr(from, *c->p, sizeof(from) - 1);
  if (!k) {
    return -EILSEQ;
  }
  c->p++;
  c->j->str[c->j->used++] = to[k - from];
  return 0;
}

/* A string after its opening quote, decoded into j->str. */
static int string(struct cur *c, const char **s, size_t *len)
{
  size_t start = c->j->used;

  while (c->p < c->end && *c->p != '"') {
    size_t n;

    if (*c->p == '\\') {
      c->p++;
      if (escape(c) < 0) {
        return -EILSEQ;
      }
      continue;
    }
    if (*c->p < 0x20 || !(n = utf8_len(c->p, c->end))) {
      return -EILSEQ;
    }
    memcpy(c->j->str + c->j->used, c->p, n);
    c->j->used += n;
    c->p += n;
  }
  if (c->p == c->end) {
    return -EILSEQ;
  }
  c->p++;
  *s = c->j->str + start;
  *len = c->j->used - start;
  return 0;
}

static bool digit(const struct cur *c)
{
  return c->p < c->end && *c->p >= '0' && *c->p <= '9';
}

/* RFC 8259 6: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int number(struct cur *c, size_t i)
{
  const unsigned char *start = c->p;

  if (c->p < c->end && *c->p == '-') {
    c->p++;
  }
  if (!digit(c)) {
    return -EILSEQ;
  }
  if (*c->p++ != '0') {
    while (digit(c)) {
      c->p++;
    }
  }
  if (c->p < c->end && *c->p == '.') {
    c->p++;
    if (!digit(c)) {
      return -EILSEQ;
    }
    while (digit(c)) {
      c->p++;
    }
  }
  if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
    c->p++;
    if (c->p < c->end && (*c->p == '+' || *c->p == '-')) {
      c->p++;
    }
    if (!digit(c)) {
      return -EILSEQ;
    }
    while (digit(c)) {
      c->p++;
    }
  }
  c->j->n[i].s = (const char *)start;
  c->j->n[i].len = (size_t)(c->p - start);
  return 0;
}

static int word(struct cur *c, const char *w)
{
  size_t n = strlen(w);

  if ((size_t)(c->end - c->p) < n || memcmp(c->p, w, n) != 0) {
    return -EILSEQ;
  }
  c->p += n;
  return 0;
}

static int value(struct cur *c);

/* The members of an array or object after its opening bracket. */
static int members(struct cur *c, size_t i, bool object)
{
  char close = object ? '}' : ']';

  ws(c);
  if (c->p < c->end && *c->p == close) {
    c->p++;
    return 0;
  }
  for (;;) {
    const char *key = NULL;
    size_t keylen = 0, m;

    if (object) {
      ws(c);
      if (c->p == c->end || *c->p++ != '"' || string(c, &key, &keylen) < 0) {
        return -EILSEQ;
      }
      ws(c);
      if (c->p == c->end || *c->p++ != ':') {
        return -EILSEQ;
      }
    }
    m = c->j->nn;
    if (value(c) < 0) {
      return -EILSEQ;
    }
    c->j->n[m].key = key;
    c->j->n[m].keylen = keylen;
    c->j->n[i].count++;
    ws(c);
    if (c->p == c->end) {
      return -EILSEQ;
    }
    if (*c->p == ',') {
      c->p++;
      continue;
    }
    if (*c->p++ != close) {
      return -EILSEQ;
    }
    return 0;
  }
}

static int value(struct cur *c)
{
  size_t i;
  int rc = 0;

  ws(c);
  if (c->p == c->end) {
    return -EILSEQ;
  }
  switch (*c->p) {
  case '{':
  case '[': {
    bool object = *c->p == '{';

    if (++c->depth > MP_JROW_DEPTH_MAX) {
      return -EILSEQ;
    }
    c->p++;
    i = node_new(c->j, object ? MP_J_OBJECT : MP_J_ARRAY);
    rc = members(c, i, object);
    c->depth--;
    break;
  }
  case '"':
    c->p++;
    i = node_new(c->j, MP_J_STRING);
    rc = string(c, &c->j->n[i].s, &c->j->n[i].len);
    break;
  case 't':
  case 'f':
    i = node_new(c->j, MP_J_BOOL);
    c->j->n[i].b = *c->p == 't';
    rc = word(c, c->j->n[i].b ? "true" : "false");
    break;
  case 'n':
    i = node_new(c->j, MP_J_NULL);
    rc = word(c, "null");
    break;
  default:
    i = node_new(c->j, MP_J_NUMBER);
    rc = number(c, i);
  }
  c->j->n[i].next = (uint32_t)c->j->nn;
  return rc;
}

void mp_jrow_init(struct mp_jrow *j)
{
  memset(j, 0, sizeof(*j));
}

void mp_jrow_close(struct mp_jrow *j)
{
  mp_free(j->n);
  mp_free(j->str);
  memset(j, 0, sizeof(*j));
}

int mp_jrow_parse(struct mp_jrow *j, const char *s, size_t len)
{
  struct cur c = {j, (const unsigned char *)s, (const unsigned char *)s + len,
                  0};

  /* Decoding never lengthens a string: reserve once, so the pointers taken
   * during the parse stay valid. */
  if (j->strcap < len + 1) {
    j->strcap = len + 1;
    j->str = mp_realloc(j->str, j->strcap);
  }
  if (len >= UINT32_MAX) {
    return -EILSEQ;
  }
  j->nn = 0;
  j->used = 0;
  if (value(&c) < 0) {
    return -EILSEQ;
  }
  ws(&c);
  return c.p == c.end ? 0 : -EILSEQ;
}

size_t mp_jrow_get(const struct mp_jrow *j, size_t obj, const char *key)
{
  size_t klen = strlen(key);

  if (obj >= j->nn || j->n[obj].type != MP_J_OBJECT) {
    return 0;
  }
  for (size_t i = obj + 1; i < j->n[obj].next; i = j->n[i].next) {
    if (j->n[i].keylen == klen && memcmp(j->n[i].key, key, klen) == 0) {
      return i;
    }
  }
  return 0;
}

size_t mp_jrow_at(const struct mp_jrow *j, size_t c, size_t k)
{
  size_t i;

  if (c >= j->nn ||
      (j->n[c].type != MP_J_ARRAY && j->n[c].type != MP_J_OBJECT) ||
      k >= j->n[c].count) {
    return 0;
  }
  for (i = c + 1; k > 0; k--) {
    i = j->n[i].next;
  }
  return i;
}

int mp_jrow_u64(const struct mp_jrow *j, size_t i, uint64_t *out)
{
  const struct mp_jnode *n = i < j->nn ? &j->n[i] : NULL;
  uint64_t v = 0;

  *out = 0;
  if (!n || n->type != MP_J_NUMBER || n->len == 0) {
    return -EINVAL;
  }
  for (size_t k = 0; k < n->len; k++) {
    unsigned d = (unsigned)(n->s[k] - '0');

    if (d > 9) {
      return -EINVAL;
    }
    if (v > (UINT64_MAX - d) / 10) {
      /* the rest must still be digits for -ERANGE rather than -EINVAL */
      for (k++; k < n->len; k++) {
        if ((unsigned)(n->s[k] - '0') > 9) {
          return -EINVAL;
        }
      }
      return -ERANGE;
    }
    v = v * 10 + d;
  }
  *out = v;
  return 0;
}
