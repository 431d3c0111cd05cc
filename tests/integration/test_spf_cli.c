/* The SPF options through the command line: --spf-ip and --spf-include
 * answer for every row of the world, whatever became of its lookups. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scanner/base/alloc.h"
#include "tests/integration/world.h"
#include "tests/support/proc.h"
#include "tests/support/schema.h"

TestSuite(spf_cli, .timeout = 300);

/* spf_truth.tsv's status column by line ("-" where the domain does not
 * exist or its zone fails); lines without one stay NULL. */
static char **spf_status_by_line(uint64_t max_line)
{
  char path[4096], *text, *save = NULL;
  char **st = mp_calloc(max_line + 1, sizeof(*st));

  snprintf(path, sizeof(path), "%s/spf_truth.tsv", MP_WORLD_DIR);
  text = mp_proc_slurp(path, NULL);
  cr_assert_not_null(text, "no %s", path);
  for (char *l = strtok_r(text, "\n", &save); l;
       l = strtok_r(NULL, "\n", &save)) {
    char *tab1 = strchr(l, '\t'), *tab2, *tab3;
    uint64_t line;

    if (l[0] == '#') {
      continue;
    }
    cr_assert(tab1 && (tab2 = strchr(tab1 + 1, '\t')) &&
                  (tab3 = strchr(tab2 + 1, '\t')),
              "short spf_truth line");
    line = strtoull(l, NULL, 10);
    cr_assert(line >= 1 && line <= max_line);
    st[line] = mp_strndup(tab2 + 1, (size_t)(tab3 - tab2 - 1));
  }
  mp_free(text);
  return st;
}

static const char *const ips[] = {"10.250.0.1", "2001:db8:fa00::1"};
static const char *const names[] = {"_spf.mailco.example",
                                    "spf.helpdesk.example"};

/* Every row with a usable name has one check per address and one entry
 * per include name: temperror where the zone fails (SERVFAIL), none where
 * the domain does not exist or has no SPF record (RFC 7208 section 4.3,
 * 4.5), never an empty list. */
Test(spf_cli, spf_options_answer_for_every_row_of_the_world)
{
  const char *args[] = {
      "--checks",      "spf",    "--spf-ip",      ips[0],   "--spf-ip", ips[1],
      "--spf-include", names[0], "--spf-include", names[1], NULL};
  char out[4096], input[4096];
  struct truth_set ts;
  struct mp_json *rows;
  char **spf_status;
  const struct truth **by_line;
  size_t failed = 0, absent = 0, rows_checked = 0;
  static struct mp_schema_table schema;

  truth_load(&ts);
  spf_status = spf_status_by_line(ts.max_line);
  by_line = mp_calloc(ts.max_line + 1, sizeof(*by_line));
  for (size_t i = 0; i < ts.count; i++) {
    by_line[ts.rows[i].line] = &ts.rows[i];
  }
  scratch_path(out, sizeof(out), "spf-options.ndjson");
  snprintf(input, sizeof(input), "%s/domains.txt", MP_WORLD_DIR);
  cr_assert_eq(run_scanner(input, out, args), 0);
  rows = read_rows(out);
  cr_assert_eq(rows->count, ts.count);
  mp_schema_load(&schema, "NDJSON fields", "field", "null");
  for (size_t i = 0; i < rows->count; i++) {
    const struct mp_json *row = rows->items[i];
    int64_t line = mp_json_get(row, "line")->integer;
    const struct truth *t = by_line[line];
    const struct mp_json *checks = mp_json_path(row, "spf.checks");
    const struct mp_json *incs = mp_json_path(row, "spf.include_checks");
    const char *want = NULL, *reason = NULL;

    cr_assert_not_null(t, "no truth for line %lld", (long long)line);
    mp_schema_check_row(&schema, row, "", (size_t)line);
    if (strcmp(t->status, "invalid_name") == 0) {
      cr_expect(mp_json_is_null(mp_json_get(row, "spf")));
      continue;
    }
    rows_checked++;
    cr_assert(checks && checks->count == 2, "line %lld: %zu checks",
              (long long)line, checks ? checks->count : 0);
    cr_assert(incs && incs->count == 2, "line %lld: %zu include checks",
              (long long)line, incs ? incs->count : 0);
    if (strcmp(t->status, "servfail") == 0) {
      want = "temperror";
      reason = "dns";
      failed++;
    } else if (strcmp(t->status, "nxdomain") == 0 ||
               (spf_status[line] && strcmp(spf_status[line], "none") == 0)) {
      want = "none";
      reason = "no_record";
      absent++;
    }
    for (size_t k = 0; k < 2; k++) {
      const struct mp_json *c = checks->items[k], *n = incs->items[k];

      cr_expect(mp_json_str_eq(mp_json_get(c, "ip"), ips[k]));
      cr_expect(mp_json_str_eq(mp_json_get(n, "name"), names[k]));
      if (!want) {
        continue;
      }
      cr_expect(mp_json_str_eq(mp_json_get(c, "result"), want), "line %lld: %s",
                (long long)line, want);
      cr_expect(mp_json_str_eq(mp_json_get(c, "reason"), reason),
                "line %lld: %s", (long long)line, reason);
      if (strcmp(want, "temperror") == 0) {
        cr_expect(mp_json_is_null(mp_json_get(n, "reached")));
        cr_expect(mp_json_str_eq(mp_json_get(n, "effective"), "temperror"));
      } else {
        cr_expect(!mp_json_get(n, "reached")->boolean);
        cr_expect(mp_json_is_null(mp_json_get(n, "effective")));
      }
    }
  }
  printf("spf options: %zu rows each with 2 --spf-ip and 2 --spf-include "
         "entries (%zu temperror, %zu none)\n",
         rows_checked, failed, absent);
  cr_expect_gt(failed, 0, "the world has SERVFAIL rows");
  cr_expect_gt(absent, 0, "the world has rows without SPF");
  for (uint64_t l = 0; l <= ts.max_line; l++) {
    mp_free(spf_status[l]);
  }
  mp_free(spf_status);
  mp_free(by_line);
  mp_json_free(rows);
  truth_free(&ts);
  unlink(out);
}

