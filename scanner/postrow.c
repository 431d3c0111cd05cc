/* Scan rows read back for mailposture summarize. Both formats go through
 * the same two functions per column (scalar() and item()), so a row reads
 * the same from NDJSON and from CSV. */
#include "scanner/postrow.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "scanner/base/alloc.h"
#include "scanner/records/dmarc.h"
#include "scanner/rowfile.h"

/* Where each column is: its CSV header name; in NDJSON, the member key of
 * the row's object obj (NULL: of the row itself). */
static const struct {
  const char *csv, *obj, *key;
  bool list;
} cols[MP_PC_COUNT] = {
    [MP_PC_STATUS] = {"status", NULL, "status", false},
    [MP_PC_RANK] = {"rank", NULL, "rank", false},
    [MP_PC_DOMAIN] = {"domain", NULL, "domain", false},
    [MP_PC_TXT_OUTCOME] = {"txt_outcome", "txt", "outcome", false},
    [MP_PC_DMARC_TXT_OUTCOME] = {"dmarc_txt_outcome", "dmarc_txt", "outcome",
                                 false},
    [MP_PC_MX_OUTCOME] = {"mx_outcome", "mx", "outcome", false},
    [MP_PC_SPF_COUNT] = {"spf_count", "spf", "count", false},
    [MP_PC_SPF_STATUS] = {"spf_status", "spf", "status", false},
    [MP_PC_SPF_REASON] = {"spf_reason", "spf", "reason", false},
    [MP_PC_SPF_LOOKUPS] = {"spf_lookups", "spf", "lookups", false},
    [MP_PC_SPF_ALL] = {"spf_all", "spf", "all", false},
    [MP_PC_SPF_INCLUDES] = {"spf_includes", "spf", "includes", true},
    [MP_PC_DMARC_STATUS] = {"dmarc_status", "dmarc", "status", false},
    [MP_PC_DMARC_EFFECTIVE] = {"dmarc_effective_policy", "dmarc",
                               "effective_policy", false},
    [MP_PC_DMARC_RUA] = {"dmarc_rua", "dmarc", "rua", true},
    [MP_PC_DKIM_STATUS] = {"dkim_status", "dkim", "status", false},
    [MP_PC_DKIM_SELECTORS] = {"dkim_selectors", "dkim", "found", true},
    [MP_PC_DKIM_FAILED] = {"dkim_failed", "dkim", "failed", true},
    [MP_PC_MX_NULL] = {"mx_null", "mx_hosts", "null_mx", false},
    [MP_PC_MX_ALL_FCRDNS] = {"mx_all_fcrdns", "mx_hosts", "all_fcrdns", false},
    [MP_PC_MTA_STS_STATUS] = {"mta_sts_status", "mta_sts", "status", false},
    [MP_PC_TLS_RPT_STATUS] = {"tls_rpt_status", "tls_rpt", "status", false},
    [MP_PC_BIMI_STATUS] = {"bimi_status", "bimi", "status", false},
    [MP_PC_VERDICT_READY] = {"verdict_ready", "verdict", "ready", false},
    [MP_PC_VERDICT_UNKNOWN] = {"verdict_unknown", "verdict", "unknown", true},
    [MP_PC_FINDINGS] = {"findings", NULL, "findings", true},
};

static bool eq(const char *s, size_t len, const char *word)
{
  return s && strlen(word) == len && memcmp(s, word, len) == 0;
}

/* The index of s in names[0..n), or -1. */
static int lookup(const char *const *names, int n, const char *s, size_t len)
{
  for (int i = 0; i < n; i++) {
    if (names[i] && eq(s, len, names[i])) {
      return i;
    }
  }
  return -1;
}

static uint64_t number(const char *s, size_t len)
{
  char buf[32];

  if (!s || len == 0 || len >= sizeof(buf)) {
    return 0;
  }
  memcpy(buf, s, len);
  buf[len] = '\0';
  return strtoull(buf, NULL, 10);
}

