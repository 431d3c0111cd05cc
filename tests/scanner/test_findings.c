/* The finding table of the code and the one in docs/schema.md agree:
 * every code documented, with its severity and reference, and no other. */
#include <criterion/criterion.h>
#include <string.h>

#include "scanner/base/alloc.h"
#include "scanner/findings.h"
#include "tests/support/proc.h"

/* The cells of a "| `CODE` | severity | ref | text |" line. */
static int cells(char *line, char **out, int max)
{
  int n = 0;

  for (char *p = strchr(line, '|'); p && n < max;) {
    char *q = strchr(p + 1, '|');

    while (q && q[-1] == '\\') {
      q = strchr(q + 1, '|');
    }
    if (!q) {
      break;
    }
    *q = '\0';
    while (*++p == ' ') {
    }
    for (char *e = q - 1; e > p && *e == ' '; e--) {
      *e = '\0';
    }
    out[n++] = p;
    p = q;
  }
  return n;
}

Test(findings, the_documented_table_is_the_code_table)
{
  size_t len, found = 0;
  char *doc = mp_proc_slurp(MP_SOURCE_DIR "/docs/schema.md", &len);
  char *sec, *line, *save = NULL;

  cr_assert_not_null(doc);
  sec = strstr(doc, "\n## Findings\n");
  cr_assert_not_null(sec);
  sec = strstr(sec, "| --- |");
  cr_assert_not_null(sec);
  for (line = strtok_r(strchr(sec, '\n') + 1, "\n", &save);
       line && line[0] == '|'; line = strtok_r(NULL, "\n", &save)) {
    char *c[4], code[64];
    const struct mp_finding *f;

    cr_assert_eq(cells(line, c, 4), 4, "bad row: %s", line);
    cr_assert(strlen(c[0]) > 2 && c[0][0] == '`', "code cell: %s", c[0]);
    snprintf(code, sizeof(code), "%.*s", (int)strlen(c[0]) - 2, c[0] + 1);
    f = mp_finding_find(code);
    cr_expect_not_null(f, "%s is documented but not in the code", code);
    if (f) {
      cr_expect_str_eq(c[1], mp_severity_name(f->severity), "%s", code);
      cr_expect_str_eq(c[2], f->ref, "%s", code);
      found++;
    }
  }
  cr_expect_eq(found, mp_nfindings, "%zu of %zu codes documented", found,
               mp_nfindings);
  mp_free(doc);
}

Test(findings, codes_are_unique_and_shaped)
{
  for (size_t i = 0; i < mp_nfindings; i++) {
    const char *c = mp_findings[i].code;

    cr_expect_eq(strspn(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"), strlen(c),
                 "%s", c);
    for (size_t k = 0; k < i; k++) {
      cr_expect_str_neq(mp_findings[k].code, c);
    }
  }
}
