#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "output/diff.h"

static struct mp_dval v(const char *s)
{
  return (struct mp_dval){s == NULL, s, s ? strlen(s) : 0};
}

/* The compared field whose path reads name ("dmarc.p"). */
static const struct mp_field *field(const char *name)
{
  size_t n;
  const struct mp_csv_column *const *f = mp_diff_fields(&n);

  for (size_t i = 0; i < n; i++) {
    char path[64];

    snprintf(path, sizeof(path), "%s%s%s", f[i]->path[0]->name,
             f[i]->depth > 1 ? "." : "",
             f[i]->depth > 1 ? f[i]->path[1]->name : "");
    if (strcmp(path, name) == 0) {
      return mp_diff_field(f[i]);
    }
  }
  cr_assert_fail("%s is not compared", name);
  return NULL;
}

static enum mp_diff_class cls(const char *name, const char *a, const char *b)
{
  return mp_diff_classify(field(name), v(a), v(b));
}

Test(diffclass, compares_posture_fields_not_volatile_ones)
{
  size_t n;
  const struct mp_csv_column *const *f = mp_diff_fields(&n);

  cr_assert_gt(n, 20);
  for (size_t i = 0; i < n; i++) {
    cr_expect_neq(strcmp(f[i]->name, "line"), 0);
    cr_expect_neq(strcmp(f[i]->name, "started"), 0);
    cr_expect_null(strstr(f[i]->name, "rtt"), "%s", f[i]->name);
    cr_expect_null(strstr(f[i]->name, "ttl"), "%s", f[i]->name);
    cr_expect_null(strstr(f[i]->name, "attempts"), "%s", f[i]->name);
  }
  field("dmarc.effective_policy");
  field("spf.all");
  field("dkim.found");
  field("mx_hosts.null_mx");
  field("findings");
}

Test(diffclass, ranks_dmarc_policies_and_spf_all)
{
  cr_expect_eq(cls("dmarc.effective_policy", "reject", "none"),
               MP_DIFF_CLASS_REGRESSION);
  cr_expect_eq(cls("dmarc.p", "none", "quarantine"), MP_DIFF_CLASS_IMPROVEMENT);
  cr_expect_eq(cls("spf.all", "fail", "pass"), MP_DIFF_CLASS_REGRESSION);
  cr_expect_eq(cls("spf.all", "neutral", "softfail"),
               MP_DIFF_CLASS_IMPROVEMENT);
  cr_expect_eq(cls("spf.status", "valid", "permerror"),
               MP_DIFF_CLASS_REGRESSION);
  cr_expect_eq(cls("spf.status", "valid", "temperror"), MP_DIFF_CLASS_NEUTRAL,
               "temperror is not ranked");
}

Test(diffclass, classes_numbers_bools_and_sets)
{
  cr_expect_eq(cls("dmarc.pct", "100", "50"), MP_DIFF_CLASS_REGRESSION);
  cr_expect_eq(cls("dkim.weakest_bits", "2048", NULL),
               MP_DIFF_CLASS_REGRESSION);
  cr_expect_eq(cls("mx_hosts.unresolved", "0", "1"), MP_DIFF_CLASS_REGRESSION);
  cr_expect_eq(cls("verdict.ready", "true", "false"), MP_DIFF_CLASS_REGRESSION);
  cr_expect_eq(cls("dkim.found", "a|b", "b"), MP_DIFF_CLASS_REGRESSION);
  cr_expect_eq(cls("dkim.found", "b", "a|b"), MP_DIFF_CLASS_IMPROVEMENT);
  cr_expect_eq(cls("spf.includes", "a|b", "b|c"), MP_DIFF_CLASS_NEUTRAL);
}

Test(diffclass, classes_findings_by_severity)
{
  cr_expect_eq(cls("findings", "DMARC_NO_RUA", "DMARC_NO_RUA|SPF_PLUS_ALL"),
               MP_DIFF_CLASS_REGRESSION);
  cr_expect_eq(cls("findings", "SPF_PLUS_ALL", ""), MP_DIFF_CLASS_IMPROVEMENT);
  cr_expect_eq(cls("findings", "", "MX_NULL"), MP_DIFF_CLASS_NEUTRAL,
               "an info finding");
}

Test(diffclass, sorts_list_items_keeping_escapes)
{
  char s[] = "c|a\\|x|b", tmp[sizeof(s)];

  mp_diff_sort_items(s, strlen(s), tmp);
  cr_assert_str_eq(s, "a\\|x|b|c");
}
