#ifndef MP_SCANNER_RECORDS_DMARC_H
#define MP_SCANNER_RECORDS_DMARC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The DMARC policy record of RFC 7489 (sections 6.3, 6.4, 6.6.3) and
 * RFC 9989 (sections 4.7, 4.8, 4.10.1): pure, no I/O, no allocation. The
 * parsed record points back into its text by offset.
 *
 * What is invalid and what is a note:
 * - Not a DMARC record (it MUST be ignored): the text does not start with
 *   "v" *WSP "=" *WSP "DMARC1" followed by *WSP and ";" or its end (RFC
 *   9989 4.7 "v": "If the tag is not the first in the list, or the tag is
 *   absent, or the value is not "DMARC1", then the entire record MUST be
 *   ignored"; RFC 7489 6.6.3 step 4). This is exactly mp_dmarc_is_record()
 *   of check_dmarc.c.
 * - A DMARC record that is invalid as a whole: a tag name given twice (in
 *   any case). RFC 7489 6.3 (and RFC 9989 4.7): records "follow the
 *   extensible "tag-value" syntax for DNS-based key records defined in
 *   DKIM", and RFC 6376 3.2: "if a tag name does occur more than once, the
 *   entire tag-list is invalid". It is still a record (it counts in the
 *   tree walk and in the "more than one record" rule), but none of its
 *   tags may be used, psd included.
 * - Anything else after the version is never fatal: RFC 9989 4.8 "Unknown
 *   tags MUST be ignored. Syntax errors in the remainder of the record
 *   MUST be discarded in favor of default values (if any) or ignored
 *   outright" (RFC 7489 6.3 says SHOULD). A bad tag becomes a note and
 *   its default stands.
 * - Whether a policy applies is a third answer, .effect: RFC 9989 4.10.1
 *   (and RFC 7489 6.6.3 step 6): a record without a valid "p", or with an
 *   "sp" or "np" that is not valid, counts as "p=none" when "rua" holds at
 *   least one syntactically valid URI (valid sp and np still stand: RFC
 *   9989 4.7 "treated as if it included p=none"), and otherwise no DMARC
 *   processing applies. The record still exists: it counts in the tree
 *   walk and in the "more than one record" rule. */

#define MP_DMARC_URI_MAX     8  /* URIs kept per list (rua, ruf) */
#define MP_DMARC_UNKNOWN_MAX 8  /* unknown tags kept */
#define MP_DMARC_NOTE_MAX    24 /* notes kept */

/* The tags of both RFCs, in the order of their bits in .seen/.valid. */
enum mp_dmarc_tag {
  MP_DMARC_TAG_V,
  MP_DMARC_TAG_P,
  MP_DMARC_TAG_SP,
  MP_DMARC_TAG_NP,  /* RFC 9989 (RFC 9091 before it) */
  MP_DMARC_TAG_PCT, /* RFC 7489 only */
  MP_DMARC_TAG_RUA,
  MP_DMARC_TAG_RUF,
  MP_DMARC_TAG_ADKIM,
  MP_DMARC_TAG_ASPF,
  MP_DMARC_TAG_FO,
  MP_DMARC_TAG_RF,  /* RFC 7489 only */
  MP_DMARC_TAG_RI,  /* RFC 7489 only */
  MP_DMARC_TAG_PSD, /* RFC 9989 */
  MP_DMARC_TAG_T,   /* RFC 9989 */
  MP_DMARC_TAG_UNKNOWN,
  MP_DMARC_TAG_NONE, /* a note about no one tag (p_missing, empty_tag) */
};

enum mp_dmarc_policy {
  MP_DMARC_POLICY_ABSENT, /* not given, or given with a bad value */
  MP_DMARC_POLICY_NONE,
  MP_DMARC_POLICY_QUARANTINE,
  MP_DMARC_POLICY_REJECT,
};

enum mp_dmarc_psd {
  MP_DMARC_PSD_U, /* the default */
  MP_DMARC_PSD_Y,
  MP_DMARC_PSD_N,
};

/* What a receiver does with the record (RFC 9989 4.10.1, RFC 7489
 * 6.6.3 step 6). */
enum mp_dmarc_effect {
  MP_DMARC_EFFECT_POLICY,        /* a valid p (and sp, np valid or absent) */
  MP_DMARC_EFFECT_AS_NONE,       /* p missing or bad, or sp/np bad, but a
                                    valid rua URI: act as p=none */
  MP_DMARC_EFFECT_NO_PROCESSING, /* the same without a valid rua URI */
};

