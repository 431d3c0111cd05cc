#ifndef MP_SCANNER_CHECKS_CHECK_H
#define MP_SCANNER_CHECKS_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "scanner/job.h"

/* The check modules. Each owns its lookups in struct mp_job and its part of
 * struct mp_result; job.c lists them in mp_checks[]. */

extern const struct mp_check mp_check_spf;     /* TXT <domain>, v=spf1 */
extern const struct mp_check mp_check_dmarc;   /* TXT _dmarc.<domain> */
extern const struct mp_check mp_check_dkim;    /* <selector>._domainkey */
extern const struct mp_check mp_check_mx;      /* MX <domain>, hosts, PTR */
extern const struct mp_check mp_check_mta_sts; /* _mta-sts.<domain> */
extern const struct mp_check mp_check_tls_rpt; /* _smtp._tls.<domain> */
extern const struct mp_check mp_check_bimi;    /* default._bimi.<domain> */

/* Lists the records of a TXT lookup for which is_record holds. */
void mp_check_pick(const struct mp_result_lookup *txt,
                   bool (*is_record)(const char *, size_t),
                   struct mp_result_records *out);

#endif