/* --- --spf-sender and --spf-helo ------------------------------------------
 * The agentdesk records of the world's example zone: a helpdesk sends as
 * agent@<customer> from hosts whose HELO is out.agentdesk.example, and its
 * SPF record knows them by %{l}.%{h} (customer.agentdesk.example) or by
 * %{s} (customer2.agentdesk.example), RFC 7208 section 7.3. */

/* The --spf-ip result for one domain scanned with extra options. */
static char *spf_ip_result(const char *domain, const char *const *extra)
{
  char in[4096], out[4096];
  const char *args[16] = {"--checks", "spf", "--spf-ip", "192.0.2.7"};
  size_t n = 4;
  struct mp_json *rows;
  const struct mp_json *r;
  FILE *f;
  char *res;

  for (size_t i = 0; extra && extra[i]; i++) {
    args[n++] = extra[i];
  }
  args[n] = NULL;
  scratch_path(in, sizeof(in), "agentdesk.txt");
  scratch_path(out, sizeof(out), "agentdesk.ndjson");
  f = fopen(in, "w");
  cr_assert_not_null(f);
  fprintf(f, "%s\n", domain);
  cr_assert_eq(fclose(f), 0);
  cr_assert_eq(run_scanner(in, out, args), 0);
  rows = read_rows(out);
  cr_assert_eq(rows->count, 1);
  r = mp_json_path(rows->items[0], "spf.checks[0].result");
  cr_assert_not_null(r, "no --spf-ip result");
  res = mp_strndup(r->str, r->len);
  mp_json_free(rows);
  unlink(in);
  unlink(out);
  return res;
}

static void expect_result(const char *domain, const char *const *extra,
                          const char *want)
{
  char *got = spf_ip_result(domain, extra);

  cr_expect_str_eq(got, want, "%s with %s %s", domain,
                   extra && extra[0] ? extra[0] : "no option",
                   extra && extra[0] ? extra[1] : "");
  mp_free(got);
}

Test(spf_cli, sender_and_helo_name_the_vendors_mail)
{
  const char *both[] = {"--spf-sender", "agent", "--spf-helo",
                        "out.agentdesk.example", NULL};
  const char *sender[] = {"--spf-sender", "agent", NULL};
  const char *helo[] = {"--spf-helo", "out.agentdesk.example", NULL};

  /* %{l} and %{h} */
  expect_result("customer.agentdesk.example", both, "pass");
  expect_result("customer.agentdesk.example", NULL, "fail");
  expect_result("customer.agentdesk.example", sender, "fail");
  expect_result("customer.agentdesk.example", helo, "fail");
  /* %{s}: agent@customer2.agentdesk.example */
  expect_result("customer2.agentdesk.example", sender, "pass");
  expect_result("customer2.agentdesk.example", both, "pass");
  expect_result("customer2.agentdesk.example", NULL, "fail");
}

Test(spf_cli, sender_and_helo_are_validated)
{
  char out[4096];
  const char *good[] = {"--spf-sender", "~jack&jill=up-a_b3.c", "--spf-helo",
                        "[192.0.2.1]", NULL};
  const char *bad_sender[] = {"--spf-sender", "agent@customer.example", NULL};
  const char *bad_helo[] = {"--spf-helo", "JUMPIN' JUPITER", NULL};

  scratch_path(out, sizeof(out), "usage.out");
  cr_expect_eq(run_scanner(NULL, out, good), 0);
  cr_expect_eq(run_scanner(NULL, out, bad_sender), 2);
  cr_expect_eq(run_scanner(NULL, out, bad_helo), 2);
  unlink(out);
}
