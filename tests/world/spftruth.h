#ifndef MP_TESTS_WORLD_SPFTRUTH_H
#define MP_TESTS_WORLD_SPFTRUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tests/world/zonedb.h"

/* The generator's own SPF posture truth (RFC 7208), written without the
 * scanner's code: check_host() walked for an address that matches no
 * mechanism but "all", plus a static look at the whole include tree. The
 * DNS it reads is the generated zone text parsed back (zonedb.h): names
 * under example. from one db, names under test. from another (the records
 * written for the current line), SERVFAIL under broken.test. The rules and
 * their reading of the RFC are in tests/world/README.md. */

enum mp_spft_status {
  MP_SPFT_DASH, /* the domain is NXDOMAIN or SERVFAIL: no SPF columns */
  MP_SPFT_NONE,
  MP_SPFT_VALID,
  MP_SPFT_PERMERROR,
  MP_SPFT_TEMPERROR,
  MP_SPFT_NSTATUS
};

enum mp_spft_reason {
  MP_SPFT_R_NONE, /* valid */
  MP_SPFT_R_NO_RECORD,
  MP_SPFT_R_MULTIPLE,
  MP_SPFT_R_SYNTAX,
  MP_SPFT_R_LOOKUP_LIMIT,
  MP_SPFT_R_VOID_LIMIT,
  MP_SPFT_R_INCLUDE_NONE,
  MP_SPFT_R_REDIRECT_NONE,
  MP_SPFT_R_DNS,
  MP_SPFT_NREASON
};

/* One row of spf_truth.tsv. */
struct mp_spft_row {
  enum mp_spft_status status;
  enum mp_spft_reason reason;
  unsigned lookups, lookups_static, voids, depth;
  unsigned mx_empty;   /* MX hosts without A/AAAA met by the walk's mx terms
                          (not void lookups here; world-stats.txt only) */
  char all;            /* '+', '-', '~', '?' or 0 */
  char includes[1024]; /* "a,b" or "" */
  char redirect[256];  /* "" if none */
  bool uses_ptr, uses_exists, uses_macros, exact;
  bool tree_failed;  /* a lookup of the tree failed: lookups_static, depth
                        and a uses_* flag that is false are unknown ("-") */
  uint64_t ip4, ip6; /* ip6: /64 networks, UINT64_MAX for 2^64 */
};

struct mp_spft; /* the evaluator: scratch memory and the target sets */

/* example: the example. zone (kept, borrowed for the evaluator's life). */
struct mp_spft *mp_spft_new(const struct mp_zonedb *example);
void mp_spft_free(struct mp_spft *t);

/* Evaluates domain (lowercase A-label, no trailing dot) with line: the
 * test. records of its input line (borrowed for the call). Adds the
 * include/redirect targets it meets to the evaluator's sets. */
void mp_spft_eval(struct mp_spft *t, const struct mp_zonedb *line,
                  const char *domain, struct mp_spft_row *row);

/* Distinct include/redirect target names met: anywhere in the static trees
 * (walked = false), or fetched by the no-match walks (walked = true). */
size_t mp_spft_targets(const struct mp_spft *t, bool walked);

const char *mp_spft_status_name(enum mp_spft_status s);
const char *mp_spft_reason_name(enum mp_spft_reason r);

#endif
