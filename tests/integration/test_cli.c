/* The command line as users drive it: exit statuses, standard input from a
 * pipe, shards, Tranco lists and CSV, on the generated world. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scanner/base/alloc.h"
#include "tests/integration/world.h"
#include "tests/support/proc.h"

static char world_list[4096];

static void setup(void)
{
  snprintf(world_list, sizeof(world_list), "%s/domains.txt", MP_WORLD_DIR);
}

TestSuite(cli, .init = setup, .timeout = 300);

static int run_args(const char *const *args)
{
  char out[4096];
  int rc;

  scratch_path(out, sizeof(out), "cli.out");
  rc = run_scanner(NULL, out, args);
  unlink(out);
  return rc;
}

Test(cli, usage_errors_exit_2)
{
  const char *bad_option[] = {"--no-such-option", NULL};
  const char *bad_shard[] = {"--shard", "3/3", NULL};
  const char *bad_format[] = {"--format", "xml", NULL};
  const char *bad_resolver[] = {"-r", "not-an-ip", NULL};
  const char *bad_timeout[] = {"--timeout", "soon", NULL};
  const char *two_inputs[] = {"a.txt", "b.txt", NULL};

  cr_expect_eq(run_args(bad_option), 2);
  cr_expect_eq(run_args(bad_shard), 2);
  cr_expect_eq(run_args(bad_format), 2);
  cr_expect_eq(run_args(bad_resolver), 2);
  cr_expect_eq(run_args(bad_timeout), 2);
  cr_expect_eq(run_args(two_inputs), 2);
}

Test(cli, help_exits_0)
{
  const char *help[] = {"--help", NULL};

  cr_expect_eq(run_args(help), 0);
}

/* --version names the libraries loaded too. */
Test(cli, version_names_the_libraries)
{
  char out[4096];
  const char *argv[] = {MP_BINARY, "--version", NULL};
  char *text;

  scratch_path(out, sizeof(out), "version.txt");
  cr_assert_eq(mp_proc_run(argv, NULL, out, NULL, 10000), 0);
  text = mp_proc_slurp(out, NULL);
  cr_assert_not_null(text);
  cr_expect_not_null(strstr(text, "mailposture 0.1.0"), "%s", text);
  cr_expect_not_null(strstr(text, "c-ares 1."), "%s", text);
  cr_expect_not_null(strstr(text, "libuv 1."), "%s", text);
  mp_free(text);
  unlink(out);
}

Test(cli, missing_input_file_exits_1)
{
  const char *args[] = {"/nonexistent/list.txt", NULL};

  cr_expect_eq(run_args(args), 1);
}

Test(cli, full_disk_exits_1)
{
  const char *args[] = {"-o", "/dev/full", world_list, NULL};

  cr_expect_eq(run_args(args), 1);
}

static size_t count_lines(const char *path)
{
  size_t len, n = 0;
  char *text = mp_proc_slurp(path, &len);

  cr_assert_not_null(text);
  for (size_t i = 0; i < len; i++) {
    n += text[i] == '\n';
  }
  mp_free(text);
  return n;
}

Test(cli, reads_standard_input_from_a_pipe)
{
  struct truth_set ts;
  char out[4096], cmd[16384];
  const char *argv[] = {"/bin/sh", "-c", cmd, NULL};

  truth_load(&ts);
  scratch_path(out, sizeof(out), "pipe.ndjson");
  snprintf(cmd, sizeof(cmd),
           "cat '%s' | '%s' -r 127.0.0.1:%d --no-progress -q -", world_list,
           MP_BINARY, MP_TEST_DNS_PORT);
  cr_assert_eq(mp_proc_run(argv, NULL, out, NULL, 120000), 0);
  cr_expect_eq(count_lines(out), ts.count);
  truth_free(&ts);
  unlink(out);
}

Test(cli, shards_partition_the_list)
{
  struct truth_set ts;
  char out[4096], shard[16];
  const char *args[] = {"--shard", shard, "-q", NULL};
  unsigned char *seen;
  size_t total = 0;

  truth_load(&ts);
  seen = mp_calloc(ts.max_line + 1, 1);
  for (int k = 0; k < 3; k++) {
    struct mp_json *rows;

    snprintf(shard, sizeof(shard), "%d/3", k);
    scratch_path(out, sizeof(out), "shard.ndjson");
    cr_assert_eq(run_scanner(world_list, out, args), 0);
    rows = read_rows(out);
    cr_expect_gt(rows->count, ts.count / 6, "shard %d is too small", k);
    for (size_t i = 0; i < rows->count; i++) {
      int64_t line = mp_json_get(rows->items[i], "line")->integer;

      cr_assert_eq(seen[line], 0, "line %lld in two shards", (long long)line);
      seen[line] = 1;
    }
    total += rows->count;
    mp_json_free(rows);
    unlink(out);
  }
  cr_expect_eq(total, ts.count);
  mp_free(seen);
  truth_free(&ts);
}

