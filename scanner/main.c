/* mailposture: the command line. The only place where an error becomes a
 * message and an exit status: 0 the scan ran to the end, 1 input/output
 * failure, 2 usage error, 3 the resolver failed (lookups failed unsent
 * after --dead-after, or no resolver answered at the end), 5 (mailposture
 * diff) a change at or above --fail-on, 130 interrupted. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "scanner/config.h"
#include "scanner/diff.h"
#include "scanner/findings.h"
#include "scanner/base/log.h"
#include "scanner/scan.h"
#include "scanner/stats.h"

#define EXIT_IO          1
#define EXIT_USAGE       2
#define EXIT_RESOLVER    3
#define EXIT_INTERRUPTED 130
#define OUT_BUFFER       (1 << 20)

static int write_summary(const char *path, const struct mp_stats *st)
{
  FILE *f = fopen(path, "w");
  int rc;

  if (!f) {
    mp_log_error("--summary %s: %s", path, strerror(errno));
    return -1;
  }
  rc = mp_stats_summary_json(st, f);
  if (fclose(f) != 0 || rc < 0) {
    mp_log_error("--summary %s: write failed", path);
    return -1;
  }
  return 0;
}

int main(int argc, char **argv)
{
  struct mp_config cfg;
  struct mp_stats st;
  char err[256];
  int in_fd = 0, rc, status = 0;
  FILE *out = stdout;

  if (argc > 1 && strcmp(argv[1], "diff") == 0) {
    return mp_diff_main(argc - 1, argv + 1, stdout);
  }
  mp_config_init(&cfg);
  if (mp_config_parse(&cfg, argc, argv, err, sizeof(err)) < 0) {
    fprintf(stderr, "mailposture: %s\n", err);
    return EXIT_USAGE;
  }
  if (cfg.help) {
    mp_config_usage(stdout);
    return 0;
  }
  if (cfg.list_findings) {
    mp_findings_print(stdout);
    return 0;
  }
  if (cfg.version) {
    puts("mailposture 0.1.0");
    return 0;
  }
  mp_log_threshold = cfg.log_level;
  if (mp_config_validate(&cfg, err, sizeof(err)) < 0) {
    fprintf(stderr, "mailposture: %s\n", err);
    return EXIT_USAGE;
  }
  if (cfg.input && (in_fd = open(cfg.input, O_RDONLY | O_CLOEXEC)) < 0) {
    mp_log_error("%s: %s", cfg.input, strerror(errno));
    return EXIT_IO;
  }
  if (cfg.output && !(out = fopen(cfg.output, "w"))) {
    mp_log_error("%s: %s", cfg.output, strerror(errno));
    return EXIT_IO;
  }
  /* glibc ignores the size without a buffer (it takes st_blksize, 4 KB) */
  static char outbuf[OUT_BUFFER];
  setvbuf(out, outbuf, _IOFBF, sizeof(outbuf));

  mp_stats_init(&st);
  rc = mp_scan_run(&cfg, in_fd, out, &st);
  if (out != stdout ? fclose(out) != 0 : fflush(out) != 0) {
    mp_log_error("%s: %s", cfg.output ? cfg.output : "standard output",
                 strerror(errno));
    rc = rc ? rc : -EIO;
  }
  if (!cfg.quiet) {
    mp_stats_summary(&st, stderr);
  }
  if (cfg.summary_path && write_summary(cfg.summary_path, &st) < 0) {
    status = EXIT_IO;
  }
  mp_stats_close(&st);
  mp_config_close(&cfg);
  if (rc == -EINTR) {
    return EXIT_INTERRUPTED;
  }
  if (rc < 0) {
    mp_log_error("scan stopped: %s", mp_strerror(rc));
    return EXIT_IO;
  }
  if (!status && (st.dns.unsent || st.dns.dead)) {
    mp_log_error("no resolver was answering: %llu lookups failed unsent, "
                 "others timed out or were refused",
                 (unsigned long long)st.dns.unsent);
    return EXIT_RESOLVER;
  }
  return status;
}
