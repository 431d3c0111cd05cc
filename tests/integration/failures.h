#ifndef MP_TESTS_INTEGRATION_FAILURES_H
#define MP_TESTS_INTEGRATION_FAILURES_H

#include <stddef.h>

#include "tests/support/json.h"

/* What the comparisons of one scan found. */
struct fault_tally {
  unsigned rows;      /* rows compared */
  unsigned differ;    /* rows with a part that differs from the clean one */
  unsigned silent;    /* of which a part does not say why */
  unsigned false_neg; /* fields that read as a negative answer (nxdomain,
                         nodata, none, not_authorized, no_domainkey, false)
                         where the clean row has data */
  unsigned reports;   /* silent parts and false negatives met; the first
                         are logged as warnings */
};

/* Compares row line of a scan while lookups failed (faulty) with the same
 * row of a clean scan, part by part, timing fields aside (docs/schema.md,
 * "How failures show"); counts it in t, and logs the first silent parts and
 * false negatives, with config, the line and the field. Both rows are
 * borrowed. */
void fault_compare(const char *config, size_t line, const struct mp_json *clean,
                   const struct mp_json *faulty, struct fault_tally *t);

#endif
