#ifndef MP_SCANNER_SPF_INTERNAL_H
#define MP_SCANNER_SPF_INTERNAL_H

/* Shared by spf_node.c, spf_eval.c and spf_posture.c only: the compiled
 * node of a record set, and the state of one evaluation run. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scanner/dns/dnsname.h"
#include "scanner/spf/eval.h"
#include "scanner/spf/macro.h"

#define SPF_TERMS_MAX   MP_SPF_TERMS_MAX /* any record: no limit of ours */
#define SPF_TARGETS_MAX 8
#define SPF_NAME_MAX    256  /* an expanded domain-spec, truncated to 253 */
#define R_PENDING       (-1) /* an answer is missing: run again later */
#define SPF_LEVEL_MAX   48   /* posture walk depth: far past the 10 lookups */
#define SPF_LEVEL_SETS  6    /* scratch sets per level of the walk */

enum node_kind {
  NODE_RECORD,   /* exactly one v=spf1 record, parsed */
  NODE_NONE,     /* no v=spf1 record (or no such name) */
  NODE_MULTIPLE, /* several v=spf1 records */
  NODE_SYNTAX,   /* one record with a syntax error */
  NODE_DNS,      /* the TXT lookup failed */
};

/* What the posture walk found below a node, relative to the node. */
struct memo {
  bool valid;
  uint64_t gen;              /* cache generation it was computed at */
  uint64_t targets_key;      /* the --spf-include names it looked for */
  enum mp_spf_result result; /* the no-match result */
  enum mp_spf_reason reason;
  unsigned err_lookups, err_voids; /* counts met before the error */
  size_t error_offset;
  const char *error_record;
  unsigned lookups, voids, lookups_static, depth;
  unsigned void_at[3]; /* lookups counted when the 1st..3rd void came */
  int all_qual;
  bool uses_ptr, uses_exists, uses_macros, exact;
  bool cyclic;    /* met a node already being walked: not storable */
  bool backedge;  /* this is that meeting: adds no depth, no lookups */
  bool truncated; /* the walk budget ran out below: not storable */
  struct mp_ipset pass4, pass6;
  bool reached[SPF_TARGETS_MAX];
  int eff[SPF_TARGETS_MAX];
};

/* A compiled record set: the TXT answer at a name, as SPF sees it. Cached
 * nodes are attachments of cache entries; the root node of an evaluation
 * lives in its scratch. */
struct node {
  enum node_kind kind;
  bool void_answer; /* the TXT lookup gave NXDOMAIN or no records */
  struct mp_spf_record rec;
  struct mp_spf_syntax_error err;
  const char *text; /* the record (SYNTAX and RECORD) */
  bool on_stack;    /* being walked (cycle detection) */
  struct memo memo;
  struct mp_spf_term *terms;
};

/* One evaluation run (a replay). */
struct run {
  struct mp_spf_eval *ev;
  struct mp_cache *cache;
  const struct mp_spf_request *req;
  bool posture;
  int family; /* the client's, IPv4-mapped IPv6 counted as IPv4 */
  uint8_t ip[16];
  unsigned lookups, voids;
  unsigned budget; /* posture: terms it may still follow afresh */
  bool pending;
  enum mp_spf_reason reason;
  size_t error_offset;
  const char *error_record;
  struct mp_spf_macro_ctx mctx;
  char local[520], sender_domain[520], sender[520], helo[256];
  char ptr_name[SPF_NAME_MAX];
  bool ptr_known;
  const char *explanation;
};

/* The implementation side of struct mp_spf_eval: what one evaluation
 * keeps between its replays. */
struct mp_spf_eval_impl {
  const char *const *targets;
  size_t ntargets;
  uint64_t targets_key; /* a hash of the names: memos depend on them */
};

/* Memory every run uses and none keeps: the scan runs one evaluation at a
 * time on its loop thread, so one per process (the evaluator is not
 * thread-safe). Results that point into it are copied out by the caller
 * before the next run. */
struct scratch {
  struct node root;
  struct mp_spf_term root_terms[SPF_TERMS_MAX];
  struct mp_spf_term terms[SPF_TERMS_MAX]; /* parsing cached nodes */
  char explanation[MP_SPF_EXP_MAX];
  struct memo root_memo;
  /* for the posture walk, SPF_LEVEL_SETS per level; never reallocated,
   * since pointers into it are held down the recursion */
  struct mp_ipset sets[SPF_LEVEL_MAX * SPF_LEVEL_SETS];
};

struct scratch *spf_scratch(void);

/* The result a matching term gives (section 4.6.2). */
static inline enum mp_spf_result spf_qual_result(uint8_t q)
{
  static const enum mp_spf_result map[] = {MP_SPF_PASS, MP_SPF_FAIL,
                                           MP_SPF_SOFTFAIL, MP_SPF_NEUTRAL};

  return map[q];
}

/* A lookup that failed (a temperror for the term asking). */
static inline bool spf_failed(const struct mp_answer *a)
{
  return a->outcome != MP_OUTCOME_OK && a->outcome != MP_OUTCOME_NODATA &&
         a->outcome != MP_OUTCOME_NXDOMAIN;
}

/* A void lookup (section 4.6.4): NXDOMAIN, or no records. */
static inline bool spf_void(const struct mp_answer *a)
{
  return a->outcome == MP_OUTCOME_NXDOMAIN || a->outcome == MP_OUTCOME_NODATA;
}

/* spf_node.c */
void node_from_answer(struct node *n, const struct mp_answer *a,
                      struct mp_spf_term *terms, size_t cap);
/* Names in SPF are raw octets (RFC 7208: a domain-spec has no escapes),
 * those in answers (MX hosts, PTR names) name text (dnsname.h):
 * node_get and answer_get take the first, answer_get_text the second. */
struct node *node_get(struct run *r, const char *name);
const struct mp_answer *answer_get(struct run *r, const char *name,
                                   uint16_t type);
const struct mp_answer *answer_get_text(struct run *r, const char *text,
                                        uint16_t type);
/* The name text of a raw name into buf (MP_NAME_TEXT_MAX + 1 bytes); ""
 * when it is not a name. Returns buf. */
const char *spf_name_text(const char *name, char *buf);
void memo_init(struct memo *m);
void memo_close(struct memo *m);
struct mp_ipset *scratch_sets(size_t level);
bool valid_domain(const char *name);
/* Finds %{p}, the validated name of the client (R_PENDING or 0). */
int spf_ptr_name(struct run *r, const char *domain);
int expand_domain(struct run *r, const struct node *n, uint16_t off,
                  uint16_t len, bool macro, const char *current, char *out);

/* spf_posture.c */
void posture_walk(struct run *r, struct node *n, const char *domain,
                  struct memo *out, size_t level);

#endif
