#ifndef MP_OUTPUT_RESULT_H
#define MP_OUTPUT_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "output/finding.h"
#include "output/status.h"
#include "scanner/dns/dns.h"

/* What the scanner hands to a writer: one row per input line. Everything
 * here is borrowed from the scanner for the duration of one write call. The
 * DNS words it uses (types, outcomes, records) are scanner/dns/dns.h. */

#define MP_INPUT_MAX 512 /* bytes of the original line kept for the row */
#define MP_PICK_MAX  16  /* SPF/DMARC records listed per row */

/* Per-domain status. */
enum mp_status {
  MP_STATUS_OK,           /* every lookup answered, the domain exists */
  MP_STATUS_INVALID_NAME, /* the line is not a usable domain name */
  MP_STATUS_NXDOMAIN,     /* the domain itself does not exist */
  MP_STATUS_SERVFAIL,     /* else: the first failed lookup's outcome */
  MP_STATUS_REFUSED,
  MP_STATUS_TIMEOUT,
  MP_STATUS_FORMERR,
  MP_STATUS_ERROR,
  MP_STATUS_COUNT
};

/* A truth value that a failed lookup can leave unknown (written true,
 * false, or null). A lookup that failed is never read as an answer. */
enum mp_tri {
  MP_TRI_FALSE,
  MP_TRI_TRUE,
  MP_TRI_UNKNOWN,
};

/* "ok", "invalid_name", ... as in rows: the name table, and a lookup. */
extern const char *const mp_status_names[MP_STATUS_COUNT];
const char *mp_status_name(enum mp_status s);

/* The SPF all qualifier as the result it gives (RFC 7208 section 4.6.2),
 * by the check_host() results' names: "pass", "fail", "softfail",
 * "neutral"; NULL for 0. Words, not "+" and
 * "-", which would begin a CSV cell like a formula. */
const char *mp_spf_all_name(char qualifier);

/* One DNS lookup made for the row. */
struct mp_result_lookup {
  bool queried; /* false: not asked (invalid name) */
  const char *name;
  uint16_t type;
  enum mp_outcome outcome;
  int rcode;         /* DNS RCODE of the final answer, -1 if none */
  unsigned attempts; /* queries sent for it, retries included */
  double rtt_ms;     /* first send to final outcome */
  const char *cname; /* the alias target when the name is a CNAME */
  size_t count;      /* records of the queried type */
  const struct mp_rr *rr;
};

/* Records of one kind picked out of a TXT answer (v=spf1, v=DMARC1). */
struct mp_result_records {
  size_t count; /* all that matched; the first MP_PICK_MAX are listed */
  const struct mp_rr *rr[MP_PICK_MAX];
};

#define MP_SPF_CHECKS_MAX   8  /* --spf-ip addresses */
#define MP_SPF_TARGETS_MAX  8  /* --spf-include names */
#define MP_SPF_INCLUDES_MAX 32 /* direct includes listed per row */
#define MP_FINDINGS_MAX     32

/* The SPF evaluation of the domain (RFC 7208), without a client address
 * ("posture"), plus one check_host() per --spf-ip address. */
struct mp_result_spf {
  bool evaluated;            /* false: invalid name (row has no spf object) */
  enum mp_spf_status status; /* output/status.h */
  enum mp_spf_reason_code reason; /* why not valid, or ABSENT */
  int64_t error_offset; /* syntax error: byte offset in the record, -1 */
  struct mp_slice error_record; /* the record holding the syntax error */
  struct mp_slice record;       /* the domain's record when there is one */
  unsigned lookups;             /* DNS-querying terms evaluated (max 11) */
  unsigned lookups_static;      /* in the whole tree, nothing cut short */
  unsigned voids;               /* void lookups met */
  unsigned depth;               /* longest include/redirect chain */
  char all;         /* qualifier of the all reached: + - ~ ?, or 0 */
  size_t nincludes; /* direct includes; the first
                       MP_SPF_INCLUDES_MAX are listed */
  struct mp_slice includes[MP_SPF_INCLUDES_MAX];
  struct mp_slice redirect; /* p NULL when none */
  bool uses_ptr, uses_exists, uses_macros;
  bool tree_failed;       /* a lookup of the walk failed (temperror, or a
                             permerror from a limit met first): the tree
                             past it is unknown, so lookups_static and
                             depth are unknown, and so is a uses_* flag
                             that is false */
  bool exact;             /* the address counts are exact */
  bool counted;           /* the address counts are known (valid) */
  uint64_t ip4_addresses; /* IPv4 addresses the policy passes */
  uint64_t ip6_prefixes;  /* IPv6 /64 networks it passes */
  size_t length;          /* bytes of the record */
  size_t nchecks;         /* --spf-ip: check_host() per address */
  struct {
    const char *ip;                  /* as given */
    enum mp_spf_check_result result; /* output/status.h */
    enum mp_spf_reason_code reason;  /* or ABSENT */
  } checks[MP_SPF_CHECKS_MAX];
  size_t ntargets; /* --spf-include: where each name sits in the tree */
  struct {
    const char *name;
    bool reached;
    bool unknown; /* reached is unknown: a lookup of the walk
                     failed before the name was met */
    enum mp_spf_check_result effective; /* result an address it
                                           authorizes gets, ABSENT when
                                           not reached or shadowed */
  } targets[MP_SPF_TARGETS_MAX];
};

