#ifndef MP_SCANNER_FINDINGS_H
#define MP_SCANNER_FINDINGS_H

#include <stddef.h>
#include <stdio.h>

#include "output/result.h"

/* Every problem a check can report, as a stable code users grep, count and
 * diff: one table, printed by --list-findings and listed in docs/. */

enum mp_severity {
  MP_SEV_ERROR,   /* receivers will reject or the policy is broken */
  MP_SEV_WARNING, /* works today, but fragile or against a SHOULD */
  MP_SEV_INFO,    /* worth knowing */
};

struct mp_finding {
  const char *code;
  enum mp_severity severity;
  const char *text; /* one line */
  const char *ref;  /* the RFC section or receiver requirement */
};

extern const struct mp_finding mp_findings[];
extern const size_t mp_nfindings;

/* The finding with this code, or NULL. */
const struct mp_finding *mp_finding_find(const char *code);

/* "error", "warning", "info". */
const char *mp_severity_name(enum mp_severity s);

/* Prints the table (code, severity, reference, text), one per line. */
void mp_findings_print(FILE *f);

/* Adds code (which must be in the table) to the row, once. */
void mp_result_add_finding(struct mp_result *res, const char *code);

#endif
