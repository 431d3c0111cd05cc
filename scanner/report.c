/* mailposture report: the command, the page around the charts, the header
 * (docs/report.md). */
#include "scanner/report.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "output/svg.h"
#include "scanner/base/alloc.h"

#define EXIT_IO     1
#define EXIT_USAGE  2
#define SUMMARY_MAX (64u << 20) /* a summary is kilobytes */
#define FACTS_MAX   40

struct args {
  const char *summary, *diff, *output, *title;
};

/* Sober and self-contained: system fonts, no images, no script. */
static const char css[] =
    ":root{--ink:#1f2933;--mute:#616e7c;--line:#e4e7eb;--bg:#f4f6f8}"
    "*{box-sizing:border-box}"
    "body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.45 "
    "system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,"
    "sans-serif}"
    "main{max-width:1180px;margin:0 auto;padding:28px 24px 40px}"
    "header h1{font-size:24px;font-weight:600;margin:0}"
    "header p{margin:4px 0 0;color:var(--mute)}"
    "details{margin-top:8px;color:var(--mute);font-size:12.5px}"
    "dl.facts{display:grid;grid-template-columns:max-content 1fr;"
    "gap:2px 16px;margin:8px 0 0}"
    "dl.facts dt{font-weight:600}dl.facts dd{margin:0;word-break:break-all}"
    ".tiles{display:grid;grid-template-columns:repeat(auto-fit,"
    "minmax(150px,1fr));gap:12px;margin:20px 0 8px}"
    ".tile{background:#fff;border:1px solid var(--line);border-radius:8px;"
    "padding:12px 16px}"
    ".tile .v{font-size:26px;font-weight:600;font-variant-numeric:"
    "tabular-nums}"
    ".tile .l{color:var(--mute);font-size:12px}"
    "h2.group{font-size:13px;font-weight:600;text-transform:uppercase;"
    "letter-spacing:.06em;color:var(--mute);margin:28px 0 10px}"
    ".grid{display:grid;grid-template-columns:1fr 1fr;gap:16px}"
    ".card{background:#fff;border:1px solid var(--line);border-radius:8px;"
    "padding:16px 20px;min-width:0}"
    ".card.wide{grid-column:1/-1}"
    ".card h3{font-size:15px;font-weight:600;margin:0}"
    ".card p.sub{margin:2px 0 12px;color:var(--mute);font-size:12.5px}"
    ".card p.note{margin:8px 0 0;color:var(--mute);font-style:italic}"
    "svg{display:block;width:100%;height:auto}"
    "svg text{font-size:12px;fill:var(--ink)}"
    "svg .lbl{text-anchor:end}svg .mid{text-anchor:middle}"
    "svg .num{font-variant-numeric:tabular-nums}svg .pct{fill:var(--mute)}"
    "svg.stack{height:28px;border-radius:4px}"
    ".axis{stroke:var(--line)}.track{fill:#eef1f4}"
    ".t-main{fill:#3b6ea8;background:#3b6ea8}"
    ".t-good{fill:#2f7d57;background:#2f7d57}"
    ".t-fair{fill:#86bf9c;background:#86bf9c}"
    ".t-warn{fill:#d69e2e;background:#d69e2e}"
    ".t-bad{fill:#c0392b;background:#c0392b}"
    ".t-muted{fill:#a9b4c2;background:#a9b4c2}"
    ".legend{list-style:none;padding:0;margin:10px 0 0;display:flex;"
    "flex-wrap:wrap;gap:4px 18px;font-size:13px}"
    ".legend .pct{color:var(--mute)}"
    ".sw{display:inline-block;width:10px;height:10px;border-radius:2px;"
    "margin-right:6px}"
    "table{width:100%;border-collapse:collapse;font-size:13px}"
    "th,td{padding:4px 8px;border-bottom:1px solid var(--line);"
    "text-align:left;white-space:nowrap}"
    "th{font-weight:600;color:var(--mute);font-size:12px}"
    "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
    "td.d{white-space:normal;word-break:break-all}"
    ".meter{font-variant-numeric:tabular-nums}"
    ".meter svg{display:inline-block;width:60px;height:10px;"
    "vertical-align:middle;margin-right:6px}"
    "code{font-size:12px}"
    "footer{margin-top:28px;color:var(--mute);font-size:12px}"
    "@media (max-width:820px){.grid{grid-template-columns:1fr}}";

