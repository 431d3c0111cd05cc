/* The scanner against a misbehaving responder: every failure still yields
 * its row with the right status, and the batch always runs to the end. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "scanner/base/alloc.h"
#include "tests/integration/world.h"
#include "tests/support/proc.h"

static pid_t responder;
static char server[64];

/* The responder in mode, replying after delay_ms (NULL: at once), with
 * TCP too when tcp. */
static void start_responder_with(const char *mode, const char *delay_ms,
                                 bool tcp)
{
  char port[32];
  const char *argv[8] = {MP_RESPONDER, "--mode", mode};
  size_t n = 3;

  if (delay_ms) {
    argv[n++] = "--delay-ms";
    argv[n++] = delay_ms;
  }
  if (tcp) {
    argv[n++] = "--tcp";
  }
  argv[n] = NULL;
  responder = mp_proc_start_line(argv, port, sizeof(port), 5000);
  cr_assert_gt(responder, 0, "responder did not start");
  snprintf(server, sizeof(server), "127.0.0.1:%s", port);
}

/* extra: "--tcp", a --delay-ms, or NULL. */
static void start_responder(const char *mode, const char *extra)
{
  bool tcp = extra && strcmp(extra, "--tcp") == 0;

  start_responder_with(mode, tcp ? NULL : extra, tcp);
}

static void stop_responder(void)
{
  if (responder > 0) {
    mp_proc_stop(responder, 2000);
    responder = 0;
  }
}

static void write_file(const char *path, const char *text)
{
  FILE *f = fopen(path, "w");

  cr_assert_not_null(f);
  fputs(text, f);
  cr_assert_eq(fclose(f), 0);
}

/* Scans names (one per line) against the responder, expecting exit status
 * want; returns the rows. */
static struct mp_json *scan_rc(const char *names, const char *const *extra,
                               int want)
{
  char in[4096], out[4096];
  const char *args[32] = {"-r", server, "--timeout", "150ms", "--retries", "1"};
  size_t n = 6;

  for (size_t i = 0; extra && extra[i]; i++) {
    args[n++] = extra[i];
  }
  args[n] = NULL;
  scratch_path(in, sizeof(in), "faults.txt");
  scratch_path(out, sizeof(out), "faults.ndjson");
  write_file(in, names);
  cr_assert_eq(run_scanner(in, out, args), want, "exit status");
  struct mp_json *rows = read_rows(out);
  unlink(in);
  unlink(out);
  return rows;
}

static struct mp_json *scan(const char *names, const char *const *extra)
{
  return scan_rc(names, extra, 0);
}

/* One domain against a responder in mode (delay_ms: NULL or its
 * --delay-ms): its one row is rows->items[0]. */
static struct mp_json *scan_one(const char *mode, const char *delay_ms,
                                const char *line, const char *const *extra)
{
  struct mp_json *rows;

  start_responder(mode, delay_ms);
  rows = scan(line, extra);
  cr_assert_eq(rows->count, 1);
  return rows;
}

/* Every lookup of every row failed, and says so. */
static void expect_failed_rows(const struct mp_json *rows, size_t n)
{
  static const char *const keys[] = {"txt", "dmarc_txt", "mx"};

  cr_assert_eq(rows->count, n);
  for (size_t i = 0; i < rows->count; i++) {
    const char *st = mp_json_str(mp_json_get(rows->items[i], "status"));

    cr_expect(strcmp(st, "timeout") == 0 || strcmp(st, "error") == 0 ||
                  strcmp(st, "refused") == 0,
              "status %s", st);
    for (size_t k = 0; k < 3; k++) {
      const char *o = mp_json_str(
          mp_json_path(mp_json_get(rows->items[i], keys[k]), "outcome"));

      cr_expect(strcmp(o, "timeout") == 0 || strcmp(o, "error") == 0 ||
                    strcmp(o, "refused") == 0,
                "%s: %s", keys[k], o);
    }
  }
}

TestSuite(faults, .fini = stop_responder, .timeout = 60);

