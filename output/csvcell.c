#include "output/csvcell.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "output/json.h"

/* Where the cell text goes. A cell is built in the row's buffer in one
 * pass, with every '"' doubled (a cell holding one is quoted, so doubling
 * is always right); then what the text holds decides the apostrophe and the
 * quotes, put in place around it. A cell too big for the room left in the
 * buffer (a TXT answer can be 64 KiB; the hot path does not allocate) is
 * produced twice instead: first into a sink that only notes what quoting
 * and neutralizing need (its first and last byte, any , " CR LF), then
 * through the buffer, which hands it to the FILE in pieces. */
struct sink {
  struct mp_rowbuf *o; /* NULL: measuring */
  bool bounded;        /* into o's buffer only; no room: over */
  bool over;
  size_t n;
  uint8_t first, last;
  bool special;
};

static void out(struct sink *k, const char *p, size_t len)
{
  struct mp_rowbuf *o = k->o;

  if (!k->bounded) {
    mp_rowbuf_put(o, p, len);
  } else if (len > o->cap - o->n) {
    k->over = true;
  } else {
    memcpy(o->b + o->n, p, len);
    o->n += len;
  }
}

static void put(struct sink *k, const char *p, size_t len)
{
  if (len == 0 || k->over) {
    return;
  }
  if (!k->o) {
    if (k->n == 0) {
      k->first = (uint8_t)p[0];
    }
    k->last = (uint8_t)p[len - 1];
    k->n += len;
    return;
  }
  out(k, p, len);
}

/* What a byte of a cell needs; 0: nothing, it is copied as it is. */
enum {
  S = 1, /* , CR LF: copied; the cell is quoted */
  Q,     /* ": doubled (RFC 4180 section 2 rule 7); the cell is quoted */
  B,     /* | \: escaped in a list item, else as 0 */
  C,     /* C0 controls but TAB, CR and LF, and DEL: U+FFFD */
  H,     /* 0x80 and above: well-formed UTF-8 but C1, else U+FFFD */
};

static const uint8_t cls[256] = {
    C, C, C, C, C, C, C, C, C, 0, S, C, C, S, C, C, /* 0x00 */
    C, C, C, C, C, C, C, C, C, C, C, C, C, C, C, C, /* 0x10 */
    0, 0, Q, 0, 0, 0, 0, 0, 0, 0, 0, 0, S, 0, 0, 0, /* 0x20 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x30 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x40 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, B, 0, 0, 0, /* 0x50 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x60 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, B, 0, 0, C, /* 0x70 */
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, /* 0x80 */
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, /* 0x90 */
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, /* 0xa0 */
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, /* 0xb0 */
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, /* 0xc0 */
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, /* 0xd0 */
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, /* 0xe0 */
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, /* 0xf0 */
};

/* Step 1 (and 2 when list is set) of the header comment, with the quotes
 * of step 4 doubled; notes in k whether the text needs quotes for what it
 * holds (, " CR LF). */
static void emit(struct sink *k, const char *s, size_t len, bool list)
{
  const uint8_t *p = (const uint8_t *)s, *end = p + len, *run = p;

  while (p < end) {
    uint8_t c = *p, t = cls[c];
    size_t n = 1;
    const char *rep = "\xef\xbf\xbd"; /* U+FFFD */

    if (t == 0 || (t == B && !list)) {
      p++;
      continue;
    }
    if (t == S || t == Q) {
      k->special = true;
      p++;
      if (t == Q) { /* the quote, then one more */
        put(k, (const char *)run, (size_t)(p - run));
        put(k, "\"", 1);
        run = p;
      }
      continue;
    }
    if (t == H) {
      n = mp_json_utf8_len(p, (size_t)(end - p));
      /* C2 80..C2 9F are the C1 controls (CSI is U+009B). */
      if (n > 1 && !(n == 2 && c == 0xc2 && p[1] < 0xa0)) {
        p += n;
        continue;
      }
      n = n ? n : 1;
    } else if (t == B) {
      rep = c == '|' ? "\\|" : "\\\\";
    }
    put(k, (const char *)run, (size_t)(p - run));
    put(k, rep, strlen(rep));
    p += n;
    run = p;
  }
  put(k, (const char *)run, (size_t)(p - run));
}

/* A cell's source: a text, or the n items get() returns for ctx. */
struct cell {
  bool list;
  const char *s;
  size_t len;
  size_t n;
  mp_csv_item_cb get;
  const void *ctx;
};

static void produce(struct sink *k, const struct cell *c)
{
  if (!c->list) {
    emit(k, c->s, c->len, false);
    return;
  }
  for (size_t i = 0; i < c->n; i++) {
    struct mp_csv_item it = {.head = "", .data = NULL, .len = 0};

    if (i > 0) {
      put(k, "|", 1);
    }
    c->get(c->ctx, i, &it);
    emit(k, it.head, strnlen(it.head, sizeof(it.head)), true);
    emit(k, it.data, it.len, true);
  }
}

/* Steps 3 and 4, from what the text holds: the apostrophe (formula) and
 * the quotes it needs (quote). */
static void decide(const struct sink *m, bool *formula, bool *quote)
{
  uint8_t c = m->n > 0 ? m->first : 0;

  *formula =
      c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
  *quote = m->special || (m->n > 0 && m->last == ' ') ||
           (!*formula && m->n > 0 && m->first == ' ');
}

/* The cell text built at o->b[start..o->n) (special: what the fast sink
 * saw) gets its apostrophe and quotes in place; false when the buffer has
 * no room for them. */
static bool finish(struct mp_rowbuf *o, size_t start, bool special)
{
  char *p = o->b + start;
  struct sink m = {.n = o->n - start, .special = special};
  bool formula, quote;
  size_t pre;

  if (m.n > 0) {
    m.first = (uint8_t)p[0];
    m.last = (uint8_t)p[m.n - 1];
  }
  decide(&m, &formula, &quote);
  pre = (size_t)quote + (size_t)formula;
  if (pre == 0) {
    return true;
  }
  if (pre + quote > o->cap - o->n) {
    return false;
  }
  memmove(p + pre, p, m.n);
  if (quote) {
    p[0] = '"';
    o->b[o->n + pre] = '"';
  }
  if (formula) {
    p[pre - 1] = '\'';
  }
  o->n += pre + quote;
  return true;
}

static void write_cell(struct mp_rowbuf *o, const struct cell *c)
{
  size_t start = o->n;
  struct sink fast = {.o = o, .bounded = true};
  struct sink m = {0};
  struct sink w = {.o = o};
  bool formula, quote;

  if (o->cap > 0) { /* else no buffer (b may be NULL): straight through */
    produce(&fast, c);
    if (!fast.over && finish(o, start, fast.special)) {
      return;
    }
  }
  o->n = start; /* too big for the room left: measure, then stream */
  produce(&m, c);
  decide(&m, &formula, &quote);
  if (quote) {
    mp_rowbuf_byte(o, '"');
  }
  if (formula) {
    mp_rowbuf_byte(o, '\'');
  }
  produce(&w, c);
  if (quote) {
    mp_rowbuf_byte(o, '"');
  }
}

void mp_csv_text(struct mp_rowbuf *o, const char *s, size_t len)
{
  struct cell c = {.s = s, .len = len};

  write_cell(o, &c);
}

void mp_csv_list(struct mp_rowbuf *o, size_t n, mp_csv_item_cb get,
                 const void *ctx)
{
  struct cell c = {.list = true, .n = n, .get = get, .ctx = ctx};

  write_cell(o, &c);
}
