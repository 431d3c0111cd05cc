/* Names whose bytes need escaping in presentation form, served by a real
 * authoritative server (names-world/, its own Knot): every check finds
 * them through the query encoder, c-ares' question check, the answer
 * parser, the answer cache and the single-flight index, and the row and
 * the query log print them escaped. Also names check_host() cannot use
 * (RFC 7208 section 4.3), which SPF must not query at all. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "scanner/base/alloc.h"
#include "tests/integration/world.h"
#include "tests/support/proc.h"

#define NAMES_WORLD MP_SOURCE_DIR "/tests/integration/names-world"

static char port[16], run[4096], server[64];

static int serve(const char *what)
{
  const char *start[] = {MP_SOURCE_DIR "/tests/world/serve.sh",
                         "start",
                         NAMES_WORLD,
                         port,
                         run,
                         NULL};
  const char *stop[] = {MP_SOURCE_DIR "/tests/world/serve.sh", "stop", run,
                        NULL};

  return mp_proc_run(strcmp(what, "start") == 0 ? start : stop, NULL,
                     "/dev/null", NULL, 120000);
}

/* Criterion runs the tests of a suite in parallel, each in its own
 * process: each test serves the world on a port of its own, beside the
 * world's (+2 is the PSL world's). */
static void serve_on(int offset)
{
  snprintf(port, sizeof(port), "%d", MP_TEST_DNS_PORT + offset);
  snprintf(server, sizeof(server), "127.0.0.1:%s", port);
  scratch_path(run, sizeof(run), "names-knot");
  cr_assert_eq(serve("start"), 0, "Knot did not start on port %s", port);
}

static void teardown(void)
{
  if (run[0]) {
    cr_expect_eq(serve("stop"), 0);
  }
}

TestSuite(names, .fini = teardown, .timeout = 300);

/* Scans names (one per line) with args after "-r server"; the rows. */
static struct mp_json *scan(const char *names, const char *const *extra)
{
  char in[4096], out[4096];
  const char *args[40] = {"-r", server, "--timeout", "1s"};
  size_t n = 4;
  struct mp_json *rows;
  FILE *f;

  for (size_t i = 0; extra[i]; i++) {
    args[n++] = extra[i];
  }
  args[n] = NULL;
  scratch_path(in, sizeof(in), "names.txt");
  scratch_path(out, sizeof(out), "names.ndjson");
  f = fopen(in, "w");
  cr_assert_not_null(f);
  fputs(names, f);
  cr_assert_eq(fclose(f), 0);
  cr_assert_eq(run_scanner(in, out, args), 0);
  rows = read_rows(out);
  unlink(in);
  unlink(out);
  return rows;
}

/* The --spf-ip results of a row, as "pass,fail,...". */
static void check_results(const struct mp_json *row, char *out, size_t cap)
{
  const struct mp_json *checks = mp_json_path(row, "spf.checks");
  size_t o = 0;

  out[0] = '\0';
  for (size_t i = 0; checks && i < checks->count; i++) {
    o += (size_t)snprintf(out + o, cap - o, "%s%s", i ? "," : "",
                          mp_json_str(mp_json_get(checks->items[i], "result")));
  }
}

