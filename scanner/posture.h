#ifndef MP_SCANNER_POSTURE_H
#define MP_SCANNER_POSTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "output/finding.h"
#include "output/result.h"
#include "scanner/records/orgdomain.h"
#include "scanner/topk.h"

/* The posture counts of a survey (docs/schema.md "Summary JSON"): rows by
 * status, lookups by outcome, adoption, histograms, findings, breakdowns by
 * public suffix and rank bucket, top lists. One row at a time goes in as a
 * struct mp_prow, filled from a live row (mp_prow_from_result) or from a
 * row read back from a file (scanner/postrow.h), so a scan's --summary and
 * mailposture summarize count with the same code. Memory is bounded:
 * MP_POSTURE_SUFFIXES_MAX suffix groups and two top-k tables. */

/* The adoption counters, in the order the JSON writes them. */
#define MP_ADOPTION_MAP(X)                                                     \
  X(domains)                                                                   \
  X(spf_rows)                                                                  \
  X(spf_record)                                                                \
  X(spf_valid)                                                                 \
  X(spf_lookup_limit)                                                          \
  X(spf_plus_all)                                                              \
  X(spf_all_fail)                                                              \
  X(spf_all_softfail)                                                          \
  X(spf_all_neutral)                                                           \
  X(spf_all_pass)                                                              \
  X(spf_all_none)                                                              \
  X(dmarc_rows)                                                                \
  X(dmarc_reject)                                                              \
  X(dmarc_quarantine)                                                          \
  X(dmarc_none)                                                                \
  X(dmarc_missing)                                                             \
  X(dmarc_rua)                                                                 \
  X(dkim_rows)                                                                 \
  X(dkim_found)                                                                \
  X(dkim_usable)                                                               \
  X(dkim_unusable)                                                             \
  X(dkim_incomplete)                                                           \
  X(mx_rows)                                                                   \
  X(mx_null)                                                                   \
  X(mx_all_fcrdns)                                                             \
  X(mx_fcrdns_unknown)                                                         \
  X(mta_sts_rows)                                                              \
  X(mta_sts_valid)                                                             \
  X(tls_rpt_rows)                                                              \
  X(tls_rpt_valid)                                                             \
  X(bimi_rows)                                                                 \
  X(bimi_valid)                                                                \
  X(verdict_rows)                                                              \
  X(ready)                                                                     \
  X(verdict_unknown)

/* What a survey reports: counted over the domains that resolve (status
 * ok), each check over the rows where it ran. */
struct mp_adoption {
#define MP_X_ADOPTION_FIELD(name) uint64_t name;
  MP_ADOPTION_MAP(MP_X_ADOPTION_FIELD)
#undef MP_X_ADOPTION_FIELD
};

#define MP_ADOPTION_COUNT (sizeof(struct mp_adoption) / sizeof(uint64_t))

/* The counter names, in the order of struct mp_adoption. */
extern const char *const mp_adoption_names[];

#define MP_SPF_LOOKUP_BUCKETS 12 /* 0 ... 10, >10 */
#define MP_DKIM_BITS_BUCKETS  6  /* <1024 1024 2048 3072 4096 other */
#define MP_RANK_BUCKETS       5  /* 1-1k 1k-10k 10k-100k 100k-1M unranked */
#define MP_POSTURE_SUFFIXES_MAX                                                \
  16384 /* suffix groups kept; suffixes met later count in "other" */
#define MP_POSTURE_SUFFIXES_LISTED 50 /* by_suffix: the largest, then other */

/* One DKIM key as the counts see it. */
struct mp_prow_key {
  unsigned bits; /* RSA modulus size, 0 when unknown or not RSA */
  bool rsa, revoked, error;
};

/* One row as the posture counts see it. Pointers are borrowed for the
 * mp_posture_add() call; the domain is NUL-terminated. */
