#ifndef MP_SCANNER_SPF_EVAL_H
#define MP_SCANNER_SPF_EVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scanner/dns/cache.h"
#include "scanner/spf/ipset.h"
#include "scanner/dns/replay.h"
#include "scanner/spf/parse.h"

/* check_host() of RFC 7208 (sections 4 to 6, 8) over the answer cache, and
 * the same walk in "posture" mode, with no client address, for the
 * structure of a domain's policy. The one evaluator of the project: the
 * scanner and the conformance suite both run it.
 *
 * Evaluation is a replay: mp_spf_check_host() runs from the top with what
 * the cache holds. When an answer is missing it asks the cache for it,
 * goes on to find what else is missing, and returns MP_SPF_PENDING; the
 * caller waits on ev->rp.pending[] and calls again (scanner/dns/replay.h).
 * Entries touched stay referenced by ev until mp_spf_eval_reset(), so a replay
 * never loses them. With a cache whose fetcher answers at once (tests), the
 * first call finishes. */

#define MP_SPF_PENDING      1
#define MP_SPF_LOOKUP_LIMIT 10 /* section 4.6.4 */
#define MP_SPF_VOID_LIMIT   2  /* section 4.6.4 */
#define MP_SPF_MX_LIMIT     10 /* names per mx, ptr evaluation */
#define MP_SPF_EXP_MAX      1024
#define MP_SPF_WALK_MAX                                                        \
  100 /* DNS-querying terms one posture walk                                   \
         follows afresh: include bombs stop there */

enum mp_spf_result {
  MP_SPF_NONE,
  MP_SPF_NEUTRAL,
  MP_SPF_PASS,
  MP_SPF_FAIL,
  MP_SPF_SOFTFAIL,
  MP_SPF_TEMPERROR,
  MP_SPF_PERMERROR,
};

/* Why a result is none, temperror or permerror; their names in rows are
 * output/status.h's MP_SPF_REASON_CODE_MAP, in this order. */
enum mp_spf_reason {
  MP_SPF_REASON_NONE,          /* nothing to explain */
  MP_SPF_REASON_NO_RECORD,     /* none: no v=spf1 record */
  MP_SPF_REASON_BAD_DOMAIN,    /* none: <domain> is not a usable name */
  MP_SPF_REASON_MULTIPLE,      /* permerror: several v=spf1 records */
  MP_SPF_REASON_SYNTAX,        /* permerror: a syntax error */
  MP_SPF_REASON_LOOKUP_LIMIT,  /* permerror: over 10 DNS-querying terms */
  MP_SPF_REASON_VOID_LIMIT,    /* permerror: over 2 void lookups */
  MP_SPF_REASON_INCLUDE_NONE,  /* permerror: include of a domain with no
                                  record (section 5.2) */
  MP_SPF_REASON_REDIRECT_NONE, /* permerror: redirect to a domain with no
                                  record (section 6.1) */
  MP_SPF_REASON_MX_LIMIT,      /* permerror: over 10 MX records (section
                                  4.6.4) */
  MP_SPF_REASON_DNS,           /* temperror: a lookup failed */
  MP_SPF_REASON_MACRO,         /* permerror: a macro expanded to nothing
                                  usable */
};

struct mp_spf_request {
  int family;         /* AF_INET, AF_INET6, or AF_UNSPEC for posture mode */
  uint8_t ip[16];     /* 4 or 16 bytes, network order */
  const char *sender; /* MAIL FROM; "" or NULL: the HELO identity is
                         checked as postmaster@<helo> */
  const char *helo;
  const char *domain;   /* check_host's <domain>; NULL: the sender's */
  bool explain;         /* on fail, fetch and expand exp= (section 6.2) */
  const char *receiver; /* %{r}; NULL: "unknown" */
  int64_t now;          /* %{t} */
  /* The TXT answer at <domain>, when the caller already has it (the
   * scanner's own lookup); NULL: fetched through the cache. */
  const struct mp_answer *root_txt;
};

