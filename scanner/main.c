/* mailposture: the command line. The only place where an error becomes a
 * message and an exit status: 0 the scan ran to the end, 1 input/output
 * failure, 2 usage error, 3 the resolver failed (lookups failed unsent
 * after --dead-after, or no resolver answered at the end), 4 a row has a
 * finding of --fail-on's severity or worse, 5 (mailposture diff) a change
 * at or above its --fail-on, 130
 * interrupted (SIGINT, SIGTERM, SIGHUP). SIGPIPE is ignored: a reader that
 * goes away (| head -1) is an output error, status 1, not a death by
 * signal (141). Every return frees what the option parser allocated (-d,
 * --dkim-selectors): a leak would change the status under ASan. */
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
#include "scanner/run.h"
#include "scanner/scan.h"
#include "scanner/schemacmd.h"
#include "scanner/stats.h"
#include "scanner/summarize.h"

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

/* What a stop at once needs for the summary (mp_scan_abort_hook). */
static struct {
  const struct mp_config *cfg;
  struct mp_run_info *run;
  const struct mp_resume *resume;
} at_abort;

/* A second SIGINT or SIGTERM, or SIGHUP: the rows done so far are in the
 * file (scan.h); the summaries say so, the run interrupted. */
static void summary_at_abort(struct mp_stats *st)
{
  const struct mp_config *cfg = at_abort.cfg;

  mp_run_end(at_abort.run, cfg, st->rows, at_abort.resume->rows.rows, -EINTR);
  if (!cfg->quiet) {
    mp_stats_summary(st, stderr);
  }
  if (cfg->summary_path) {
    write_summary(cfg->summary_path, st);
  }
}

/* --help, --list-findings, --version. */
static int info(const struct mp_config *cfg)
{
  if (cfg->help) {
    mp_config_usage(stdout);
  } else if (cfg->list_findings) {
    mp_findings_print(stdout);
  } else {
    mp_run_versions(stdout);
  }
  return 0;
}

/* -o FILE, or FILE again with --resume: its torn last row dropped, the
 * lines with a row marked in *r, positioned at its end. Otherwise FILE.
 * mpstate records the input and options for a later --resume. */
static int open_output(const struct mp_config *cfg,
                       const struct mp_input_id *id, struct mp_resume *r,
                       FILE **out)
{
  char err[512];
  int rc;

  *out = stdout;
  if (!cfg->output) {
    return 0;
  }
  if (!(*out = fopen(cfg->output, cfg->resume ? "r+" : "w"))) {
    mp_log_error("%s: %s", cfg->output, strerror(errno));
    return cfg->resume && errno == ENOENT ? EXIT_USAGE : EXIT_IO;
  }
  if (cfg->resume) {
    err[0] = '\0';
    rc = mp_resume_open(r, cfg, id, *out, err, sizeof(err));
    if (rc < 0) {
      mp_log_error("%s", err[0] ? err : mp_strerror(rc));
      return err[0] ? EXIT_USAGE : EXIT_IO;
    }
    return 0;
  }
  if ((rc = mp_resume_state_write(cfg, id)) < 0) {
    mp_log_error("%s.mpstate: %s", cfg->output, mp_strerror(rc));
    return EXIT_IO;
  }
  return 0;
}

/* The input's fingerprint, for FILE.mpstate and the summary's "run": read
 * once, and only when one of them is wanted. */
static int input_id(const struct mp_config *cfg, int in_fd,
                    struct mp_input_id *id)
{
  int rc;

  memset(id, 0, sizeof(*id));
  if (!cfg->output && !cfg->summary_path) {
    return 0;
  }
  if ((rc = mp_resume_input_id(in_fd, id)) < 0) {
    mp_log_error("%s: %s", cfg->input, mp_strerror(rc));
    return EXIT_IO;
  }
  return 0;
}

/* -d NAME...: the names one a line in an unlinked temporary file, read as
 * an input file is (line n: the n-th name). Its fd, or -1. */
static int domains_fd(const struct mp_config *cfg)
{
  FILE *f = tmpfile();
  int fd;

  if (!f) {
    return -1;
  }
  for (size_t i = 0; i < cfg->ndomains; i++) {
    fprintf(f, "%s\n", cfg->domains[i]);
  }
  fd = fflush(f) == 0 && !ferror(f) ? dup(fileno(f)) : -1;
  fclose(f);
  return fd >= 0 && lseek(fd, 0, SEEK_SET) == 0 ? fd : -1;
}

/* The status of a scan that ran (rc: mp_scan_run's, or an output error).
 * --fail-on reads the rows of this run and, after --resume, those the file
 * held already (kept: by their worst finding). */
