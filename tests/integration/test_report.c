/* mailposture report in a real browser: the page made from the fixture
 * summary (tests/report/) and from a real scan of the test world, loaded
 * by headless Chromium kept off the network; the rendered DOM holds every
 * chart with the summary's numbers, no markup from a name got through, and
 * the browser logged no console message. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scanner/base/alloc.h"
#include "tests/integration/world.h"
#include "tests/support/proc.h"

#define CHROMIUM "/usr/bin/chromium"
#define FIXTURE  MP_SOURCE_DIR "/tests/report/summary.json"
#define DIFF     MP_SOURCE_DIR "/tests/report/diff.ndjson"
/* Each browser run has this limit, and ctest's TIMEOUT the rest: no
 * .timeout on the tests, since Criterion 2.4's runner leaked a 48-byte
 * record per timed test run in parallel (LeakSanitizer failed the test). */
#define BROWSER_MS 180000

/* A chart, a bar's data-key and where its count is in the summary. */
struct expect {
  const char *chart, *key, *path;
};

static const struct expect charts[] = {
    {"dmarc-policy", "reject", "adoption.dmarc_reject"},
    {"dmarc-policy", "quarantine", "adoption.dmarc_quarantine"},
    {"dmarc-policy", "none", "adoption.dmarc_none"},
    {"dmarc-policy", "missing", "adoption.dmarc_missing"},
    {"spf-status", "valid", "adoption.spf_valid"},
    {"spf-status", "lookup_limit", "adoption.spf_lookup_limit"},
    {"spf-all", "fail", "adoption.spf_all_fail"},
    {"spf-all", "softfail", "adoption.spf_all_softfail"},
    {"spf-all", "none", "adoption.spf_all_none"},
    {"dkim-status", "usable", "adoption.dkim_usable"},
    {"readiness", "ready", "adoption.ready"},
    {"readiness", "unknown", "adoption.verdict_unknown"},
    {"policies", "mta_sts", "adoption.mta_sts_valid"},
    {"policies", "bimi", "adoption.bimi_valid"},
    {"findings-severity", "error", "findings.by_severity.error"},
    {"findings-severity", "warning", "findings.by_severity.warning"},
};

/* The histograms, top lists and breakdowns: arrays whose items are bars. */
static const struct expect lists[] = {
    {"spf-lookups", "bucket", "histograms.spf_lookups:domains"},
    {"dkim-bits", "bucket", "histograms.dkim_key_bits:keys"},
    {"top-includes", "name", "top_spf_includes:domains"},
    {"top-report-destinations", "name", "top_report_destinations:domains"},
    {"findings-codes", "code", "findings.by_code:domains"},
};

/* Runs Chromium on path: the DOM to dom, its log to log, or a screenshot
 * to png. Off the network: every name unresolvable, a proxy that is not
 * there, no background service, a fresh profile. */
static void browse(const char *path, const char *dom, const char *log,
                   const char *png)
{
  static const char *const flags[] = {"--headless=new",
                                      "--no-sandbox",
                                      "--disable-gpu",
                                      "--no-first-run",
                                      "--disable-background-networking",
                                      "--disable-sync",
                                      "--disable-component-update",
                                      "--disable-default-apps",
                                      "--disable-extensions",
                                      "--host-resolver-rules=MAP * ~NOTFOUND",
                                      "--proxy-server=127.0.0.1:9",
                                      "--enable-logging=stderr",
                                      "--v=0",
                                      "--hide-scrollbars",
                                      "--window-size=1280,4000"};
  char url[4200], profile[4096], shot[4200], udd[4200];
  const char *argv[32];
  size_t n = 0;

  snprintf(url, sizeof(url), "file://%s", path);
  scratch_path(profile, sizeof(profile), "chromium-profile");
  snprintf(udd, sizeof(udd), "--user-data-dir=%s", profile);
  snprintf(shot, sizeof(shot), "--screenshot=%s", png ? png : "");
  argv[n++] = CHROMIUM;
  for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
    argv[n++] = flags[i];
  }
  argv[n++] = udd;
  argv[n++] = png ? shot : "--dump-dom";
  argv[n++] = url;
  argv[n] = NULL;
  cr_assert_eq(mp_proc_run(argv, NULL, dom, log, BROWSER_MS), 0,
               "chromium failed on %s (log: %s; installed? scripts/setup.sh "
               "--deps)",
               path, log);
  const char *rm[] = {"/bin/rm", "-rf", profile, NULL};
  mp_proc_run(rm, NULL, NULL, NULL, 60000);
}