Test(names, spf_finds_names_that_need_escaping)
{
  static const struct {
    const char *domain;
    long ip4;
    const char *checks; /* --spf-ip 192.0.2.1 ... 192.0.2.8 */
  } want[] = {
      {"colon.esc.test", 1, "pass,fail,fail,fail,fail,fail,fail,fail"},
      {"percent.esc.test", 2, "fail,pass,pass,fail,fail,fail,fail,fail"},
      {"backslash.esc.test", 1, "fail,fail,fail,pass,fail,fail,fail,fail"},
      {"incl.esc.test", 2, "fail,fail,fail,fail,pass,pass,fail,fail"},
      {"mx.esc.test", 1, "fail,fail,fail,fail,fail,fail,pass,fail"},
      {"alias.esc.test", 1, "fail,fail,fail,fail,fail,fail,fail,pass"},
  };
  char qlog[4096], got[256], *log;
  const char *extra[] = {"--checks", "spf",       "--query-log", qlog,
                         "--spf-ip", "192.0.2.1", "--spf-ip",    "192.0.2.2",
                         "--spf-ip", "192.0.2.3", "--spf-ip",    "192.0.2.4",
                         "--spf-ip", "192.0.2.5", "--spf-ip",    "192.0.2.6",
                         "--spf-ip", "192.0.2.7", "--spf-ip",    "192.0.2.8",
                         NULL};
  struct mp_json *rows;

  serve_on(3);
  scratch_path(qlog, sizeof(qlog), "names-queries.txt");
  rows = scan("colon.esc.test\npercent.esc.test\nbackslash.esc.test\n"
              "incl.esc.test\nmx.esc.test\nalias.esc.test\n",
              extra);
  cr_assert_eq(rows->count, 6);
  for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
    const struct mp_json *row = row_for(rows, want[i].domain);
    const struct mp_json *spf = mp_json_get(row, "spf");

    cr_expect(mp_json_str_eq(mp_json_get(spf, "status"), "valid"), "%s: %s %s",
              want[i].domain, mp_json_str(mp_json_get(spf, "status")),
              mp_json_str(mp_json_get(spf, "reason")));
    cr_expect(mp_json_str_eq(mp_json_get(spf, "all"), "fail"), "%s",
              want[i].domain);
    cr_expect_eq(mp_json_get(spf, "ip4_addresses")->integer, want[i].ip4, "%s",
                 want[i].domain);
    check_results(row, got, sizeof(got));
    cr_expect_str_eq(got, want[i].checks, "%s", want[i].domain);
  }
  /* the alias target, printed escaped (RFC 1035 section 5.1) */
  cr_expect(
      mp_json_str_eq(mp_json_path(row_for(rows, "alias.esc.test"), "txt.cname"),
                     "t\\255\\032x.esc.test"));
  log = mp_proc_slurp(qlog, NULL);
  cr_assert_not_null(log);
  cr_expect_not_null(strstr(log, "foo\\058bar/baz.esc.test A\n"), "%s", log);
  cr_expect_not_null(strstr(log, "sp\\032ce.esc.test A\n"), "%s", log);
  cr_expect_not_null(strstr(log, "back\\092slash.esc.test A\n"), "%s", log);
  cr_expect_not_null(strstr(log, "in\\032cl.esc.test TXT\n"), "%s", log);
  cr_expect_not_null(strstr(log, "odd\\046host\\000x.esc.test A\n"), "%s", log);
  mp_free(log);
  mp_json_free(rows);
  unlink(qlog);
}

Test(names, mx_hosts_that_need_escaping_are_resolved_and_printed_escaped)
{
  const char *extra[] = {"--checks", "mx", NULL};
  struct mp_json *rows;
  const struct mp_json *h;

  serve_on(4);
  rows = scan("mx.esc.test\n", extra);
  cr_assert_eq(rows->count, 1);
  cr_expect(mp_json_str_eq(mp_json_path(rows->items[0], "mx.records[0].host"),
                           "odd\\046host\\000x.esc.test"));
  h = mp_json_path(rows->items[0], "mx_hosts.hosts[0]");
  cr_assert_not_null(h);
  cr_expect(
      mp_json_str_eq(mp_json_get(h, "host"), "odd\\046host\\000x.esc.test"));
  cr_expect(mp_json_get(h, "resolves")->boolean);
  cr_expect(
      mp_json_str_eq(mp_json_path(h, "addresses[0].address"), "192.0.2.7"));
  mp_json_free(rows);
}

/* RFC 7208 section 4.3: a <domain> that is not a multi-label FQDN gives
 * none at once; nothing is queried for it. */
