#include "scanner/dns/dnsname.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

static uint8_t lower(uint8_t c)
{
  return c >= 'A' && c <= 'Z' ? (uint8_t)(c + ('a' - 'A')) : c;
}

/* Builds a wire name one octet at a time: labels of 1 to 63 octets, 255
 * octets in all with the root (RFC 1035 section 3.1). */
struct builder {
  uint8_t *wire;
  size_t len;   /* octets written, the current label's length octet too */
  size_t label; /* where the current label's length octet is */
  bool open;    /* a label is being written */
};

static int put_octet(struct builder *b, uint8_t c)
{
  if (!b->open) {
    if (b->len + 1 >= MP_DNSNAME_WIRE_MAX) {
      return -EINVAL; /* no room for the label and the root after it */
    }
    b->label = b->len++;
    b->wire[b->label] = 0;
    b->open = true;
  }
  if (b->wire[b->label] == 63 || b->len + 1 >= MP_DNSNAME_WIRE_MAX) {
    return -EINVAL;
  }
  b->wire[b->len++] = lower(c);
  b->wire[b->label]++;
  return 0;
}

/* Ends a label at a ".": an empty one is not allowed ("a..b", ".a"). */
static int end_label(struct builder *b)
{
  if (!b->open) {
    return -EINVAL;
  }
  b->open = false;
  return 0;
}

/* Adds the root label: the last label ended at the end of the text, or at
 * one trailing dot (end_label refused a second). */
static int finish(struct builder *b)
{
  b->wire[b->len++] = 0;
  return (int)b->len;
}

static bool is_digit(char c)
{
  return c >= '0' && c <= '9';
}

int mp_dnsname_from_text(const char *text, uint8_t *wire)
{
  struct builder b = {.wire = wire};
  size_t n = strlen(text), i = 0;

  if (n == 1 && text[0] == '.') {
    n = 0; /* the root */
  }
  while (i < n) {
    char c = text[i++];
    int v;

    if (c == '.') {
      if (end_label(&b) < 0) {
        return -EINVAL;
      }
      continue;
    }
    v = (uint8_t)c;
    if (c == '\\') { /* RFC 1035 section 5.1: \DDD or \X */
      if (i == n) {
        return -EINVAL;
      }
      if (is_digit(text[i])) {
        if (i + 3 > n || !is_digit(text[i + 1]) || !is_digit(text[i + 2])) {
          return -EINVAL;
        }
        v = (text[i] - '0') * 100 + (text[i + 1] - '0') * 10 +
            (text[i + 2] - '0');
        if (v > 255) {
          return -EINVAL;
        }
        i += 3;
      } else {
        v = (uint8_t)text[i++];
      }
    }
    if (put_octet(&b, (uint8_t)v) < 0) {
      return -EINVAL;
    }
  }
  return finish(&b);
}

int mp_dnsname_from_raw(const char *raw, size_t len, uint8_t *wire)
{
  struct builder b = {.wire = wire};

  if (len == 1 && raw[0] == '.') {
    len = 0;
  }
  for (size_t i = 0; i < len; i++) {
    if (raw[i] == '.') {
      if (end_label(&b) < 0) {
        return -EINVAL;
      }
    } else if (put_octet(&b, (uint8_t)raw[i]) < 0) {
      return -EINVAL;
    }
  }
  return finish(&b);
}

size_t mp_dnsname_to_text(const uint8_t *wire, char *out)
{
  static const char digits[] = "0123456789";
  size_t o = 0;

  for (const uint8_t *p = wire; *p; p += *p + 1) {
    if (o) {
      out[o++] = '.';
    }
    for (size_t i = 1; i <= *p; i++) {
      uint8_t c = lower(p[i]);

      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_' || c == '*' || c == '/') {
        out[o++] = (char)c;
      } else {
        out[o++] = '\\';
        out[o++] = digits[c / 100];
        out[o++] = digits[(c / 10) % 10];
        out[o++] = digits[c % 10];
      }
    }
  }
  out[o] = '\0';
  return o;
}

int mp_dnsname_canon(const char *text, char *out)
{
  uint8_t wire[MP_DNSNAME_WIRE_MAX];

  out[0] = '\0';
  if (mp_dnsname_from_text(text, wire) < 0) {
    return -EINVAL;
  }
  return (int)mp_dnsname_to_text(wire, out);
}

int mp_dnsname_escape(const char *raw, size_t len, char *out)
{
  uint8_t wire[MP_DNSNAME_WIRE_MAX];

  out[0] = '\0';
  if (mp_dnsname_from_raw(raw, len, wire) < 0) {
    return -EINVAL;
  }
  return (int)mp_dnsname_to_text(wire, out);
}

int mp_dnsname_to_raw(const char *text, char *out, size_t cap)
{
  uint8_t wire[MP_DNSNAME_WIRE_MAX];
  size_t o = 0;

  if (cap == 0 || mp_dnsname_from_text(text, wire) < 0) {
    return -EINVAL;
  }
  for (const uint8_t *p = wire; *p; p += *p + 1) {
    if (o + (o > 0) + *p >= cap || memchr(p + 1, '.', *p) ||
        memchr(p + 1, '\0', *p)) {
      return -EINVAL;
    }
    if (o) {
      out[o++] = '.';
    }
    memcpy(out + o, p + 1, *p);
    o += *p;
  }
  out[o] = '\0';
  return (int)o;
}

size_t mp_dnsname_wire_len(const uint8_t *wire)
{
  const uint8_t *p = wire;

  while (*p) {
    p += *p + 1;
  }
  return (size_t)(p - wire) + 1;
}

unsigned mp_dnsname_wire_labels(const uint8_t *wire)
{
  unsigned n = 0;

  for (const uint8_t *p = wire; *p; p += *p + 1) {
    n++;
  }
  return n;
}

bool mp_dnsname_text_at_or_below(const char *name, size_t n, const char *zone)
{
  size_t z = strlen(zone), slashes = 0;

  if (n < z || memcmp(name + n - z, zone, z) != 0) {
    return false;
  }
  if (n == z) {
    return true;
  }
  if (name[n - z - 1] != '.') {
    return false;
  }
  while (slashes < n - z - 1 && name[n - z - 2 - slashes] == '\\') {
    slashes++;
  }
  return slashes % 2 == 0;
}
