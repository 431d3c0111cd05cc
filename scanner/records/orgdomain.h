#ifndef MP_SCANNER_RECORDS_ORGDOMAIN_H
#define MP_SCANNER_RECORDS_ORGDOMAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The Organizational Domain, two ways:
 * - RFC 7489 section 3.2: by the Public Suffix List (libpsl), for
 *   comparison with older studies;
 * - RFC 9989 section 4.10: the DNS Tree Walk, as pure logic. The scanner
 *   asks the names of mp_orgdomain_walk_plan() (in order, stopping when
 *   mp_orgdomain_walk_more() says so, or all at once) and hands the answers
 *   to mp_orgdomain_walk_decide(). No I/O here.
 * Names are borrowed and answers point into them by offset; both ways
 * accept one trailing dot. */

#define MP_ORGDOMAIN_DEFAULT_PSL                                               \
  "/usr/share/publicsuffix/public_suffix_list.dat"
#define MP_ORGDOMAIN_WALK_MAX   8   /* queries of one walk (RFC 9989 4.10) */
#define MP_ORGDOMAIN_LABELS_MAX 127 /* labels in a 253-byte name */

/* ---- RFC 7489 section 3.2: the Public Suffix List ------------------- */

struct mp_orgdomain;

/* Loads a PSL file once (path NULL: MP_ORGDOMAIN_DEFAULT_PSL), either the
 * text list or libpsl's .dafsa. Sets *out (NULL first) to a new object the
 * caller frees with mp_orgdomain_free(). Returns 0, -ENOENT when the
 * file cannot be read, or -EINVAL when it holds no rule. Read-only
 * afterwards: threads may share it. */
int mp_orgdomain_new(const char *path, struct mp_orgdomain **out);

/* Frees od; NULL is a no-op. */
void mp_orgdomain_free(struct mp_orgdomain *od);

/* The Organizational Domain of the NUL-terminated name (RFC 7489 3.2: the
 * public suffix plus one label, libpsl's registrable domain): a pointer
 * into name, as written (ASCII case is ignored, U-labels must be
 * lowercase). NULL when name is NULL, empty, longer than 253 bytes, has an
 * empty label (a leading dot), or is itself a public suffix. */
const char *mp_orgdomain_psl(const struct mp_orgdomain *od, const char *name);

/* The public suffix of name (the longest suffix the list, or its implicit
 * "*" rule, makes public): a pointer into name, or NULL as above (except
 * that a public suffix is its own). */
const char *mp_orgdomain_suffix(const struct mp_orgdomain *od,
                                const char *name);

/* ---- RFC 9989 section 4.10: the DNS Tree Walk ----------------------- */

/* The names a walk from one domain queries, each as a suffix of it: name i
 * is domain + off[i] (prefix "_dmarc."), with labels[i] labels. Name 0 is
 * the domain itself, then its parent and so on up to the top-level label;
 * a domain of more than 8 labels jumps from itself to its last 7 labels
 * (RFC 9989 4.10 step 4, 4.10.1), so n <= 8. */
struct mp_orgdomain_walk {
  size_t n;
  uint16_t off[MP_ORGDOMAIN_WALK_MAX];
  uint8_t labels[MP_ORGDOMAIN_WALK_MAX];
  size_t len;     /* the domain's length, without a trailing dot */
  size_t nlabels; /* its labels */
  uint16_t label_off[MP_ORGDOMAIN_LABELS_MAX]; /* where each label starts,
                                                  left to right */
};

/* What the TXT lookup of _dmarc.<name i> gave. */
enum mp_orgdomain_answer_kind {
  MP_ORGDOMAIN_ANS_NONE,     /* no v=DMARC1 record (NXDOMAIN, NODATA, or
                                only other TXT records) */
  MP_ORGDOMAIN_ANS_RECORD,   /* exactly one DMARC record: give its psd */
  MP_ORGDOMAIN_ANS_MULTIPLE, /* more than one: all are discarded (4.10 step
                                2), so this counts as NONE */
  MP_ORGDOMAIN_ANS_ERROR,    /* the lookup failed (SERVFAIL, timeout...) */
};