Test(faults, silent_server_gives_timeout_rows_after_every_attempt)
{
  struct mp_json *rows;

  /* one domain: too few lookups to call the server dead before every
   * attempt went out */
  start_responder("silent", NULL);
  rows = scan_rc("a.test\n", NULL, 3);
  cr_assert_eq(rows->count, 1);
  const struct mp_json *r = rows->items[0];

  cr_expect(mp_json_str_eq(mp_json_get(r, "status"), "timeout"));
  cr_expect(mp_json_str_eq(mp_json_path(r, "txt.outcome"), "timeout"));
  cr_expect(mp_json_str_eq(mp_json_path(r, "mx.outcome"), "timeout"));
  cr_expect_eq(mp_json_path(r, "txt.attempts")->integer, 2);
  cr_expect(mp_json_is_null(mp_json_path(r, "txt.rcode")));
  mp_json_free(rows);
}

/* A resolver that does not answer is found out within seconds: what waits
 * is not sent, the rows say every lookup failed, and the exit status is
 * 3. */
Test(faults, silent_resolver_ends_with_status_3)
{
  const char *extra[] = {"--dead-after", "300ms", NULL};
  struct mp_json *rows;

  start_responder("silent", NULL);
  rows = scan_rc("a.test\nb.test\nc.test\nd.test\n", extra, 3);
  expect_failed_rows(rows, 4);
  mp_json_free(rows);
}

Test(faults, resolver_refusing_everything_ends_with_status_3)
{
  const char *extra[] = {"--dead-after", "300ms", NULL};
  struct mp_json *rows;

  start_responder("refused", NULL);
  rows = scan_rc("a.test\nb.test\nc.test\nd.test\n", extra, 3);
  expect_failed_rows(rows, 4);
  mp_json_free(rows);
}

/* Forged replies race the real one: with the wrong ID from the server's
 * address and port, and with the right ID from another port. Both are
 * ignored; the lookup ends with the real answer. */
Test(faults, forged_replies_are_ignored)
{
  const char *extra[] = {"--checks", "spf,dmarc,mx", NULL};
  struct mp_json *rows;

  rows = scan_one("spoof", "30", "real.test\n", extra);
  cr_expect(mp_json_str_eq(mp_json_path(rows->items[0], "txt.records[0]"),
                           "real.test"));
  cr_expect(mp_json_str_eq(mp_json_path(rows->items[0], "dmarc_txt.records[0]"),
                           "_dmarc.real.test"));
  cr_expect_eq(mp_json_path(rows->items[0], "txt.attempts")->integer, 1);
  mp_json_free(rows);
}

struct rcode_case {
  char mode[16];
  char status[16];
  int rcode;
  int exit; /* 3: a server that answers every query so is unusable */
};

static void expect_rcode_rows(const struct rcode_case *c)
{
  struct mp_json *rows;

  start_responder(c->mode, NULL);
  rows = scan_rc("x.test\n", NULL, c->exit);
  cr_assert_eq(rows->count, 1);
  cr_expect(mp_json_str_eq(mp_json_get(rows->items[0], "status"), c->status),
            "%s: status %s", c->mode,
            mp_json_str(mp_json_get(rows->items[0], "status")));
  cr_expect_eq(mp_json_path(rows->items[0], "txt.rcode")->integer, c->rcode);
  cr_expect_eq(mp_json_path(rows->items[0], "txt.attempts")->integer, 1,
               "an answer is data: no retry");
  mp_json_free(rows);
}

Test(faults, servfail_is_reported_as_servfail)
{
  /* SERVFAIL speaks of the name, not of the resolver: exit status 0 */
  struct rcode_case c = {"servfail", "servfail", 2, 0};
  expect_rcode_rows(&c);
}

Test(faults, refused_is_reported_as_refused)
{
  struct rcode_case c = {"refused", "refused", 5, 3};
  expect_rcode_rows(&c);
}

Test(faults, formerr_is_reported_as_formerr)
{
  struct rcode_case c = {"formerr", "formerr", 1, 3};
  expect_rcode_rows(&c);
}

Test(faults, notimp_is_reported_as_error)
{
  struct rcode_case c = {"notimp", "error", 4, 3};
  expect_rcode_rows(&c);
}

Test(faults, nxdomain_rows_say_the_domain_does_not_exist)
{
  struct mp_json *rows;

  start_responder("nxdomain", NULL);
  rows = scan("gone.test\n", NULL);
  cr_assert(mp_json_str_eq(mp_json_get(rows->items[0], "status"), "nxdomain"));
  cr_assert(
      mp_json_str_eq(mp_json_path(rows->items[0], "txt.outcome"), "nxdomain"));
  mp_json_free(rows);
}