static void usage(FILE *f)
{
  fputs("usage: mailposture report [-o FILE] [--title TEXT] SUMMARY.json "
        "[DIFF.ndjson]\n"
        "  SUMMARY.json  a scan's --summary FILE\n"
        "  DIFF.ndjson   the output of mailposture diff -f ndjson\n"
        "  -o FILE       the page to FILE (default: standard output)\n"
        "  --title TEXT  the page's heading\n",
        f);
}

static int parse(struct args *a, int argc, char **argv)
{
  size_t npos = 0;

  for (int i = 1; i < argc; i++) {
    const char *s = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

    if (strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0) {
      return 1;
    } else if ((strcmp(s, "-o") == 0 || strcmp(s, "--output") == 0) && v) {
      a->output = v;
      i++;
    } else if (strcmp(s, "--title") == 0 && v) {
      a->title = v;
      i++;
    } else if (s[0] == '-' && s[1]) {
      fprintf(stderr, "mailposture: report: %s: unknown option or no value\n",
              s);
      return -EINVAL;
    } else if (npos < 2) {
      *(npos++ ? &a->diff : &a->summary) = s;
    } else {
      fprintf(stderr, "mailposture: report: one SUMMARY and one DIFF\n");
      return -EINVAL;
    }
  }
  if (npos == 0) {
    usage(stderr);
    return -EINVAL;
  }
  return 0;
}

/* Reads and parses the summary; 0 or an exit status (message printed). */
static int load(struct mp_report *r)
{
  FILE *in = fopen(r->path, "rb");
  char *buf = NULL;
  size_t len = 0;
  int rc = 0;

  if (!in) {
    fprintf(stderr, "mailposture: report: %s: %s\n", r->path, strerror(errno));
    return EXIT_IO;
  }
  buf = mp_malloc(SUMMARY_MAX);
  len = fread(buf, 1, SUMMARY_MAX, in);
  if (ferror(in)) {
    fprintf(stderr, "mailposture: report: %s: read error\n", r->path);
    rc = EXIT_IO;
  } else if (len == SUMMARY_MAX) {
    fprintf(stderr, "mailposture: report: %s: over %u MiB: not a summary\n",
            r->path, SUMMARY_MAX >> 20);
    rc = EXIT_IO;
  } else if (mp_jrow_parse(&r->j, buf, len) < 0 ||
             r->j.n[0].type != MP_J_OBJECT) {
    fprintf(stderr,
            "mailposture: report: %s: not a summary: one JSON object "
            "expected (RFC 8259: valid UTF-8, nesting at most %d levels)\n",
            r->path, MP_JROW_DEPTH_MAX);
    rc = EXIT_IO;
  }
  fclose(in);
  r->text = buf;
  return rc;
}

size_t mp_report_node(const struct mp_report *r, size_t obj, const char *path)
{
  char key[64];

  for (;;) {
    const char *dot = strchr(path, '.');
    size_t n = dot ? (size_t)(dot - path) : strlen(path);

    if (n >= sizeof(key)) {
      return 0;
    }
    memcpy(key, path, n);
    key[n] = '\0';
    obj = mp_jrow_get(&r->j, obj, key);
    if (!obj || !dot) {
      return obj;
    }
    path = dot + 1;
  }
}

bool mp_report_count(struct mp_report *r, size_t obj, const char *path,
                     uint64_t *out)
{
  size_t i = mp_report_node(r, obj, path);
  int rc;

  *out = 0;
  if (!i || r->j.n[i].type == MP_J_NULL) {
    return false;
  }
  if ((rc = mp_jrow_u64(&r->j, i, out)) < 0) {
    if (!r->err[0]) {
      snprintf(r->err, sizeof(r->err), "%s: not a count%s", path,
               rc == -ERANGE ? " (too large)" : "");
    }
    return false;
  }
  return true;
}

