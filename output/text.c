/* The "text" format: one line per row for people reading a short list on a
 * terminal. Not a stable interface (use NDJSON or CSV for data); strings
 * from DNS are shown JSON-escaped, so no byte can move the cursor. */
#include <inttypes.h>

#include "output/json.h"
#include "output/writer.h"

static void outcome(FILE *f, const char *what,
                    const struct mp_result_lookup *lk)
{
  fprintf(f, "  %s=%s", what, mp_outcome_name(lk->outcome));
}

static void records(FILE *f, const char *what,
                    const struct mp_result_records *rec)
{
  fprintf(f, "  %s=%zu", what, rec->count);
  for (size_t i = 0; i < rec->count && i < MP_PICK_MAX; i++) {
    fputc(' ', f);
    mp_json_string(f, rec->rr[i]->data, rec->rr[i]->len);
  }
}

static const char *word(const char *s)
{
  return s ? s : "?";
}

/* The SPF evaluation. Statuses, reasons and codes are stable ASCII words
 * from the scanner, not DNS text, so they are printed as they are. */
static void spf(FILE *f, const struct mp_result *r)
{
  const struct mp_result_spf *s = &r->spf_eval;

  if (s->status) {
    fprintf(f, "  spf=%s", mp_spf_status_name(s->status));
    if (s->reason) {
      fprintf(f, "(%s)", mp_spf_reason_code_name(s->reason));
    }
    fprintf(f, " lookups=%u", s->lookups);
  }
  for (size_t i = 0; i < s->ntargets && i < MP_SPF_TARGETS_MAX; i++) {
    const char *e = mp_spf_check_result_name(s->targets[i].effective);

    fprintf(f, " include:%s=%s", word(s->targets[i].name),
            e                       ? e
            : s->targets[i].unknown ? "unknown"
            : s->targets[i].reached ? "shadowed"
                                    : "unreached");
  }
  for (size_t i = 0; i < s->nchecks && i < MP_SPF_CHECKS_MAX; i++) {
    fprintf(f, " ip:%s=%s", word(s->checks[i].ip),
            word(mp_spf_check_result_name(s->checks[i].result)));
  }
}

static const char *yes_no(enum mp_tri t)
{
  return t == MP_TRI_TRUE ? "yes" : t == MP_TRI_FALSE ? "no" : "unknown";
}

/* "dmarc=quarantine@organizational dkim=found(1024) fcrdns=no
 * verdict=not_ready(spf_or_dkim,mx_fcrdns)": each part only when its check
 * ran; an unknown requirement is marked "?" ("verdict=unknown(mx_fcrdns?)"). */
static void checks(FILE *f, const struct mp_result *r)
{
  const char *sep = "  ";

  if (r->dmarc_eval.evaluated) {
    fprintf(f, "%sdmarc=%s", sep,
            word(mp_dmarc_effective_name(r->dmarc_eval.effective_policy)));
    if (r->dmarc_eval.found_at) {
      fprintf(f, "@%s", mp_dmarc_found_name(r->dmarc_eval.found_at));
    }
    sep = " ";
  }
  if (r->dkim.evaluated) {
    fprintf(f, "%sdkim=%s", sep, word(mp_dkim_status_name(r->dkim.status)));
    if (r->dkim.weakest_bits > 0) {
      fprintf(f, "(%u)", r->dkim.weakest_bits);
    }
    if (r->dkim.nfailed > 0) {
      fprintf(f, "+%zu_failed", r->dkim.nfailed);
    }
    sep = " ";
  }
  if (r->mx_check.evaluated) {
    fprintf(f, "%sfcrdns=%s", sep, yes_no(r->mx_check.all_fcrdns));
    if (r->mx_check.nsenders > 0) {
      fprintf(f, " sender_fcrdns=%s", yes_no(r->mx_check.senders_fcrdns));
    }
    sep = " ";
  }
  if (r->verdict.evaluated) {
    const struct mp_result_verdict *v = &r->verdict;
    size_t max = sizeof(v->failed) / sizeof(v->failed[0]);

    fprintf(f, "%sverdict=%s", sep,
            v->ready == MP_TRI_TRUE    ? "ready"
            : v->ready == MP_TRI_FALSE ? "not_ready"
                                       : "unknown");
    for (size_t i = 0; i < v->nfailed && i < max; i++) {
      fprintf(f, "%s%s", i ? "," : "(",
              word(mp_requirement_name(v->failed[i])));
    }
    for (size_t i = 0; i < v->nunknown && i < max; i++) {
      fprintf(f, "%s%s?", i || v->nfailed ? "," : "(",
              word(mp_requirement_name(v->unknown[i])));
    }
    if (v->nfailed + v->nunknown > 0) {
      fputc(')', f);
    }
  }
}

/* The finding codes, in one bracket. */
static void findings(FILE *f, const struct mp_result *r)
{
  for (size_t i = 0; i < r->nfindings && i < MP_FINDINGS_MAX; i++) {
    const char *code = mp_finding_name(r->findings[i]);

    fprintf(f, "%s%s", i ? " " : "  [", code ? code : "?");
  }
  if (r->nfindings > 0) {
    fputc(']', f);
  }
}

static int text_write(struct mp_writer *w, const struct mp_result *r)
{
  FILE *f = w->out;

  fprintf(f, "%5" PRIu64 " ", r->line);
  if (!r->domain) {
    mp_json_string(f, r->input, r->input_len);
    fprintf(f, "  invalid_name (%s)\n", word(mp_name_error_name(r->error)));
    return 0;
  }
  fprintf(f, "%s  %s", r->domain, mp_status_name(r->status));
  if (r->txt.cname) {
    fprintf(f, "  alias-of=%s", r->txt.cname);
  }
  outcome(f, "txt", &r->txt);
  records(f, "spf", &r->spf);
  outcome(f, "dmarc_txt", &r->dmarc_txt);
  records(f, "dmarc", &r->dmarc);
  outcome(f, "mx", &r->mx);
  for (size_t i = 0; i < r->mx.count; i++) {
    fprintf(f, "%s%u %s", i ? ", " : " ", r->mx.rr[i].pref,
            r->mx.rr[i].data[0] ? r->mx.rr[i].data : ".");
  }
  spf(f, r);
  checks(f, r);
  findings(f, r);
  fputc('\n', f);
  return 0;
}

const struct mp_writer_ops mp_writer_text = {
    .name = "text",
    .open = NULL,
    .write = text_write,
    .close = NULL, /* mp_writer_close() flushes */
};
