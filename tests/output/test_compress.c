#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output/compress.h"
#include "output/rows.h"
#include "output/writer.h"
#include "tests/output/rows.h"

static const enum mp_zkind kinds[] = {MP_Z_ZSTD, MP_Z_GZIP};

/* A compressed stream built in memory: frames[i] is the offset where frame
 * i ends. */
struct built {
  char *buf;
  size_t len;
  size_t frames[8];
  size_t nframes;
};

/* Compresses each of parts as one frame (an empty part writes none). */
static void build(struct built *b, enum mp_zkind kind, const char *const *parts,
                  size_t n)
{
  FILE *raw = open_memstream(&b->buf, &b->len);
  struct mp_compress *z;

  cr_assert_not_null(raw);
  b->nframes = 0;
  cr_assert_eq(mp_compress_new(raw, kind, &z), 0);
  for (size_t i = 0; i < n; i++) {
    fputs(parts[i], mp_compress_file(z));
    cr_assert_eq(mp_compress_frame(z), 0);
    b->frames[b->nframes++] = b->len;
  }
  cr_assert_eq(mp_compress_free(z), 0);
  cr_assert_eq(fclose(raw), 0);
}

/* Decompresses n bytes of src with mp_decompress_copy(). */
static int unpack(enum mp_zkind kind, const char *src, size_t n, char **out,
                  size_t *outlen)
{
  FILE *in = fmemopen((void *)(uintptr_t)src, n ? n : 1, "r");
  FILE *o = open_memstream(out, outlen);
  int rc;

  cr_assert_not_null(in);
  cr_assert_not_null(o);
  if (n == 0) {
    fgetc(in); /* fmemopen wants a size: read its one byte away */
  }
  rc = mp_decompress_copy(in, kind, o);
  fclose(in);
  fclose(o);
  return rc;
}

Test(compress, kind_by_file_name)
{
  cr_assert_eq(mp_compress_kind("rows.ndjson.zst"), MP_Z_ZSTD);
  cr_assert_eq(mp_compress_kind("rows.csv.gz"), MP_Z_GZIP);
  cr_assert_eq(mp_compress_kind("rows.ndjson"), MP_Z_NONE);
  cr_assert_eq(mp_compress_kind("rows.gzip"), MP_Z_NONE);
  cr_assert_eq(mp_compress_kind("rows.zst.txt"), MP_Z_NONE);
  cr_assert_eq(mp_compress_kind(".gz"), MP_Z_NONE);
  cr_assert_eq(mp_compress_kind(NULL), MP_Z_NONE);
}

Test(compress, round_trip_over_frames)
{
  static const char *const parts[] = {"{\"line\":1,\"a\":\"x\"}\n",
                                      "{\"line\":2,\"a\":\"y\"}\n", "",
                                      "{\"line\":3,\"a\":\"z\"}\n"};
  const char want[] = "{\"line\":1,\"a\":\"x\"}\n{\"line\":2,\"a\":\"y\"}\n"
                      "{\"line\":3,\"a\":\"z\"}\n";

  for (size_t k = 0; k < 2; k++) {
    struct built b;
    char *text;
    size_t len;

    build(&b, kinds[k], parts, 4);
    cr_assert_eq(b.frames[1], b.frames[2], "an empty flush wrote a frame");
    cr_assert_eq(unpack(kinds[k], b.buf, b.len, &text, &len), 0);
    cr_assert_eq(len, strlen(want));
    cr_assert_arr_eq(text, want, len);
    free(text);
    free(b.buf);
  }
}

Test(compress, a_large_frame_crossing_the_buffers)
{
  size_t n = 5u << 20, len;
  char *big = malloc(n + 1), *text;
  const char *parts[1] = {big};
  struct built b;

  for (size_t i = 0; i < n; i++) {
    big[i] = (char)('a' + (i * 7919 % 26) + (i % 9973 == 0));
  }
  big[n] = '\0';
  for (size_t k = 0; k < 2; k++) {
    build(&b, kinds[k], parts, 1);
    cr_assert_eq(unpack(kinds[k], b.buf, b.len, &text, &len), 0);
    cr_assert_eq(len, n);
    cr_assert_eq(memcmp(text, big, n), 0);
    free(text);
    free(b.buf);
  }
  free(big);
}