#define MP_DMARC_URIS_MAX 8 /* rua/ruf addresses listed */
#define MP_DMARC_TAGS_MAX 8 /* unknown / removed tags listed */
#define MP_DKIM_FOUND_MAX 8 /* selectors with a key, listed */
#define MP_DKIM_FAILED_MAX                                                     \
  64 /* selectors whose probe failed, listed: as many as can be probed         \
        (scanner/config.h), so every one is */
#define MP_MX_HOSTS_MAX 10 /* MX hosts examined (RFC 7208's limit too) */
#define MP_MX_ADDRS_MAX 4  /* addresses per host examined */

/* One rua/ruf destination (RFC 7489 7.1, RFC 9989). */
struct mp_result_report_dest {
  struct mp_slice uri; /* as written, without the !size suffix */
  const char *domain;  /* the address's domain (lowercase), or NULL */
  bool external;       /* outside the policy domain's organizational
                          domain: needs an authorization record */
  enum mp_dmarc_auth authorization; /* ABSENT when not external */
};

/* DMARC (RFC 7489, RFC 9989): where the policy was found and what it says. */
struct mp_result_dmarc {
  bool evaluated;
  enum mp_record_status status;
  enum mp_dmarc_found found_at; /* ABSENT when no record applies */
  enum mp_dmarc_method method;  /* direct (self), psl (RFC 7489), tree_walk
                                   (RFC 9989), or ABSENT */
  const char *policy_domain;    /* the name whose _dmarc record applies */
  struct mp_slice record;       /* that record */
  const char *org_psl;          /* organizational domain by the PSL */
  const char *org_tree_walk;    /* organizational domain by the tree walk;
                                   NULL when walk_failed */
  enum mp_tri methods_disagree; /* the two give different policy records;
                                   unknown when a lookup of either failed */
  unsigned walk_queries;        /* DNS queries the tree walk made (max 8) */
  bool walk_failed; /* a lookup of the tree walk failed: the Organizational
                       Domain and the walk's queries are unknown */
  enum mp_dmarc_p p, sp, np; /* ABSENT when absent */
  int pct;                   /* 0-100, -1 when absent */
  char adkim, aspf;          /* 'r' or 's' (defaults applied) */
  struct mp_slice fo;        /* as written, p NULL when absent */
  char psd;                  /* 'y', 'n', 'u' (RFC 9989), 0 when absent */
  char testing;              /* t= (RFC 9989): 'y', 'n', 0 when absent */
  enum mp_dmarc_effective effective_policy; /* what applies to the domain;
                                               MISSING when no valid record
                                               applies */
  size_t nrua, nruf;
  struct mp_result_report_dest rua[MP_DMARC_URIS_MAX];
  struct mp_result_report_dest ruf[MP_DMARC_URIS_MAX];
  size_t nunknown; /* unknown tags (names) */
  struct mp_slice unknown[MP_DMARC_TAGS_MAX];
  size_t nremoved; /* tags RFC 9989 removed, present: pct rf ri */
  struct mp_slice removed[MP_DMARC_TAGS_MAX];
  enum mp_dmarc_reason error; /* why the record is invalid, or ABSENT */
  bool domain_missing;        /* the discovery found the domain does not exist
                                 (RFC 8020): the row's status (not written) */
  enum mp_outcome domain_lookup; /* the outcome of the TXT lookup that told
                                    it, when one was made (else OK) */
};

/* One DKIM selector that has a key record (RFC 6376 3.6.1). */
struct mp_result_dkim_key {
  const char *selector;
  const char *cname;        /* the delegation target when it is a CNAME */
  const char *key_type;     /* "rsa", "ed25519", or the k= value */
  unsigned bits;            /* RSA modulus size (0 when unknown / not RSA) */
  bool revoked;             /* empty p= */
  bool testing;             /* t=y */
  enum mp_dkim_error error; /* malformed record, or ABSENT */
  struct mp_slice record;
};

/* DKIM: the selector probes. */
struct mp_result_dkim {
  bool evaluated;
  enum mp_dkim_status status; /* NO_DOMAINKEY: NXDOMAIN at _domainkey,
                                 probes skipped (RFC 8020) */
  unsigned probed;            /* selectors asked */
  size_t nfound;              /* selectors with a key; the first
                                 MP_DKIM_FOUND_MAX are listed */
  struct mp_result_dkim_key found[MP_DKIM_FOUND_MAX];
  unsigned weakest_bits; /* smallest RSA key in use, 0 when none */
  size_t nfailed;        /* probes that failed (timeout, SERVFAIL, ...): the
                            keys found may be incomplete; all are listed */
  struct {
    const char *selector;
    enum mp_outcome outcome;
  } failed[MP_DKIM_FAILED_MAX];
};