static enum mp_tri tri(const char *s, size_t len)
{
  return eq(s, len, "true")    ? MP_TRI_TRUE
         : eq(s, len, "false") ? MP_TRI_FALSE
                               : MP_TRI_UNKNOWN;
}

static char all_char(const char *s, size_t len)
{
  return eq(s, len, "pass")       ? '+'
         : eq(s, len, "fail")     ? '-'
         : eq(s, len, "softfail") ? '~'
         : eq(s, len, "neutral")  ? '?'
                                  : 0;
}

static int status_of(const char *s, size_t len)
{
  for (int i = 0; i < MP_STATUS_COUNT; i++) {
    if (eq(s, len, mp_status_name((enum mp_status)i))) {
      return i;
    }
  }
  return -1;
}

static void outcome(struct mp_prow *w, size_t i, const char *s, size_t len)
{
  int o = lookup(mp_outcome_names, MP_OUTCOME_COUNT, s, len);

  w->queried[i] = o >= 0;
  w->outcome[i] = o >= 0 ? (enum mp_outcome)o : MP_OUTCOME_OK;
}

/* A scalar column of a check's part; s NULL for null or an empty cell. */
static void check_scalar(struct mp_prow *w, int c, const char *s, size_t len)
{
  int i;

  switch (c) {
  case MP_PC_SPF_COUNT:
    w->spf_count = (size_t)number(s, len);
    break;
  case MP_PC_SPF_STATUS:
    i = lookup(mp_spf_status_names, MP_SPF_STATUS_COUNT, s, len);
    w->spf = s != NULL;
    w->spf_status = i > 0 ? (enum mp_spf_status)i : MP_SPF_STATUS_ABSENT;
    break;
  case MP_PC_SPF_REASON:
    w->spf_lookup_limit = eq(s, len, "lookup_limit");
    break;
  case MP_PC_SPF_LOOKUPS:
    w->spf_lookups = (unsigned)number(s, len);
    break;
  case MP_PC_SPF_ALL:
    w->spf_all = all_char(s, len);
    break;
  case MP_PC_DMARC_STATUS:
    w->dmarc = s != NULL;
    break;
  case MP_PC_DMARC_EFFECTIVE:
    i = lookup(mp_dmarc_effective_names, MP_DMARC_EFFECTIVE_COUNT, s, len);
    w->effective = i > 0 ? (enum mp_dmarc_effective)i : 0;
    break;
  case MP_PC_DKIM_STATUS:
    w->dkim = s != NULL;
    break;
  case MP_PC_MX_NULL:
    w->mx = s != NULL;
    w->null_mx = eq(s, len, "true");
    break;
  case MP_PC_MX_ALL_FCRDNS:
    w->all_fcrdns = tri(s, len);
    break;
  case MP_PC_MTA_STS_STATUS:
    w->mta_sts = s != NULL;
    w->mta_sts_valid = eq(s, len, "valid");
    break;
  case MP_PC_TLS_RPT_STATUS:
    w->tls_rpt = s != NULL;
    w->tls_rpt_valid = eq(s, len, "valid");
    break;
  case MP_PC_BIMI_STATUS:
    w->bimi = s != NULL;
    w->bimi_valid = eq(s, len, "valid");
    break;
  case MP_PC_VERDICT_READY:
    w->verdict = w->verdict || s != NULL;
    w->ready = tri(s, len);
    break;
  }
}

/* One scalar column; s NULL for null or an empty cell. */
static int scalar(struct mp_postrow *r, int c, const char *s, size_t len)
{
  struct mp_prow *w = &r->row;
  int i;

  switch (c) {
  case MP_PC_STATUS:
    if ((i = status_of(s, len)) < 0) {
      return -EILSEQ;
    }
    w->status = (enum mp_status)i;
    break;
  case MP_PC_RANK:
    w->rank = s ? (int64_t)number(s, len) : -1;
    break;
  case MP_PC_DOMAIN:
    if (s && len > 0 && len < sizeof(r->domain)) {
      memcpy(r->domain, s, len);
      r->domain[len] = '\0';
      w->domain = r->domain;
    }
    break;
  case MP_PC_TXT_OUTCOME:
  case MP_PC_DMARC_TXT_OUTCOME:
  case MP_PC_MX_OUTCOME:
    outcome(w, (size_t)(c - MP_PC_TXT_OUTCOME), s, len);
    break;
  default:
    check_scalar(&r->row, c, s, len);
    break;
  }
  return 0;
}