/* The DMARC check alone still tells a domain that does not exist: it asks
 * the name itself after NXDOMAIN at _dmarc.<domain> (docs/schema.md
 * "Status"). */
Test(faults, nxdomain_rows_under_checks_dmarc)
{
  const char *extra[] = {"--checks", "dmarc", NULL};
  struct mp_json *rows;

  rows = scan_one("nxdomain", NULL, "gone.test\n", extra);
  cr_expect(mp_json_str_eq(mp_json_get(rows->items[0], "status"), "nxdomain"));
  cr_expect(mp_json_is_null(mp_json_get(rows->items[0], "txt")));
  cr_expect(
      mp_json_str_eq(mp_json_path(rows->items[0], "dmarc.status"), "none"));
  cr_expect_eq(mp_json_get(rows->items[0], "findings")->count, 0,
               "no DMARC_MISSING for a domain that does not exist");
  mp_json_free(rows);
}

Test(faults, replies_with_a_wrong_id_are_ignored)
{
  struct mp_json *rows;

  start_responder("wrongid", NULL);
  rows = scan_rc("x.test\n", NULL, 3);
  cr_assert(mp_json_str_eq(mp_json_get(rows->items[0], "status"), "timeout"));
  mp_json_free(rows);
}

Test(faults, garbage_replies_do_not_stop_the_scan)
{
  struct mp_json *rows;

  start_responder("garbage", NULL);
  rows = scan_rc("x.test\ny.test\n", NULL, 3);
  cr_assert_eq(rows->count, 2);
  for (size_t i = 0; i < rows->count; i++) {
    const char *st = mp_json_str(mp_json_get(rows->items[i], "status"));

    cr_expect(strcmp(st, "timeout") == 0 || strcmp(st, "error") == 0,
              "status %s", st);
  }
  mp_json_free(rows);
}

Test(faults, refused_port_gives_error_rows)
{
  struct mp_json *rows;

  /* Hold a port with a UDP socket connected to another peer: datagrams from
   * the scanner match no socket, so the kernel answers ICMP port
   * unreachable, and no test running beside this one can take the port. */
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET};
  socklen_t alen = sizeof(a);

  cr_assert_geq(fd, 0);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
  cr_assert_eq(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
  snprintf(server, sizeof(server), "127.0.0.1:%u", ntohs(a.sin_port));
  a.sin_port = htons(9);
  cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
  rows = scan_rc("x.test\n", NULL, 3);
  close(fd);
  cr_assert_eq(rows->count, 1);
  /* The kernel reports the ICMP error to whichever call next touches the
   * socket, so c-ares cannot say which query it was for: a lookup that saw
   * the refusal ends in "error", one that did not in "timeout", and at
   * least one sees it. */
  const char *keys[] = {"txt", "dmarc_txt", "mx"};
  int errors = 0;
  for (int k = 0; k < 3; k++) {
    const char *o = mp_json_str(
        mp_json_get(mp_json_get(rows->items[0], keys[k]), "outcome"));

    cr_expect(strcmp(o, "error") == 0 || strcmp(o, "timeout") == 0, "%s: %s",
              keys[k], o);
    errors += strcmp(o, "error") == 0;
  }
  cr_expect_gt(errors, 0);
  const char *st = mp_json_str(mp_json_get(rows->items[0], "status"));
  cr_expect(strcmp(st, "error") == 0 || strcmp(st, "timeout") == 0);
  mp_json_free(rows);
}

Test(faults, truncated_udp_answer_is_fetched_over_tcp)
{
  struct mp_json *rows;
  const struct mp_json *rec;

  start_responder("truncate", "--tcp");
  rows = scan("big.test\n", NULL);
  cr_assert(mp_json_str_eq(mp_json_path(rows->items[0], "txt.outcome"), "ok"));
  rec = mp_json_path(rows->items[0], "txt.records[0]");
  cr_assert_not_null(rec);
  cr_expect_eq(rec->len, 3000);
  mp_json_free(rows);
}

