/* mp_decompress_fopen: the stream summarize reads .zst and .gz rows
 * through, decoded as read. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/compress.h"

static const enum mp_zkind kinds[] = {MP_Z_ZSTD, MP_Z_GZIP};

/* text compressed by the row writers' compressor, a frame per part of
 * chunk bytes (*len bytes at *buf, freed by the caller); ends (NULL, or
 * room for every frame) gets where each frame ends. */
static void pack(enum mp_zkind kind, const char *text, size_t n, size_t chunk,
                 char **buf, size_t *len, size_t *ends)
{
  FILE *raw = open_memstream(buf, len);
  struct mp_compress *z;

  cr_assert_not_null(raw);
  cr_assert_eq(mp_compress_new(raw, kind, &z), 0);
  for (size_t at = 0; at < n; at += chunk) {
    size_t k = n - at < chunk ? n - at : chunk;

    cr_assert_eq(fwrite(text + at, 1, k, mp_compress_file(z)), k);
    cr_assert_eq(mp_compress_frame(z), 0);
    if (ends) {
      *ends++ = *len;
    }
  }
  cr_assert_eq(mp_compress_free(z), 0);
  cr_assert_eq(fclose(raw), 0);
}

/* Reads all of the n bytes at src through the stream, a getc at a time or
 * in blocks; returns what it got (NUL-terminated, *got bytes) and the
 * error, 0 at a clean end. */
static char *unpack(enum mp_zkind kind, const char *src, size_t n,
                    bool bytewise, size_t *got, int *err)
{
  FILE *in = fmemopen((void *)(uintptr_t)src, n, "r");
  FILE *f = mp_decompress_fopen(in, kind, err);
  size_t cap = 1 << 16, k;
  char *out = malloc(cap);
  int c;

  cr_assert(in && f && out);
  *got = 0;
  for (;;) {
    if (*got + 4096 > cap) {
      out = realloc(out, cap *= 2);
    }
    if (bytewise) {
      if ((c = getc(f)) == EOF) {
        break;
      }
      out[(*got)++] = (char)c;
    } else if ((k = fread(out + *got, 1, 4096, f)) > 0) {
      *got += k;
    } else {
      break;
    }
  }
  cr_assert_eq(ferror(f) != 0, *err != 0);
  out[*got] = '\0';
  fclose(f);
  return out;
}

/* Rows of about 3 kB, as a scan writes. */
static char *rows(size_t nrows, size_t *n)
{
  char *s = malloc(nrows * 3100 + 1);

  *n = 0;
  for (size_t i = 0; i < nrows; i++) {
    *n += (size_t)sprintf(s + *n, "{\"line\":%zu,\"pad\":\"", i);
    for (size_t k = 0; k < 3000; k++) {
      s[(*n)++] = (char)('a' + (i * 7 + k * k) % 26);
    }
    *n += (size_t)sprintf(s + *n, "\"}\n");
  }
  return s;
}

Test(zread, reads_every_frame_bytewise_and_in_blocks)
{
  size_t n, len, got;
  char *text = rows(600, &n), *buf, *out;
  int err;

  for (size_t i = 0; i < 2; i++) {
    for (size_t chunk = 1000; chunk <= 1000000; chunk *= 1000) {
      pack(kinds[i], text, n, chunk, &buf, &len, NULL);
      for (int bytewise = 0; bytewise < 2; bytewise++) {
        out = unpack(kinds[i], buf, len, bytewise, &got, &err);
        cr_expect_eq(err, 0);
        cr_expect_eq(got, n, "kind %zu chunk %zu: %zu of %zu bytes", i, chunk,
                     got, n);
        cr_expect(got == n && memcmp(out, text, n) == 0);
        free(out);
      }
      free(buf);
    }
  }
  free(text);
}

Test(zread, a_cut_file_gives_its_whole_frames_then_enodata)
{
  size_t n, len, got, ends[64];
  char *text = rows(40, &n), *buf, *out;
  int err;

  for (size_t i = 0; i < 2; i++) {
    pack(kinds[i], text, n, 10000, &buf, &len, ends);
    for (size_t cut = 1, e = 0; cut < len; cut += 7) {
      while (ends[e] < cut) {
        e++;
      }
      if (ends[e] == cut) {
        continue; /* a whole frame: a clean end */
      }
      out = unpack(kinds[i], buf, cut, false, &got, &err);
      cr_expect_eq(err, -ENODATA, "kind %zu cut at %zu of %zu", i, cut, len);
      cr_expect(got <= n && memcmp(out, text, got) == 0);
      free(out);
    }
    free(buf);
  }
  free(text);
}

Test(zread, bytes_that_do_not_decompress_are_ebadmsg)
{
  static const char plain[] = "{\"line\":1}\n{\"line\":2}\n";
  size_t got;
  int err;
  char *out;

  for (size_t i = 0; i < 2; i++) {
    out = unpack(kinds[i], plain, sizeof(plain) - 1, false, &got, &err);
    cr_expect_eq(err, -EBADMSG, "kind %zu", i);
    free(out);
  }
}
