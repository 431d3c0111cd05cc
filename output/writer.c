#include "output/writer.h"

#include <errno.h>
#include <string.h>

static const struct mp_writer_ops *const formats[] = {
    &mp_writer_ndjson,
    &mp_writer_csv,
    &mp_writer_text,
};

const struct mp_writer_ops *mp_writer_find(const char *name)
{
  for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
    if (strcmp(formats[i]->name, name) == 0) {
      return formats[i];
    }
  }
  return NULL;
}

/* stdio errors are sticky: check ferror() after each call instead of each
 * fwrite. errno was cleared before the call, so a value set here is the
 * failed write's (ENOSPC, EPIPE, ...); a stream that had already failed
 * earlier reports -EIO. */
static int stream_error(FILE *f, int rc)
{
  if (rc == 0 && ferror(f)) {
    rc = errno > 0 ? -errno : -EIO;
  }
  return rc;
}

int mp_writer_init(struct mp_writer *w, const struct mp_writer_ops *ops,
                   FILE *out)
{
  return mp_writer_append(w, ops, out, false);
}

int mp_writer_append(struct mp_writer *w, const struct mp_writer_ops *ops,
                     FILE *out, bool has_header)
{
  return mp_writer_open(w, ops, out, has_header, MP_Z_NONE);
}

int mp_writer_open(struct mp_writer *w, const struct mp_writer_ops *ops,
                   FILE *out, bool has_header, enum mp_zkind kind)
{
  int rc = 0;

  w->ops = ops;
  w->out = out;
  w->z = NULL;
  w->rows = 0;
  w->err = 0;
  if (ferror(out)) {
    return -EIO;
  }
  if (kind != MP_Z_NONE) {
    if ((rc = mp_compress_new(out, kind, &w->z)) < 0) {
      return rc;
    }
    w->out = mp_compress_file(w->z);
  }
  if (ops->open && !has_header) {
    errno = 0;
    rc = stream_error(out, ops->open(w));
  }
  return rc;
}

int mp_writer_write(struct mp_writer *w, const struct mp_result *r)
{
  int rc;

  if (ferror(w->out)) {
    return w->err ? w->err : -EIO;
  }
  if (w->z && (rc = mp_compress_error(w->z)) < 0) {
    return rc; /* a frame's flush failed */
  }
  errno = 0;
  /* One lock per row; the format code then takes it again (recursively,
   * cheaply) and may use putc_unlocked(). */
  flockfile(w->out);
  rc = stream_error(w->out, w->ops->write(w, r));
  funlockfile(w->out);
  if (rc == 0) {
    w->rows++;
  }
  return rc;
}

void mp_writer_flush(struct mp_writer *w)
{
  if (w->z) {
    mp_compress_frame(w->z); /* an error shows at the next write */
  } else if (!ferror(w->out)) {
    errno = 0;
    if (fflush(w->out) != 0 && !w->err) { /* shows at the next write */
      w->err = errno > 0 ? -errno : -EIO;
    }
  }
}

int mp_writer_close(struct mp_writer *w)
{
  int rc = ferror(w->out) ? (w->err ? w->err : -EIO) : 0;

  errno = 0;
  if (w->ops->close) {
    int c = w->ops->close(w);

    rc = rc ? rc : c;
  }
  if (w->z) { /* the last frame, and the compressor's first error */
    int c = mp_compress_free(w->z);

    w->z = NULL;
    w->out = NULL;
    return rc ? rc : c;
  }
  if (fflush(w->out) != 0 && rc == 0) {
    rc = errno > 0 ? -errno : -EIO;
  }
  return stream_error(w->out, rc);
}
