/* Where the Public Suffix List (RFC 7489) and the DNS tree walk (RFC 9989)
 * find different DMARC policies: a small world (psl-world/) served by its
 * own Knot, scanned with --psl-file. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "scanner/base/alloc.h"
#include "tests/integration/world.h"
#include "tests/support/proc.h"

#define PSL_WORLD MP_SOURCE_DIR "/tests/integration/psl-world"

static char port[16], run[4096];

static int serve(const char *what)
{
  const char *start[] = {MP_SOURCE_DIR "/tests/world/serve.sh",
                         "start",
                         PSL_WORLD,
                         port,
                         run,
                         NULL};
  const char *stop[] = {MP_SOURCE_DIR "/tests/world/serve.sh", "stop", run,
                        NULL};

  return mp_proc_run(strcmp(what, "start") == 0 ? start : stop, NULL,
                     "/dev/null", NULL, 120000);
}

static void setup(void)
{
  /* beside the world's port, for this world's own server */
  snprintf(port, sizeof(port), "%d", MP_TEST_DNS_PORT + 2);
  scratch_path(run, sizeof(run), "psl-knot");
  cr_assert_eq(serve("start"), 0, "Knot did not start on port %s", port);
}

static void teardown(void)
{
  cr_expect_eq(serve("stop"), 0);
}

TestSuite(psl, .init = setup, .fini = teardown, .timeout = 300);

Test(psl, tree_walk_skips_the_psl_organizational_domain)
{
  char in[4096], out[4096], server[64];
  const char *args[] = {"-r", server, "--psl-file", PSL_WORLD "/psl.dat", NULL};
  const char *domain = "m.n.org.s1.s2.s3.s4.s5.s6.test";
  const char *org = "org.s1.s2.s3.s4.s5.s6.test";
  struct mp_json *rows;
  const struct mp_json *d, *f;
  FILE *fp;
  bool disagree = false;

  snprintf(server, sizeof(server), "127.0.0.1:%s", port);
  scratch_path(in, sizeof(in), "psl.txt");
  scratch_path(out, sizeof(out), "psl.ndjson");
  fp = fopen(in, "w");
  cr_assert_not_null(fp);
  fprintf(fp, "%s\n", domain);
  fclose(fp);
  cr_assert_eq(run_scanner(in, out, args), 0);
  rows = read_rows(out);
  cr_assert_eq(rows->count, 1);
  d = mp_json_get(rows->items[0], "dmarc");
  cr_expect(mp_json_str_eq(mp_json_get(d, "org_psl"), org));
  /* the walk found no record: the domain is its own organizational
   * domain (RFC 9989 4.10.2) */
  cr_expect(mp_json_str_eq(mp_json_get(d, "org_tree_walk"), domain));
  cr_expect(mp_json_str_eq(mp_json_get(d, "method"), "psl"));
  cr_expect(mp_json_str_eq(mp_json_get(d, "found_at"), "organizational"));
  cr_expect(mp_json_str_eq(mp_json_get(d, "policy_domain"), org));
  cr_expect(mp_json_get(d, "methods_disagree")->boolean);
  cr_expect_eq(mp_json_get(d, "walk_queries")->number, 8);
  /* a subdomain of the organizational domain: sp applies */
  cr_expect(mp_json_str_eq(mp_json_get(d, "effective_policy"), "quarantine"));
  f = mp_json_get(rows->items[0], "findings");
  for (size_t i = 0; f && i < f->count; i++) {
    disagree =
        disagree || mp_json_str_eq(f->items[i], "DMARC_METHODS_DISAGREE");
  }
  cr_expect(disagree, "no DMARC_METHODS_DISAGREE finding");
  mp_json_free(rows);
  unlink(in);
  unlink(out);
}