Test(compress, nothing_written_is_one_empty_frame)
{
  for (size_t k = 0; k < 2; k++) {
    struct built b;
    char *text;
    size_t len;

    build(&b, kinds[k], NULL, 0);
    cr_assert_gt(b.len, 0);
    cr_assert_eq(unpack(kinds[k], b.buf, b.len, &text, &len), 0);
    cr_assert_eq(len, 0);
    free(text);
    free(b.buf);
  }
}

Test(compress, garbage_and_a_torn_frame_are_errors)
{
  static const char *const parts[] = {"{\"line\":1,\"a\":1}\n"};

  for (size_t k = 0; k < 2; k++) {
    struct built b;
    char *text;
    size_t len;

    cr_assert_eq(unpack(kinds[k], "{\"line\":1}\n", 11, &text, &len), -EILSEQ);
    free(text);
    build(&b, kinds[k], parts, 1);
    cr_assert_eq(unpack(kinds[k], b.buf, b.len - 1, &text, &len), -ENODATA);
    free(text);
    free(b.buf);
  }
}

/* ---- reading rows back (--resume) -------------------------------------- */

struct marks {
  uint64_t lines[64];
  size_t n;
};

static void mark(uint64_t line, void *arg)
{
  struct marks *m = arg;

  cr_assert_lt(m->n, 64);
  m->lines[m->n++] = line;
}

/* mp_rows_scan over the first n bytes of b, as a file. */
static int scan_cut(const struct built *b, size_t n, const char *format,
                    enum mp_zkind kind, struct marks *m,
                    struct mp_rows_end *end)
{
  FILE *f = tmpfile();
  int rc;

  cr_assert_not_null(f);
  cr_assert_eq(fwrite(b->buf, 1, n, f), n);
  cr_assert_eq(fflush(f), 0);
  m->n = 0;
  rc = mp_rows_scan(fileno(f), format, kind, mark, m, end);
  fclose(f);
  return rc;
}

/* Three frames of whole rows: a cut anywhere keeps the frames before the
 * cut, exactly, and marks their lines only. */
static void cut_everywhere(const char *format, const char *const *parts,
                           const size_t *rows_before, bool header)
{
  for (size_t k = 0; k < 2; k++) {
    struct built b;
    struct marks m;
    struct mp_rows_end end;

    build(&b, kinds[k], parts, 3);
    for (size_t cut = 0; cut <= b.len; cut++) {
      size_t whole = 0;

      while (whole < 3 && b.frames[whole] <= cut) {
        whole++;
      }
      cr_assert_eq(scan_cut(&b, cut, format, kinds[k], &m, &end), 0, "cut %zu",
                   cut);
      cr_assert_eq(end.end, whole ? b.frames[whole - 1] : 0, "cut %zu", cut);
      cr_assert_eq(end.rows, rows_before[whole], "cut %zu", cut);
      cr_assert_eq(m.n, rows_before[whole], "cut %zu", cut);
      for (size_t i = 0; i < m.n; i++) {
        cr_assert_eq(m.lines[i], i + 1, "cut %zu", cut);
      }
      cr_assert_eq(end.header, header && whole > 0, "cut %zu", cut);
    }
    free(b.buf);
  }
}

Test(compress, resume_reads_ndjson_frames_cut_at_every_byte)
{
  static const char *const parts[] = {
      "{\"line\":1,\"x\":\"aaaaaaaaaa\"}\n{\"line\":2,\"x\":\"b\"}\n",
      "{\"line\":3,\"x\":\"c\"}\n",
      ("{\"line\":4,\"x\":\"dddd\"}\n{\"line\":5,\"x\":\"e\"}\n"
       "{\"line\":6,\"x\":\"f\"}\n")};
  static const size_t rows_before[] = {0, 2, 3, 6};

  cut_everywhere("ndjson", parts, rows_before, false);
}

/* A quoted cell holding a line break does not end a record. */
Test(compress, resume_reads_csv_frames_cut_at_every_byte)
{
  static const char *const parts[] = {"line,x\r\n1,\"a\r\nb\"\r\n",
                                      "2,c\r\n3,\"d\"\"\r\n\"\r\n", "4,e\r\n"};
  static const size_t rows_before[] = {0, 1, 3, 4};

  cut_everywhere("csv", parts, rows_before, true);
}

