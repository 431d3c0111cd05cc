#ifndef MP_SCANNER_FINDINGS_H
#define MP_SCANNER_FINDINGS_H

#include <stddef.h>
#include <stdio.h>

#include "output/finding.h"
#include "output/result.h"

/* Every problem a check can report, as a stable code users grep, count and
 * diff: the table is MP_FINDING_MAP (output/finding.h), printed by
 * --list-findings and listed in docs/. */

struct mp_finding {
  const char *code;
  enum mp_severity severity;
  const char *text; /* one line */
  const char *ref;  /* the RFC section or receiver requirement */
};

/* Indexed by enum mp_finding_code. */
extern const struct mp_finding mp_findings[];
extern const size_t mp_nfindings;

/* The finding with this code, or NULL. */
const struct mp_finding *mp_finding_find(const char *code);

/* Prints the table (code, severity, reference, text), one per line. */
void mp_findings_print(FILE *f);

/* Adds code to the row, once. */
void mp_result_add_finding(struct mp_result *res, enum mp_finding_code code);

#endif
