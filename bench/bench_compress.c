/* The compressors of -o FILE.zst / FILE.gz over real rows: reads a plain
 * NDJSON or CSV file (a scan's output) and writes it through each
 * compressor to /dev/null, a frame every MB (about what a second of a
 * fast scan flushes). Prints CPU time per MB and per row and the bytes per
 * row, plain and compressed.
 *
 * bench_compress [FILE | --tiny]  (no FILE: 100,000 generated rows, far
 * more alike than a scan's; --tiny: 1,000 of them, for CI) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "output/compress.h"

static double cpu_s(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *load(const char *path, size_t *len)
{
  FILE *f = fopen(path, "r");
  char *text = NULL;
  FILE *m = open_memstream(&text, len);
  char buf[1 << 16];
  size_t n;

  if (!f || !m) {
    perror(path);
    exit(1);
  }
  while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
    fwrite(buf, 1, n, m);
  }
  fclose(f);
  fclose(m);
  return text;
}

static char *generated(int count, size_t *len)
{
  char *text = NULL;
  FILE *m = open_memstream(&text, len);

  for (int i = 1; i <= count; i++) {
    fprintf(m, "{\"line\":%d,\"domain\":\"d%07d.test\",\"status\":\"ok\"}\n", i,
            i * 7919 % 1000003);
  }
  fclose(m);
  return text;
}

static int run(const char *name, enum mp_zkind kind, const char *text,
               size_t len, size_t rows)
{
  char *packed = NULL;
  size_t zlen = 0, since = 0;
  FILE *raw = open_memstream(&packed, &zlen);
  struct mp_compress *z;
  double t0 = cpu_s(), t;
  int rc = mp_compress_new(raw, kind, &z);

  for (size_t i = 0; rc == 0 && i < len;) {
    const char *nl = memchr(text + i, '\n', len - i);
    size_t n = nl ? (size_t)(nl - (text + i)) + 1 : len - i;

    fwrite(text + i, 1, n, mp_compress_file(z));
    i += n;
    if ((since += n) >= (1 << 20)) {
      rc = mp_compress_frame(z);
      since = 0;
    }
  }
  rc = rc ? rc : mp_compress_free(z);
  t = cpu_s() - t0;
  fclose(raw);
  free(packed);
  if (rc != 0) {
    fprintf(stderr, "%s: failed (%d)\n", name, rc);
    return 1;
  }
  printf("%-5s %zu rows  %.3f s CPU  %.1f ms/MB  %.0f ns/row  %.1f "
         "bytes/row (plain %.1f)\n",
         name, rows, t, t * 1e3 / ((double)len / (1 << 20)),
         t * 1e9 / (double)rows, (double)zlen / (double)rows,
         (double)len / (double)rows);
  return 0;
}

int main(int argc, char **argv)
{
  size_t len = 0, rows = 0;
  char *text;
  int rc;

  if (argc < 2 || strcmp(argv[1], "--tiny") == 0) {
    text = generated(argc < 2 ? 100000 : 1000, &len);
  } else {
    text = load(argv[1], &len);
  }
  for (size_t i = 0; i < len; i++) {
    rows += text[i] == '\n';
  }
  rows = rows ? rows : 1;
  rc = run("zstd", MP_Z_ZSTD, text, len, rows) |
       run("gzip", MP_Z_GZIP, text, len, rows);
  free(text);
  return rc;
}
