#include "input/reader.h"

#include <assert.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "scanner/base/alloc.h"

#define READER_CAP (64 * 1024)

/* A line is known to be overlong once this many bytes without LF are
 * buffered: MP_READER_LINE_MAX bytes of text plus a byte that is neither LF
 * nor a CR followed by LF. */
#define DECIDE_LEN (MP_READER_LINE_MAX + 2)

static const char bom[3] = {'\xEF', '\xBB', '\xBF'};

struct mp_reader {
  char *buf;
  size_t cap;
  size_t start;     /* first byte not yet consumed */
  size_t end;       /* end of the committed bytes */
  size_t scanned;   /* bytes after start already searched for LF */
  size_t given;     /* length of the space last handed out */
  uint64_t number;  /* lines returned */
  uint64_t offset;  /* input bytes consumed */
  bool eof;         /* no more input will come */
  bool bom_checked; /* the start of the stream was examined */
  bool skipping;    /* inside the remainder of a truncated line */
};

struct mp_reader *mp_reader_new(void)
{
  struct mp_reader *r = mp_calloc(1, sizeof(*r));

  r->cap = READER_CAP;
  r->buf = mp_malloc(r->cap);
  return r;
}

void mp_reader_free(struct mp_reader *r)
{
  if (!r) {
    return;
  }
  mp_free(r->buf);
  mp_free(r);
}

void mp_reader_space(struct mp_reader *r, char **buf, size_t *len)
{
  assert(!r->eof);
  if (r->start == r->end) {
    r->start = r->end = 0;
  } else if (r->start > 0 && r->cap - r->end < r->cap / 2) {
    memmove(r->buf, r->buf + r->start, r->end - r->start);
    r->end -= r->start;
    r->start = 0;
  }
  if (r->end == r->cap) {
    /* Only when the caller pushes without taking lines: every line in
     * the buffer is still owed to it, so keep them all. */
    r->cap *= 2;
    r->buf = mp_realloc(r->buf, r->cap);
  }
  r->given = r->cap - r->end;
  *buf = r->buf + r->end;
  *len = r->given;
}

void mp_reader_commit(struct mp_reader *r, size_t n)
{
  assert(!r->eof);
  assert(n <= r->given);
  r->end += n;
  r->given -= n;
}

void mp_reader_eof(struct mp_reader *r)
{
  r->eof = true;
  r->given = 0;
}

/* Consumes n bytes from the front of the buffer. */
static void consume(struct mp_reader *r, size_t n)
{
  r->start += n;
  r->offset += n;
  r->scanned = 0;
}

/* Drops the rest of a truncated line up to and including its LF, without
 * buffering it. Returns true once the LF was seen. */
static bool skip_rest(struct mp_reader *r)
{
  size_t avail = r->end - r->start;
  const char *lf = memchr(r->buf + r->start, '\n', avail);

  if (!lf) {
    consume(r, avail);
    return false;
  }
  consume(r, (size_t)(lf - (r->buf + r->start)) + 1);
  r->skipping = false;
  return true;
}

/* Drops a UTF-8 BOM at the very start of the stream. Returns false while
 * too few bytes are buffered to tell. */
static bool check_bom(struct mp_reader *r)
{
  size_t avail = r->end - r->start;
  size_t n = avail < sizeof(bom) ? avail : sizeof(bom);

  if (memcmp(r->buf + r->start, bom, n) != 0) {
    r->bom_checked = true;
    return true;
  }
  if (n < sizeof(bom)) {
    /* A prefix of the BOM: wait for more, or at eof it is just data. */
    r->bom_checked = r->eof;
    return r->eof;
  }
  consume(r, sizeof(bom));
  r->bom_checked = true;
  return true;
}

/* Fills *out with text_len bytes at the front (clipped to the maximum) and
 * consumes `used` bytes: the text and its terminator. */
static void emit(struct mp_reader *r, struct mp_line *out, size_t text_len,
                 size_t used)
{
  out->text = r->buf + r->start;
  out->truncated = text_len > MP_READER_LINE_MAX;
  out->len = out->truncated ? MP_READER_LINE_MAX : text_len;
  out->number = ++r->number;
  consume(r, used);
}

int mp_reader_next(struct mp_reader *r, struct mp_line *out)
{
  size_t avail, window, len;
  const char *text, *lf;

  if (r->skipping && !skip_rest(r)) {
    return 0;
  }
  if (!r->bom_checked && !check_bom(r)) {
    return 0;
  }
  avail = r->end - r->start;
  window = avail < DECIDE_LEN ? avail : DECIDE_LEN;
  text = r->buf + r->start;
  lf = memchr(text + r->scanned, '\n', window - r->scanned);
  if (lf) {
    len = (size_t)(lf - text);
    emit(r, out, len > 0 && text[len - 1] == '\r' ? len - 1 : len, len + 1);
    return 1;
  }
  if (window == DECIDE_LEN) {
    emit(r, out, MP_READER_LINE_MAX + 1, MP_READER_LINE_MAX);
    r->skipping = true;
    return 1;
  }
  r->scanned = window;
  if (!r->eof || avail == 0) {
    return 0;
  }
  /* The final line has no LF; a lone CR ending it is a terminator too. */
  len = text[avail - 1] == '\r' ? avail - 1 : avail;
  emit(r, out, len, avail);
  return 1;
}

bool mp_reader_done(const struct mp_reader *r)
{
  return r->eof && r->start == r->end;
}

ssize_t mp_reader_fill(struct mp_reader *r, int fd)
{
  char *buf;
  size_t len;
  ssize_t n;

  if (r->eof) {
    return 0;
  }
  mp_reader_space(r, &buf, &len);
  do {
    n = read(fd, buf, len);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    return -errno;
  }
  if (n == 0) {
    mp_reader_eof(r);
    return 0;
  }
  mp_reader_commit(r, (size_t)n);
  return n;
}

uint64_t mp_reader_offset(const struct mp_reader *r)
{
  return r->offset;
}
