#include "scanner/records/orgdomain.h"

#include <errno.h>
#include <libpsl.h>
#include <stdio.h>
#include <string.h>

#include "scanner/dns/dns.h"
#include "scanner/base/alloc.h"
#include "scanner/records/dmarc.h"

struct mp_orgdomain {
  psl_ctx_t *psl;
};

int mp_orgdomain_new(const char *path, struct mp_orgdomain **out)
{
  psl_ctx_t *psl;

  *out = NULL;
  /* psl_load_file() reads the text list or, by its magic, a .dafsa. */
  psl = psl_load_file(path ? path : MP_ORGDOMAIN_DEFAULT_PSL);
  if (psl == NULL) {
    return -ENOENT;
  }
  /* 0 rules: read, but no list (a .dafsa answers -1, "not known"). */
  if (psl_suffix_count(psl) == 0) {
    psl_free(psl);
    return -EINVAL;
  }
  *out = mp_malloc(sizeof(**out));
  (*out)->psl = psl;
  return 0;
}

void mp_orgdomain_free(struct mp_orgdomain *od)
{
  if (od == NULL) {
    return;
  }
  psl_free(od->psl);
  mp_free(od);
}

/* Copies name into buf (MP_NAME_MAX + 1 bytes) lowercased, without one
 * trailing dot, as libpsl wants it (it matches bytes: "COM" is not a
 * rule). False for a name that is no domain name. */
static bool to_lookup(const char *name, char *buf)
{
  size_t n;

  if (name == NULL) {
    return false;
  }
  n = strnlen(name, MP_NAME_MAX + 2);
  if (n > 0 && name[n - 1] == '.') {
    n--;
  }
  if (n == 0 || n > MP_NAME_MAX || name[0] == '.') {
    return false;
  }
  for (size_t k = 0; k < n; k++) {
    char c = name[k];

    if (c == '.' && name[k + 1] == '.') {
      return false;
    }
    buf[k] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
  }
  buf[n] = '\0';
  return true;
}

const char *mp_orgdomain_psl(const struct mp_orgdomain *od, const char *name)
{
  char buf[MP_NAME_MAX + 1];
  const char *r;

  if (!to_lookup(name, buf)) {
    return NULL;
  }
  r = psl_registrable_domain(od->psl, buf);
  return r ? name + (r - buf) : NULL;
}

const char *mp_orgdomain_suffix(const struct mp_orgdomain *od, const char *name)
{
  char buf[MP_NAME_MAX + 1];
  const char *r;

  if (!to_lookup(name, buf)) {
    return NULL;
  }
  /* libpsl's name for "the longest public suffix part" of the name. */
  r = psl_unregistrable_domain(od->psl, buf);
  return r ? name + (r - buf) : NULL;
}

/* ---- RFC 9989 section 4.10 ------------------------------------------ */

int mp_orgdomain_walk_plan(struct mp_orgdomain_walk *w, const char *domain,
                           size_t len)
{
  size_t start = 0, labels;

  memset(w, 0, sizeof(*w));
  if (len > 0 && domain[len - 1] == '.') {
    len--;
  }
  if (len == 0 || len > MP_NAME_MAX) {
    return -EINVAL;
  }
  for (size_t k = 0; k <= len; k++) {
    if (k < len && domain[k] != '.') {
      continue;
    }
    if (k == start || k - start > 63) {
      return -EINVAL;
    }
    w->label_off[w->nlabels++] = (uint16_t)start;
    start = k + 1;
  }
  w->len = len;
  /* Step 1 and 4.10.1: the domain itself first. Then, step 4: "If x < 8,
   * remove the left-most (highest-numbered) label from the subject
   * domain. If x >= 8, remove the left-most (highest-numbered) labels
   * from the subject domain until 7 labels remain." Step 7: one label
   * less each time, until none remain. */
  labels = w->nlabels;
  for (;;) {
    w->off[w->n] = w->label_off[w->nlabels - labels];
    w->labels[w->n] = (uint8_t)labels;
    w->n++;
    if (labels == 1) {
      break;
    }
    labels = labels >= MP_ORGDOMAIN_WALK_MAX ? MP_ORGDOMAIN_WALK_MAX - 1
                                             : labels - 1;
  }
  return 0;
}

int mp_orgdomain_walk_qname(const struct mp_orgdomain_walk *w,
                            const char *domain, size_t i, char *buf, size_t cap)
{
  int n;

  if (i >= w->n || cap == 0) {
    return -ENOSPC;
  }
  n = snprintf(buf, cap, "_dmarc.%.*s", (int)(w->len - w->off[i]),
               domain + w->off[i]);
  if (n < 0 || (size_t)n >= cap) {
    buf[0] = '\0';
    return -ENOSPC;
  }
  return n;
}

/* Steps 2 and 6: "If a single record remains and it contains a "psd=n" or
 * "psd=y" tag, stop." */
