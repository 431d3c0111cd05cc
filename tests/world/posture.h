#ifndef MP_TESTS_WORLD_POSTURE_H
#define MP_TESTS_WORLD_POSTURE_H

#include <stdbool.h>
#include <stddef.h>

#include "tests/world/dkimtruth.h"
#include "tests/world/dmarctruth.h"
#include "tests/world/dnsview.h"
#include "tests/world/policytruth.h"
#include "tests/world/spftruth.h"

/* One row of posture_truth.tsv: DMARC discovery (dmarctruth.h), DKIM
 * probing (dkimtruth.h), the MX hosts and their reverse DNS, the MTA-STS,
 * TLS-RPT and BIMI records (policytruth.h), the readiness verdict and the
 * finding codes that are not SPF_*. Computed from the zone text that was
 * written, without the scanner's code; the rules are in
 * tests/world/README.md. */

/* A value a failed lookup can leave unknown: written 1, 0 or "-". */
enum mp_post_tri { MP_POST_NO, MP_POST_YES, MP_POST_UNKNOWN };

struct mp_post_row {
  bool exists; /* false: NXDOMAIN; no MX hosts, no verdict ("-") */
  struct mp_dmarct_row dmarc;
  struct mp_dkimt_row dkim;
  bool mx_null, mx_none; /* null MX; no MX records at all */
  enum mp_post_tri mx_all_fcrdns;
  unsigned mx_unresolved, mx_generic;
  char mx_detail[4096]; /* the CSV's mx_hosts_detail, items '|'-joined */
  struct mp_polt_row sts, tlsrpt, bimi; /* policytruth.h */
  enum mp_post_tri ready;
  char failed[64];    /* "spf_or_dkim,dmarc,mx_fcrdns" or "-" */
  char unknown[64];   /* the requirements not known, the same way */
  char findings[800]; /* sorted, ','-joined, "-" when none */
};

/* Evaluates domain (not under broken.test) over v, whose line db holds the
 * domain's records. spf: its spf_truth.tsv status. A domain that does not
 * exist (NXDOMAIN) gets its DMARC discovery, DKIM and policy records (all
 * "none": nothing is below it), and "-" for the MX hosts and the
 * verdict. */
void mp_post_eval(const struct mp_dv *v, const char *domain,
                  enum mp_spft_status spf, struct mp_post_row *row);

/* The columns after "line domain", TAB-separated, no newline. */
void mp_post_format(const struct mp_post_row *row, char *buf, size_t cap);

/* The number of those columns. */
#define MP_POST_COLUMNS 48

#endif
