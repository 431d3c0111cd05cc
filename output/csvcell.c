#include "output/csvcell.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "output/json.h"

/* Where the cell text goes. The cell is produced twice: first into a sink
 * with no FILE that only notes what quoting and neutralizing need (its
 * first and last byte, any , " CR LF), then into the FILE. Two passes cost
 * less than a buffer: a TXT answer can be 64 KiB and the hot path does not
 * allocate. */
struct sink {
  FILE *f; /* NULL: measuring */
  bool quoted;
  size_t n;
  uint8_t first, last;
  bool special;
};

static void put(struct sink *k, const char *p, size_t len)
{
  if (len == 0) {
    return;
  }
  if (!k->f) {
    if (k->n == 0) {
      k->first = (uint8_t)p[0];
    }
    k->last = (uint8_t)p[len - 1];
    for (size_t i = 0; i < len && !k->special; i++) {
      k->special = p[i] == ',' || p[i] == '"' || p[i] == '\r' || p[i] == '\n';
    }
    k->n += len;
    return;
  }
  if (k->quoted) { /* RFC 4180 section 2 rule 7: "" inside quotes */
    const char *q;

    while ((q = memchr(p, '"', len))) {
      size_t m = (size_t)(q - p) + 1;

      fwrite(p, 1, m, k->f);
      putc_unlocked('"', k->f);
      p += m;
      len -= m;
    }
  }
  fwrite(p, 1, len, k->f);
}

/* Step 1 (and 2 when list is set) of the header comment. */
static void emit(struct sink *k, const char *s, size_t len, bool list)
{
  const uint8_t *p = (const uint8_t *)s, *end = p + len, *run = p;

  while (p < end) {
    uint8_t c = *p;
    size_t n = 1;
    const char *rep = "\xef\xbf\xbd"; /* U+FFFD */

    if (c >= 0x80) {
      n = mp_json_utf8_len(p, (size_t)(end - p));
      /* C2 80..C2 9F are the C1 controls (CSI is U+009B). */
      if (n > 1 && !(n == 2 && c == 0xc2 && p[1] < 0xa0)) {
        p += n;
        continue;
      }
      n = n ? n : 1;
    } else if (list && (c == '|' || c == '\\')) {
      rep = c == '|' ? "\\|" : "\\\\";
    } else if (c >= 0x20 ? c != 0x7f : c == '\t' || c == '\r' || c == '\n') {
      p++;
      continue;
    }
    put(k, (const char *)run, (size_t)(p - run));
    put(k, rep, strlen(rep));
    p += n;
    run = p;
  }
  put(k, (const char *)run, (size_t)(p - run));
}

static void emit_list(struct sink *k, size_t n, mp_csv_item_cb get,
                      const void *ctx)
{
  for (size_t i = 0; i < n; i++) {
    struct mp_csv_item it = {.head = "", .data = NULL, .len = 0};

    if (i > 0) {
      put(k, "|", 1);
    }
    get(ctx, i, &it);
    emit(k, it.head, strnlen(it.head, sizeof(it.head)), true);
    emit(k, it.data, it.len, true);
  }
}

/* Steps 3 and 4, from what the measuring pass saw. Returns whether the
 * cell is quoted; writes the opening quote and apostrophe. */
static bool open_cell(FILE *f, const struct sink *m)
{
  bool formula = m->n > 0 && memchr("=+-@\t\r", m->first, 6) != NULL;
  bool quote = m->special || (m->n > 0 && m->last == ' ') ||
               (!formula && m->n > 0 && m->first == ' ');

  if (quote) {
    putc_unlocked('"', f);
  }
  if (formula) {
    putc_unlocked('\'', f);
  }
  return quote;
}

void mp_csv_text(FILE *f, const char *s, size_t len)
{
  struct sink m = {0};
  struct sink w = {.f = f};

  flockfile(f);
  emit(&m, s, len, false);
  w.quoted = open_cell(f, &m);
  emit(&w, s, len, false);
  if (w.quoted) {
    putc_unlocked('"', f);
  }
  funlockfile(f);
}

void mp_csv_list(FILE *f, size_t n, mp_csv_item_cb get, const void *ctx)
{
  struct sink m = {0};
  struct sink w = {.f = f};

  flockfile(f);
  emit_list(&m, n, get, ctx);
  w.quoted = open_cell(f, &m);
  emit_list(&w, n, get, ctx);
  if (w.quoted) {
    putc_unlocked('"', f);
  }
  funlockfile(f);
}