static bool stops(const struct mp_orgdomain_answer *a)
{
  return a->kind == MP_ORGDOMAIN_ANS_RECORD && a->psd != MP_DMARC_PSD_U;
}

bool mp_orgdomain_walk_more(const struct mp_orgdomain_walk *w,
                            const struct mp_orgdomain_answer *ans, size_t nans)
{
  for (size_t i = 0; i < nans && i < w->n; i++) {
    if (stops(&ans[i])) {
      return false;
    }
  }
  return nans < w->n;
}

/* RFC 9989 4.10.2: "select the Organizational Domain from the domains for
 * which valid DMARC Policy Records were retrieved from the longest to the
 * shortest: 1. psd=n: this is the Organizational Domain. 2. psd=y, other
 * than the one for the domain where the tree walk started: the domain one
 * label below. 3. Otherwise, the record found at the name with the fewest
 * number of labels." and "If this process does not determine the
 * Organizational Domain, then the initial target domain is". The walk
 * stops at the first psd=y or psd=n, so only its last record can hold
 * one; a psd=y at the start falls through to rule 3 and is its own. */
static void choose_org(const struct mp_orgdomain_walk *w,
                       const struct mp_orgdomain_answer *ans,
                       struct mp_orgdomain_walk_result *out)
{
  size_t labels = w->nlabels;

  out->rule = MP_ORGDOMAIN_RULE_DEFAULT;
  for (size_t i = 0; i < out->used; i++) {
    if (ans[i].kind != MP_ORGDOMAIN_ANS_RECORD) {
      continue;
    }
    if (ans[i].psd == MP_DMARC_PSD_N) {
      out->rule = MP_ORGDOMAIN_RULE_PSD_N;
      labels = w->labels[i];
      break;
    }
    if (ans[i].psd == MP_DMARC_PSD_Y && i != 0) {
      out->rule = MP_ORGDOMAIN_RULE_PSD_Y;
      labels = (size_t)w->labels[i] + 1;
      break;
    }
    out->rule = MP_ORGDOMAIN_RULE_FEWEST; /* names come longest first */
    labels = w->labels[i];
  }
  out->org_off = w->label_off[w->nlabels - labels];
  out->org_labels = (uint8_t)labels;
}

/* RFC 9989 4.10.1: the record "found at any of the following locations,
 * listed from highest preference to lowest: The Author Domain; The
 * Organizational Domain of the Author Domain; The Public Suffix Domain of
 * the Author Domain", and "PSD policy is not used for Organizational
 * Domains that have published a DMARC Policy Record". */
static void choose_policy(const struct mp_orgdomain_walk *w,
                          const struct mp_orgdomain_answer *ans,
                          struct mp_orgdomain_walk_result *out)
{
  out->source = MP_ORGDOMAIN_SRC_NONE;
  out->policy = 0;
  if (ans[0].kind == MP_ORGDOMAIN_ANS_RECORD) {
    out->source = MP_ORGDOMAIN_SRC_SELF;
    return;
  }
  for (size_t i = 1; i < out->used; i++) {
    if (ans[i].kind == MP_ORGDOMAIN_ANS_RECORD &&
        w->labels[i] == out->org_labels) {
      out->source = MP_ORGDOMAIN_SRC_ORG;
      out->policy = i;
      return;
    }
  }
  /* The Organizational Domain has no record (or was skipped by step 4):
   * a psd=y record found above it is the Public Suffix Domain's. */
  if (out->rule == MP_ORGDOMAIN_RULE_PSD_Y) {
    out->source = MP_ORGDOMAIN_SRC_PSD;
    out->policy = out->used - 1;
  }
}

int mp_orgdomain_walk_decide(const struct mp_orgdomain_walk *w,
                             const struct mp_orgdomain_answer *ans, size_t nans,
                             struct mp_orgdomain_walk_result *out)
{
  memset(out, 0, sizeof(*out));
  out->used = w->n;
  for (size_t i = 0; i < w->n && i < nans; i++) {
    if (stops(&ans[i])) {
      out->used = i + 1;
      break;
    }
  }
  if (nans < out->used || w->n == 0) {
    return -EINVAL;
  }
  for (size_t i = 0; i < out->used; i++) {
    /* Handling of DNS errors "is left to the discretion of the Mail
     * Receiver" (4.10.1): decide as if there were no record, and say
     * so. */
    if (ans[i].kind == MP_ORGDOMAIN_ANS_ERROR) {
      out->incomplete = true;
    }
  }
  choose_org(w, ans, out);
  choose_policy(w, ans, out);
  return 0;
}

const char *mp_orgdomain_rule_name(enum mp_orgdomain_rule r)
{
  static const char *const names[] = {"default", "psd_n", "psd_y",
                                      "fewest_labels"};

  return (size_t)r < 4 ? names[r] : "?";
}
