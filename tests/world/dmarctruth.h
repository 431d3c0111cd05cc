#ifndef MP_TESTS_WORLD_DMARCTRUTH_H
#define MP_TESTS_WORLD_DMARCTRUTH_H

#include "tests/world/dnsview.h"

/* The generator's own DMARC truth: policy discovery by the RFC 9989 DNS
 * Tree Walk (section 4.10), the RFC 7489 Organizational Domain by the
 * Public Suffix List (whose default rule "*" is the only one that applies
 * to the world's TLDs), the policy that applies, the tags of its record
 * (its own small tag parser, RFC 9989 sections 4.7 and 4.8), the
 * authorization of its report destinations, and the DMARC_* finding codes.
 * How each rule was read is in tests/world/README.md. */

#define MP_DMARCT_FINDINGS 24

struct mp_dmarct_row {
  const char *status;      /* "none", "valid", "invalid", "temperror" */
  const char *found_at;    /* "self", "organizational", "public_suffix", "-" */
  const char *method;      /* "direct", "psl", "tree_walk", "-" */
  int disagree;            /* the PSL and the walk pick different records:
                              1, 0, or -1 when a failed lookup leaves it
                              unknown */
  char policy_domain[256]; /* "-" when none */
  const char *effective;   /* "none", "quarantine", "reject", "missing" */
  char org_psl[256];       /* registrable domain, "-" for a public suffix */
  char org_tree_walk[256]; /* section 4.10.2; "-" when a lookup of the
                              walk failed and with several records at the
                              domain */
  char external[1024];     /* "dest=authorized,...", "-" when none */
  /* The tags of the record that applies, "-" when absent (all "-" when
   * none applies): p sp np pct adkim aspf fo psd t. */
  char tag[9][16];
  char rua[1024], ruf[1024]; /* "uri[>domain=internal|authorization]" */
  char unknown[256];         /* unknown tag names, "-" when none */
  char removed[32];          /* pct rf ri as given, "-" when none */
  const char *error; /* "multiple_records", "no_policy", "duplicate_tag", "-" */
  const char *findings[MP_DMARCT_FINDINGS]; /* DMARC_* codes */
  size_t nfindings;
};

/* Evaluates domain (lowercase A-label, no trailing dot); exists: whether
 * it exists (a name that does not takes np, and has no DMARC_MISSING). */
void mp_dmarct_eval(const struct mp_dv *v, const char *domain, bool exists,
                    struct mp_dmarct_row *row);

/* RFC 7489 section 6.4 record selection: "v" *WSP "=" *WSP "DMARC1" *WSP
 * then ";" or the end ("v" in any case, "DMARC1" exactly). */
bool mp_dmarct_is_record(const char *p, size_t n);

/* The organizational domain by the PSL's default rule: the last two
 * labels of name into out (256 bytes), or "-" for a one-label name. */
void mp_dmarct_psl_org(const char *name, char *out);

#endif