/* The domain of a rua URI as the DMARC check takes it (the mailto:
 * domain, lowercase), parsed again from the URI a CSV row holds. */
static struct mp_slice rua_domain(char *out, size_t cap, const char *uri,
                                  size_t len)
{
  char text[1024];
  struct mp_dmarc_record rec;
  int n = snprintf(text, sizeof(text), "v=DMARC1;rua=%.*s", (int)len, uri);

  if (n < 0 || (size_t)n >= sizeof(text) ||
      mp_dmarc_parse(text, (size_t)n, &rec, NULL) < 0 || rec.nrua != 1 ||
      !rec.rua[0].mailto || !rec.rua[0].dom_len ||
      mp_dmarc_copy_lower(text, rec.rua[0].dom_off, rec.rua[0].dom_len, out,
                          cap) < 0) {
    return (struct mp_slice){NULL, 0};
  }
  return (struct mp_slice){out, strlen(out)};
}

/* A CSV dkim_selectors item: selector:type:bits[:revoked][:testing]
 * [:error=code]. */
static struct mp_prow_key csv_key(const char *s, size_t len)
{
  struct mp_prow_key k = {0};
  size_t field = 0, start = 0;

  for (size_t i = 0; i <= len; i++) {
    const char *t = s + start;
    size_t n = i - start;

    if (i < len && s[i] != ':') {
      continue;
    }
    if (field == 1) {
      k.rsa = eq(t, n, "rsa");
    } else if (field == 2) {
      k.bits = (unsigned)number(t, n);
    } else if (field > 2) {
      k.revoked = k.revoked || eq(t, n, "revoked");
      k.error = k.error || (n >= 6 && memcmp(t, "error=", 6) == 0);
    }
    field++;
    start = i + 1;
  }
  return k;
}

/* One item of a list column: s[0..len) for a string; for an object
 * (NDJSON) node, its index in r->json. */
static void item(struct mp_postrow *r, int c, const char *s, size_t len,
                 size_t node)
{
  struct mp_prow *w = &r->row;
  const struct mp_jnode *n = r->json.n;
  int i;

  switch (c) {
  case MP_PC_SPF_INCLUDES:
    if (w->nincludes < MP_SPF_INCLUDES_MAX) {
      w->includes[w->nincludes++] = (struct mp_slice){s, len};
    }
    break;
  case MP_PC_DMARC_RUA:
    if (w->nrua < MP_DMARC_URIS_MAX) {
      size_t d = node ? mp_jrow_get(&r->json, node, "domain") : 0;

      w->rua_domain[w->nrua] =
          node
              ? (struct mp_slice){d && n[d].type == MP_J_STRING ? n[d].s : NULL,
                                  d ? n[d].len : 0}
              : rua_domain(r->rua[w->nrua], sizeof(r->rua[0]), s, len);
      w->nrua++;
    }
    break;
  case MP_PC_DKIM_SELECTORS:
    if (w->nkeys < MP_DKIM_FOUND_MAX) {
      size_t t = node ? mp_jrow_get(&r->json, node, "key_type") : 0;
      size_t b = node ? mp_jrow_get(&r->json, node, "bits") : 0;
      size_t v = node ? mp_jrow_get(&r->json, node, "revoked") : 0;
      size_t e = node ? mp_jrow_get(&r->json, node, "error") : 0;

      w->keys[w->nkeys++] =
          node ? (struct mp_prow_key){.rsa = t && eq(n[t].s, n[t].len, "rsa"),
                                      .bits = b && n[b].type == MP_J_NUMBER
                                                  ? (unsigned)number(n[b].s,
                                                                     n[b].len)
                                                  : 0,
                                      .revoked =
                                          v && n[v].type == MP_J_BOOL && n[v].b,
                                      .error = e && n[e].type == MP_J_STRING}
               : csv_key(s, len);
    }
    break;
  case MP_PC_DKIM_FAILED:
    w->nfailed++;
    break;
  case MP_PC_VERDICT_UNKNOWN:
    w->verdict = true; /* an unknown requirement: a verdict was made */
    break;
  case MP_PC_FINDINGS:
    for (i = 0; i < MP_FINDING_COUNT; i++) {
      if (eq(s, len, mp_finding_name((enum mp_finding_code)i))) {
        break;
      }
    }
    if (i < MP_FINDING_COUNT && w->nfindings < MP_FINDINGS_MAX) {
      w->findings[w->nfindings++] = (enum mp_finding_code)i;
    }
    break;
  }
}