struct mp_prow {
  enum mp_status status;
  int64_t rank;       /* -1 when the list has none */
  const char *domain; /* NULL when invalid */
  bool queried[3];    /* txt, dmarc_txt, mx: the lookup was made */
  enum mp_outcome outcome[3];
  bool spf; /* the SPF check ran */
  size_t spf_count;
  enum mp_spf_status spf_status;
  bool spf_lookup_limit; /* reason lookup_limit */
  char spf_all;          /* + - ~ ?, 0 when no all is reached */
  unsigned spf_lookups;
  size_t nincludes; /* listed includes (at most MP_SPF_INCLUDES_MAX) */
  struct mp_slice includes[MP_SPF_INCLUDES_MAX];
  bool dmarc; /* the DMARC check ran */
  enum mp_dmarc_effective effective;
  size_t nrua;                                   /* rua destinations listed */
  struct mp_slice rua_domain[MP_DMARC_URIS_MAX]; /* p NULL: no domain */
  bool dkim;                                     /* the DKIM check ran */
  size_t nkeys;                                  /* keys listed */
  struct mp_prow_key keys[MP_DKIM_FOUND_MAX];
  size_t nfailed; /* probes that failed */
  bool mx;        /* MX host details written */
  bool null_mx;
  enum mp_tri all_fcrdns;
  bool mta_sts, tls_rpt, bimi; /* the check ran */
  bool mta_sts_valid, tls_rpt_valid, bimi_valid;
  bool verdict; /* a verdict was computed */
  enum mp_tri ready;
  size_t nfindings;
  enum mp_finding_code findings[MP_FINDINGS_MAX];
};

/* A breakdown group: a public suffix. */
struct mp_posture_group {
  char *key;
  uint64_t hash;
  struct mp_adoption a;
};

struct mp_posture {
  const struct mp_orgdomain *psl; /* borrowed; NULL: the last label */
  uint64_t rows;
  uint64_t by_status[MP_STATUS_COUNT];
  uint64_t lookups[MP_OUTCOME_COUNT];
  struct mp_adoption adopt;
  uint64_t spf_lookups[MP_SPF_LOOKUP_BUCKETS];
  uint64_t dkim_bits[MP_DKIM_BITS_BUCKETS];
  uint64_t severity[MP_SEV_COUNT]; /* domains with such a finding */
  uint64_t code[MP_FINDING_COUNT]; /* domains with the finding */
  struct mp_adoption by_rank[MP_RANK_BUCKETS];
  struct mp_posture_group *suffix; /* nsuffix groups */
  size_t nsuffix, suffix_cap;
  uint32_t *slot; /* hash index: group + 1, 0 empty */
  size_t nslots;
  struct mp_adoption suffix_overflow; /* past MP_POSTURE_SUFFIXES_MAX */
  struct mp_topk *includes;           /* direct SPF include targets */
  struct mp_topk *report_dests;       /* rua destination domains */
};

/* Lifecycle: the caller owns p; psl (may be NULL) is borrowed until the
 * last mp_posture_add(). */
void mp_posture_init(struct mp_posture *p, const struct mp_orgdomain *psl);
void mp_posture_close(struct mp_posture *p);

/* Fills *row from a live row; row borrows from res. */
void mp_prow_from_result(struct mp_prow *row, const struct mp_result *res);

/* Counts one row. */
void mp_posture_add(struct mp_posture *p, const struct mp_prow *row);

/* Adds every counter of b to a. */
void mp_adoption_merge(struct mp_adoption *a, const struct mp_adoption *b);

/* The rank bucket of a rank (-1: none): 0 "1-1k" ... 4 "unranked". */
size_t mp_posture_rank_bucket(int64_t rank);

/* The JSON members (each with a leading ','): "status" and "lookups". */
void mp_posture_json_counts(const struct mp_posture *p, FILE *f);

/* The JSON members "adoption", "histograms", "findings", "breakdowns",
 * "top_spf_includes", "top_report_destinations", each with a leading
 * ','. */
void mp_posture_json(const struct mp_posture *p, FILE *f);

#endif
