#ifndef MP_TESTS_WORLD_SPFREC_H
#define MP_TESTS_WORLD_SPFREC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The SPF record parser of mp_worldgen's truth (RFC 7208 section 12 ABNF),
 * written apart from the scanner's: bytes in, struct out. */

enum mp_spfrec_mech {
  MP_SPFM_ALL,
  MP_SPFM_INCLUDE,
  MP_SPFM_A,
  MP_SPFM_MX,
  MP_SPFM_PTR,
  MP_SPFM_IP4,
  MP_SPFM_IP6,
  MP_SPFM_EXISTS
};

/* One mechanism as written (section 5). */
struct mp_spfrec_term {
  enum mp_spfrec_mech m;
  char qual;       /* '+' (also when none is written), '-', '~', '?' */
  const char *dom; /* the domain-spec, NUL-terminated inside the record's
                      text, or NULL when the mechanism has none */
  bool macro;      /* dom holds a macro (section 7) */
  uint8_t ip[16];  /* ip4 (4 octets) and ip6 networks, network order */
  unsigned c4, c6; /* cidr lengths of a, mx, ip4, ip6: 32 and 128 if none */
};

/* A parsed record: its mechanisms in order and the two modifiers the walk
 * uses (section 6); unknown modifiers are checked and dropped. */
struct mp_spfrec {
  const char *name; /* the <domain> the record belongs to (borrowed) */
  char *text;       /* lowercase copy of the record; the terms point in */
  struct mp_spfrec_term *t;
  size_t n, cap;
  const char *redirect; /* the redirect= domain-spec, or NULL */
  bool redirect_macro, has_exp;
};

/* True when the record p[0..n) (character-strings joined) is an SPF
 * record: "v=spf1", case-insensitive, then SP or the end (section 4.5). */
bool mp_spfrec_is_spf(const uint8_t *p, size_t n);

/* Parses the SPF record p[0..n) of <domain> name (borrowed: r->name keeps
 * the pointer). Returns false on a syntax error anywhere in it, which is a
 * permerror before any term is evaluated (section 4.6). Either way the
 * caller ends with mp_spfrec_free(r). */
bool mp_spfrec_parse(struct mp_spfrec *r, const char *name, const uint8_t *p,
                     size_t n);

/* Frees what r holds and zeroes it; a zeroed r is a no-op. */
void mp_spfrec_free(struct mp_spfrec *r);

#endif
