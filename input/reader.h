#ifndef MP_INPUT_READER_H
#define MP_INPUT_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Streaming line splitter: input bytes are pushed in (from a libuv read
 * callback through space/commit, or from a plain fd through fill) and lines
 * come out one at a time. Memory is a fixed 64 KiB buffer whatever the file
 * size: an overlong line is truncated and its remainder skipped unbuffered. */

#define MP_READER_LINE_MAX 4096

struct mp_line {
  const char *text; /* line bytes without LF / CRLF; valid until the next
                       reader call */
  size_t len;       /* bytes in text (at most MP_READER_LINE_MAX) */
  bool truncated;   /* the physical line was longer; the rest was skipped */
  uint64_t number;  /* 1-based physical line number */
};

struct mp_reader;

/* Allocates a reader with a 64 KiB buffer. The caller owns it and frees it
 * with mp_reader_free(). Never returns NULL (allocation aborts on OOM). */
struct mp_reader *mp_reader_new(void);

/* Frees the reader and its buffer. NULL is a no-op. */
void mp_reader_free(struct mp_reader *r);

/* Sets *buf and *len to free space at the end of the buffer where more input
 * may be written, at least 1 byte. It compacts the buffer first, so lines
 * returned earlier become invalid. If the caller keeps pushing without taking
 * lines and the buffer is full, it grows. Must not be called after eof. */
void mp_reader_space(struct mp_reader *r, char **buf, size_t *len);

/* Records that n bytes were written into the space last given by
 * mp_reader_space() (n may be 0, and at most the length given there). */
void mp_reader_commit(struct mp_reader *r, size_t n);

/* Marks the end of the input: a last line without LF is then returned by
 * mp_reader_next(). No more input may be pushed afterwards. */
void mp_reader_eof(struct mp_reader *r);

/* Takes the next line into *out: returns 1 for a line, 0 when more input is
 * needed or, after eof, when every line was returned (see mp_reader_done).
 * out->text points into the reader's buffer and stays valid until the next
 * call on this reader. A UTF-8 BOM at the start of the stream is dropped, a
 * CR before LF is dropped, and NUL bytes are kept as data. */
int mp_reader_next(struct mp_reader *r, struct mp_line *out);

/* True when eof was given and every line was returned. */
bool mp_reader_done(const struct mp_reader *r);

/* Does one read(2) from fd into the free space (retrying EINTR). Returns the
 * bytes read, 0 at end of file (then it calls mp_reader_eof; later calls
 * also return 0), or a negative errno (-EAGAIN for a non-blocking fd with
 * nothing to read). The fd stays the caller's. */
ssize_t mp_reader_fill(struct mp_reader *r, int fd);

/* Input bytes consumed by the lines returned so far, terminators, BOM and
 * skipped remainders of truncated lines included: at the end it equals the
 * input size, so it serves progress reports against the file size. */
uint64_t mp_reader_offset(const struct mp_reader *r);

#endif
