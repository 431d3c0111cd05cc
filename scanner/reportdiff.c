/* mailposture report: what changed, from the NDJSON of mailposture diff
 * (docs/diff.md "Output"; docs/report.md). The file is streamed: memory is
 * bounded by the fields counted and the regressions listed. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "output/svg.h"
#include "scanner/base/alloc.h"
#include "scanner/report.h"

#define EXIT_IO    1
#define FIELDS_MAX 64  /* distinct field names counted; more: "other" */
#define LISTED_MAX 100 /* regressions listed */
#define TEXT_MAX   480 /* bytes of a listed regression's changes */

enum { REGRESSION, IMPROVEMENT, NEUTRAL, APPEARED, DISAPPEARED, NKINDS };

struct field {
  char name[48];
  uint64_t n;
};

struct listed {
  char domain[256], text[TEXT_MAX];
  size_t dlen, tlen;
};

struct tally {
  uint64_t kinds[NKINDS], lines;
  struct field fields[FIELDS_MAX + 1]; /* the last: "other" */
  size_t nfields;
  struct listed *listed;
  size_t nlisted;
};

static bool str_is(const struct mp_jrow *j, size_t i, const char *w)
{
  return i && j->n[i].type == MP_J_STRING && j->n[i].len == strlen(w) &&
         memcmp(j->n[i].s, w, j->n[i].len) == 0;
}

static void count_field(struct tally *t, const struct mp_jnode *n)
{
  size_t k = 0;

  if (n->type != MP_J_STRING) {
    return;
  }
  while (k < t->nfields && !(strlen(t->fields[k].name) == n->len &&
                             memcmp(t->fields[k].name, n->s, n->len) == 0)) {
    k++;
  }
  if (k == t->nfields && t->nfields < FIELDS_MAX &&
      n->len < sizeof(t->fields[0].name) && !memchr(n->s, '\0', n->len)) {
    memcpy(t->fields[k].name, n->s, n->len);
    t->fields[k].name[n->len] = '\0';
    t->nfields++;
  } else if (k == t->nfields) {
    k = FIELDS_MAX;
    snprintf(t->fields[k].name, sizeof(t->fields[k].name), "other");
  }
  t->fields[k].n++;
}

static void put(struct listed *l, const char *s, size_t len)
{
  size_t room = sizeof(l->text) - l->tlen;

  len = len < room ? len : room;
  memcpy(l->text + l->tlen, s, len);
  l->tlen += len;
}

/* A value as text: a string's bytes, else its JSON kind. */
static void put_value(struct listed *l, const struct mp_jrow *j, size_t i)
{
  if (i && (j->n[i].type == MP_J_STRING || j->n[i].type == MP_J_NUMBER)) {
    put(l, j->n[i].s, j->n[i].len);
  } else {
    put(l, "null", 4);
  }
}

/* "+a +b -c" of a list field's added and removed items. */
static void put_items(struct listed *l, const struct mp_jrow *j, size_t ch)
{
  static const char *const keys[] = {"added", "removed"};

  for (size_t k = 0; k < 2; k++) {
    size_t a = mp_jrow_get(j, ch, keys[k]);

    for (size_t m = 0; a && m < j->n[a].count; m++) {
      put(l, k ? " \xE2\x88\x92" : " +", k ? 4 : 2); /* U+2212 minus */
      put_value(l, j, mp_jrow_at(j, a, m));
    }
  }
}

/* Remembers a regressed domain and its regressions. */
static void list(struct tally *t, const struct mp_jrow *j, size_t dom,
                 size_t changes)
{
  struct listed *l = &t->listed[t->nlisted++];

  l->dlen =
      j->n[dom].len < sizeof(l->domain) ? j->n[dom].len : sizeof(l->domain);
  memcpy(l->domain, j->n[dom].s, l->dlen);
  l->tlen = 0;
  for (size_t k = 0; changes && k < j->n[changes].count; k++) {
    size_t ch = mp_jrow_at(j, changes, k);
    size_t field = mp_jrow_get(j, ch, "field");

    if (!str_is(j, mp_jrow_get(j, ch, "class"), "regression")) {
      continue;
    }
    put(l, l->tlen ? "; " : "", l->tlen ? 2 : 0);
    put_value(l, j, field);
    if (mp_jrow_get(j, ch, "added")) {
      put(l, ":", 1);
      put_items(l, j, ch);
    } else {
      put(l, ": ", 2);
      put_value(l, j, mp_jrow_get(j, ch, "old"));
      put(l, " \xE2\x86\x92 ", 5); /* U+2192 arrow */
      put_value(l, j, mp_jrow_get(j, ch, "new"));
    }
  }
}

/* One line of the diff: 0, or -EILSEQ when it is not one of diff's. */
static int add(struct tally *t, const struct mp_jrow *j)
{
  static const char *const cls[] = {"regression", "improvement", "neutral"};
  size_t change = mp_jrow_get(j, 0, "change");
  size_t dom = mp_jrow_get(j, 0, "domain");
  size_t changes = mp_jrow_get(j, 0, "changes");

  if (!dom || j->n[dom].type != MP_J_STRING || !change) {
    return -EILSEQ;
  }
  if (str_is(j, change, "appeared") || str_is(j, change, "disappeared")) {
    t->kinds[str_is(j, change, "appeared") ? APPEARED : DISAPPEARED]++;
    return 0;
  }
  for (int c = REGRESSION; c <= NEUTRAL; c++) {
    if (str_is(j, change, "changed") &&
        str_is(j, mp_jrow_get(j, 0, "class"), cls[c])) {
      t->kinds[c]++;
      if (c == REGRESSION && t->nlisted < LISTED_MAX) {
        list(t, j, dom, changes);
      }
      for (size_t k = 0; changes && k < j->n[changes].count; k++) {
        size_t ch = mp_jrow_at(j, changes, k);
        size_t f = mp_jrow_get(j, ch, "field");

        if (f) {
          count_field(t, &j->n[f]);
        }
      }
      return 0;
    }
  }
  return -EILSEQ;
}