/* ---- NDJSON ---------------------------------------------------------------
 */

static int json_column(struct mp_postrow *r, int c)
{
  const struct mp_jnode *n = r->json.n;
  size_t at = 0, v;

  if (cols[c].obj) {
    at = mp_jrow_get(&r->json, 0, cols[c].obj);
    if (!at || n[at].type != MP_J_OBJECT) {
      return cols[c].list ? 0 : scalar(r, c, NULL, 0);
    }
  }
  v = mp_jrow_get(&r->json, at, cols[c].key);
  if (cols[c].list) {
    for (size_t k = 0; v && n[v].type == MP_J_ARRAY && k < n[v].count; k++) {
      size_t it = mp_jrow_at(&r->json, v, k);

      if (n[it].type == MP_J_OBJECT) {
        item(r, c, NULL, 0, it);
      } else if (n[it].type == MP_J_STRING) {
        item(r, c, n[it].s, n[it].len, 0);
      }
    }
    return 0;
  }
  if (v && n[v].type == MP_J_BOOL) {
    return scalar(r, c, n[v].b ? "true" : "false", n[v].b ? 4 : 5);
  }
  if (v && (n[v].type == MP_J_STRING || n[v].type == MP_J_NUMBER)) {
    return scalar(r, c, n[v].s, n[v].len);
  }
  return scalar(r, c, NULL, 0);
}

static int json_row(struct mp_postrow *r, size_t len)
{
  int rc = 0;

  if (mp_jrow_parse(&r->json, r->line, len) < 0 ||
      r->json.n[0].type != MP_J_OBJECT) {
    return -EILSEQ;
  }
  for (int c = 0; c < MP_PC_COUNT && rc == 0; c++) {
    rc = json_column(r, c);
  }
  return rc < 0 ? rc : 1;
}

/* ---- CSV ------------------------------------------------------------------
 */

/* A cell without the apostrophe the writer puts before = + - @ TAB CR
 * (docs/schema.md "CSV text"); NULL when the column is absent. */
static const char *cell(const struct mp_postrow *r, int c, size_t *len)
{
  const char *s =
      r->col[c] < 0 ? NULL : mp_csvrow_cell(&r->cells, (size_t)r->col[c], len);

  if (s && *len >= 2 && s[0] == '\'' && strchr("=+-@\t\r", s[1])) {
    s++;
    (*len)--;
  }
  return s;
}

/* A list cell split into items (docs/schema.md "CSV lists"), unescaped
 * into r->items, which was sized for the whole record. */
static void csv_list(struct mp_postrow *r, int c, const char *s, size_t len)
{
  size_t start = r->items_len;

  for (size_t i = 0; len > 0 && i <= len; i++) {
    if (i == len || s[i] == '|') {
      item(r, c, r->items + start, r->items_len - start, 0);
      start = r->items_len;
      continue;
    }
    if (s[i] == '\\' && i + 1 < len) {
      i++;
    }
    r->items[r->items_len++] = s[i];
  }
}

