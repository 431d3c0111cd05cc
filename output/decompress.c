/* Reading compressed rows back: --resume (output/rows.c), mailposture diff
 * and summarize (scanner/rowfile.c). Both decoders stop at the end of each
 * frame (zstd) or member (gzip), which is where a torn file may be cut.
 * fopencookie() (GNU) makes a FILE of the decoded bytes. */
#define _GNU_SOURCE
#include "output/compress.h"

#include <errno.h>
#include <stdint.h>
#include <sys/types.h>
#include <zlib.h>
#include <zstd.h>

#include "scanner/base/alloc.h"

struct mp_decompress {
  enum mp_zkind kind;
  ZSTD_DCtx *zd;
  z_stream gz;
  bool mid; /* input used since the last frame ended */
};

struct mp_decompress *mp_decompress_new(enum mp_zkind kind)
{
  struct mp_decompress *d = mp_calloc(1, sizeof(*d));

  d->kind = kind;
  if (kind == MP_Z_ZSTD) {
    d->zd = ZSTD_createDCtx();
  } else if (kind != MP_Z_GZIP ||
             inflateInit2(&d->gz, 15 + 16) != Z_OK) { /* gzip only */
    d->kind = MP_Z_NONE;
  }
  if (d->kind == MP_Z_NONE || (kind == MP_Z_ZSTD && !d->zd)) {
    mp_free(d);
    return NULL;
  }
  return d;
}

void mp_decompress_free(struct mp_decompress *d)
{
  if (!d) {
    return;
  }
  if (d->kind == MP_Z_ZSTD) {
    ZSTD_freeDCtx(d->zd);
  } else {
    inflateEnd(&d->gz);
  }
  mp_free(d);
}

/* ZSTD_decompressStream returns 0 once a frame is decoded and flushed, and
 * goes no further in that call. */
static int zstd_step(struct mp_decompress *d, const void *src, size_t n,
                     size_t *used, void *dst, size_t cap, size_t *made,
                     bool *frame_end)
{
  ZSTD_inBuffer in = {src, n, 0};
  ZSTD_outBuffer out = {dst, cap, 0};
  size_t r = ZSTD_decompressStream(d->zd, &out, &in);

  if (ZSTD_isError(r)) {
    return -EILSEQ;
  }
  *used = in.pos;
  *made = out.pos;
  *frame_end = r == 0 && (d->mid || in.pos > 0);
  return 0;
}

/* inflate returns Z_STREAM_END after a member's trailer (its CRC-32 and
 * length checked); inflateReset then reads the next header. */
static int gzip_step(struct mp_decompress *d, const void *src, size_t n,
                     size_t *used, void *dst, size_t cap, size_t *made,
                     bool *frame_end)
{
  int r;

  d->gz.next_in = (Bytef *)(uintptr_t)src; /* zlib's API is not const */
  d->gz.avail_in = (uInt)n;
  d->gz.next_out = dst;
  d->gz.avail_out = (uInt)cap;
  r = inflate(&d->gz, Z_NO_FLUSH);
  if (r != Z_OK && r != Z_STREAM_END && r != Z_BUF_ERROR) {
    return -EILSEQ;
  }
  *used = n - d->gz.avail_in;
  *made = cap - d->gz.avail_out;
  *frame_end = r == Z_STREAM_END;
  if (*frame_end && inflateReset(&d->gz) != Z_OK) {
    return -EILSEQ;
  }
  return 0;
}

int mp_decompress_step(struct mp_decompress *d, const void *src, size_t n,
                       size_t *used, void *dst, size_t cap, size_t *made,
                       bool *frame_end)
{
  int rc;

  *used = *made = 0;
  *frame_end = false;
  if (n > UINT32_MAX / 2) {
    n = UINT32_MAX / 2; /* zlib counts in uInt */
  }
  if (cap > UINT32_MAX / 2) {
    cap = UINT32_MAX / 2;
  }
  rc = d->kind == MP_Z_ZSTD
           ? zstd_step(d, src, n, used, dst, cap, made, frame_end)
           : gzip_step(d, src, n, used, dst, cap, made, frame_end);
  if (rc == 0) {
    d->mid = *frame_end ? false : d->mid || *used > 0;
  }
  return rc;
}