/* A resolver that resets the TCP connection a truncated answer is fetched
 * on (as Unbound does over its rate limit) fails that lookup, and no other:
 * the datagrams in flight beside it are answered. c-ares 1.18 ends every
 * query of a channel when one of its sockets fails, so TCP has a channel of
 * its own (with one shared, 24 of the other 190 lookups here ended `error`
 * in a run). */
Test(faults, tcp_reset_fails_only_the_lookup_over_tcp)
{
  const char *extra[] = {"--retries", "0",   "--timeout", "2s",
                         "--checks",  "spf", NULL};
  char names[200 * 24];
  size_t o = 0, reset = 0;
  struct mp_json *rows;

  for (int i = 0; i < 200; i++) {
    o += (size_t)snprintf(names + o, sizeof(names) - o, "%s%d.test\n",
                          i % 20 == 7 ? "reset-" : "n", i);
  }
  start_responder_with("mixed", "100", true);
  rows = scan(names, extra);
  cr_assert_eq(rows->count, 200);
  for (size_t i = 0; i < rows->count; i++) {
    const char *d = mp_json_str(mp_json_get(rows->items[i], "domain"));
    const char *out = mp_json_str(mp_json_path(rows->items[i], "txt.outcome"));

    if (strncmp(d, "reset-", 6) == 0) {
      reset++;
      cr_expect(strcmp(out, "ok") != 0, "%s: %s", d, out);
    } else {
      cr_expect(strcmp(out, "ok") == 0, "%s: %s", d, out);
    }
  }
  cr_expect_eq(reset, 10);
  mp_json_free(rows);
}

Test(faults, each_domain_gets_its_own_status_in_one_batch)
{
  struct mp_json *rows;

  start_responder("mixed", NULL);
  rows = scan("servfail-a.test\nrefused-b.test\nnx-c.test\nfine.test\n"
              "silent-d.test\nformerr-e.test\n",
              NULL);
  cr_assert_eq(rows->count, 6);
  cr_expect(mp_json_str_eq(
      mp_json_get(row_for(rows, "servfail-a.test"), "status"), "servfail"));
  cr_expect(mp_json_str_eq(
      mp_json_get(row_for(rows, "refused-b.test"), "status"), "refused"));
  cr_expect(mp_json_str_eq(mp_json_get(row_for(rows, "nx-c.test"), "status"),
                           "nxdomain"));
  cr_expect(
      mp_json_str_eq(mp_json_get(row_for(rows, "fine.test"), "status"), "ok"));
  cr_expect(mp_json_str_eq(
      mp_json_path(row_for(rows, "fine.test"), "txt.records[0]"), "fine.test"));
  cr_expect(mp_json_str_eq(
      mp_json_get(row_for(rows, "silent-d.test"), "status"), "timeout"));
  cr_expect(mp_json_str_eq(
      mp_json_get(row_for(rows, "formerr-e.test"), "status"), "formerr"));
  mp_json_free(rows);
}

/* A name that never answers gives up --timeout after its last attempt,
 * not (retries+1) x --timeout after its first: the retries went out at
 * the measured round trip's timeout, well before --timeout each. */
Test(faults, a_silent_name_gives_up_a_timeout_after_its_last_attempt)
{
  const char *extra[] = {"--timeout", "2s", "--retries", "2", NULL};
  struct mp_json *rows;
  const struct mp_json *r;

  start_responder("mixed", NULL);
  rows = scan("fine-a.test\nfine-b.test\nsilent-c.test\n", extra);
  cr_assert_eq(rows->count, 3);
  r = row_for(rows, "silent-c.test");
  cr_expect(mp_json_str_eq(mp_json_path(r, "txt.outcome"), "timeout"));
  cr_expect_eq(mp_json_path(r, "txt.attempts")->integer, 3);
  cr_expect_geq(mp_json_path(r, "txt.rtt_ms")->number, 2000.0);
  cr_expect_lt(mp_json_path(r, "txt.rtt_ms")->number, 6000.0);
  mp_json_free(rows);
}

Test(faults, slow_answers_within_the_timeout_are_waited_for)
{
  struct mp_json *rows;

  start_responder("echo-txt", "60");
  rows = scan("slow.test\n", NULL);
  cr_assert(mp_json_str_eq(mp_json_get(rows->items[0], "status"), "ok"));
  cr_expect_geq(mp_json_path(rows->items[0], "txt.rtt_ms")->number, 50.0);
  mp_json_free(rows);
}

