#ifndef MP_SCANNER_ROWFILE_H
#define MP_SCANNER_ROWFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* A row file opened for reading by mailposture diff and summarize: the
 * file itself, or for FILE.zst and FILE.gz (output/compress.h) its
 * decompressed bytes. With seekable, a compressed file is decompressed
 * whole into an unlinked temporary file (diff reads rows again by offset);
 * without, it is decoded as it is read (summarize reads once). */

/* Opens path into *f. Returns 0, or a negative errno with a message in
 * err. A later read of a streamed compressed file fails (-EIO from the
 * row readers) with its cause in *zerr (-EBADMSG or -ENODATA, see
 * mp_rowfile_strerror); zerr may be NULL. */
int mp_rowfile_open(const char *path, bool seekable, FILE **f, int *zerr,
                    char *err, size_t errlen);

/* What a negative errno from mp_rowfile_open or *zerr means. */
const char *mp_rowfile_strerror(int rc);

#endif
