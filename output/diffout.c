/* mailposture diff: the reports (docs/diff.md, "Output"). */
#include "output/diff.h"

#include <string.h>

#include "output/json.h"
#include "scanner/base/alloc.h"

static const char *const kinds[] = {"changed", "appeared", "disappeared"};

/* "dmarc.effective_policy": the NDJSON path of a compared field. */
static void field_name(FILE *f, const struct mp_csv_column *c)
{
  for (size_t i = 0; i < c->depth; i++) {
    fprintf(f, "%s%s", i ? "." : "", c->path[i]->name);
  }
}

static void text_value(FILE *f, struct mp_dval v)
{
  if (v.null) {
    fputs("null", f);
  } else if (v.len == 0) {
    fputs("\"\"", f);
  } else {
    /* Untrusted text goes out escaped, as in NDJSON, so a terminal shows
     * it as it is. */
    mp_json_string(f, v.s, v.len);
  }
}

static bool is_list(const struct mp_csv_column *c)
{
  return mp_diff_field(c)->kind == MP_K_LIST;
}

static void text_item(const char *s, size_t len, bool added, void *ctx)
{
  FILE *f = ctx;

  fputs(added ? " +" : " -", f);
  mp_json_string(f, s, len);
}

void mp_diff_write_text(FILE *f, const struct mp_diff_domain *d)
{
  fprintf(f, "%.*s: %s", (int)d->len, d->domain, kinds[d->kind]);
  if (d->kind == MP_DIFF_CHANGED) {
    fprintf(f, ", %s", mp_diff_class_name(d->cls));
  }
  fputc('\n', f);
  for (size_t i = 0; i < d->n; i++) {
    const struct mp_diff_change *c = &d->c[i];

    fputs("  ", f);
    field_name(f, c->col);
    fputc(':', f);
    if (is_list(c->col)) {
      mp_diff_items(c->old, c->new_, text_item, f);
    } else {
      fputc(' ', f);
      text_value(f, c->old);
      fputs(" -> ", f);
      text_value(f, c->new_);
    }
    fprintf(f, " (%s)\n", mp_diff_class_name(c->cls));
  }
}

static void json_value(FILE *f, struct mp_dval v)
{
  if (v.null) {
    fputs("null", f);
  } else {
    mp_json_string(f, v.s, v.len);
  }
}

struct items {
  FILE *f;
  bool added, first;
};

static void json_item(const char *s, size_t len, bool added, void *ctx)
{
  struct items *it = ctx;

  if (added == it->added) {
    fputs(it->first ? "" : ",", it->f);
    mp_json_string(it->f, s, len);
    it->first = false;
  }
}

static void json_change(FILE *f, const struct mp_diff_change *c)
{
  fputs("{\"field\":\"", f);
  field_name(f, c->col);
  fputs("\",\"old\":", f);
  json_value(f, c->old);
  fputs(",\"new\":", f);
  json_value(f, c->new_);
  if (is_list(c->col)) {
    struct items it = {f, true, true};

    fputs(",\"added\":[", f);
    mp_diff_items(c->old, c->new_, json_item, &it);
    it.added = false;
    it.first = true;
    fputs("],\"removed\":[", f);
    mp_diff_items(c->old, c->new_, json_item, &it);
    fputc(']', f);
  }
  fprintf(f, ",\"class\":\"%s\"}", mp_diff_class_name(c->cls));
}

void mp_diff_write_ndjson(FILE *f, const struct mp_diff_domain *d)
{
  fputs("{\"domain\":", f);
  mp_json_string(f, d->domain, d->len);
  fprintf(f, ",\"change\":\"%s\",\"class\":\"%s\",\"changes\":[",
          kinds[d->kind], mp_diff_class_name(d->cls));
  for (size_t i = 0; i < d->n; i++) {
    fputs(i ? "," : "", f);
    json_change(f, &d->c[i]);
  }
  fputs("]}\n", f);
}

void mp_diff_summary_init(struct mp_diff_summary *s)
{
  memset(s, 0, sizeof(*s));
  mp_diff_fields(&s->nfields);
  s->by_field = mp_calloc(s->nfields ? s->nfields : 1, sizeof(uint64_t));
}

void mp_diff_summary_close(struct mp_diff_summary *s)
{
  mp_free(s->by_field);
  memset(s, 0, sizeof(*s));
}

void mp_diff_summary_add(struct mp_diff_summary *s,
                         const struct mp_diff_domain *d)
{
  size_t n;
  const struct mp_csv_column *const *fields = mp_diff_fields(&n);

  if (d->kind == MP_DIFF_APPEARED) {
    s->appeared++;
    return;
  }
  if (d->kind == MP_DIFF_DISAPPEARED) {
    s->disappeared++;
    return;
  }
  s->changed++;
  s->by_class[d->cls]++;
  for (size_t i = 0; i < d->n; i++) {
    for (size_t k = 0; k < n; k++) {
      if (fields[k] == d->c[i].col) {
        s->by_field[k]++;
      }
    }
  }
}

void mp_diff_summary_write(FILE *f, const struct mp_diff_summary *s)
{
  size_t n;
  const struct mp_csv_column *const *fields = mp_diff_fields(&n);

  fprintf(f,
          "diff: %llu domains unchanged, %llu changed (%llu regression, "
          "%llu improvement, %llu neutral), %llu appeared, %llu "
          "disappeared\n",
          (unsigned long long)s->same, (unsigned long long)s->changed,
          (unsigned long long)s->by_class[MP_DIFF_CLASS_REGRESSION],
          (unsigned long long)s->by_class[MP_DIFF_CLASS_IMPROVEMENT],
          (unsigned long long)s->by_class[MP_DIFF_CLASS_NEUTRAL],
          (unsigned long long)s->appeared, (unsigned long long)s->disappeared);
  for (size_t k = 0; k < n && k < s->nfields; k++) {
    if (s->by_field[k]) {
      fputs("diff:   ", f);
      field_name(f, fields[k]);
      fprintf(f, " %llu\n", (unsigned long long)s->by_field[k]);
    }
  }
}