Test(faults, concurrent_lookups_of_one_name_share_a_query)
{
  char summary[4096], *text;
  /* the SPF check alone: one base lookup, no follow-up queries */
  const char *extra[] = {"--summary", summary, "-c", "100",
                         "--checks",  "spf",   NULL};
  struct mp_json *rows, *sum;
  char names[64 * 20];
  size_t o = 0;

  /* 50 lines of one domain, all in flight together: 1 query in all */
  for (int i = 0; i < 50; i++) {
    o += (size_t)snprintf(names + o, sizeof(names) - o, "same.test\n");
  }
  scratch_path(summary, sizeof(summary), "summary.json");
  start_responder("echo-txt", "100");
  rows = scan(names, extra);
  cr_assert_eq(rows->count, 50);
  text = mp_proc_slurp(summary, NULL);
  cr_assert_not_null(text);
  sum = mp_json_parse(text, strlen(text), NULL, 0);
  cr_assert_not_null(sum);
  /* one query, sent again only if its first attempt went unanswered for
   * the initial timeout (a machine too busy to run the responder) */
  cr_expect_eq(mp_json_get(sum, "queries_sent")->integer -
                   mp_json_get(sum, "retries")->integer,
               1);
  cr_expect_eq(mp_json_get(sum, "shared")->integer, 49);
  mp_json_free(sum);
  mp_free(text);
  mp_json_free(rows);
  unlink(summary);
}

/* The reply to a first attempt, late (300 ms against a 200 ms timeout),
 * is an alias whose target the server does not give: the scanner asks the
 * target while the retry of the first name still waits for its turn under
 * --qps. Following the alias must take the retry's place, not queue the
 * lookup twice: a recycled lookup left in the queue was sent again and its
 * reply handed to a waiter already freed (a crash of the release build). */
Test(faults, late_alias_reply_while_a_retry_waits_is_followed_once)
{
  const char *extra[] = {"--timeout", "200ms",    "--retries", "2", "--qps",
                         "20",        "--checks", "spf",       NULL};
  struct mp_json *rows;
  char names[20 * 24];
  size_t o = 0;

  for (int i = 0; i < 20; i++) {
    o += (size_t)snprintf(names + o, sizeof(names) - o, "alias-%d.test\n", i);
  }
  start_responder("mixed", "300");
  rows = scan(names, extra);
  cr_assert_eq(rows->count, 20);
  for (size_t i = 0; i < rows->count; i++) {
    const struct mp_json *txt = mp_json_get(rows->items[i], "txt");
    const struct mp_json *recs = mp_json_get(txt, "records");
    char want[32];

    snprintf(want, sizeof(want), "t.%s",
             mp_json_str(mp_json_get(rows->items[i], "domain")));
    cr_expect(mp_json_str_eq(mp_json_get(txt, "outcome"), "ok"), "row %zu", i);
    cr_expect(mp_json_str_eq(mp_json_get(txt, "cname"), want), "row %zu", i);
    cr_assert_eq(recs->count, 1, "row %zu", i);
    cr_expect(mp_json_str_eq(recs->items[0], want), "row %zu", i);
  }
  mp_json_free(rows);
}

/* _dmarc.alias-a.test is an alias of t._dmarc.alias-a.test, itself an
 * alias, and so on: after MP_CHASE_MAX aliases the lookup has no answer
 * (error), never "no such record". */
Test(faults, endless_alias_chain_is_an_error_not_nodata)
{
  const char *extra[] = {"--checks", "dmarc", NULL};
  struct mp_json *rows;

  rows = scan_one("mixed", NULL, "alias-a.test\n", extra);
  cr_expect(mp_json_str_eq(mp_json_path(rows->items[0], "dmarc_txt.outcome"),
                           "error"));
  cr_expect(mp_json_str_eq(mp_json_path(rows->items[0], "dmarc.status"),
                           "temperror"));
  mp_json_free(rows);
}

