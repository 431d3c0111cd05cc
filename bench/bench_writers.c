/* The row writers (NDJSON, CSV) over the sample rows of the writer tests
 * (tests/output/rows.h: a plain domain, an invalid name, timeouts, hostile
 * text, a large SPF tree, every check filled), written to /dev/null.
 * Prints CPU time per row and bytes per row for each format.
 *
 * bench_writers [--tiny]  (--tiny: a few rows, for CI) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "output/writer.h"
#include "tests/output/rows.h"

#define SAMPLE 8

static double cpu_s(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sample(struct mp_result *rows)
{
  rows_ok(&rows[0]);
  rows_invalid(&rows[1]);
  rows_timeout(&rows[2]);
  rows_hostile(&rows[3]);
  rows_spf_full(&rows[4]);
  rows_spf_syntax(&rows[5]);
  rows_full(&rows[6]);
  rows_checks_off(&rows[7]);
}

static int run(const char *format, const struct mp_result *rows, size_t n)
{
  FILE *f = fopen("/dev/null", "w");
  static char buf[1 << 16];
  struct mp_writer w;
  double t0, t;
  size_t bytes = 0;
  char *text = NULL;
  FILE *m = open_memstream(&text, &bytes);
  int rc;

  if (!f || !m) {
    perror("bench_writers");
    return 1;
  }
  /* the bytes of one pass over the sample, header included */
  rc = mp_writer_init(&w, mp_writer_find(format), m);
  for (size_t i = 0; rc == 0 && i < SAMPLE; i++) {
    rc = mp_writer_write(&w, &rows[i]);
  }
  rc |= mp_writer_close(&w);
  fclose(m);
  free(text);
  setvbuf(f, buf, _IOFBF, sizeof(buf));
  t0 = cpu_s();
  rc = mp_writer_init(&w, mp_writer_find(format), f);
  for (size_t i = 0; rc == 0 && i < n; i++) {
    rc = mp_writer_write(&w, &rows[i % SAMPLE]);
  }
  if (rc == 0) {
    rc = mp_writer_close(&w);
  }
  t = cpu_s() - t0;
  fclose(f);
  if (rc != 0) {
    fprintf(stderr, "%s: write failed (%d)\n", format, rc);
    return 1;
  }
  printf("%-6s %zu rows  %.3f s CPU  %.0f ns/row  %.0f bytes/row\n", format, n,
         t, t * 1e9 / (double)n, (double)bytes / SAMPLE);
  return 0;
}

int main(int argc, char **argv)
{
  static struct mp_result rows[SAMPLE];
  size_t n = argc > 1 && strcmp(argv[1], "--tiny") == 0 ? 100 : 300000;

  sample(rows);
  return run("ndjson", rows, n) | run("csv", rows, n);
}