Test(cli, tranco_lists_keep_the_rank)
{
  struct truth_set ts;
  char in[4096], out[4096];
  FILE *f;
  struct mp_json *rows;

  truth_load(&ts);
  scratch_path(in, sizeof(in), "tranco.csv");
  scratch_path(out, sizeof(out), "tranco.ndjson");
  f = fopen(in, "w");
  cr_assert_not_null(f);
  for (size_t i = 0; i < ts.count && i < 500; i++) {
    fprintf(f, "%zu,", i + 1);
    fwrite(ts.rows[i].input, 1, ts.rows[i].input_len, f);
    fputc('\n', f);
  }
  cr_assert_eq(fclose(f), 0);
  cr_assert_eq(run_scanner(in, out, NULL), 0);
  rows = read_rows(out);
  cr_assert_eq(rows->count, ts.count < 500 ? ts.count : 500);
  for (size_t i = 0; i < rows->count; i++) {
    const struct mp_json *r = rows->items[i];
    int64_t line = mp_json_get(r, "line")->integer;
    const struct mp_json *dom = mp_json_get(r, "domain");
    const struct truth *t = &ts.rows[line - 1];

    cr_expect_eq(mp_json_get(r, "rank")->integer, line);
    cr_expect(mp_json_is_null(dom) ? strcmp(t->domain, "-") == 0
                                   : mp_json_str_eq(dom, t->domain),
              "line %lld: domain", (long long)line);
  }
  mp_json_free(rows);
  truth_free(&ts);
  unlink(in);
  unlink(out);
}

Test(cli, csv_has_a_header_and_one_record_per_row)
{
  struct truth_set ts;
  char out[4096];
  const char *args[] = {"--format", "csv", "-q", world_list, NULL};
  char *text;
  size_t len, records = 0;
  bool quoted = false;

  truth_load(&ts);
  scratch_path(out, sizeof(out), "rows.csv");
  cr_assert_eq(run_scanner(NULL, out, args), 0);
  text = mp_proc_slurp(out, &len);
  cr_assert_not_null(text);
  cr_expect_eq(strncmp(text, "line,input,", 11), 0);
  /* count CRLF record ends outside quoted cells */
  for (size_t i = 0; i < len; i++) {
    if (text[i] == '"') {
      quoted = !quoted;
    } else if (!quoted && text[i] == '\n') {
      cr_assert(i > 0 && text[i - 1] == '\r', "a record must end in CRLF");
      records++;
    }
  }
  cr_expect_eq(records, ts.count + 1);
  mp_free(text);
  truth_free(&ts);
  unlink(out);
}

/* The lines of section `title` ("SPF:") of a usage text: the title line and
 * the indented lines after it, joined with '\n'. */
static char *usage_section(const char *text, const char *title)
{
  char head[64];
  const char *p, *end;

  snprintf(head, sizeof(head), "\n%s\n", title);
  p = strstr(text, head);
  cr_assert_not_null(p, "no '%s' section", title);
  p++;
  end = strchr(p, '\n') + 1;
  while (*end == ' ') {
    end = strchr(end, '\n');
    cr_assert_not_null(end);
    end++;
  }
  return mp_strndup(p, (size_t)(end - p));
}

/* The SPF, input and output options and --dkim-require in --help and in
 * the README's usage block, line for line. */
Test(cli, spf_options_read_the_same_in_help_and_readme)
{
  char out[4096], readme[4096];
  const char *argv[] = {MP_BINARY, "--help", NULL};
  char *help, *doc, *a, *b;

  scratch_path(out, sizeof(out), "help.txt");
  cr_assert_eq(mp_proc_run(argv, NULL, out, NULL, 10000), 0);
  help = mp_proc_slurp(out, NULL);
  snprintf(readme, sizeof(readme), "%s/README.md", MP_SOURCE_DIR);
  doc = mp_proc_slurp(readme, NULL);
  cr_assert(help && doc);
  a = usage_section(help, "SPF:");
  b = usage_section(doc, "SPF:");
  cr_expect_str_eq(a, b);
  cr_expect_not_null(strstr(a, "--spf-sender"));
  cr_expect_not_null(strstr(a, "--spf-helo"));
  mp_free(a);
  mp_free(b);
  for (size_t i = 0; i < 2; i++) { /* -d, -f */
    const char *title = i ? "Output:" : "Input:";

    a = usage_section(help, title);
    b = usage_section(doc, title);
    cr_expect_str_eq(a, b);
    mp_free(a);
    mp_free(b);
  }
  a = strstr(help, "      --dkim-require");
  cr_assert_not_null(a);
  a = mp_strndup(a, (size_t)(strstr(a, "\n      --no-dkim") - a));
  cr_expect_not_null(strstr(doc, a), "README: no --dkim-require as --help");
  mp_free(a);
  mp_free(help);
  mp_free(doc);
  unlink(out);
}

/* --fail-on: status 4 when some row has a finding that bad (the world
 * has errors), 0 without it; a bad severity is a usage error. */
Test(cli, fail_on_a_severity_exits_4)
{
  const char *errors[] = {"--fail-on", "error", "-q", world_list, NULL};
  const char *none[] = {"-q", world_list, NULL};
  const char *bad[] = {"--fail-on", "fatal", world_list, NULL};

  cr_expect_eq(run_args(errors), 4);
  cr_expect_eq(run_args(none), 0);
  cr_expect_eq(run_args(bad), 2);
}