bool mp_report_str(const struct mp_report *r, size_t i, const char **s,
                   size_t *len)
{
  if (!i || i >= r->j.nn || r->j.n[i].type != MP_J_STRING) {
    return false;
  }
  *s = r->j.n[i].s;
  *len = r->j.n[i].len;
  return true;
}

void mp_report_card(struct mp_report *r, const char *id, const char *title,
                    const char *sub, bool wide)
{
  fprintf(r->f,
          "<section class=\"card%s\" id=\"%s\" data-chart=\"%s\"><h3>%s</h3>",
          wide ? " wide" : "", id, id, title);
  if (sub) {
    fprintf(r->f, "<p class=\"sub\">%s</p>", sub);
  }
}

void mp_report_end(struct mp_report *r)
{
  fputs("</section>\n", r->f);
}

void mp_report_absent(struct mp_report *r, const char *id, const char *title,
                      const char *keys, bool wide)
{
  fprintf(r->f,
          "<section class=\"card absent%s\" id=\"%s\" data-chart=\"%s\" "
          "data-absent=\"true\"><h3>%s</h3><p class=\"note\">Not in this "
          "summary (<code>%s</code>).</p></section>\n",
          wide ? " wide" : "", id, id, title, keys);
}

/* A scalar (or an array of scalars, joined) as text. */
static void fact_value(FILE *f, const struct mp_jrow *j, size_t i)
{
  const struct mp_jnode *n = &j->n[i];

  switch (n->type) {
  case MP_J_STRING:
  case MP_J_NUMBER:
    mp_html_text(f, n->s, n->len);
    break;
  case MP_J_BOOL:
    fputs(n->b ? "yes" : "no", f);
    break;
  case MP_J_NULL:
    fputs("\xE2\x80\x94", f); /* an em dash */
    break;
  case MP_J_ARRAY:
    for (size_t k = 0; k < n->count; k++) {
      fputs(k ? ", " : "", f);
      fact_value(f, j, mp_jrow_at(j, i, k));
    }
    break;
  case MP_J_OBJECT:
    fputs("{\xE2\x80\xA6}", f);
    break;
  }
}

/* Every member of run, an object's members one level down as "a.b". */
static void facts(struct mp_report *r, size_t run)
{
  const struct mp_jrow *j = &r->j;
  size_t shown = 0;

  fputs("<details id=\"run-facts\"><summary>Run details</summary>"
        "<dl class=\"facts\">",
        r->f);
  for (size_t k = 0; k < j->n[run].count && shown < FACTS_MAX; k++) {
    size_t i = mp_jrow_at(j, run, k);
    size_t nsub = j->n[i].type == MP_J_OBJECT ? j->n[i].count : 0;

    for (size_t s = 0; s < (nsub ? nsub : 1) && shown < FACTS_MAX; s++) {
      size_t v = nsub ? mp_jrow_at(j, i, s) : i;

      fputs("<dt>", r->f);
      mp_html_text(r->f, j->n[i].key, j->n[i].keylen);
      if (nsub) {
        fputc('.', r->f);
        mp_html_text(r->f, j->n[v].key, j->n[v].keylen);
      }
      fputs("</dt><dd>", r->f);
      fact_value(r->f, j, v);
      fputs("</dd>", r->f);
      shown++;
    }
  }
  fputs("</dl></details>", r->f);
}

/* The first of the dotted paths below run that is present, or 0. */
static size_t first_of(const struct mp_report *r, size_t run,
                       const char *const *paths)
{
  size_t i = 0;

  for (; *paths && !i; paths++) {
    i = mp_report_node(r, run, *paths);
    i = i && r->j.n[i].type != MP_J_NULL ? i : 0;
  }
  return i && r->j.n[i].type != MP_J_OBJECT ? i : 0;
}

static void headline_fact(struct mp_report *r, size_t run, const char *label,
                          const char *const *paths, bool *first)
{
  size_t i = first_of(r, run, paths);

  if (i) {
    fprintf(r->f, "%s%s", *first ? "" : " \xC2\xB7 ", label);
    fact_value(r->f, &r->j, i);
    *first = false;
  }
}

/* The run's facts when the summary has a "run" object (written by the
 * scan), else the row count. */