Test(faults, qps_cap_spaces_the_queries)
{
  char summary[4096], *text;
  const char *extra[] = {"--summary", summary,        "--qps", "50",
                         "--checks",  "spf,dmarc,mx", NULL};
  struct mp_json *rows, *sum;

  scratch_path(summary, sizeof(summary), "qps.json");
  start_responder("echo-txt", NULL);
  /* 10 domains, at least 30 queries, burst 1: at least 29/50 s however
   * fast */
  rows = scan("a.test\nb.test\nc.test\nd.test\ne.test\nf.test\ng.test\n"
              "h.test\ni.test\nj.test\n",
              extra);
  cr_assert_eq(rows->count, 10);
  text = mp_proc_slurp(summary, NULL);
  sum = mp_json_parse(text, strlen(text), NULL, 0);
  cr_assert_not_null(sum);
  cr_expect_geq(mp_json_get(sum, "elapsed_s")->number, 0.55);
  mp_json_free(sum);
  mp_free(text);
  mp_json_free(rows);
  unlink(summary);
}

/* A reply whose records overrun its counts, or that has bytes after the
 * last record, is malformed: the lookup fails (outcome error), and nothing
 * that depends on it reads it as data (no nxdomain, no nodata, no record).
 * mp_proxy breaks every reply of the world's Knot server. */
Test(faults, malformed_replies_are_errors_not_data)
{
  static const char *const keys[] = {"txt", "dmarc_txt", "mx"};
  char upstream[64], proxy[64], in[4096], out[4096];
  const char *pargv[] = {MP_PROXY,
                         "--listen",
                         "127.0.0.1:0",
                         "--upstream",
                         upstream,
                         "--garbage",
                         "1",
                         "--garbage-kinds",
                         "overrun,counts,trailing",
                         "--no-tcp", /* garbage is for UDP only */
                         "--seed",
                         "3",
                         NULL};
  const char *args[] = {"-r",           proxy,       "--checks",
                        "spf,dmarc,mx", "--timeout", "300ms",
                        "--retries",    "0",         NULL};
  struct mp_json *rows;
  FILE *f;
  pid_t pid;
  int rc;

  snprintf(upstream, sizeof(upstream), "127.0.0.1:%d", MP_TEST_DNS_PORT);
  pid = mp_proc_start_line(pargv, proxy, sizeof(proxy), 5000);
  cr_assert_gt(pid, 0, "mp_proxy did not start");
  proxy[strcspn(proxy, "\n")] = '\0';
  scratch_path(in, sizeof(in), "malformed.txt");
  scratch_path(out, sizeof(out), "malformed.ndjson");
  f = fopen(in, "w");
  cr_assert_not_null(f);
  /* names that exist, and names that do not (NXDOMAIN with an SOA) */
  for (int i = 1; i <= 20; i++) {
    fprintf(f, "d%07d.test\nnothere-%d.test\n", i, i);
  }
  cr_assert_eq(fclose(f), 0);
  rc = run_scanner(in, out, args);
  mp_proc_stop(pid, 5000);
  cr_expect(rc == 0 || rc == 3, "exit status %d", rc);
  rows = read_rows(out);
  cr_assert_eq(rows->count, 40);
  for (size_t i = 0; i < rows->count; i++) {
    const struct mp_json *row = rows->items[i];
    const char *st = mp_json_str(mp_json_get(row, "status"));

    cr_expect(strcmp(st, "error") == 0 || strcmp(st, "timeout") == 0,
              "%s: status %s", mp_json_str(mp_json_get(row, "domain")), st);
    for (size_t k = 0; k < 3; k++) {
      const struct mp_json *lk = mp_json_get(row, keys[k]);
      const char *o = mp_json_str(mp_json_get(lk, "outcome"));

      cr_expect(strcmp(o, "error") == 0 || strcmp(o, "timeout") == 0,
                "%s %s: %s", mp_json_str(mp_json_get(row, "domain")), keys[k],
                o);
      cr_expect_eq(mp_json_get(lk, "records")->count, 0);
    }
    cr_expect(mp_json_str_eq(mp_json_path(row, "spf.status"), "temperror"));
    cr_expect(mp_json_str_eq(mp_json_path(row, "dmarc.status"), "temperror"));
    cr_expect(mp_json_is_null(mp_json_get(row, "mx_hosts")));
  }
  mp_json_free(rows);
  unlink(in);
  unlink(out);
}

/* --- --spf-ip and --spf-include always answer ---------------------------- */