/* Every console message of the page (a script error, a load the
 * Content-Security-Policy refused) is a line "...:CONSOLE...". */
static size_t console_lines(const char *log)
{
  char *s = mp_proc_slurp(log, NULL);
  size_t n = 0;

  cr_assert_not_null(s);
  for (const char *p = s; (p = strstr(p, ":CONSOLE")); p++) {
    n++;
  }
  n += strstr(s, "Uncaught") ? 1 : 0;
  mp_free(s);
  return n;
}

/* The text of section id in the DOM, up to its end (borrowed). */
static char *section(char *dom, const char *id, char **end)
{
  char needle[128];
  char *s;

  snprintf(needle, sizeof(needle), "id=\"%s\"", id);
  s = strstr(dom, needle);
  cr_assert_not_null(s, "no element id=%s in the page", id);
  *end = strstr(s, "</section>");
  cr_assert_not_null(*end);
  return s;
}

static bool absent(char *dom, const char *id)
{
  char *end, *s = section(dom, id, &end);
  char *a = strstr(s, "data-absent=\"true\"");

  return a && a < end;
}

/* data-key="key" data-value="v" inside section id. */
static void expect_bar(char *dom, const char *id, const char *key, size_t klen,
                       double v)
{
  char *end, *s = section(dom, id, &end), *found;
  char needle[512];
  char *esc = mp_malloc(6 * klen + 1);
  size_t o = 0;

  for (size_t i = 0; i < klen; i++) { /* as Chromium serializes attributes */
    const char *e = key[i] == '&'   ? "&amp;"
                    : key[i] == '"' ? "&quot;"
                    : key[i] == '<' ? "&lt;"
                    : key[i] == '>' ? "&gt;"
                                    : NULL;
    if (e) {
      memcpy(esc + o, e, strlen(e));
      o += strlen(e);
    } else {
      esc[o++] = key[i];
    }
  }
  esc[o] = '\0';
  snprintf(needle, sizeof(needle), "data-key=\"%s\" data-value=\"%.0f\"", esc,
           v);
  found = strstr(s, needle);
  cr_expect(found && found < end, "%s: no %s", id, needle);
  mp_free(esc);
}

/* Every chart of the summary s drawn with its numbers, or marked absent
 * when s lacks its keys. */
static void check_dom(char *dom, const struct mp_json *s)
{
  for (size_t i = 0; i < sizeof(charts) / sizeof(charts[0]); i++) {
    const struct mp_json *v = mp_json_path(s, charts[i].path);

    if (!v) {
      cr_expect(absent(dom, charts[i].chart), "%s drawn without %s",
                charts[i].chart, charts[i].path);
      continue;
    }
    expect_bar(dom, charts[i].chart, charts[i].key, strlen(charts[i].key),
               v->number);
  }
  for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
    char path[128], *count;
    const struct mp_json *a;

    snprintf(path, sizeof(path), "%s", lists[i].path);
    count = strchr(path, ':');
    *count++ = '\0';
    a = mp_json_path(s, path);
    if (!a) {
      cr_expect(absent(dom, lists[i].chart), "%s", lists[i].chart);
      continue;
    }
    for (size_t k = 0; k < a->count && k < 12; k++) {
      const struct mp_json *name = mp_json_get(a->items[k], lists[i].key);

      expect_bar(dom, lists[i].chart, name->str, name->len,
                 mp_json_get(a->items[k], count)->number);
    }
  }
  cr_expect(mp_json_path(s, "breakdowns.by_rank") ? !absent(dom, "by-rank")
                                                  : absent(dom, "by-rank"));
}