static void header(struct mp_report *r, const char *title)
{
  static const char *const version[] = {"mailposture", "version", NULL};
  static const char *const start[] = {"start",      "started",     "start_time",
                                      "started_at", "times.start", NULL};
  static const char *const input[] = {"input.path", "input", NULL};
  static const char *const state[] = {"state", "status", "outcome", NULL};
  size_t run = mp_jrow_get(&r->j, 0, "run");
  uint64_t rows = 0;
  bool first = true;

  fputs("<header id=\"run\"><h1>", r->f);
  mp_html_cstr(r->f, title ? title : "Email authentication posture");
  fputs("</h1><p>", r->f);
  if (run && r->j.n[run].type == MP_J_OBJECT) {
    headline_fact(r, run, "mailposture ", version, &first);
    headline_fact(r, run, "started ", start, &first);
    headline_fact(r, run, "input ", input, &first);
    headline_fact(r, run, "", state, &first);
  }
  if (mp_report_count(r, 0, "rows", &rows)) {
    fprintf(r->f, "%s<span id=\"rows\" data-value=\"%llu\">",
            first ? "" : " \xC2\xB7 ", (unsigned long long)rows);
    mp_html_count(r->f, rows);
    fputs(" rows</span>", r->f);
  }
  fputs("</p>", r->f);
  if (run && r->j.n[run].type == MP_J_OBJECT) {
    facts(r, run);
  }
  fputs("</header>\n", r->f);
}

static void page(struct mp_report *r, const struct args *a)
{
  fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
        "'none'; style-src 'unsafe-inline'\">"
        "<meta name=\"viewport\" content=\"width=device-width, "
        "initial-scale=1\"><meta name=\"generator\" content=\"mailposture "
        "0.1.0\"><title>",
        r->f);
  mp_html_cstr(r->f, a->title ? a->title : "mailposture report");
  fprintf(r->f, "</title><style>%s</style></head>\n<body><main>\n", css);
  header(r, a->title);
  mp_report_sections(r);
  mp_report_breakdowns(r);
}

static int finish(struct mp_report *r, const struct args *a, int rc)
{
  if (rc == 0) {
    fputs("<footer>Made by <code>mailposture report</code> from <code>", r->f);
    mp_html_cstr(r->f, a->summary);
    fputs("</code>. Counts are of domains unless a chart says otherwise; "
          "shares are of the domains where that check ran.</footer>\n"
          "</main></body></html>\n",
          r->f);
  }
  if (rc == 0 && r->err[0]) {
    fprintf(stderr, "mailposture: report: %s: %s\n", a->summary, r->err);
    rc = EXIT_IO;
  }
  if (rc == 0 && (fflush(r->f) != 0 || ferror(r->f))) {
    fprintf(stderr, "mailposture: report: write failed: %s\n", strerror(errno));
    rc = EXIT_IO;
  }
  return rc;
}

int mp_report_main(int argc, char **argv, FILE *out)
{
  struct args a = {0};
  struct mp_report r = {.f = out};
  int rc = parse(&a, argc, argv);

  if (rc != 0) {
    if (rc > 0) {
      usage(stdout);
    }
    return rc > 0 ? 0 : EXIT_USAGE;
  }
  r.path = a.summary;
  mp_jrow_init(&r.j);
  rc = load(&r);
  if (rc == 0 && a.output && !(r.f = fopen(a.output, "w"))) {
    fprintf(stderr, "mailposture: report: %s: %s\n", a.output, strerror(errno));
    rc = EXIT_IO;
  }
  if (rc == 0) {
    page(&r, &a);
    rc = a.diff ? mp_report_diff(&r, a.diff) : 0;
    rc = finish(&r, &a, rc);
  }
  if (a.output && r.f && r.f != out && fclose(r.f) != 0 && rc == 0) {
    fprintf(stderr, "mailposture: report: %s: %s\n", a.output, strerror(errno));
    rc = EXIT_IO;
  }
  if (rc != 0 && a.output && r.f && r.f != out) {
    unlink(a.output);
  }
  mp_jrow_close(&r.j);
  mp_free(r.text);
  return rc;
}
