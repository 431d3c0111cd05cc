#ifndef MP_SCANNER_CHECK_H
#define MP_SCANNER_CHECK_H

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

/* RFC 7208 section 4.5: a record that begins with "v=spf1" (any case)
 * followed by a space or its end. */
bool mp_spf_is_record(const char *txt, size_t len);

/* RFC 7489 section 6.4 and 6.6.3: "v" (any case), optional WSP, "=",
 * optional WSP, "DMARC1" (exactly), optional WSP, then ";" or the end. */
bool mp_dmarc_is_record(const char *txt, size_t len);

/* Lists the records of a TXT lookup for which is_record holds. */
void mp_check_pick(const struct mp_result_lookup *txt,
                   bool (*is_record)(const char *, size_t),
                   struct mp_result_records *out);

#endif