/* What posture mode reports, beyond the result. */
struct mp_spf_posture {
  unsigned lookups_static; /* DNS-querying terms in the whole tree,
                              everything followed, nothing cut short */
  unsigned depth;          /* longest include/redirect chain */
  int all_qual;            /* qualifier of the all that ends the walk
                              (enum mp_spf_qual), or -1 */
  bool uses_ptr, uses_exists, uses_macros;
  bool exact;             /* false: ptr, exists or macros made the
                             flattened sets a lower bound */
  uint64_t ip4_addresses; /* addresses the policy passes */
  uint64_t ip6_prefixes;  /* /64 networks the policy passes */
  /* --spf-include targets: reached anywhere, and the top-level result an
   * address it authorizes would get (pass/fail/softfail/neutral, or
   * temperror when the evaluation meets a failed lookup first), or -1
   * when an earlier term or a non-pass include shadows it. */
  size_t ntargets;
  struct {
    const char *name;
    bool reached;
    bool unknown;  /* not reached, but the walk met a failed lookup: the
                      part of the tree past it is unknown */
    int effective; /* enum mp_spf_result, or -1 */
  } targets[8];
  /* A lookup the walk needed failed (the result is temperror, or a
   * permerror from a limit met before it): the walk stopped there, so
   * lookups_static and depth cover the tree up to there, and a flag
   * (uses_*) that is false may be true past it. */
  bool failed;
};

struct mp_spf_outcome {
  enum mp_spf_result result;
  enum mp_spf_reason reason;
  size_t error_offset;           /* SYNTAX: byte offset in error_record */
  const char *error_record;      /* SYNTAX: the record holding the error */
  const char *explanation;       /* fail with explain: the exp= text or the
                                    default; valid until mp_spf_eval_reset */
  unsigned lookups;              /* DNS-querying terms evaluated */
  unsigned voids;                /* void lookups met */
  struct mp_spf_posture posture; /* posture mode only */
};

struct mp_spf_eval_impl; /* internal */

/* One evaluation's state: its references into the cache and what it
 * waits for (rp.pending after PENDING), reused across evaluations. */
struct mp_spf_eval {
  struct mp_replay rp;
  struct mp_spf_eval_impl *impl;
};

/* Ties ev to cache; _close releases everything. */
void mp_spf_eval_init(struct mp_spf_eval *ev, struct mp_cache *cache);
void mp_spf_eval_close(struct mp_spf_eval *ev);

/* Drops the references of the last evaluation; ev can start another. */
void mp_spf_eval_reset(struct mp_spf_eval *ev);

/* Names of the --spf-include targets posture mode looks for (borrowed for
 * ev's life); at most 8. */
void mp_spf_eval_targets(struct mp_spf_eval *ev, const char *const *names,
                         size_t n);

/* Runs check_host() (req->family set) or the posture walk (AF_UNSPEC).
 * Returns 0 with *out filled, or MP_SPF_PENDING (see above). */
int mp_spf_check_host(struct mp_spf_eval *ev, const struct mp_spf_request *req,
                      struct mp_spf_outcome *out);

/* The domain's own record as the last mp_spf_check_host() on ev parsed it
 * from req->root_txt (its includes, its redirect): NULL when there was no
 * root_txt or it held no single valid v=spf1 record. It points into ev and
 * into root_txt's text: valid while that answer lives, until the next
 * mp_spf_check_host() or mp_spf_eval_close() (mp_spf_eval_reset() keeps
 * it), so a caller need not parse the record again. */
const struct mp_spf_record *mp_spf_eval_record(const struct mp_spf_eval *ev);

/* Section 4.3: whether domain (SPF's raw octets) is a name check_host()
 * can use, a multi-label FQDN of labels of 1 to 63 octets. When it is not,
 * mp_spf_check_host gives none (MP_SPF_REASON_BAD_DOMAIN) and queries
 * nothing, so a caller need not look up its TXT record either. */
bool mp_spf_domain_ok(const char *domain);

/* The explanation used when a record has no exp= (section 6.2). */
extern const char mp_spf_default_explanation[];

#endif
