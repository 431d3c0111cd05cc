#ifndef MP_SCANNER_SPF_INTERNAL_H
#define MP_SCANNER_SPF_INTERNAL_H

/* Shared by the files of the SPF engine only (node.c, eval.c, run.c,
 * posture.c): the compiled node of a record set, the state of one
 * evaluation run, and the memory an evaluation keeps between runs. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scanner/dns/dnsname.h"
#include "scanner/spf/eval.h"
#include "scanner/spf/macro.h"

#define SPF_TARGETS_MAX 8
#define SPF_NAME_MAX    256  /* an expanded domain-spec, truncated to 253 */
#define R_PENDING       (-1) /* an answer is missing: run again later */
#define SPF_LEVEL_MAX   48   /* posture walk depth: far past the 10 lookups */
#define SPF_TERMS_KEEP                                                         \
  256 /* a term buffer grown past this for one                                 \
         record shrinks again for the next */
#define SPF_RANGES_KEEP                                                        \
  4096 /* a walk set grown past this for one record                            \
          is given back when the evaluation ends */

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

/* Terms to parse a record into, grown to fit it (a record may hold up to
 * MP_SPF_TERMS_MAX). */
struct terms {
  struct mp_spf_term *t;
  size_t cap;
};

/* The sets one level of the posture walk works with: what the terms
 * before decided (d4, d6), what the current term matches (t4, t6), and a
 * temporary (x). */
struct walk_sets {
  struct mp_ipset d4, d6, t4, t6, x;
};

/* The implementation side of struct mp_spf_eval: what one evaluation
 * keeps between its runs (replays), and the memory its runs use, owned
 * here so that evaluations share nothing (the engine is reentrant; the
 * cache it reads is not thread-safe, so one thread uses it). Pooled jobs
 * reuse their evaluation, so this grows once, not per domain. */
struct mp_spf_eval_impl {
  const char *const *targets;
  size_t ntargets;
  uint64_t targets_key; /* a hash of the names: memos depend on them */
  struct node root;     /* the domain's record, from req->root_txt */
  bool root_set;        /* root is the last run's root_txt */
  struct terms root_terms;
  struct memo root_memo;
  char *explanation; /* MP_SPF_EXP_MAX bytes, made when first used */
  /* the posture walk's sets per level, made when the walk first reaches
   * the level; the sets never move, since pointers into them are held
   * down the recursion */
  struct walk_sets **levels;
  size_t nlevels;
};

/* The result a matching term gives (section 4.6.2). */
static inline enum mp_spf_result spf_qual_result(uint8_t q)
{
  static const enum mp_spf_result map[] = {MP_SPF_PASS, MP_SPF_FAIL,
                                           MP_SPF_SOFTFAIL, MP_SPF_NEUTRAL};

  return map[q];
}

/* A void lookup (section 4.6.4): NXDOMAIN, or no records. */
static inline bool spf_void(const struct mp_answer *a)
{
  return a->outcome == MP_OUTCOME_NXDOMAIN || a->outcome == MP_OUTCOME_NODATA;
}

/* node.c */
/* Section 4.5: the node of a TXT answer, its v=spf1 record parsed into
 * buf (grown to fit; n->terms points into it). */
void mp_spf_node_from_answer(struct node *n, const struct mp_answer *a,
                             struct terms *buf);
/* Names in SPF are raw octets (RFC 7208: a domain-spec has no escapes),
 * those in answers (MX hosts, PTR names) name text (dnsname.h):
 * mp_spf_node_get and mp_spf_answer_get take the first,
 * mp_spf_answer_get_text the second. NULL while the answer is fetched
 * (r->pending is then set). */
struct node *mp_spf_node_get(struct run *r, const char *name);
const struct mp_answer *mp_spf_answer_get(struct run *r, const char *name,
                                          uint16_t type);
const struct mp_answer *mp_spf_answer_get_text(struct run *r, const char *text,
                                               uint16_t type);
/* The name text of a raw name into buf (MP_NAME_TEXT_MAX + 1 bytes); ""
 * when it is not a name. Returns buf. */
const char *mp_spf_name_text(const char *name, char *buf);
void mp_spf_memo_init(struct memo *m);
void mp_spf_memo_close(struct memo *m);
/* buf holds need terms at least; one grown past SPF_TERMS_KEEP shrinks
 * when need fits in that again. */
void mp_spf_terms_reserve(struct terms *buf, size_t need);
/* Finds %{p}, the validated name of the client (R_PENDING or 0). */
int mp_spf_ptr_name(struct run *r, const char *domain);
/* The domain-spec text[off..off+len) of node n, macros expanded with
 * current as %{d}, into out (SPF_NAME_MAX bytes). Returns the length,
 * R_PENDING, or -EINVAL when it cannot be expanded. */
int mp_spf_expand_domain(struct run *r, const struct node *n, uint16_t off,
                         uint16_t len, bool macro, const char *current,
                         char *out);

/* eval.c */
/* check_host(<ip>, <domain>, <sender>) of section 4 for r's client;
 * given: the node of domain when the caller has it (the root), else NULL;
 * explain: fetch exp= on fail (the top, and through redirect=). Returns
 * an enum mp_spf_result or R_PENDING. */
int mp_spf_run_check_host(struct run *r, const char *domain, struct node *given,
                          bool explain);

/* posture.c */
/* Walks node n at domain into *out (its memo, or the root's), level deep
 * in the walk. */
void mp_spf_posture_walk(struct run *r, struct node *n, const char *domain,
                         struct memo *out, size_t level);
/* Gives back what the posture walk's sets of ev grew past
 * SPF_RANGES_KEEP, and frees them all with everything (close). */
void mp_spf_posture_trim(struct mp_spf_eval_impl *im, bool close);

#endif