/* fo bits (RFC 7489 6.3, RFC 9989 4.7). */
#define MP_DMARC_FO_0 0x01u
#define MP_DMARC_FO_1 0x02u
#define MP_DMARC_FO_D 0x04u
#define MP_DMARC_FO_S 0x08u

enum mp_dmarc_note_code {
  MP_DMARC_NOTE_DUPLICATE_TAG,  /* a tag given again: the record is
                                   invalid (RFC 6376 3.2), parse fails */
  MP_DMARC_NOTE_UNKNOWN_TAG,    /* legal, ignored (RFC 9989 4.7) */
  MP_DMARC_NOTE_EMPTY_TAG,      /* ";;" or only WSP between separators */
  MP_DMARC_NOTE_MALFORMED_TAG,  /* no "=", or a name that is not 1*ALPHA */
  MP_DMARC_NOTE_BAD_CHARACTER,  /* a byte outside %x20-7E in a value */
  MP_DMARC_NOTE_EMPTY_VALUE,    /* "tag=" with nothing after it */
  MP_DMARC_NOTE_BAD_VALUE,      /* a value outside the tag's grammar: the
                                   default stands */
  MP_DMARC_NOTE_P_MISSING,      /* REQUIRED in RFC 7489 6.3, RECOMMENDED in
                                   RFC 9989 4.7 */
  MP_DMARC_NOTE_P_NOT_SECOND,   /* RFC 7489 6.3: "v" and "p" MUST appear in
                                   that order (dropped by RFC 9989) */
  MP_DMARC_NOTE_REMOVED_TAG,    /* pct, rf, ri: removed by RFC 9989 (C.5.2) */
  MP_DMARC_NOTE_RFC9989_TAG,    /* np, psd, t: new in RFC 9989 (C.5.1) */
  MP_DMARC_NOTE_BAD_URI,        /* a rua/ruf element that is not a URI */
  MP_DMARC_NOTE_URI_SIZE,       /* "!size" after a URI: obsolete in RFC 9989
                                   4.8 (obs-dmarc-report-size) */
  MP_DMARC_NOTE_TOO_MANY_URIS,  /* more than MP_DMARC_URI_MAX in a list */
  MP_DMARC_NOTE_FO_CONFLICT,    /* fo with both 0 and 1, or an option twice
                                   (RFC 9989 4.7, 4.8 dmarc-fo) */
  MP_DMARC_NOTE_FO_WITHOUT_RUF, /* fo is ignored without ruf (RFC 9989
                                   4.7) */
  MP_DMARC_NOTE_POLICY_AS_NONE, /* .effect is MP_DMARC_EFFECT_AS_NONE */
  MP_DMARC_NOTE_NO_POLICY,      /* .effect is MP_DMARC_EFFECT_NO_PROCESSING */
};

/* A finding about the record: which tag, and where (the whole "name=value"
 * tag, or the URI element for URI notes). */
struct mp_dmarc_note {
  uint8_t code; /* enum mp_dmarc_note_code */
  uint8_t tag;  /* enum mp_dmarc_tag */
  uint16_t off, len;
};

/* One element of a rua or ruf list. */
struct mp_dmarc_uri {
  uint16_t off, len;         /* the URI, without any "!size" suffix */
  uint16_t dom_off, dom_len; /* mailto: the domain after "@" (as written:
                                lowercase it with mp_dmarc_copy_lower());
                                dom_len 0 otherwise */
  bool valid;                /* RFC 3986 scheme ":" and URI characters; a
                                mailto: also needs local "@" domain */
  bool mailto;               /* the scheme is "mailto" (any case) */
  bool has_size;             /* "!" 1*DIGIT [k/m/g/t] was given */
  uint64_t size;             /* in bytes, units are powers of two (RFC 7489
                                6.2); UINT64_MAX when it overflows */
};

/* An unknown tag: its name and value in the text. */
struct mp_dmarc_unknown {
  uint16_t name_off, name_len;
  uint16_t val_off, val_len;
};

/* A parsed record. text is borrowed: keep it alive as long as this. Values
 * of tags not given (or given with a bad value) hold their defaults. */