static int scan_status(const struct mp_config *cfg, const struct mp_stats *st,
                       const struct mp_rows_end *kept, int rc)
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
    if (st->by_severity[sv] || kept->worst[sv]) {
      return EXIT_FINDINGS;
    }
  }
  return 0;
}

/* mailposture SUBCOMMAND ...: each parses its own options. */
static const struct {
  const char *name;
  int (*main)(int argc, char **argv, FILE *out);
} subcommands[] = {
    {"diff", mp_diff_main},           /* two scans compared */
    {"schema", mp_schema_main},       /* typed schemas for DuckDB, pandas */
    {"summarize", mp_summarize_main}, /* a summary from row files */
    {"report", mp_report_main},       /* an HTML page of a summary */
};

/* The status of the subcommand argv[1] names, or -1 when it names none. */
static int subcommand(int argc, char **argv)
{
  for (size_t i = 0; argc > 1 && i < sizeof(subcommands) / sizeof(*subcommands);
       i++) {
    if (strcmp(argv[1], subcommands[i].name) == 0) {
      return subcommands[i].main(argc - 1, argv + 1, stdout);
    }
  }
  return -1;
}

int main(int argc, char **argv)
{
  struct mp_config cfg;
  struct mp_stats st;
  struct mp_resume resume = {0};
  struct mp_input_id id;
  struct mp_run_info run;
  char err[256];
  int in_fd = 0, rc, status;
  FILE *out = stdout;

  signal(SIGPIPE, SIG_IGN); /* EPIPE instead: see the top of this file */
  if ((status = subcommand(argc, argv)) >= 0) {
    return status;
  }
  mp_config_init(&cfg);
  if (mp_config_parse(&cfg, argc, argv, err, sizeof(err)) < 0) {
    fprintf(stderr, "mailposture: %s\n", err);
    mp_config_close(&cfg);
    return EXIT_USAGE;
  }
  if (cfg.help || cfg.list_findings || cfg.version) {
    status = info(&cfg);
    mp_config_close(&cfg);
    return status;
  }
  mp_log_threshold = cfg.log_level;
  if (mp_config_validate(&cfg, err, sizeof(err)) < 0) {
    fprintf(stderr, "mailposture: %s\n", err);
    mp_config_close(&cfg);
    return EXIT_USAGE;
  }
  if (cfg.input && (in_fd = open(cfg.input, O_RDONLY | O_CLOEXEC)) < 0) {
    mp_log_error("%s: %s", cfg.input, strerror(errno));
    mp_config_close(&cfg);
    return EXIT_IO;
  }
  if (cfg.ndomains && (in_fd = domains_fd(&cfg)) < 0) {
    mp_log_error("-d: a temporary file: %s", strerror(errno));
    mp_config_close(&cfg);
    return EXIT_IO;
  }
  if ((status = input_id(&cfg, in_fd, &id)) != 0 ||
      (status = open_output(&cfg, &id, &resume, &out)) != 0) {
    mp_resume_close(&resume);
    mp_config_close(&cfg);
    return status;
  }
  /* glibc ignores the size without a buffer (it takes st_blksize, 4 KB) */
  static char outbuf[OUT_BUFFER];
  setvbuf(out, outbuf, _IOFBF, sizeof(outbuf));

  mp_stats_init(&st);
  mp_run_begin(&run, &cfg, &id);
  st.run = &run;
  at_abort.cfg = &cfg;
  at_abort.run = &run;
  at_abort.resume = &resume;
  mp_scan_abort_hook = summary_at_abort;
  rc = mp_scan_run(&cfg, in_fd, out, cfg.resume ? &resume : NULL, &st);
  errno = 0;
  if (out != stdout ? fclose(out) != 0 : fflush(out) != 0) {
    int e = errno > 0 ? errno : EIO;

    if (e != EPIPE) {
      mp_log_error("%s: %s", cfg.output ? cfg.output : "standard output",
                   strerror(e));
    }
    rc = rc ? rc : -e;
  }
  mp_run_end(&run, &cfg, st.rows, resume.rows.rows, rc);
  mp_resume_close(&resume);
  if (!cfg.quiet) {
    mp_stats_summary(&st, stderr);
  }
  status = scan_status(&cfg, &st, &resume.rows, rc);
  if (cfg.summary_path && write_summary(cfg.summary_path, &st) < 0 &&
      status != EXIT_INTERRUPTED) {
    status = EXIT_IO;
  }
  mp_stats_close(&st);
  mp_config_close(&cfg);
  return status;
}