/* Two addresses and two include names: each gets its entry whatever
 * became of the lookups (docs/schema.md "Addresses and include targets"). */
static const char *const spf_opts[] = {
    "--spf-ip",      "192.0.2.7",         "--spf-ip",
    "2001:db8::7",   "--spf-include",     "_spf.vendor.example",
    "--spf-include", "spf.other.example", NULL};

/* The row of a domain whose TXT lookup failed: SPF is temperror, and so is
 * every address and include name, never read as "no record". */
static void expect_spf_temperror(const struct mp_json *row)
{
  const struct mp_json *checks = mp_json_path(row, "spf.checks");
  const struct mp_json *incs = mp_json_path(row, "spf.include_checks");

  cr_expect(mp_json_str_eq(mp_json_path(row, "spf.status"), "temperror"));
  cr_assert_not_null(checks);
  cr_assert_eq(checks->count, 2, "one check per --spf-ip address");
  for (size_t i = 0; i < checks->count; i++) {
    const struct mp_json *c = checks->items[i];

    cr_expect(mp_json_str_eq(mp_json_get(c, "ip"), spf_opts[1 + 2 * i]));
    cr_expect(mp_json_str_eq(mp_json_get(c, "result"), "temperror"));
    cr_expect(mp_json_str_eq(mp_json_get(c, "reason"), "dns"));
  }
  cr_assert_not_null(incs);
  cr_assert_eq(incs->count, 2, "one entry per --spf-include name");
  for (size_t i = 0; i < incs->count; i++) {
    const struct mp_json *c = incs->items[i];

    cr_expect(mp_json_str_eq(mp_json_get(c, "name"), spf_opts[5 + 2 * i]));
    cr_expect(mp_json_is_null(mp_json_get(c, "reached")), "reached unknown");
    cr_expect(mp_json_str_eq(mp_json_get(c, "effective"), "temperror"));
  }
}

static void spf_options_after_failure(const char *mode, int exit_status)
{
  struct mp_json *rows;

  start_responder(mode, NULL);
  rows = scan_rc("x.test\n", spf_opts, exit_status);
  cr_assert_eq(rows->count, 1);
  expect_spf_temperror(rows->items[0]);
  mp_json_free(rows);
}

Test(faults, spf_options_answer_temperror_after_servfail)
{
  spf_options_after_failure("servfail", 0);
}

Test(faults, spf_options_answer_temperror_after_refused)
{
  spf_options_after_failure("refused", 3);
}

Test(faults, spf_options_answer_temperror_after_a_timeout)
{
  spf_options_after_failure("silent", 3);
}

/* A name check_host() cannot use (not multi-label, RFC 7208 section 4.3)
 * gives none for every address before any DNS answer counts, so a failed
 * lookup does not turn it into temperror. */
Test(faults, spf_options_answer_none_for_a_single_label_name)
{
  struct mp_json *rows;
  const struct mp_json *row, *checks, *incs;

  start_responder("servfail", NULL);
  rows = scan("localhost\n", spf_opts);
  cr_assert_eq(rows->count, 1);
  row = rows->items[0];
  checks = mp_json_path(row, "spf.checks");
  incs = mp_json_path(row, "spf.include_checks");
  cr_expect(mp_json_str_eq(mp_json_path(row, "spf.status"), "none"));
  cr_expect(mp_json_str_eq(mp_json_path(row, "spf.reason"), "bad_domain"));
  cr_assert_not_null(checks);
  cr_assert_eq(checks->count, 2);
  for (size_t i = 0; i < checks->count; i++) {
    cr_expect(mp_json_str_eq(mp_json_get(checks->items[i], "result"), "none"));
    cr_expect(
        mp_json_str_eq(mp_json_get(checks->items[i], "reason"), "bad_domain"));
  }
  cr_assert_not_null(incs);
  cr_assert_eq(incs->count, 2);
  for (size_t i = 0; i < incs->count; i++) {
    const struct mp_json *reached = mp_json_get(incs->items[i], "reached");

    cr_expect(reached && reached->type == MP_JSON_BOOL && !reached->boolean);
    cr_expect(mp_json_is_null(mp_json_get(incs->items[i], "effective")));
  }
  mp_json_free(rows);
}
