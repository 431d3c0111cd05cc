#include "output/rows.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "scanner/base/alloc.h"

#define HEAD_MAX 32 /* enough of a row's start for its line number */
#define CODE_MAX 48 /* longer than any finding code (or "findings") */

struct rowscan {
  bool deferred; /* compressed: rows count once their frame is whole */
  bool saw_header;
  uint64_t *pend; /* deferred: the lines of the rows since the last commit */
  size_t npend, cappend;
  uint64_t pend_worst[MP_SEV_COUNT]; /* their worst findings, by severity */
  bool csv;
  bool quoted; /* CSV: inside a quoted cell */
  bool header; /* CSV: the next record is the header */
  char head[HEAD_MAX];
  size_t nhead; /* bytes of the current row kept in head */
  uint64_t pos; /* offset of the next byte */
  /* the row's findings: NDJSON, the strings of its "findings" array (a
   * string is tracked, so the bytes of "findings":[ inside one are not
   * taken for it); CSV, the cell of the header's findings column, its
   * codes joined with '|' */
  bool in_str, esc; /* NDJSON: inside a string, after a backslash */
  int after_key;    /* NDJSON: 1 after the key "findings", 2 after ':' */
  bool in_findings; /* inside the findings array or cell */
  size_t col, findings_col; /* CSV: the cell, the findings column */
  char code[CODE_MAX + 1];
  size_t ncode; /* bytes of code; CODE_MAX + 1: too long to be one */
  int worst;    /* the worst severity so far, MP_SEV_COUNT: none */
  mp_rows_line_cb each;
  void *arg;
  struct mp_rows_end *out;
};

/* The line number a row starts with: NDJSON {"line":N, CSV N, */
static int row_line(const struct rowscan *r, uint64_t *line)
{
  static const char json[] = "{\"line\":";
  size_t i = r->csv ? 0 : sizeof(json) - 1, start = i;
  uint64_t v = 0;

  if (!r->csv && (r->nhead < i || memcmp(r->head, json, i) != 0)) {
    return -EILSEQ;
  }
  for (; i < r->nhead && r->head[i] >= '0' && r->head[i] <= '9'; i++) {
    v = v * 10 + (uint64_t)(r->head[i] - '0');
  }
  if (i == start || i - start > 19 || i == r->nhead || r->head[i] != ',') {
    return -EILSEQ;
  }
  *line = v;
  return 0;
}

static void code_byte(struct rowscan *r, char c)
{
  if (r->ncode < CODE_MAX) {
    r->code[r->ncode] = c;
  }
  r->ncode += r->ncode <= CODE_MAX;
}

/* A string or cell item ended: a finding code counts (in the header, the
 * findings column is found). */
static void code_end(struct rowscan *r)
{
  size_t n = r->ncode;

  r->ncode = 0;
  if (n > CODE_MAX) {
    return;
  }
  r->code[n] = '\0';
  if (r->csv && r->header) {
    if (strcmp(r->code, "findings") == 0) {
      r->findings_col = r->col;
    }
    return;
  }
  for (int i = 0; i < MP_FINDING_COUNT; i++) {
    if (strcmp(mp_finding_name((enum mp_finding_code)i), r->code) == 0) {
      int sev = (int)mp_finding_severity((enum mp_finding_code)i);

      r->worst = sev < r->worst ? sev : r->worst;
      return;
    }
  }
}

/* NDJSON: the strings of the top-level "findings":[...] (the writer puts
 * no space between tokens). */
static void json_byte(struct rowscan *r, char c)
{
  if (r->in_str) {
    if (r->esc) {
      r->esc = false;
      code_byte(r, c);
    } else if (c == '\\') {
      r->esc = true;
    } else if (c == '"') {
      r->in_str = false;
      if (r->in_findings) {
        code_end(r);
      } else {
        r->code[r->ncode <= CODE_MAX ? r->ncode : 0] = '\0';
        r->after_key = r->ncode == 8 && memcmp(r->code, "findings", 8) == 0;
        r->ncode = 0;
      }
    } else {
      code_byte(r, c);
    }
    return;
  }
  if (c == '"') {
    r->in_str = true;
    r->ncode = 0;
    return;
  }
  r->in_findings &= c != ']';
  if (r->after_key == 1 && c == ':') {
    r->after_key = 2;
    return;
  }
  r->in_findings |= r->after_key == 2 && c == '[';
  r->after_key = 0;
}

/* CSV, outside quotes c is a separator; the findings cell's codes are
 * joined with '|' (and never need quotes). */
static void csv_byte(struct rowscan *r, char c)
{
  bool mine = r->header || r->col == r->findings_col;

  if (c == '"') {
    return;
  }
  if (!r->quoted && (c == ',' || c == '\n' || c == '\r')) {
    if (mine && c != '\r') {
      code_end(r);
    }
    r->col += c == ',';
    return;
  }
  if (mine && c == '|' && !r->header) {
    code_end(r);
  } else if (mine) {
    code_byte(r, c);
  }
}