/* Count only the TXT records that mp_dmarc_is_record() accepts (4.10 step
 * 2 discards the rest); any such record counts, with or without a valid p.
 * psd is the parsed record's .psd (U when absent or bad). */
struct mp_orgdomain_answer {
  uint8_t kind; /* enum mp_orgdomain_answer_kind */
  uint8_t psd;  /* enum mp_dmarc_psd of the record (RECORD only) */
};

/* Where the policy for the domain comes from (RFC 9989 4.10.1). */
/* Where the record that applies is; the row's names are output/status.h's
 * MP_DMARC_FOUND_MAP, in this order (NONE is ABSENT there). */
enum mp_orgdomain_source {
  MP_ORGDOMAIN_SRC_NONE, /* no record: DMARC does not apply */
  MP_ORGDOMAIN_SRC_SELF, /* the domain's own record */
  MP_ORGDOMAIN_SRC_ORG,  /* the record of its Organizational Domain */
  MP_ORGDOMAIN_SRC_PSD,  /* the record of its Public Suffix Domain (psd=y),
                            when the Organizational Domain has none */
};

/* Which rule of RFC 9989 4.10.2 chose the Organizational Domain. */
enum mp_orgdomain_rule {
  MP_ORGDOMAIN_RULE_DEFAULT, /* no record found: the domain itself */
  MP_ORGDOMAIN_RULE_PSD_N,   /* 1: the record with psd=n */
  MP_ORGDOMAIN_RULE_PSD_Y,   /* 2: one label below the record with psd=y */
  MP_ORGDOMAIN_RULE_FEWEST,  /* 3: the record with the fewest labels */
};

struct mp_orgdomain_walk_result {
  uint8_t source;     /* enum mp_orgdomain_source */
  uint8_t rule;       /* enum mp_orgdomain_rule */
  size_t policy;      /* the name whose record applies (index into the
                         walk), unless source is NONE */
  uint16_t org_off;   /* the Organizational Domain is domain + org_off */
  uint8_t org_labels; /* and has this many labels */
  size_t used;        /* answers the walk needed (the rest are ignored) */
  bool incomplete;    /* one of them was ERROR: the answer is the one the
                         walk gives when those names have no record, and
                         may change once they answer */
};

/* Plans the walk from domain[0..len) (a normalized name: no empty label,
 * at most 253 bytes and 63 per label, one trailing dot allowed) into *w.
 * Returns 0 or -EINVAL. */
int mp_orgdomain_walk_plan(struct mp_orgdomain_walk *w, const char *domain,
                           size_t len);

/* Writes "_dmarc.<name i>" of the walk, NUL-terminated, into buf. Returns
 * its length, or -ENOSPC (buf set to "") when cap is too small. */
int mp_orgdomain_walk_qname(const struct mp_orgdomain_walk *w,
                            const char *domain, size_t i, char *buf,
                            size_t cap);

/* Given the answers for names 0..nans-1, whether the walk needs name nans
 * too: false once a record with psd=y or psd=n was found (4.10 steps 2
 * and 6) or every name was asked. A record at name 0 is the policy
 * (4.10.1), but the walk goes on for the Organizational Domain unless it
 * says psd=y or psd=n: a caller that wants only the policy may stop. */
bool mp_orgdomain_walk_more(const struct mp_orgdomain_walk *w,
                            const struct mp_orgdomain_answer *ans, size_t nans);

/* Decides, from the answers for names 0..nans-1, which record applies to
 * the domain (4.10.1) and which name is its Organizational Domain (4.10.2).
 * Answers after the one that stopped the walk are ignored. Returns 0, or
 * -EINVAL when the walk needs more answers than nans. */
int mp_orgdomain_walk_decide(const struct mp_orgdomain_walk *w,
                             const struct mp_orgdomain_answer *ans, size_t nans,
                             struct mp_orgdomain_walk_result *out);

/* "default", "psd_n", "psd_y", "fewest_labels". */
const char *mp_orgdomain_rule_name(enum mp_orgdomain_rule r);

#endif
