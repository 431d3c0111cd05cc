/* fopencookie() is the one GNU call: a FILE whose bytes go to a
 * compressor, so the row writers stay plain stdio. */
#define _GNU_SOURCE
#include "output/compress.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "scanner/base/alloc.h"

#define IN_BUFFER  (1 << 20) /* as the plain output's (scanner/main.c) */
#define OUT_BUFFER (1 << 17)

struct mp_compress {
  enum mp_zkind kind;
  FILE *raw;  /* borrowed: the file on disk */
  FILE *file; /* ours: takes the uncompressed bytes */
  ZSTD_CCtx *zc;
  z_stream gz;
  size_t pending; /* bytes taken since the frame began (0: none open) */
  bool framed;    /* a frame was written: an empty file is no stream */
  int err;        /* first failure, sticky */
  char *inbuf, *outbuf;
};

static bool ends_with(const char *s, const char *suffix)
{
  size_t n = strlen(s), k = strlen(suffix);

  return n > k && strcmp(s + n - k, suffix) == 0;
}

enum mp_zkind mp_compress_kind(const char *path)
{
  if (path && ends_with(path, ".zst")) {
    return MP_Z_ZSTD;
  }
  if (path && ends_with(path, ".gz")) {
    return MP_Z_GZIP;
  }
  return MP_Z_NONE;
}

static int put(struct mp_compress *z, size_t n)
{
  if (n && fwrite(z->outbuf, 1, n, z->raw) != n) {
    return errno > 0 ? -errno : -EIO;
  }
  return 0;
}

/* Feeds n bytes (end: and ends the frame) through zstd to raw. */
static int zstd_run(struct mp_compress *z, const char *p, size_t n, bool end)
{
  ZSTD_inBuffer in = {p, n, 0};
  ZSTD_EndDirective how = end ? ZSTD_e_end : ZSTD_e_continue;
  size_t left;
  int rc;

  do {
    ZSTD_outBuffer out = {z->outbuf, OUT_BUFFER, 0};

    left = ZSTD_compressStream2(z->zc, &out, &in, how);
    if (ZSTD_isError(left)) {
      return -EIO;
    }
    if ((rc = put(z, out.pos)) < 0) {
      return rc;
    }
  } while (end ? left != 0 : in.pos < in.size);
  return 0;
}

/* The same through deflate: Z_FINISH ends the member, and deflateReset
 * starts the next one with a new gzip header. */
static int gzip_run(struct mp_compress *z, const char *p, size_t n, bool end)
{
  int flush = end ? Z_FINISH : Z_NO_FLUSH, r, rc;

  z->gz.next_in = (Bytef *)(uintptr_t)p; /* zlib's API is not const */
  z->gz.avail_in = (uInt)n;
  do {
    z->gz.next_out = (Bytef *)z->outbuf;
    z->gz.avail_out = OUT_BUFFER;
    r = deflate(&z->gz, flush);
    if (r != Z_OK && r != Z_STREAM_END && r != Z_BUF_ERROR) {
      return -EIO;
    }
    if ((rc = put(z, OUT_BUFFER - z->gz.avail_out)) < 0) {
      return rc;
    }
  } while (end ? r != Z_STREAM_END : z->gz.avail_in || !z->gz.avail_out);
  if (end && deflateReset(&z->gz) != Z_OK) {
    return -EIO;
  }
  return 0;
}

static int run(struct mp_compress *z, const char *p, size_t n, bool end)
{
  int rc;

  if (z->err) {
    return z->err;
  }
  rc = z->kind == MP_Z_ZSTD ? zstd_run(z, p, n, end) : gzip_run(z, p, n, end);
  if (rc < 0) {
    z->err = rc;
  }
  return rc;
}

/* stdio hands over its buffer here, when full or flushed: anywhere in a
 * row, so the frame goes on. 0 on error, as fopencookie(3) wants. */
static ssize_t cookie_write(void *cookie, const char *buf, size_t size)
{
  struct mp_compress *z = cookie;
  int rc = run(z, buf, size, false);

  if (rc < 0) {
    errno = -rc;
    return 0;
  }
  z->pending += size;
  return (ssize_t)size;
}

static int setup(struct mp_compress *z)
{
  if (z->kind == MP_Z_ZSTD) {
    /* the checksum makes a damaged frame an error, not wrong rows */
    if (!(z->zc = ZSTD_createCCtx()) ||
        ZSTD_isError(ZSTD_CCtx_setParameter(z->zc, ZSTD_c_compressionLevel,
                                            MP_ZSTD_LEVEL)) ||
        ZSTD_isError(ZSTD_CCtx_setParameter(z->zc, ZSTD_c_checksumFlag, 1))) {
      return -ENOMEM;
    }
    return 0;
  }
  /* windowBits 15 + 16: a gzip header and trailer (RFC 1952) */
  if (deflateInit2(&z->gz, MP_GZIP_LEVEL, Z_DEFLATED, 15 + 16, 8,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    return -ENOMEM;
  }
  return 0;
}

int mp_compress_new(FILE *raw, enum mp_zkind kind, struct mp_compress **out)
{
  cookie_io_functions_t io = {.write = cookie_write};
  struct mp_compress *z;

  *out = NULL;
  if (kind != MP_Z_ZSTD && kind != MP_Z_GZIP) {
    return -EINVAL;
  }
  z = mp_calloc(1, sizeof(*z));
  z->kind = kind;
  z->raw = raw;
  if (setup(z) < 0 || !(z->file = fopencookie(z, "w", io))) {
    ZSTD_freeCCtx(z->zc);
    if (kind == MP_Z_GZIP) {
      deflateEnd(&z->gz);
    }
    mp_free(z);
    return -ENOMEM;
  }
  z->inbuf = mp_malloc(IN_BUFFER);
  z->outbuf = mp_malloc(OUT_BUFFER);
  setvbuf(z->file, z->inbuf, _IOFBF, IN_BUFFER);
  *out = z;
  return 0;
}

FILE *mp_compress_file(struct mp_compress *z)
{
  return z->file;
}

int mp_compress_frame(struct mp_compress *z)
{
  int rc = 0;

  if (z->err) {
    return z->err;
  }
  errno = 0;
  if (fflush(z->file) != 0) {
    rc = z->err ? z->err : errno > 0 ? -errno : -EIO;
  }
  if (rc == 0 && z->pending) {
    rc = run(z, NULL, 0, true);
    z->pending = 0;
    z->framed = true;
  }
  if (fflush(z->raw) != 0 && rc == 0) {
    rc = errno > 0 ? -errno : -EIO;
  }
  if (rc < 0 && !z->err) {
    z->err = rc; /* sticky: the next write fails */
  }
  return rc;
}

int mp_compress_error(const struct mp_compress *z)
{
  return z->err;
}

int mp_compress_free(struct mp_compress *z)
{
  int rc;

  if (!z) {
    return 0;
  }
  rc = mp_compress_frame(z);
  if (rc == 0 && !z->framed) { /* no rows: one empty frame, for zcat */
    rc = run(z, NULL, 0, true);
    if (rc == 0 && fflush(z->raw) != 0) {
      rc = errno > 0 ? -errno : -EIO;
    }
  }
  if (fclose(z->file) != 0 && rc == 0) {
    rc = z->err ? z->err : -EIO;
  }
  if (z->kind == MP_Z_ZSTD) {
    ZSTD_freeCCtx(z->zc);
  } else {
    deflateEnd(&z->gz);
  }
  mp_free(z->inbuf);
  mp_free(z->outbuf);
  mp_free(z);
  return rc;
}
