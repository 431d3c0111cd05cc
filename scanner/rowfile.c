/* Row files read back: plain, .zst or .gz. */
#include "scanner/rowfile.h"

#include <errno.h>
#include <string.h>
#include <sys/types.h>

#include "output/compress.h"

const char *mp_rowfile_strerror(int rc)
{
  switch (rc) {
  case -ENODATA:
    return "the last frame is torn (a cut file)";
  case -EBADMSG:
  case -EILSEQ:
    return "not compressed data of its suffix";
  default:
    return strerror(-rc);
  }
}

/* in decompressed whole into an unlinked temporary file, at its start. */
static int copy_out(FILE *in, enum mp_zkind kind, FILE **f)
{
  int rc;

  if (!(*f = tmpfile())) {
    return -errno;
  }
  if ((rc = mp_decompress_copy(in, kind, *f)) < 0 || fflush(*f) != 0 ||
      fseeko(*f, 0, SEEK_SET) != 0) {
    rc = rc < 0 ? rc : -EIO;
    fclose(*f);
    *f = NULL;
  }
  return rc == -EILSEQ ? -EBADMSG : rc;
}

int mp_rowfile_open(const char *path, bool seekable, FILE **f, int *zerr,
                    char *err, size_t errlen)
{
  enum mp_zkind kind = mp_compress_kind(path);
  FILE *in = fopen(path, "r");
  int rc = 0;

  *f = NULL;
  if (zerr) {
    *zerr = 0;
  }
  if (!in) {
    rc = -errno;
  } else if (kind == MP_Z_NONE) {
    *f = in;
    return 0;
  } else if (seekable) {
    rc = copy_out(in, kind, f);
    fclose(in);
  } else if (!(*f = mp_decompress_fopen(in, kind, zerr))) {
    rc = -ENOMEM;
    fclose(in);
  }
  if (rc < 0) {
    snprintf(err, errlen, "%s: %s", path, mp_rowfile_strerror(rc));
  }
  return rc;
}
