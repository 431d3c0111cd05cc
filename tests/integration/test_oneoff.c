/* One-off questions on the command line (-d NAME) and required DKIM
 * selectors (--dkim-require), through the binary against the world's
 * Knot: d0000140.test delegates google, s1 and s2 to sendco by CNAME,
 * d0000360.test has a google key of its own and a k1 probe that gets
 * SERVFAIL, d0000380.test a SERVFAIL at s1, d0000100.test a revoked key
 * at dkim (posture_truth.tsv of the world's seed). */
#include <criterion/criterion.h>
#include <errno.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scanner/base/alloc.h"
#include "tests/integration/world.h"
#include "tests/support/proc.h"

#define NDOMAINS 4

static const char *const domains[NDOMAINS] = {"d0000140.test", "d0000360.test",
                                              "d0000380.test", "d0000100.test"};

TestSuite(oneoff, .timeout = 300);

/* Scans the four domains with -d and args; the rows in out. */
static struct mp_json *scan(const char *const *args, char *out, size_t n)
{
  const char *argv[32];
  size_t k = 0;

  for (size_t i = 0; i < NDOMAINS; i++) {
    argv[k++] = "-d";
    argv[k++] = domains[i];
  }
  for (size_t i = 0; args[i]; i++) {
    argv[k++] = args[i];
  }
  argv[k] = NULL;
  scratch_path(out, n, "oneoff.ndjson");
  cr_assert_eq(run_scanner(NULL, out, argv), 0);
  return read_rows(out);
}

/* The DKIM_REQUIRED_* codes of a row, as "MISSING,UNKNOWN" (table order). */
static void required_codes(const struct mp_json *row, char *buf, size_t n)
{
  static const char *const codes[] = {"MISSING", "UNUSABLE", "NOT_DELEGATED",
                                      "UNKNOWN"};
  const struct mp_json *f = mp_json_get(row, "findings");
  size_t k = 0;

  buf[0] = '\0';
  for (size_t c = 0; c < 4; c++) {
    char code[64];

    snprintf(code, sizeof(code), "DKIM_REQUIRED_%s", codes[c]);
    for (size_t i = 0; f && i < f->count; i++) {
      if (mp_json_str_eq(f->items[i], code)) {
        k += (size_t)snprintf(buf + k, n - k, "%s%s", k ? "," : "", codes[c]);
      }
    }
  }
}

/* Scans with one --dkim-require and checks each domain's codes. */
static void check(const char *require, const char *const want[NDOMAINS])
{
  const char *args[] = {"--dkim-require", require, NULL};
  char out[4096], got[128];
  struct mp_json *rows = scan(args, out, sizeof(out));

  cr_assert_eq(rows->count, NDOMAINS);
  for (size_t i = 0; i < NDOMAINS; i++) {
    required_codes(row_for(rows, domains[i]), got, sizeof(got));
    cr_expect_str_eq(got, want[i], "--dkim-require %s, %s: %s, not %s", require,
                     domains[i], got, want[i]);
  }
  mp_json_free(rows);
  unlink(out);
}

/* The delegated selector passes where it is a CNAME to the target; a
 * missing one is missing, a failed probe unknown (never missing). */
Test(oneoff, a_required_selector_delegated_to_its_target)
{
  const char *const want[] = {"", "MISSING", "UNKNOWN", "MISSING"};

  check("s1=s1.domainkey.sendco.test", want);
}

/* A revoked key is unusable; elsewhere the selector (not among the
 * defaults' keys there) is missing. */
Test(oneoff, a_required_selector_with_a_revoked_key_is_unusable)
{
  const char *const want[] = {"MISSING", "MISSING", "MISSING", "UNUSABLE"};

  check("dkim", want);
}

/* =TARGET: a CNAME elsewhere, or a key of the domain's own, is not the
 * delegation asked for; no key and no alias is missing. */
Test(oneoff, a_required_selector_not_delegated_to_the_target)
{
  const char *const want[] = {"NOT_DELEGATED", "NOT_DELEGATED", "MISSING",
                              "MISSING"};

  check("google=google.dkim.other.test", want);
}

/* A selector not in the probe list is probed because it is required
 * (--dkim-selectors without it). */
