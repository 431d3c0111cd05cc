#ifndef MP_INPUT_NAME_H
#define MP_INPUT_NAME_H

#include <stddef.h>

#include "output/result.h"

/* Domain name normalization and validation (RFC 1035 sections 2.3.1 and
 * 2.3.4). The reason returned through *why is the row's code
 * (output/status.h, enum mp_name_error: its name table names it in rows
 * and docs/schema.md lists them). */

/* Normalizes the name in in[0..len) into out, NUL-terminated: trims spaces
 * and tabs, lowercases ASCII, strips one trailing dot, converts U-labels to
 * A-labels (UTS #46 non-transitional, as browsers do; only when a byte >=
 * 0x80 is present), then validates. Returns the length (>= 1) with *why set
 * to MP_NAME_ERROR_ABSENT, or -EINVAL with *why set to the reason and out
 * set to "". in may hold any byte, NUL included, and is never read past len. */
int mp_name_normalize(const char *in, size_t len, char out[MP_NAME_MAX + 1],
                      enum mp_name_error *why);

#endif
