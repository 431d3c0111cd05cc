#ifndef MP_SCANNER_RECORDS_POLICY_BIMI_H
#define MP_SCANNER_RECORDS_POLICY_BIMI_H

#include <stddef.h>
#include <stdint.h>

#include "scanner/records/policy_txt.h"

/* The tags of a BIMI assertion record (draft-brand-indicators-for-message-
 * identification-10 section 4.3, lps= as draft-14 section 4.3 has it),
 * once policy_txt.c has selected the record. Pure. */

/* Reads the DKIM-style tag-list (RFC 6376 3.2) s[0..n): tag-spec *(";"
 * tag-spec) [";"], tag-spec = [FWS] tag-name [FWS] "=" [FWS] tag-value
 * [FWS], tag-name = ALPHA *(ALPHA / DIGIT / "_"), tag-value = VALCHARs
 * (%x21-3A / %x3C-7E) with inner FWS, into out's l a lps avp bad_avp and
 * nunknown (slices into s). Returns MP_POLICY_OK, or the error with *off
 * (-1 when it is about no one byte). */
enum mp_policy_error mp_policy_bimi_tags(const char *s, size_t n,
                                         struct mp_bimi *out, int64_t *off);

#endif
