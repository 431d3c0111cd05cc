/* mailposture: the command line. The only place where an error becomes a
 * message and an exit status: 0 the scan ran to the end, 1 input/output
 * failure, 2 usage error, 3 the resolver failed (lookups failed unsent
 * after --dead-after, or no resolver answered at the end), 4 a row has a
 * finding of --fail-on's severity or worse, 5 (mailposture diff) a change
 * at or above its --fail-on, 130
 * interrupted (SIGINT, SIGTERM, SIGHUP). SIGPIPE is ignored: a reader that
 * goes away (| head -1) is an output error, status 1, not a death by
 * signal (141). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "scanner/config.h"
#include "scanner/diff.h"
#include "scanner/findings.h"
#include "scanner/base/log.h"
#include "scanner/report.h"
#include "scanner/resume.h"
#include "scanner/scan.h"
#include "scanner/stats.h"

#define EXIT_IO          1
#define EXIT_USAGE       2
#define EXIT_RESOLVER    3
#define EXIT_FINDINGS    4 /* --fail-on: a finding of that severity */
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

/* --help, --list-findings, --version. */
static int info(const struct mp_config *cfg)
{
  if (cfg->help) {
    mp_config_usage(stdout);
  } else if (cfg->list_findings) {
    mp_findings_print(stdout);
  } else {
    puts("mailposture 0.1.0");
  }
  return 0;
}

/* -o FILE, or FILE again with --resume: its torn last row dropped, the
 * lines with a row marked in *r, positioned at its end. Otherwise FILE.
 * mpstate records the input and options for a later --resume. */
static int open_output(const struct mp_config *cfg, int in_fd,
                       struct mp_resume *r, FILE **out)
{
  struct mp_input_id id;
  char err[512];
  int rc;

  *out = stdout;
  if (!cfg->output) {
    return 0;
  }
  if ((rc = mp_resume_input_id(in_fd, &id)) < 0) {
    mp_log_error("%s: %s", cfg->input, mp_strerror(rc));
    return EXIT_IO;
  }
  if (!(*out = fopen(cfg->output, cfg->resume ? "r+" : "w"))) {
    mp_log_error("%s: %s", cfg->output, strerror(errno));
    return cfg->resume && errno == ENOENT ? EXIT_USAGE : EXIT_IO;
  }
  if (cfg->resume) {
    err[0] = '\0';
    rc = mp_resume_open(r, cfg, &id, *out, err, sizeof(err));
    if (rc < 0) {
      mp_log_error("%s", err[0] ? err : mp_strerror(rc));
      return err[0] ? EXIT_USAGE : EXIT_IO;
    }
    return 0;
  }
  if ((rc = mp_resume_state_write(cfg, &id)) < 0) {
    mp_log_error("%s.mpstate: %s", cfg->output, mp_strerror(rc));
    return EXIT_IO;
  }
  return 0;
}

/* The status of a scan that ran (rc: mp_scan_run's, or an output error). */
static int scan_status(const struct mp_config *cfg, const struct mp_stats *st,
                       int rc)
{
  if (rc == -EINTR) {
    return EXIT_INTERRUPTED;
  }
  if (rc < 0) {
    if (rc != -EPIPE) { /* the reader has gone (| head): no news */
      mp_log_error("scan stopped: %s", mp_strerror(rc));
    }
    return EXIT_IO;
  }
  if (st->dns.unsent || st->dns.dead) {
    mp_log_error("no resolver was answering: %llu lookups failed unsent, "
                 "others timed out or were refused",
                 (unsigned long long)st->dns.unsent);
    return EXIT_RESOLVER;
  }
  for (int sv = 0; sv <= cfg->fail_on; sv++) {
    if (st->by_severity[sv]) {
      return EXIT_FINDINGS;
    }
  }
  return 0;
}

int main(int argc, char **argv)
{
  struct mp_config cfg;
  struct mp_stats st;
  struct mp_resume resume = {0};
  char err[256];
  int in_fd = 0, rc, status;
  FILE *out = stdout;

  signal(SIGPIPE, SIG_IGN); /* EPIPE instead: see the top of this file */
  if (argc > 1 && strcmp(argv[1], "diff") == 0) {
    return mp_diff_main(argc - 1, argv + 1, stdout);
  }
  if (argc > 1 && strcmp(argv[1], "report") == 0) {
    return mp_report_main(argc - 1, argv + 1, stdout);
  }
  mp_config_init(&cfg);
  if (mp_config_parse(&cfg, argc, argv, err, sizeof(err)) < 0) {
    fprintf(stderr, "mailposture: %s\n", err);
    return EXIT_USAGE;
  }
  if (cfg.help || cfg.list_findings || cfg.version) {
    return info(&cfg);
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
  if ((status = open_output(&cfg, in_fd, &resume, &out)) != 0) {
    mp_resume_close(&resume);
    return status;
  }
  /* glibc ignores the size without a buffer (it takes st_blksize, 4 KB) */
  static char outbuf[OUT_BUFFER];
  setvbuf(out, outbuf, _IOFBF, sizeof(outbuf));

  mp_stats_init(&st);
  rc = mp_scan_run(&cfg, in_fd, out, cfg.resume ? &resume : NULL, &st);
  mp_resume_close(&resume);
  errno = 0;
  if (out != stdout ? fclose(out) != 0 : fflush(out) != 0) {
    int e = errno > 0 ? errno : EIO;

    if (e != EPIPE) {
      mp_log_error("%s: %s", cfg.output ? cfg.output : "standard output",
                   strerror(e));
    }
    rc = rc ? rc : -e;
  }
  if (!cfg.quiet) {
    mp_stats_summary(&st, stderr);
  }
  status = scan_status(&cfg, &st, rc);
  if (cfg.summary_path && write_summary(cfg.summary_path, &st) < 0 &&
      status != EXIT_INTERRUPTED) {
    status = EXIT_IO;
  }
  mp_stats_close(&st);
  mp_config_close(&cfg);
  return status;
}