/* A row (or the CSV header) ended at r->pos. */
static int row_end(struct rowscan *r)
{
  uint64_t line;

  if (r->csv && r->header) {
    r->header = false;
    r->saw_header = true;
  } else if (row_line(r, &line) < 0) {
    return -EILSEQ;
  } else if (r->deferred) {
    if (r->npend == r->cappend) {
      r->cappend = r->cappend ? 2 * r->cappend : 1024;
      r->pend = mp_realloc(r->pend, r->cappend * sizeof(*r->pend));
    }
    r->pend[r->npend++] = line;
    if (r->worst < MP_SEV_COUNT) {
      r->pend_worst[r->worst]++;
    }
  } else {
    r->each(line, r->arg);
    r->out->rows++;
    if (r->worst < MP_SEV_COUNT) {
      r->out->worst[r->worst]++;
    }
  }
  if (!r->deferred) {
    r->out->end = r->pos;
    r->out->header = r->saw_header;
  }
  r->nhead = 0;
  r->worst = MP_SEV_COUNT;
  r->col = r->ncode = 0;
  r->in_str = r->esc = r->in_findings = false;
  r->after_key = 0;
  return 0;
}

/* Compressed: a frame ended at offset `at` of the file. When it ends on a
 * row's end, the file may be cut there, so its rows count. */
static void frame_end(struct rowscan *r, uint64_t at)
{
  if (r->nhead != 0 || r->quoted) {
    return; /* inside a row: a later frame may end on one */
  }
  for (size_t i = 0; i < r->npend; i++) {
    r->each(r->pend[i], r->arg);
  }
  r->out->rows += r->npend;
  r->npend = 0;
  for (size_t i = 0; i < MP_SEV_COUNT; i++) {
    r->out->worst[i] += r->pend_worst[i];
    r->pend_worst[i] = 0;
  }
  r->out->header = r->saw_header;
  r->out->end = at;
}

static int feed(struct rowscan *r, const char *p, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    char c = p[i];

    r->pos++;
    if (r->nhead < HEAD_MAX) {
      r->head[r->nhead++] = c;
    }
    if (r->csv) {
      csv_byte(r, c);
    } else {
      json_byte(r, c);
    }
    if (r->csv && c == '"') {
      r->quoted = !r->quoted; /* "" inside a cell toggles twice */
    } else if (c == '\n' && !r->quoted) {
      int rc = row_end(r);

      if (rc < 0) {
        return rc;
      }
    }
  }
  return 0;
}

/* Decodes one buffer read at file offset at; frames end inside it. */
static int feed_compressed(struct rowscan *r, struct mp_decompress *d,
                           const char *p, size_t n, uint64_t at)
{
  char buf[1 << 16];
  size_t used, made;
  bool end;
  int rc;

  do {
    rc = mp_decompress_step(d, p, n, &used, buf, sizeof(buf), &made, &end);
    if (rc == 0 && !used && !made && !end && n) {
      rc = -EILSEQ; /* no progress */
    }
    if (rc < 0 || (rc = feed(r, buf, made)) < 0) {
      return rc;
    }
    p += used;
    n -= used;
    at += used;
    if (end) {
      frame_end(r, at);
    }
  } while (n > 0 || made == sizeof(buf));
  return 0;
}

static int read_all(struct rowscan *r, int fd, struct mp_decompress *d)
{
  char buf[1 << 16];
  uint64_t at = 0;
  ssize_t n;
  int rc = 0;

  while (rc == 0 && (n = read(fd, buf, sizeof(buf))) != 0) {
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return -errno;
    }
    rc =
        d ? feed_compressed(r, d, buf, (size_t)n, at) : feed(r, buf, (size_t)n);
    at += (uint64_t)n;
  }
  return rc;
}

int mp_rows_scan(int fd, const char *format, enum mp_zkind kind,
                 mp_rows_line_cb each, void *arg, struct mp_rows_end *out)
{
  struct rowscan r = {.each = each,
                      .arg = arg,
                      .out = out,
                      .findings_col = SIZE_MAX,
                      .worst = MP_SEV_COUNT};
  struct mp_decompress *d = NULL;
  int rc;

  memset(out, 0, sizeof(*out));
  if (strcmp(format, "csv") == 0) {
    r.csv = r.header = true;
  } else if (strcmp(format, "ndjson") != 0) {
    return -EINVAL;
  }
  if (lseek(fd, 0, SEEK_SET) < 0) {
    return -errno;
  }
  if (kind != MP_Z_NONE) {
    r.deferred = true;
    if (!(d = mp_decompress_new(kind))) {
      return -EINVAL;
    }
  }
  rc = read_all(&r, fd, d);
  mp_decompress_free(d);
  mp_free(r.pend);
  return rc;
}