/* One address of an MX host and its reverse DNS. */
struct mp_result_mx_addr {
  const char *addr;                /* text */
  const char *ptr;                 /* first PTR name, or NULL */
  enum mp_outcome ptr_outcome;     /* outcome of the PTR lookup */
  enum mp_tri fcrdns;              /* a PTR name resolves back to the address;
                                      unknown when a lookup that could tell failed */
  bool forwarded;                  /* a forward lookup decided fcrdns (false
                                      without a PTR name) */
  enum mp_outcome forward_outcome; /* its outcome, when forwarded */
  bool generic; /* the PTR name looks generic or residential */
};

/* One MX host (RFC 5321 5.1, RFC 7505). */
struct mp_result_mx_host {
  uint16_t preference;
  const char *host;
  bool ip_literal;      /* the exchange is an address, not a name */
  const char *cname;    /* the exchange is an alias (RFC 2181 10.3) */
  enum mp_tri resolves; /* has A or AAAA; unknown when a lookup failed
                           and the other found none */
  enum mp_outcome a_outcome, aaaa_outcome; /* of the A and AAAA lookups,
                            which are not made for an address literal or
                            a null MX record among others */
  size_t naddrs;
  struct mp_result_mx_addr addrs[MP_MX_ADDRS_MAX];
};

/* MX hosts and their reverse DNS, as receivers check sending hosts. */
struct mp_result_mx_check {
  bool evaluated;
  bool null_mx;  /* "0 ." alone: accepts no mail (RFC 7505) */
  size_t nhosts; /* hosts examined (preference order) */
  struct mp_result_mx_host hosts[MP_MX_HOSTS_MAX];
  enum mp_tri all_fcrdns; /* every address examined is forward-confirmed;
                             unknown when none is not and a lookup that
                             could tell failed */
  unsigned unresolved;    /* hosts with neither A nor AAAA */
  bool lookup_failed;     /* a failed lookup left a host's addresses or an
                             address's confirmation unknown (not written:
                             the hosts show it; MX_TEMPERROR) */
  size_t nsenders;        /* --spf-ip addresses, the real sending hosts */
  struct mp_result_mx_addr senders[MP_SPF_CHECKS_MAX]; /* their reverse DNS */
  enum mp_tri senders_fcrdns; /* every one is forward-confirmed (three
                                 values as all_fcrdns); false without any */
};

/* MTA-STS (RFC 8461 3.1), TLS-RPT (RFC 8460 3), BIMI (draft): the TXT
 * records only. */
struct mp_result_policy {
  bool evaluated;
  enum mp_record_status status;
  struct mp_slice record;
  enum mp_record_error error; /* why invalid, or ABSENT */
  struct mp_slice field1;     /* MTA-STS id=, TLS-RPT rua=, BIMI l= */
  struct mp_slice field2;     /* BIMI a= */
};

/* The DNS-visible part of the 2024 bulk-sender requirements (Gmail, Yahoo;
 * Microsoft from 2025). */
struct mp_result_verdict {
  bool evaluated;
  enum mp_tri ready; /* unknown: none failed, but one is unknown */
  size_t nfailed;    /* requirement codes not met */
  enum mp_requirement failed[8];
  size_t nunknown; /* requirement codes not known to be met or not: a
                      lookup they need failed, or nothing shows them */
  enum mp_requirement unknown[8];
};

struct mp_result {
  uint64_t line;        /* 1-based input line number */
  const char *input;    /* the line as given (trimmed of CR/LF only) */
  size_t input_len;     /* bytes in input (may hold any byte) */
  bool input_truncated; /* the line was longer than MP_INPUT_MAX */
  int64_t rank;         /* Tranco rank, -1 when the list has none */
  const char *domain;   /* normalized A-label name, NULL when invalid */
  enum mp_status status;
  enum mp_name_error error;    /* why invalid_name, else ABSENT */
  int64_t started_us;          /* wall clock when the job started, Unix us */
  double elapsed_ms;           /* job start to row */
  struct mp_result_lookup txt; /* TXT <domain> */
  struct mp_result_lookup dmarc_txt; /* TXT _dmarc.<domain> */
  struct mp_result_lookup mx;        /* MX <domain> */
  struct mp_result_records spf;      /* v=spf1 records (RFC 7208 4.5) */
  struct mp_result_records dmarc;    /* v=DMARC1 records (RFC 7489 6.6.3) */
  struct mp_result_spf spf_eval;     /* SPF evaluation */
  struct mp_result_dmarc dmarc_eval; /* DMARC discovery and policy */
  struct mp_result_dkim dkim;
  struct mp_result_mx_check mx_check;
  struct mp_result_policy mta_sts, tls_rpt, bimi;
  struct mp_result_verdict verdict;
  size_t nfindings; /* finding codes, stable (docs) */
  enum mp_finding_code findings[MP_FINDINGS_MAX]; /* output/finding.h */
};

#endif