/* A frame that ends inside a row is no place to cut: its rows count with
 * the next frame that ends on a row's end. */
Test(compress, resume_skips_a_frame_ending_inside_a_row)
{
  static const char *const parts[] = {"{\"line\":1,\"x\":1}\n{\"line\":2,",
                                      "\"x\":2}\n", "{\"line\":3,\"x\":3}\n"};

  for (size_t k = 0; k < 2; k++) {
    struct built b;
    struct marks m;
    struct mp_rows_end end;

    build(&b, kinds[k], parts, 3);
    cr_assert_eq(scan_cut(&b, b.frames[1] - 1, "ndjson", kinds[k], &m, &end),
                 0);
    cr_assert_eq(end.end, 0);
    cr_assert_eq(m.n, 0);
    cr_assert_eq(scan_cut(&b, b.frames[2] - 1, "ndjson", kinds[k], &m, &end),
                 0);
    cr_assert_eq(end.end, b.frames[1]);
    cr_assert_eq(m.n, 2);
    free(b.buf);
  }
}

Test(compress, resume_refuses_bytes_that_do_not_decompress)
{
  struct built b = {.buf = (char *)(uintptr_t) "{\"line\":1,\"x\":1}\n"};
  struct marks m;
  struct mp_rows_end end;

  for (size_t k = 0; k < 2; k++) {
    cr_assert_eq(scan_cut(&b, strlen(b.buf), "ndjson", kinds[k], &m, &end),
                 -EILSEQ);
    cr_assert_eq(m.n, 0);
  }
}

/* ---- the writer ------------------------------------------------------- */

/* The rows a plain writer writes, compressed: the same bytes. */
Test(compress, writer_compresses_the_same_rows)
{
  const char *formats[] = {"ndjson", "csv"};

  for (size_t k = 0; k < 2; k++) {
    for (size_t fi = 0; fi < 2; fi++) {
      char *plain, *packed, *text;
      size_t plen, zlen, tlen;
      FILE *p = open_memstream(&plain, &plen);
      FILE *z = open_memstream(&packed, &zlen);
      struct mp_writer wp, wz;
      struct mp_result r;

      rows_ok(&r);
      cr_assert_eq(mp_writer_init(&wp, mp_writer_find(formats[fi]), p), 0);
      cr_assert_eq(
          mp_writer_open(&wz, mp_writer_find(formats[fi]), z, false, kinds[k]),
          0);
      for (int i = 0; i < 100; i++) {
        cr_assert_eq(mp_writer_write(&wp, &r), 0);
        cr_assert_eq(mp_writer_write(&wz, &r), 0);
        if (i % 30 == 0) {
          mp_writer_flush(&wz);
        }
      }
      cr_assert_eq(mp_writer_close(&wp), 0);
      cr_assert_eq(mp_writer_close(&wz), 0);
      fclose(p);
      fclose(z);
      cr_assert_lt(zlen, plen / 4);
      cr_assert_eq(unpack(kinds[k], packed, zlen, &text, &tlen), 0);
      cr_assert_eq(tlen, plen);
      cr_assert_eq(memcmp(text, plain, plen), 0);
      free(plain);
      free(packed);
      free(text);
    }
  }
}

Test(compress, writer_reports_a_full_disk)
{
  for (size_t k = 0; k < 2; k++) {
    FILE *f = fopen("/dev/full", "w");
    struct mp_writer w;
    struct mp_result r;
    int rc;

    cr_assert_not_null(f);
    rows_ok(&r);
    cr_assert_eq(mp_writer_open(&w, &mp_writer_ndjson, f, false, kinds[k]), 0);
    cr_assert_eq(mp_writer_write(&w, &r), 0); /* still in the buffer */
    mp_writer_flush(&w);                      /* the frame fails */
    rc = mp_writer_write(&w, &r);
    cr_assert_eq(rc, -ENOSPC, "%d", rc);
    cr_assert_lt(mp_writer_close(&w), 0);
    fclose(f);
  }
}