bool mp_decompress_mid(const struct mp_decompress *d)
{
  return d->mid;
}

/* Decodes one buffer of input into out. */
static int copy_some(struct mp_decompress *d, const char *p, size_t n,
                     char *buf, size_t cap, FILE *out)
{
  size_t used, made;
  bool end;
  int rc;

  do {
    if ((rc = mp_decompress_step(d, p, n, &used, buf, cap, &made, &end)) < 0) {
      return rc;
    }
    if (!used && !made && !end) {
      return n ? -EILSEQ : 0; /* no progress: a decoder in a bad state */
    }
    p += used;
    n -= used;
    if (made && fwrite(buf, 1, made, out) != made) {
      return errno > 0 ? -errno : -EIO;
    }
  } while (n > 0 || made == cap);
  return 0;
}

int mp_decompress_copy(FILE *in, enum mp_zkind kind, FILE *out)
{
  struct mp_decompress *d = mp_decompress_new(kind);
  size_t n, cap = 1 << 17;
  char *ibuf = mp_malloc(cap), *obuf = mp_malloc(cap);
  int rc = d ? 0 : -EINVAL;

  while (rc == 0 && (n = fread(ibuf, 1, cap, in)) > 0) {
    rc = copy_some(d, ibuf, n, obuf, cap, out);
  }
  if (rc == 0 && ferror(in)) {
    rc = errno > 0 ? -errno : -EIO;
  }
  if (rc == 0 && mp_decompress_mid(d)) {
    rc = -ENODATA;
  }
  mp_decompress_free(d);
  mp_free(ibuf);
  mp_free(obuf);
  return rc;
}

/* ---- a FILE of the decoded bytes ------------------------------------------
 */

struct zreader {
  struct mp_decompress *d;
  FILE *in;
  char *buf;
  size_t pos, len; /* the undecoded input in buf */
  bool eof;        /* in has no more */
  bool more;       /* the decoder may hold output not yet handed out */
  int *err;
};

static ssize_t zreader_fail(struct zreader *z, int rc)
{
  if (z->err && *z->err == 0) {
    *z->err = rc;
  }
  errno = -rc;
  return -1;
}

/* stdio asks for up to size bytes: 0 at the end, -1 on error. */
static ssize_t zreader_read(void *cookie, char *dst, size_t size)
{
  struct zreader *z = cookie;
  size_t used, made;
  bool end;

  for (;;) {
    if (z->pos == z->len && !z->eof) {
      z->pos = 0;
      z->len = fread(z->buf, 1, 1 << 17, z->in);
      z->eof = z->len == 0;
      if (z->eof && ferror(z->in)) {
        return zreader_fail(z, -EIO);
      }
    }
    if (z->pos == z->len && !z->more) {
      return mp_decompress_mid(z->d) ? zreader_fail(z, -ENODATA) : 0;
    }
    if (mp_decompress_step(z->d, z->buf + z->pos, z->len - z->pos, &used, dst,
                           size, &made, &end) < 0) {
      return zreader_fail(z, -EBADMSG);
    }
    z->pos += used;
    z->more = made == size;
    if (made) {
      return (ssize_t)made;
    }
    if (!used && !end && z->pos < z->len) {
      return zreader_fail(z, -EBADMSG); /* no progress: a bad stream */
    }
  }
}

static int zreader_close(void *cookie)
{
  struct zreader *z = cookie;
  int rc = fclose(z->in);

  mp_decompress_free(z->d);
  mp_free(z->buf);
  mp_free(z);
  return rc;
}

FILE *mp_decompress_fopen(FILE *in, enum mp_zkind kind, int *err)
{
  cookie_io_functions_t io = {.read = zreader_read, .close = zreader_close};
  struct mp_decompress *d = mp_decompress_new(kind);
  struct zreader *z;
  FILE *f;

  if (err) {
    *err = 0;
  }
  if (!d) {
    return NULL;
  }
  z = mp_calloc(1, sizeof(*z));
  *z =
      (struct zreader){.d = d, .in = in, .buf = mp_malloc(1 << 17), .err = err};
  if (!(f = fopencookie(z, "r", io))) {
    mp_decompress_free(d);
    mp_free(z->buf);
    mp_free(z);
  }
  return f;
}