struct mp_dmarc_record {
  const char *text;
  size_t len;
  uint32_t seen;           /* bit (1u << enum mp_dmarc_tag): the tag appears */
  uint32_t valid;          /* bit: the tag appears with a valid value */
  uint8_t p, sp, np;       /* enum mp_dmarc_policy as written (ABSENT if not
                              given or bad) */
  uint8_t eff_p;           /* enum mp_dmarc_policy applied to the domain:
                              p, or NONE under EFFECT_AS_NONE, or ABSENT under
                              EFFECT_NO_PROCESSING */
  uint8_t eff_sp;          /* for existing subdomains: sp, else eff_p;
                              ABSENT under EFFECT_NO_PROCESSING */
  uint8_t eff_np;          /* for non-existent subdomains: np, else eff_sp
                              (RFC 9989 4.7 "np") */
  uint8_t effect;          /* enum mp_dmarc_effect */
  bool adkim_strict;       /* adkim=s (default r) */
  bool aspf_strict;        /* aspf=s (default r) */
  uint8_t pct;             /* 0..100, default 100 (RFC 7489) */
  uint8_t fo;              /* MP_DMARC_FO_* bits, default MP_DMARC_FO_0 */
  uint8_t psd;             /* enum mp_dmarc_psd, default U */
  bool t;                  /* t=y (default n) */
  bool rf_afrf;            /* rf names "afrf" (default "afrf") */
  uint16_t rf_off, rf_len; /* the rf value as written; 0, 0 when absent */
  uint32_t ri;             /* default 86400 */
  size_t nrua, nruf;       /* URIs kept in rua[], ruf[] */
  size_t rua_total, ruf_total; /* URIs in each list, kept or not */
  struct mp_dmarc_uri rua[MP_DMARC_URI_MAX];
  struct mp_dmarc_uri ruf[MP_DMARC_URI_MAX];
  size_t nunknown, unknown_total;
  struct mp_dmarc_unknown unknown[MP_DMARC_UNKNOWN_MAX];
  size_t nnotes, notes_total; /* notes kept, notes found */
  struct mp_dmarc_note notes[MP_DMARC_NOTE_MAX];
};

enum mp_dmarc_error_code {
  MP_DMARC_ERR_OK,
  MP_DMARC_ERR_VERSION,       /* not "v=DMARC1" first: not a DMARC record */
  MP_DMARC_ERR_TOO_LONG,      /* over 65535 bytes, which no TXT record holds
                                 (offsets are 16 bits) */
  MP_DMARC_ERR_DUPLICATE_TAG, /* a DMARC record, but a tag name is given
                                 twice: the whole tag-list is invalid */
};

struct mp_dmarc_error {
  enum mp_dmarc_error_code code;
  size_t offset; /* byte offset in the text where it went wrong */
};

/* Parses text[0..len) (one TXT record, its strings already joined, RFC
 * 9989 4.5) into *out. Returns 0, or -EINVAL when it is not a DMARC record
 * (err->code VERSION or TOO_LONG) or is one that is invalid as a whole
 * (DUPLICATE_TAG: out->seen and out->valid are then 0, out->notes says
 * which tag); err (may be NULL) says what and where. On success
 * out->notes lists every finding (the first MP_DMARC_NOTE_MAX;
 * notes_total counts all) and out->effect says whether a policy applies.
 * Tag names and the values of p sp np adkim aspf fo psd t are
 * case-insensitive; "DMARC1" is not. text may hold any byte. */
int mp_dmarc_parse(const char *text, size_t len, struct mp_dmarc_record *out,
                   struct mp_dmarc_error *err);

/* The version check alone: true when text[0..len) starts as a DMARC record
 * (the same answer as mp_dmarc_is_record()); *end (may be NULL) is then the
 * offset after "DMARC1", else where the check failed. */
bool mp_dmarc_parse_version(const char *text, size_t len, size_t *end);

/* Copies text[off .. off + n) into buf as lowercase ASCII, NUL-terminated.
 * Returns n, or -ENOSPC (buf set to "") when n + 1 > cap. For the domains
 * of mailto: URIs, which the record keeps as written. */
int mp_dmarc_copy_lower(const char *text, size_t off, size_t n, char *buf,
                        size_t cap);

/* Stable snake_case codes: "duplicate_tag", ..., "version", "too_long",
 * "p", "sp", ... (the policies' names are the row's, output/status.h) */
const char *mp_dmarc_note_name(enum mp_dmarc_note_code code);
const char *mp_dmarc_error_name(enum mp_dmarc_error_code code);
const char *mp_dmarc_tag_name(enum mp_dmarc_tag tag);
const char *mp_dmarc_effect_name(enum mp_dmarc_effect e);
const char *mp_dmarc_psd_name(enum mp_dmarc_psd psd);

/* The RFC section behind a note, e.g. "RFC 9989 4.7" ("parser limit" for
 * too_many_uris). */
const char *mp_dmarc_note_ref(enum mp_dmarc_note_code code);

/* RFC 7489 section 6.4 and 6.6.3: "v" (any case), optional WSP, "=",
 * optional WSP, "DMARC1" (exactly), optional WSP, then ";" or the end. */
bool mp_dmarc_is_record(const char *txt, size_t len);

#endif
