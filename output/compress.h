#ifndef MP_OUTPUT_COMPRESS_H
#define MP_OUTPUT_COMPRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Compressed rows: -o FILE.zst (zstd) or FILE.gz (gzip), chosen by the
 * name. The stream is a run of independent zstd frames or gzip members,
 * one per flush, each ending on a whole row, so a file cut anywhere (kill
 * -9) is a valid stream up to its last whole frame, which zstdcat, zcat,
 * pandas and DuckDB read as one file (RFC 1952 §2.2, RFC 8878 §3.1). */

enum mp_zkind {
  MP_Z_NONE, /* plain */
  MP_Z_GZIP, /* .gz */
  MP_Z_ZSTD, /* .zst */
};

/* The compression a file name asks for: .zst, .gz, or none (NULL or any
 * other name). */
enum mp_zkind mp_compress_kind(const char *path);

/* Levels chosen for throughput (README, Performance): the scan compresses
 * on its one loop thread. */
#define MP_ZSTD_LEVEL 1
#define MP_GZIP_LEVEL 1

struct mp_compress;

/* A compressor writing kind (not MP_Z_NONE) to raw (borrowed; flushed,
 * never closed). *out gets it, or stays NULL on failure (-ENOMEM, -EINVAL).
 * Runs on the caller's thread. */
int mp_compress_new(FILE *raw, enum mp_zkind kind, struct mp_compress **out);

/* The stream that takes the uncompressed bytes (a stdio FILE with a 1 MB
 * buffer), owned by the compressor. */
FILE *mp_compress_file(struct mp_compress *z);

/* Ends the current frame (member) with what has been written to the file
 * so far and hands it to the kernel; nothing when nothing was written
 * since the last one. Call it between rows. 0 or a negative errno (then
 * the file has failed: ferror()). */
int mp_compress_frame(struct mp_compress *z);

/* The first error the compressor or the file below it had, or 0. */
int mp_compress_error(const struct mp_compress *z);

/* Ends the last frame, closes the file and frees z (NULL: a no-op).
 * Returns 0 or the first error the stream had. */
int mp_compress_free(struct mp_compress *z);

struct mp_decompress;

/* A decoder of a run of frames (members) of kind (not MP_Z_NONE). */
struct mp_decompress *mp_decompress_new(enum mp_zkind kind);

void mp_decompress_free(struct mp_decompress *d);

/* Decodes from src (n bytes) into dst (cap bytes): *used bytes read,
 * *made written. *frame_end is true when a frame ended exactly after the
 * bytes used (the decoder stops there). Call again with the rest (or no
 * input) while *made == cap. Returns 0, or -EILSEQ for bytes that are not
 * a stream of this kind. */
int mp_decompress_step(struct mp_decompress *d, const void *src, size_t n,
                       size_t *used, void *dst, size_t cap, size_t *made,
                       bool *frame_end);

/* True while inside a frame: input used since the last frame's end. At the
 * end of the input, a torn last frame. */
bool mp_decompress_mid(const struct mp_decompress *d);

/* Decompresses all of in (kind) into out. Returns 0, -EILSEQ (not such a
 * stream), -ENODATA (the last frame is torn: out has what could be
 * decoded), or the errno of a failed read or write. */
int mp_decompress_copy(FILE *in, enum mp_zkind kind, FILE *out);

/* A stream of the bytes decoded from in (kind, not MP_Z_NONE), decoded as
 * they are read; fclose() closes in too. A read fails (ferror(), errno) on
 * -EBADMSG (not such a stream), -ENODATA (the last frame is torn, after
 * what could be decoded) or -EIO; the first of these goes to *err (0
 * until then; err may be NULL). NULL when out of memory. */
FILE *mp_decompress_fopen(FILE *in, enum mp_zkind kind, int *err);

#endif
