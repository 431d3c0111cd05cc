#include "scanner/findings.h"

#include <string.h>

const struct mp_finding mp_findings[] = {
#define MP_X_FINDING(code, sev, text, ref)                                     \
  [MP_FINDING_##code] = {#code, MP_SEV_##sev, text, ref},
    MP_FINDING_MAP(MP_X_FINDING)
#undef MP_X_FINDING
};

const size_t mp_nfindings = sizeof(mp_findings) / sizeof(mp_findings[0]);

const struct mp_finding *mp_finding_find(const char *code)
{
  for (size_t i = 0; i < mp_nfindings; i++) {
    if (strcmp(mp_findings[i].code, code) == 0) {
      return &mp_findings[i];
    }
  }
  return NULL;
}

void mp_findings_print(FILE *f)
{
  for (size_t i = 0; i < mp_nfindings; i++) {
    const struct mp_finding *x = &mp_findings[i];

    fprintf(f, "%-24s %-8s %-32s %s\n", x->code, mp_severity_name(x->severity),
            x->ref, x->text);
  }
}

void mp_result_add_finding(struct mp_result *res, enum mp_finding_code code)
{
  for (size_t i = 0; i < res->nfindings; i++) {
    if (res->findings[i] == code) {
      return;
    }
  }
  if (res->nfindings < MP_FINDINGS_MAX) {
    res->findings[res->nfindings++] = code;
  }
}