static struct mp_json *load_json(const char *path)
{
  size_t len;
  char *text = mp_proc_slurp(path, &len), err[256];
  struct mp_json *j;

  cr_assert_not_null(text, "%s", path);
  j = mp_json_parse(text, len, err, sizeof(err));
  cr_assert_not_null(j, "%s: %s", path, err);
  mp_free(text);
  return j;
}

/* mailposture report args... -o html; its status. */
static int report(const char *summary, const char *diff, const char *html)
{
  const char *argv[] = {MP_BINARY, "report", "-o", html, summary, diff, NULL};
  char err[4200];

  snprintf(err, sizeof(err), "%s.stderr", html);
  return mp_proc_run(argv, NULL, NULL, err, 60000);
}

Test(report, the_console_detector_sees_a_script_error)
{
  char page[4096], dom[4096], log[4096];
  FILE *f;

  scratch_path(page, sizeof(page), "broken.html");
  scratch_path(dom, sizeof(dom), "broken.dom");
  scratch_path(log, sizeof(log), "broken.log");
  f = fopen(page, "w");
  cr_assert_not_null(f);
  fputs("<!DOCTYPE html><p>x</p><script>no_such_function();</script>\n", f);
  cr_assert_eq(fclose(f), 0);
  browse(page, dom, log, NULL);
  cr_assert_gt(console_lines(log), 0, "a script error went unseen");
}

Test(report, draws_the_fixture_in_chromium)
{
  char html[4096], dom[4096], log[4096], png[4096];
  struct mp_json *s = load_json(FIXTURE);
  char *text;
  size_t len;

  scratch_path(html, sizeof(html), "fixture.html");
  scratch_path(dom, sizeof(dom), "fixture.dom");
  scratch_path(log, sizeof(log), "fixture.log");
  scratch_path(png, sizeof(png), "fixture.png");
  cr_assert_eq(report(FIXTURE, DIFF, html), 0);
  browse(html, dom, log, NULL);
  cr_assert_eq(console_lines(log), 0, "console messages: see %s", log);
  text = mp_proc_slurp(dom, &len);
  cr_assert_not_null(text);
  check_dom(text, s);
  for (size_t i = 0; i < sizeof(charts) / sizeof(charts[0]); i++) {
    cr_expect(!absent(text, charts[i].chart), "%s", charts[i].chart);
  }
  /* the fixture's hostile names are text, not elements */
  cr_expect_null(strstr(text, "<script"));
  cr_expect_null(strstr(text, "<img"));
  cr_expect_null(strstr(text, "<b>hostile"));
  cr_expect_null(strstr(text, "<svg onload"));
  cr_expect_not_null(strstr(text, "&lt;b&gt;hostile&lt;/b&gt;"));
  cr_expect_not_null(strstr(text, "&lt;svg onload=alert(3)&gt;.test"));
  /* the diff: 21 regressions (20 of the real diff and the hostile one),
   * one domain appeared, one disappeared */
  expect_bar(text, "diff-kinds", "regression", 10, 21);
  expect_bar(text, "diff-kinds", "appeared", 8, 1);
  expect_bar(text, "diff-kinds", "disappeared", 11, 1);
  cr_expect_not_null(strstr(text, "data-key=\"d0000008.test\""));
  cr_expect_not_null(strstr(text, "id=\"rows\" data-value=\"400\""));
  cr_expect_not_null(strstr(text, "mailposture 0.1.0 \xC2\xB7 started "
                                  "2026-12-06T17:53:57.402Z"));
  cr_expect_not_null(strstr(text, "<dt>options.timeout_ms</dt><dd>2000"));
  mp_free(text);
  browse(html, NULL, log, png);
  text = mp_proc_slurp(png, &len);
  cr_assert_not_null(text);
  cr_expect_gt(len, 50000, "a blank screenshot?");
  cr_expect_eq(memcmp(text, "\x89PNG", 4), 0);
  mp_free(text);
  mp_json_free(s);
}