Test(oneoff, a_required_selector_is_probed)
{
  const char *args[] = {"--dkim-selectors", "google", "--dkim-require",
                        "s1=s1.domainkey.sendco.test", NULL};
  char out[4096], got[128];
  struct mp_json *rows = scan(args, out, sizeof(out));
  const struct mp_json *row = row_for(rows, "d0000140.test");

  required_codes(row, got, sizeof(got));
  cr_expect_str_eq(got, "");
  cr_expect_eq(mp_json_path(row, "dkim.probed")->number, 2);
  mp_json_free(rows);
  unlink(out);
}

/* -d: one row per name, numbered in the order given, NDJSON when stdout
 * is not a terminal; with a FILE too, a usage error. */
Test(oneoff, domains_on_the_command_line)
{
  const char *none[] = {NULL};
  const char *both[] = {"-d", "d0000140.test", "/dev/null", NULL};
  char out[4096];
  struct mp_json *rows = scan(none, out, sizeof(out));

  cr_assert_eq(rows->count, NDOMAINS);
  for (size_t i = 0; i < NDOMAINS; i++) {
    cr_expect_eq(mp_json_get(row_for(rows, domains[i]), "line")->number,
                 (double)(i + 1), "%s: not line %zu", domains[i], i + 1);
  }
  mp_json_free(rows);
  cr_expect_eq(run_scanner(NULL, out, both), 2);
  unlink(out);
}

/* The scanner's stdout (and stderr) on a pseudo-terminal (tty) or a pipe:
 * what it wrote, NUL-terminated, into buf; its exit status. */
static int run_on(bool tty, const char *const *args, char *buf, size_t n)
{
  char server[64];
  const char *argv[16] = {MP_BINARY, "-r", server, "--no-progress", "-q"};
  size_t k = 5, got = 0;
  int fd = -1, p[2], st;
  pid_t pid;
  ssize_t r;

  snprintf(server, sizeof(server), "127.0.0.1:%d", MP_TEST_DNS_PORT);
  for (size_t i = 0; args[i] && k < 15; i++) {
    argv[k++] = args[i];
  }
  argv[k] = NULL;
  if (tty) {
    pid = forkpty(&fd, NULL, NULL, NULL);
  } else {
    cr_assert_eq(pipe(p), 0);
    pid = fork();
    if (pid == 0) {
      dup2(p[1], 1);
    }
    close(p[1]);
    fd = p[0];
  }
  cr_assert_geq(pid, 0, "%s", strerror(errno));
  if (pid == 0) {
    char *av[16];

    memcpy(av, argv, sizeof(av)); /* execv's type; it writes nothing */
    signal(SIGPIPE, SIG_DFL);
    execv(av[0], av);
    _exit(127);
  }
  /* a pty's master reads EIO once the child has closed its side */
  while (got + 1 < n && ((r = read(fd, buf + got, n - 1 - got)) > 0 ||
                         (r < 0 && errno == EINTR))) {
    got += r > 0 ? (size_t)r : 0;
  }
  buf[got] = '\0';
  close(fd);
  cr_assert_eq(waitpid(pid, &st, 0), pid);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* -d NAME on a terminal prints the text format (a line per row: its line
 * number, the domain, the status); through a pipe, NDJSON; -f wins over
 * both. */
Test(oneoff, text_on_a_terminal_ndjson_through_a_pipe)
{
  const char *d[] = {"-d", "d0000140.test", NULL};
  const char *f[] = {"-d", "d0000140.test", "-f", "ndjson", NULL};
  static char buf[1 << 16];

  cr_assert_eq(run_on(true, d, buf, sizeof(buf)), 0, "%s", buf);
  cr_expect_null(strstr(buf, "{\"line\":"), "not text: %s", buf);
  cr_expect_not_null(strstr(buf, "    1 d0000140.test  "), "%s", buf);
  cr_assert_eq(run_on(false, d, buf, sizeof(buf)), 0, "%s", buf);
  cr_expect_eq(strncmp(buf, "{\"line\":1,", 10), 0, "not NDJSON: %s", buf);
  cr_expect_not_null(strstr(buf, "\"domain\":\"d0000140.test\""), "%s", buf);
  cr_assert_eq(run_on(true, f, buf, sizeof(buf)), 0, "%s", buf);
  cr_expect_eq(strncmp(buf, "{\"line\":1,", 10), 0, "not NDJSON: %s", buf);
}