static int csv_row(struct mp_postrow *r)
{
  size_t len;
  const char *first = mp_csvrow_cell(&r->cells, 0, &len);
  int rc = 0;

  if (eq(first, len, "line")) {
    return 2; /* a header again: parts concatenated */
  }
  if (r->items_cap < r->cells.len + 1) {
    r->items_cap = r->cells.len + 1;
    r->items = mp_realloc(r->items, r->items_cap);
  }
  r->items_len = 0;
  for (int c = 0; c < MP_PC_COUNT && rc == 0; c++) {
    const char *s = cell(r, c, &len);

    if (cols[c].list) {
      csv_list(r, c, s, s ? len : 0);
    } else {
      rc = scalar(r, c, s && len ? s : NULL, s ? len : 0);
    }
  }
  return rc < 0 ? rc : 1;
}

static int csv_header(struct mp_postrow *r)
{
  size_t len;

  for (int c = 0; c < MP_PC_COUNT; c++) {
    r->col[c] = -1;
    for (size_t i = 0; i < r->cells.n; i++) {
      const char *s = mp_csvrow_cell(&r->cells, i, &len);

      if (eq(s, len, cols[c].csv)) {
        r->col[c] = (long)i;
      }
    }
  }
  return r->col[MP_PC_STATUS] < 0 ? -EILSEQ : 0;
}

/* ---- the reader -----------------------------------------------------------
 */

int mp_postrow_open(struct mp_postrow *r, const char *path, char *err,
                    size_t errlen)
{
  int c;

  memset(r, 0, sizeof(*r));
  mp_jrow_init(&r->json);
  mp_csvrow_init(&r->cells);
  if ((c = mp_rowfile_open(path, false, &r->f, &r->zerr, err, errlen)) < 0) {
    return c;
  }
  c = getc(r->f);
  if (c == EOF && ferror(r->f)) {
    snprintf(err, errlen, "%s: %s", path,
             mp_rowfile_strerror(r->zerr ? r->zerr : -EIO));
    return r->zerr ? r->zerr : -EIO;
  }
  r->csv = c != '{' && c != EOF;
  if (c != EOF) {
    ungetc(c, r->f);
  }
  if (r->csv) {
    r->lineno = 1;
    if (mp_csvrow_read(&r->cells, r->f) != 1 || csv_header(r) < 0) {
      snprintf(err, errlen, "%s: neither NDJSON rows nor a CSV header", path);
      return -EILSEQ;
    }
  }
  return 0;
}

void mp_postrow_close(struct mp_postrow *r)
{
  if (r->f) {
    fclose(r->f);
  }
  mp_jrow_close(&r->json);
  mp_csvrow_close(&r->cells);
  mp_free(r->line);
  mp_free(r->items);
  memset(r, 0, sizeof(*r));
}

int mp_postrow_next(struct mp_postrow *r)
{
  ssize_t n;
  int rc;

  do {
    memset(&r->row, 0, sizeof(r->row));
    r->row.rank = -1;
    r->lineno++;
    if (r->csv) {
      rc = mp_csvrow_read(&r->cells, r->f);
      if (ferror(r->f)) { /* the record ends where a file failed */
        return r->zerr ? r->zerr : -EIO;
      }
      rc = rc == 1 ? csv_row(r) : rc;
      continue;
    }
    n = getline(&r->line, &r->linecap, r->f);
    if (n < 0) {
      return !ferror(r->f) ? 0 : r->zerr ? r->zerr : -EIO;
    }
    if (ferror(r->f)) { /* the line ends where a compressed file failed */
      return r->zerr ? r->zerr : -EIO;
    }
    if (n > 0 && r->line[n - 1] == '\n') {
      n--;
    }
    rc = n == 0 ? 2 : json_row(r, (size_t)n); /* a blank line: none */
  } while (rc == 2);
  return rc;
}