Test(report, draws_a_real_scan_of_the_world_in_chromium)
{
  char rows[4096], summary[4096], arg[4200], html[4096], dom[4096], log[4096];
  const char *args[] = {"--summary", summary, NULL};
  struct mp_json *s;
  char *text;

  scratch_path(rows, sizeof(rows), "world.ndjson");
  scratch_path(summary, sizeof(summary), "world-summary.json");
  scratch_path(html, sizeof(html), "world.html");
  scratch_path(dom, sizeof(dom), "world.dom");
  scratch_path(log, sizeof(log), "world.log");
  snprintf(arg, sizeof(arg), "%s/domains.txt", MP_WORLD_DIR);
  cr_assert_eq(run_scanner(arg, rows, args), 0);
  s = load_json(summary);
  cr_assert_eq(report(summary, NULL, html), 0);
  browse(html, dom, log, NULL);
  cr_assert_eq(console_lines(log), 0, "console messages: see %s", log);
  text = mp_proc_slurp(dom, NULL);
  cr_assert_not_null(text);
  check_dom(text, s);
  cr_expect_null(strstr(text, "id=\"diff-kinds\""));
  mp_free(text);
  mp_json_free(s);
}

Test(report, refuses_a_summary_that_is_not_one)
{
  static const char *const bad[] = {
      "[1,2]", "{\"rows\":1e400}", "{\"rows\":-3}",
      "{\"adoption\":{\"domains\":99999999999999999999999}}",
      "{\"a\":\"\xC0\xAF\"}"};
  char path[4096], html[4096];

  scratch_path(path, sizeof(path), "bad.json");
  scratch_path(html, sizeof(html), "bad.html");
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    FILE *f = fopen(path, "w");

    cr_assert_not_null(f);
    fputs(bad[i], f);
    cr_assert_eq(fclose(f), 0);
    cr_expect_eq(report(path, NULL, html), 1, "%s", bad[i]);
    cr_expect_neq(access(html, F_OK), 0, "%s: a page was left", bad[i]);
  }
}

/* Strict JSON of the wrong shape everywhere: a page or a clear refusal,
 * never a crash (the sanitizer build watches the memory). */
Test(report, survives_a_summary_and_a_diff_of_the_wrong_shape)
{
  static const char summary[] =
      "{\"run\":{\"version\":[1,[2,{\"a\":null}]],\"input\":{\"path\":7}},"
      "\"adoption\":{\"domains\":\"many\"},\"histograms\":{\"spf_lookups\":"
      "[1,\"a\",{\"bucket\":5},{\"bucket\":\"0\",\"domains\":true}]},"
      "\"top_spf_includes\":\"x\",\"findings\":{\"by_severity\":[],"
      "\"by_code\":[{\"code\":null},7]},\"breakdowns\":{\"by_rank\":[1,"
      "\"a\",{\"key\":{},\"domains\":{}}],\"by_suffix\":{}}}";
  static const char diff[] =
      "{\"domain\":\"a\",\"change\":\"changed\",\"class\":\"regression\","
      "\"changes\":[1,{\"field\":[],\"old\":{},\"added\":7}]}\n"
      "{\"domain\":\"b\",\"change\":\"changed\",\"class\":\"neutral\","
      "\"changes\":5}\n";
  char spath[4096], dpath[4096], html[4096];
  FILE *f;
  int rc;

  scratch_path(spath, sizeof(spath), "shape.json");
  scratch_path(dpath, sizeof(dpath), "shape.ndjson");
  scratch_path(html, sizeof(html), "shape.html");
  cr_assert_not_null(f = fopen(spath, "w"));
  fputs(summary, f);
  cr_assert_eq(fclose(f), 0);
  cr_assert_not_null(f = fopen(dpath, "w"));
  fputs(diff, f);
  cr_assert_eq(fclose(f), 0);
  rc = report(spath, dpath, html);
  cr_expect(rc == 0 || rc == 1, "status %d", rc);
  rc = report(spath, NULL, html);
  cr_expect(rc == 0 || rc == 1, "status %d", rc);
}