Test(names, spf_does_not_query_a_single_label_name)
{
  char qlog[4096], *log;
  const char *extra[] = {"--checks", "spf",       "--query-log", qlog,
                         "--spf-ip", "192.0.2.1", NULL};
  struct mp_json *rows;
  const struct mp_json *spf;
  size_t n = 0;

  serve_on(5);
  scratch_path(qlog, sizeof(qlog), "single-queries.txt");
  rows = scan("a2345678\n", extra);
  cr_assert_eq(rows->count, 1);
  cr_expect(mp_json_str_eq(mp_json_get(rows->items[0], "domain"), "a2345678"));
  spf = mp_json_get(rows->items[0], "spf");
  cr_expect(mp_json_str_eq(mp_json_get(spf, "status"), "none"));
  cr_expect(mp_json_str_eq(mp_json_get(spf, "reason"), "bad_domain"));
  cr_expect(mp_json_str_eq(mp_json_path(spf, "checks[0].result"), "none"));
  cr_expect(
      mp_json_str_eq(mp_json_path(spf, "checks[0].reason"), "bad_domain"));
  cr_expect(mp_json_is_null(mp_json_get(rows->items[0], "txt")));
  log = mp_proc_slurp(qlog, &n);
  cr_expect(log == NULL || n == 0, "queries sent: %s", log ? log : "");
  mp_free(log);
  mp_json_free(rows);
  unlink(qlog);
}

/* RFC 7208 sections 5 and 5.4: an MX host whose address lookup fails
 * (REFUSED here) makes mx a temperror, in the posture and for check_host,
 * never a host without addresses. */
Test(names, spf_mx_host_lookup_failure_is_a_temperror)
{
  const char *extra[] = {"--checks", "spf", "--spf-ip", "192.0.2.1", NULL};
  struct mp_json *rows;
  const struct mp_json *spf;

  serve_on(6);
  rows = scan("mxfail.esc.test\n", extra);
  cr_assert_eq(rows->count, 1);
  spf = mp_json_get(rows->items[0], "spf");
  cr_expect(mp_json_str_eq(mp_json_get(spf, "status"), "temperror"));
  cr_expect(mp_json_str_eq(mp_json_get(spf, "reason"), "dns"));
  cr_expect(mp_json_is_null(mp_json_get(spf, "ip4_addresses")));
  cr_expect(mp_json_str_eq(mp_json_path(spf, "checks[0].result"), "temperror"));
  cr_expect(mp_json_str_eq(mp_json_path(spf, "checks[0].reason"), "dns"));
  mp_json_free(rows);
}

/* RFC 7208 sets no limit on the terms of a record: one of 1,101 terms is
 * evaluated and described (not a syntax error at term 1,025). */
Test(names, spf_evaluates_a_record_of_any_number_of_terms)
{
  const char *extra[] = {"--checks", "spf", "--spf-ip", "192.0.2.5", NULL};
  struct mp_json *rows;
  const struct mp_json *spf;

  serve_on(7);
  rows = scan("manyterms.esc.test\n", extra);
  cr_assert_eq(rows->count, 1);
  spf = mp_json_get(rows->items[0], "spf");
  cr_expect(mp_json_str_eq(mp_json_get(spf, "status"), "valid"), "%s %s",
            mp_json_str(mp_json_get(spf, "status")),
            mp_json_str(mp_json_get(spf, "reason")));
  cr_expect(mp_json_str_eq(mp_json_get(spf, "all"), "neutral"));
  cr_expect_eq(mp_json_get(spf, "ip4_addresses")->integer, 1);
  cr_expect(
      mp_json_str_eq(mp_json_path(spf, "includes[0]"), "in%_cl.esc.test"));
  cr_expect_eq(mp_json_get(spf, "includes_total")->integer, 1);
  cr_expect(mp_json_str_eq(mp_json_path(spf, "checks[0].result"), "pass"));
  mp_json_free(rows);
}
