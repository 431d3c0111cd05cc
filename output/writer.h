#ifndef MP_OUTPUT_WRITER_H
#define MP_OUTPUT_WRITER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "output/compress.h"
#include "output/result.h"

/* Row writers: one format per file (ndjson.c, csv.c), each defines one ops
 * struct. The caller owns the FILE: writers flush it but never close it.
 * Everything runs on the caller's thread; nothing here allocates. */

struct mp_writer;

struct mp_writer_ops {
  const char *name;                 /* "ndjson", "csv" */
  int (*open)(struct mp_writer *w); /* e.g. CSV header */
  int (*write)(struct mp_writer *w, const struct mp_result *r);
  int (*close)(struct mp_writer *w); /* flush; never fclose */
};

struct mp_writer {
  const struct mp_writer_ops *ops;
  FILE *out;             /* the caller's, or z's (what formats write to) */
  struct mp_compress *z; /* NULL: plain */
  uint64_t rows;         /* rows written successfully */
  int err; /* the first failed flush's -errno (ENOSPC), kept for later */
};

/* The formats, also reachable by name through mp_writer_find(). */
extern const struct mp_writer_ops mp_writer_ndjson;
extern const struct mp_writer_ops mp_writer_csv;
extern const struct mp_writer_ops mp_writer_text; /* for people */

/* The format called name ("ndjson", "csv"), or NULL if there is none. */
const struct mp_writer_ops *mp_writer_find(const char *name);

/* Sets up w to write ops' format to out (borrowed until mp_writer_close)
 * and calls ops->open, which may write a header. Returns 0 or a negative
 * errno. */
int mp_writer_init(struct mp_writer *w, const struct mp_writer_ops *ops,
                   FILE *out);

/* As mp_writer_init(), for rows appended to a file that has rows (a
 * resumed scan): no header when has_header. */
int mp_writer_append(struct mp_writer *w, const struct mp_writer_ops *ops,
                     FILE *out, bool has_header);

/* As mp_writer_append(), compressed as kind (MP_Z_NONE: plain): the rows
 * go through a compressor into out, one zstd frame or gzip member per
 * mp_writer_flush(). */
int mp_writer_open(struct mp_writer *w, const struct mp_writer_ops *ops,
                   FILE *out, bool has_header, enum mp_zkind kind);

/* Writes one row; r is borrowed for the call. Returns 0, or a negative
 * errno when the stream has failed (the errno of the failed stdio call,
 * e.g. -ENOSPC, or -EIO when it is not known). Output is buffered, so a
 * failure may surface on a later row or only in mp_writer_close(); once
 * the stream has failed, every later call fails too. */
int mp_writer_write(struct mp_writer *w, const struct mp_result *r);

/* Hands the rows written so far to the kernel (fflush), compressed: as a
 * whole frame (member). Call it between rows. */
void mp_writer_flush(struct mp_writer *w);

/* Flushes out (never closes it; a compressor's last frame ended, the
 * compressor freed) and reports any error the stream had, as
 * mp_writer_write() does. Call it once; w may then be discarded. */
int mp_writer_close(struct mp_writer *w);

#endif