static int read_diff(struct tally *t, const char *path)
{
  FILE *in = fopen(path, "rb");
  struct mp_jrow j;
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  int rc = 0;

  if (!in) {
    fprintf(stderr, "mailposture: report: %s: %s\n", path, strerror(errno));
    return EXIT_IO;
  }
  mp_jrow_init(&j);
  while (rc == 0 && (n = getline(&line, &cap, in)) > 0) {
    t->lines++;
    if (mp_jrow_parse(&j, line, (size_t)n) < 0 || add(t, &j) < 0) {
      fprintf(stderr,
              "mailposture: report: %s: line %llu: not a line of "
              "mailposture diff -f ndjson\n",
              path, (unsigned long long)t->lines);
      rc = EXIT_IO;
    }
  }
  if (rc == 0 && ferror(in)) {
    fprintf(stderr, "mailposture: report: %s: read error\n", path);
    rc = EXIT_IO;
  }
  free(line); /* getline's, from malloc */
  mp_jrow_close(&j);
  fclose(in);
  return rc;
}

static void kinds(struct mp_report *r, const struct tally *t)
{
  static const char *const keys[] = {"regression", "improvement", "neutral",
                                     "appeared", "disappeared"};
  static const char *const tones[] = {"bad", "good", "muted", "main", "warn"};
  struct mp_bar b[NKINDS];

  for (int k = 0; k < NKINDS; k++) {
    b[k] = (struct mp_bar){keys[k], 0, NULL, t->kinds[k], t->lines, tones[k]};
  }
  mp_report_card(r, "diff-kinds", "What changed",
                 "Domains by the worst of their changes; appeared and "
                 "disappeared: in only one of the two scans",
                 false);
  mp_svg_hbars(r->f, b, NKINDS, false);
  mp_report_end(r);
}

static void fields(struct mp_report *r, struct tally *t)
{
  struct mp_bar b[16];
  size_t n = 0;
  size_t total = t->nfields + (t->fields[FIELDS_MAX].n ? 1 : 0);

  if (t->fields[FIELDS_MAX].n) {
    t->fields[t->nfields] = t->fields[FIELDS_MAX];
  }
  for (; n < 16 && n < total; n++) { /* the largest first */
    size_t best = n;

    for (size_t k = n + 1; k < total; k++) {
      best = t->fields[k].n > t->fields[best].n ? k : best;
    }
    struct field tmp = t->fields[n];
    t->fields[n] = t->fields[best];
    t->fields[best] = tmp;
    b[n] =
        (struct mp_bar){t->fields[n].name, 0, NULL, t->fields[n].n, 0, "main"};
  }
  mp_report_card(r, "diff-fields", "Changes by field",
                 "Domains whose field changed, any class", false);
  if (n == 0) {
    fputs("<p class=\"note\">No field changed.</p>", r->f);
  }
  mp_svg_hbars(r->f, b, n, false);
  mp_report_end(r);
}

static void regressions(struct mp_report *r, const struct tally *t)
{
  mp_report_card(r, "diff-regressions", "Regressions", NULL, true);
  fprintf(r->f, "<p class=\"sub\">");
  mp_html_count(r->f, t->kinds[REGRESSION]);
  fputs(" domains regressed", r->f);
  if (t->kinds[REGRESSION] > t->nlisted) {
    fputs("; the first ", r->f);
    mp_html_count(r->f, t->nlisted);
    fputs(" are listed", r->f);
  }
  fputs("</p>", r->f);
  if (t->nlisted) {
    fputs("<table><thead><tr><th>domain</th><th>what got worse</th></tr>"
          "</thead><tbody>",
          r->f);
  }
  for (size_t i = 0; i < t->nlisted; i++) {
    const struct listed *l = &t->listed[i];

    fputs("<tr data-key=\"", r->f);
    mp_html_text(r->f, l->domain, l->dlen);
    fputs("\"><td class=\"d\">", r->f);
    mp_html_text(r->f, l->domain, l->dlen);
    fputs("</td><td class=\"d\">", r->f);
    mp_html_text(r->f, l->text, l->tlen);
    fputs("</td></tr>", r->f);
  }
  fputs(t->nlisted ? "</tbody></table>" : "", r->f);
  mp_report_end(r);
}

int mp_report_diff(struct mp_report *r, const char *path)
{
  struct tally *t = mp_calloc(1, sizeof(*t));
  int rc;

  t->listed = mp_calloc(LISTED_MAX, sizeof(*t->listed));
  rc = read_diff(t, path);
  if (rc == 0) {
    fputs("<h2 class=\"group\">Changes since the previous scan</h2>"
          "<div class=\"grid\" id=\"diff\">\n",
          r->f);
    kinds(r, t);
    fields(r, t);
    regressions(r, t);
    fputs("</div>\n", r->f);
  }
  mp_free(t->listed);
  mp_free(t);
  return rc;
}
