#ifndef MP_SCANNER_SPF_PARSE_H
#define MP_SCANNER_SPF_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The SPF record grammar of RFC 7208 (sections 4.5, 4.6, 5, 6 and 7.1):
 * pure, no I/O, no allocation. A record is parsed into terms that point
 * back into its text by offset. */

enum mp_spf_mech {
  MP_SPF_ALL,
  MP_SPF_INCLUDE,
  MP_SPF_A,
  MP_SPF_MX,
  MP_SPF_PTR,
  MP_SPF_IP4,
  MP_SPF_IP6,
  MP_SPF_EXISTS,
};

enum mp_spf_qual {
  MP_SPF_Q_PASS,     /* "+" or none */
  MP_SPF_Q_FAIL,     /* "-" */
  MP_SPF_Q_SOFTFAIL, /* "~" */
  MP_SPF_Q_NEUTRAL,  /* "?" */
};

/* The most directives a record can hold: its text is at most 65535 bytes
 * (one RDATA; the parser takes longer text as TOO_LONG), "v=spf1" and then
 * at least two bytes per directive (" a"), so 32764. An array of this many
 * terms never makes mp_spf_parse return -E2BIG for a record from DNS. */
#define MP_SPF_TERMS_MAX 32768

/* One directive (mechanism with its qualifier). */
struct mp_spf_term {
  uint8_t mech;     /* enum mp_spf_mech */
  uint8_t qual;     /* enum mp_spf_qual */
  uint8_t cidr4;    /* a, mx, ip4: prefix length (default 32) */
  uint8_t cidr6;    /* a, mx, ip6: prefix length (default 128) */
  bool has_domain;  /* a domain-spec was given (always for include and
                       exists; optional for a, mx, ptr) */
  bool macro;       /* the domain-spec holds a macro-expand ("%{", "%%",
                       "%_", "%-") */
  uint16_t dom_off; /* domain-spec: text[dom_off .. dom_off + dom_len) */
  uint16_t dom_len;
  uint16_t off; /* the whole term in the text, for messages */
  uint16_t len;
  uint8_t addr[16]; /* ip4: 4 bytes, ip6: 16 bytes, network order, host
                       bits as written (not masked) */
};

/* A parsed record. text is borrowed: keep it alive as long as this. */
struct mp_spf_record {
  const char *text;
  size_t len;
  struct mp_spf_term *terms; /* the caller's array, nterms used */
  size_t nterms;
  bool has_redirect;
  bool redirect_macro;
  uint16_t redirect_off, redirect_len; /* redirect=<domain-spec> */
  bool has_exp;
  bool exp_macro;
  uint16_t exp_off, exp_len; /* exp=<domain-spec> */
  size_t nunknown;           /* unknown modifiers (legal, ignored) */
  bool uses_ptr, uses_exists, uses_macros;
};

enum mp_spf_syntax {
  MP_SPF_SYNTAX_OK,
  MP_SPF_SYNTAX_VERSION,   /* not "v=spf1" followed by SP or the end */
  MP_SPF_SYNTAX_TERM,      /* not a known mechanism nor a modifier */
  MP_SPF_SYNTAX_ARGUMENT,  /* an argument where none is allowed ("all:x")
                              or a missing required one ("include") */
  MP_SPF_SYNTAX_DOMAIN,    /* a domain-spec that is not one (RFC 7208
                              section 7.1: domain-end, toplabel) */
  MP_SPF_SYNTAX_MACRO,     /* a malformed macro-expand */
  MP_SPF_SYNTAX_CIDR,      /* a malformed or out-of-range prefix length */
  MP_SPF_SYNTAX_IP4,       /* a malformed ip4-network */
  MP_SPF_SYNTAX_IP6,       /* a malformed ip6-network */
  MP_SPF_SYNTAX_DUPLICATE, /* redirect= or exp= twice (section 6) */
  MP_SPF_SYNTAX_MODIFIER,  /* a malformed modifier name or value */
  MP_SPF_SYNTAX_CHARACTER, /* a byte outside the grammar (non-ASCII,
                              control, TAB) */
  MP_SPF_SYNTAX_TOO_MANY,  /* more terms than the caller's array */
  MP_SPF_SYNTAX_TOO_LONG,  /* a text over 65535 bytes, which no DNS
                              answer holds (offsets are 16 bits) */
};

struct mp_spf_syntax_error {
  enum mp_spf_syntax kind;
  size_t offset; /* byte offset in the record text where it went wrong */
};

/* Parses text[0..len) into *out, using terms[0..cap) for the directives.
 * Returns 0, or -EINVAL for a syntax error (RFC 7208 section 4.6: the
 * whole record is then a permerror) or -E2BIG when it has more than cap
 * directives; err (may be NULL) says what and where. Kind VERSION means
 * the text is not an SPF record at all (section 4.5), not a permerror.
 * -E2BIG is returned only for an otherwise valid record: terms then holds
 * the first cap directives and nterms is cap. Case-insensitive as the RFC
 * says (mechanism and modifier names, "v=spf1"). Runs in a few hundred ns
 * for a typical record. */
int mp_spf_parse(const char *text, size_t len, struct mp_spf_term *terms,
                 size_t cap, struct mp_spf_record *out,
                 struct mp_spf_syntax_error *err);

/* "version", "term", ... (a stable code for rows). */
const char *mp_spf_syntax_name(enum mp_spf_syntax kind);

/* "all", "include", ... and "+", "-", "~", "?". */
const char *mp_spf_mech_name(enum mp_spf_mech m);
char mp_spf_qual_char(enum mp_spf_qual q);

/* RFC 7208 section 4.5: a record that begins with "v=spf1" (any case)
 * followed by a space or its end. */
bool mp_spf_is_record(const char *txt, size_t len);

#endif
