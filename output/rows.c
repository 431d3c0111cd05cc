#include "output/rows.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#define HEAD_MAX 32 /* enough of a row's start for its line number */

struct rowscan {
  bool csv;
  bool quoted; /* CSV: inside a quoted cell */
  bool header; /* CSV: the next record is the header */
  char head[HEAD_MAX];
  size_t nhead; /* bytes of the current row kept in head */
  uint64_t pos; /* offset of the next byte */
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

/* A row (or the CSV header) ended at r->pos. */
static int row_end(struct rowscan *r)
{
  uint64_t line;

  if (r->csv && r->header) {
    r->header = false;
    r->out->header = true;
  } else {
    if (row_line(r, &line) < 0) {
      return -EILSEQ;
    }
    r->each(line, r->arg);
    r->out->rows++;
  }
  r->out->end = r->pos;
  r->nhead = 0;
  return 0;
}

static int feed(struct rowscan *r, const char *p, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    char c = p[i];

    r->pos++;
    if (r->nhead < HEAD_MAX) {
      r->head[r->nhead++] = c;
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

int mp_rows_scan(int fd, const char *format, mp_rows_line_cb each, void *arg,
                 struct mp_rows_end *out)
{
  struct rowscan r = {.each = each, .arg = arg, .out = out};
  char buf[1 << 16];
  ssize_t n;
  int rc = 0;

  memset(out, 0, sizeof(*out));
  if (strcmp(format, "csv") == 0) {
    r.csv = r.header = true;
  } else if (strcmp(format, "ndjson") != 0) {
    return -EINVAL;
  }
  if (lseek(fd, 0, SEEK_SET) < 0) {
    return -errno;
  }
  while (rc == 0 && (n = read(fd, buf, sizeof(buf))) != 0) {
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return -errno;
    }
    rc = feed(&r, buf, (size_t)n);
  }
  return rc;
}
