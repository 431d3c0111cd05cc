#ifndef MP_INPUT_NAME_H
#define MP_INPUT_NAME_H

#include <stddef.h>

#include "output/result.h"

/* Domain name normalization and validation (RFC 1035 sections 2.3.1 and
 * 2.3.4). Reason codes returned through *why are stable strings, listed in
 * docs/: "empty", "name_too_long", "label_too_long", "empty_label",
 * "bad_char", "label_hyphen", "numeric_tld", "idna". */

/* Normalizes the name in in[0..len) into out, NUL-terminated: trims spaces
 * and tabs, lowercases ASCII, strips one trailing dot, converts U-labels to
 * A-labels (UTS #46 non-transitional, as browsers do; only when a byte >=
 * 0x80 is present), then validates. Returns the length (>= 1) with *why set
 * to NULL, or -EINVAL with *why set to a static reason code and out set to
 * "". in may hold any byte, NUL included, and is never read past len. */
int mp_name_normalize(const char *in, size_t len, char out[MP_NAME_MAX + 1],
                      const char **why);

#endif
