#include "scanner/records/dmarc.h"

#include <errno.h>
#include <string.h>

#include "scanner/base/ascii.h"
#include "scanner/records/dmarc_value.h"

/* The grammar is RFC 9989 section 4.8 (ABNF, RFC 5234: quoted strings are
 * case-insensitive) with the RFC 7489 section 6.4 forms it obsoletes
 * (pct, rf, ri, "!size"). The text is split at ";" (dmarc-value excludes
 * it, so no value holds one), each piece is one tag; dmarc_value.h reads
 * the values. */

#define BIT(tag) (1u << (tag))

/* Unknown tag names remembered for the repeated-tag check (RFC 6376 3.2).
 * Real records have a handful; a hostile one with thousands is checked
 * for its first ones only, which keeps the parse linear (as dkim_key.c). */
#define UNKNOWN_SEEN_MAX 32

/* Parser state that the record does not keep: where each tag was first
 * given, and whether a tag was seen yet. */
struct state {
  struct mp_dmarc_record *r;
  uint16_t tag_off[MP_DMARC_TAG_UNKNOWN];
  uint16_t tag_len[MP_DMARC_TAG_UNKNOWN];
  size_t ntags;      /* tags (non-empty pieces) after v, so far */
  bool rua_ok;       /* rua holds at least one valid URI */
  bool repeated;     /* a tag name was given twice */
  size_t repeat_off; /* where the first repeat is */
  size_t nunknown;   /* unknown names in unknown_off/len */
  uint16_t unknown_off[UNKNOWN_SEEN_MAX], unknown_len[UNKNOWN_SEEN_MAX];
};

static const char *const tag_names[] = {
    "v",    "p",  "sp", "np", "pct", "rua", "ruf",     "adkim",
    "aspf", "fo", "rf", "ri", "psd", "t",   "unknown", "none",
};

static void add_note(struct mp_dmarc_record *r, enum mp_dmarc_note_code code,
                     enum mp_dmarc_tag tag, size_t off, size_t len)
{
  r->notes_total++;
  if (r->nnotes < MP_DMARC_NOTE_MAX) {
    struct mp_dmarc_note *n = &r->notes[r->nnotes++];

    n->code = (uint8_t)code;
    n->tag = (uint8_t)tag;
    n->off = (uint16_t)off;
    n->len = (uint16_t)len;
  }
}

bool mp_dmarc_parse_version(const char *text, size_t len, size_t *end)
{
  static const char want[] = "DMARC1"; /* case-sensitive (RFC 9989 4.8) */
  size_t i = 0, after;

  if (len == 0 || (text[0] != 'v' && text[0] != 'V')) {
    goto fail;
  }
  i = mp_skip_wsp(text, 1, len);
  if (i >= len || text[i] != '=') {
    goto fail;
  }
  i = mp_skip_wsp(text, i + 1, len);
  for (size_t k = 0; k < sizeof(want) - 1; k++, i++) {
    if (i >= len || text[i] != want[k]) {
      goto fail;
    }
  }
  after = i;
  i = mp_skip_wsp(text, i, len);
  if (i < len && text[i] != ';') {
    goto fail;
  }
  if (end) {
    *end = after;
  }
  return true;
fail:
  if (end) {
    *end = i;
  }
  return false;
}

static enum mp_dmarc_tag find_tag(const char *s, size_t n)
{
  for (int t = MP_DMARC_TAG_V; t < MP_DMARC_TAG_UNKNOWN; t++) {
    if (mp_ieq(s, n, tag_names[t])) {
      return (enum mp_dmarc_tag)t;
    }
  }
  return MP_DMARC_TAG_UNKNOWN;
}

/* dmarc-urilist: URI *(*WSP "," *WSP URI), each with an optional "!size"
 * (obsolete in RFC 9989). Every element is checked; the first
 * MP_DMARC_URI_MAX are kept. Returns how many are valid. */
static size_t parse_urilist(struct state *st, enum mp_dmarc_tag tag, size_t a,
                            size_t b)
{
  struct mp_dmarc_record *r = st->r;
  struct mp_dmarc_uri *list = tag == MP_DMARC_TAG_RUA ? r->rua : r->ruf;
  size_t *kept = tag == MP_DMARC_TAG_RUA ? &r->nrua : &r->nruf;
  size_t *total = tag == MP_DMARC_TAG_RUA ? &r->rua_total : &r->ruf_total;
  size_t nvalid = 0, i = a;

  for (;;) {
    const char *comma = memchr(r->text + i, ',', b - i);
    size_t e = comma ? (size_t)(comma - r->text) : b, ee = e;
    struct mp_dmarc_uri u;

    i = mp_skip_wsp(r->text, i, e);
    while (ee > i && mp_is_wsp(r->text[ee - 1])) {
      ee--;
    }
    mp_dmarc_value_uri(r->text, i, ee, &u);
    (*total)++;
    if (!u.valid) {
      add_note(r, MP_DMARC_NOTE_BAD_URI, tag, i, ee - i);
    } else {
      nvalid++;
    }
    if (u.has_size) {
      add_note(r, MP_DMARC_NOTE_URI_SIZE, tag, i, ee - i);
    }
    if (*kept < MP_DMARC_URI_MAX) {
      list[(*kept)++] = u;
    } else if (*total == MP_DMARC_URI_MAX + 1) {
      add_note(r, MP_DMARC_NOTE_TOO_MANY_URIS, tag, i, ee - i);
    }
    if (!comma) {
      return nvalid;
    }
    i = e + 1;
  }
}

/* The value s[a..b) of a known tag given for the first time. Returns
 * whether it is valid; an invalid one leaves the default in place. */
static bool parse_value(struct state *st, enum mp_dmarc_tag tag, size_t a,
                        size_t b)
{
  struct mp_dmarc_record *r = st->r;
  const char *v = r->text + a;
  size_t n = b - a;
  uint64_t num;
  bool conflict;

  switch (tag) {
  case MP_DMARC_TAG_P:
    return mp_dmarc_value_policy(v, n, &r->p);
  case MP_DMARC_TAG_SP:
    return mp_dmarc_value_policy(v, n, &r->sp);
  case MP_DMARC_TAG_NP:
    return mp_dmarc_value_policy(v, n, &r->np);
  case MP_DMARC_TAG_ADKIM:
    return mp_dmarc_value_strict(v, n, &r->adkim_strict);
  case MP_DMARC_TAG_ASPF:
    return mp_dmarc_value_strict(v, n, &r->aspf_strict);
  case MP_DMARC_TAG_PSD:
    return mp_dmarc_value_psd(v, n, &r->psd);
  case MP_DMARC_TAG_T:
    return mp_dmarc_value_yn(v, n, &r->t);
  case MP_DMARC_TAG_PCT: /* 1*3DIGIT, 0 to 100 (RFC 7489 6.3, 6.4) */
    if (!mp_dmarc_value_uint(v, n, 3, 100, &num)) {
      return false;
    }
    r->pct = (uint8_t)num;
    return true;
  case MP_DMARC_TAG_RI: /* 32-bit unsigned (RFC 7489 6.3) */
    if (!mp_dmarc_value_uint(v, n, 0, UINT32_MAX, &num)) {
      return false;
    }
    r->ri = (uint32_t)num;
    return true;
  case MP_DMARC_TAG_FO:
    if (!mp_dmarc_value_fo(v, n, &r->fo, &conflict)) {
      return false;
    }
    if (conflict) {
      add_note(r, MP_DMARC_NOTE_FO_CONFLICT, tag, st->tag_off[tag],
               st->tag_len[tag]);
    }
    return true;
  case MP_DMARC_TAG_RF:
    if (!mp_dmarc_value_rf(v, n, &r->rf_afrf)) {
      r->rf_afrf = true;
      return false;
    }
    r->rf_off = (uint16_t)a;
    r->rf_len = (uint16_t)n;
    return true;
  case MP_DMARC_TAG_RUA:
  case MP_DMARC_TAG_RUF:
    num = parse_urilist(st, tag, a, b);
    if (tag == MP_DMARC_TAG_RUA && num > 0) {
      st->rua_ok = true;
    }
    return num > 0;
  default: /* v is always seen first: a second one is a duplicate */
    return false;
  }
}

static void note_rfc(struct mp_dmarc_record *r, enum mp_dmarc_tag tag,
                     size_t off, size_t len)
{
  if (tag == MP_DMARC_TAG_PCT || tag == MP_DMARC_TAG_RF ||
      tag == MP_DMARC_TAG_RI) {
    add_note(r, MP_DMARC_NOTE_REMOVED_TAG, tag, off, len);
  } else if (tag == MP_DMARC_TAG_NP || tag == MP_DMARC_TAG_PSD ||
             tag == MP_DMARC_TAG_T) {
    add_note(r, MP_DMARC_NOTE_RFC9989_TAG, tag, off, len);
  }
}

/* s[0..n) and t[0..m) are the same tag name, ignoring ASCII case (names
 * are ABNF strings, RFC 5234 2.3). */
static bool same_name(const char *s, size_t n, const char *t, size_t m)
{
  if (n != m) {
    return false;
  }
  for (size_t i = 0; i < n; i++) {
    if (mp_lower(s[i]) != mp_lower(t[i])) {
      return false;
    }
  }
  return true;
}

/* Whether the tag named s[a..n) was given before, and if not, remembers
 * it. RFC 7489 6.3: "DMARC records follow the extensible "tag-value"
 * syntax for DNS-based key records defined in DKIM" (RFC 9989 4.7 says the
 * same of "DMARC Policy Records"), and RFC 6376 3.2: "Tags with duplicate
 * names MUST NOT occur within a single tag-list; if a tag name does occur
 * more than once, the entire tag-list is invalid." */
static bool repeated(struct state *st, enum mp_dmarc_tag tag, size_t a,
                     size_t n, size_t b)
{
  struct mp_dmarc_record *r = st->r;
  const char *s = r->text;

  if (tag != MP_DMARC_TAG_UNKNOWN) {
    if (r->seen & BIT(tag)) {
      return true;
    }
    r->seen |= BIT(tag);
    st->tag_off[tag] = (uint16_t)a;
    st->tag_len[tag] = (uint16_t)(b - a);
    return false;
  }
  for (size_t i = 0; i < st->nunknown; i++) {
    if (same_name(s + st->unknown_off[i], st->unknown_len[i], s + a, n - a)) {
      return true;
    }
  }
  if (st->nunknown < UNKNOWN_SEEN_MAX) {
    st->unknown_off[st->nunknown] = (uint16_t)a;
    st->unknown_len[st->nunknown++] = (uint16_t)(n - a);
  }
  return false;
}

/* One piece between separators, s[a..b) trimmed of WSP: 1*ALPHA *WSP "="
 * *WSP 1*dmarc-value. */
static void parse_tag(struct state *st, size_t a, size_t b)
{
  struct mp_dmarc_record *r = st->r;
  const char *s = r->text;
  size_t n = a, v;
  enum mp_dmarc_tag tag;

  while (n < b && mp_is_alpha(s[n])) {
    n++;
  }
  v = mp_skip_wsp(s, n, b);
  st->ntags++;
  if (n == a || v >= b || s[v] != '=') {
    add_note(r, MP_DMARC_NOTE_MALFORMED_TAG, MP_DMARC_TAG_NONE, a, b - a);
    return;
  }
  tag = find_tag(s + a, n - a);
  v = mp_skip_wsp(s, v + 1, b);
  if (repeated(st, tag, a, n, b)) {
    add_note(r, MP_DMARC_NOTE_DUPLICATE_TAG, tag, a, b - a);
    if (!st->repeated) {
      st->repeated = true;
      st->repeat_off = a;
    }
    return;
  }
  for (size_t k = v; k < b; k++) {
    if ((unsigned char)s[k] < 0x20 || (unsigned char)s[k] > 0x7E) {
      add_note(r, MP_DMARC_NOTE_BAD_CHARACTER, tag, a, b - a);
      return;
    }
  }
  if (tag == MP_DMARC_TAG_UNKNOWN) {
    r->unknown_total++;
    if (r->nunknown < MP_DMARC_UNKNOWN_MAX) {
      struct mp_dmarc_unknown *u = &r->unknown[r->nunknown++];

      u->name_off = (uint16_t)a;
      u->name_len = (uint16_t)(n - a);
      u->val_off = (uint16_t)v;
      u->val_len = (uint16_t)(b - v);
    }
    add_note(r, MP_DMARC_NOTE_UNKNOWN_TAG, tag, a, b - a);
    return;
  }
  note_rfc(r, tag, a, b - a);
  if (tag == MP_DMARC_TAG_P && st->ntags != 1) {
    add_note(r, MP_DMARC_NOTE_P_NOT_SECOND, tag, a, b - a);
  }
  if (v == b) {
    add_note(r, MP_DMARC_NOTE_EMPTY_VALUE, tag, a, b - a);
  } else if (parse_value(st, tag, v, b)) {
    r->valid |= BIT(tag);
  } else if (tag != MP_DMARC_TAG_RUA && tag != MP_DMARC_TAG_RUF) {
    /* A URI list has a note per bad element already. */
    add_note(r, MP_DMARC_NOTE_BAD_VALUE, tag, a, b - a);
  }
}

/* RFC 9989 4.10.1 (RFC 7489 6.6.3 step 6): "If a retrieved DMARC Policy
 * Record does not contain a valid "p" tag, or contains an "sp" or "np" tag
 * that is not valid", act as "p=none" when "rua" has a valid URI, else
 * apply no DMARC processing. RFC 9989 4.7 "p" also says a record without
 * "p" is "treated as if it included p=none (see Section 4.10.1)": we read
 * that through 4.10.1, whose rule is the one that says what to do. */
static void decide_effect(struct state *st)
{
  struct mp_dmarc_record *r = st->r;
  uint32_t bad = r->seen & ~r->valid;
  enum mp_dmarc_tag at = MP_DMARC_TAG_NONE;

  if (!(r->seen & BIT(MP_DMARC_TAG_P))) {
    add_note(r, MP_DMARC_NOTE_P_MISSING, MP_DMARC_TAG_NONE, 0, 0);
  }
  if (!(r->valid & BIT(MP_DMARC_TAG_P))) {
    at = (r->seen & BIT(MP_DMARC_TAG_P)) ? MP_DMARC_TAG_P : MP_DMARC_TAG_NONE;
  } else if (bad & BIT(MP_DMARC_TAG_SP)) {
    at = MP_DMARC_TAG_SP;
  } else if (bad & BIT(MP_DMARC_TAG_NP)) {
    at = MP_DMARC_TAG_NP;
  } else {
    r->effect = MP_DMARC_EFFECT_POLICY;
    r->eff_p = r->p;
    r->eff_sp = r->sp ? r->sp : r->eff_p;
    r->eff_np = r->np ? r->np : r->eff_sp;
    return;
  }
  if (st->rua_ok) {
    /* "as if it included p=none": the valid sp and np still stand. */
    r->effect = MP_DMARC_EFFECT_AS_NONE;
    r->eff_p = MP_DMARC_POLICY_NONE;
    r->eff_sp = r->sp ? r->sp : r->eff_p;
    r->eff_np = r->np ? r->np : r->eff_sp;
  } else {
    r->effect = MP_DMARC_EFFECT_NO_PROCESSING;
    r->eff_p = r->eff_sp = r->eff_np = MP_DMARC_POLICY_ABSENT;
  }
  add_note(r,
           st->rua_ok ? MP_DMARC_NOTE_POLICY_AS_NONE : MP_DMARC_NOTE_NO_POLICY,
           at, at == MP_DMARC_TAG_NONE ? 0 : st->tag_off[at],
           at == MP_DMARC_TAG_NONE ? 0 : st->tag_len[at]);
}

static void set_defaults(struct mp_dmarc_record *r, const char *text,
                         size_t len)
{
  memset(r, 0, sizeof(*r));
  r->text = text;
  r->len = len;
  r->seen = r->valid = BIT(MP_DMARC_TAG_V);
  r->pct = 100;          /* RFC 7489 6.3 */
  r->fo = MP_DMARC_FO_0; /* RFC 9989 4.7 */
  r->rf_afrf = true;     /* RFC 7489 6.3 */
  r->ri = 86400;         /* RFC 7489 6.3 */
  r->psd = MP_DMARC_PSD_U;
}

int mp_dmarc_parse(const char *text, size_t len, struct mp_dmarc_record *out,
                   struct mp_dmarc_error *err)
{
  struct state st;
  struct mp_dmarc_error e = {MP_DMARC_ERR_OK, 0};
  size_t i;

  set_defaults(out, text, len);
  if (len > UINT16_MAX) {
    e.code = MP_DMARC_ERR_TOO_LONG;
    e.offset = UINT16_MAX;
    goto fail;
  }
  if (!mp_dmarc_parse_version(text, len, &i)) {
    e.code = MP_DMARC_ERR_VERSION;
    e.offset = i;
    goto fail;
  }
  memset(&st, 0, sizeof(st));
  st.r = out;
  i = mp_skip_wsp(text, i, len); /* at ";" or the end */
  while (i < len) {
    const char *semi = memchr(text + i + 1, ';', len - i - 1);
    size_t end = semi ? (size_t)(semi - text) : len;
    size_t a = mp_skip_wsp(text, i + 1, end), b = end;

    while (b > a && mp_is_wsp(text[b - 1])) {
      b--;
    }
    if (a < b) {
      parse_tag(&st, a, b);
    } else if (semi) { /* a trailing ";" is dmarc-record's [dmarc-sep] */
      add_note(out, MP_DMARC_NOTE_EMPTY_TAG, MP_DMARC_TAG_NONE, i + 1,
               end - i - 1);
    }
    i = end;
  }
  if (st.repeated) { /* the entire tag-list is invalid (RFC 6376 3.2) */
    e.code = MP_DMARC_ERR_DUPLICATE_TAG;
    e.offset = st.repeat_off;
    goto fail;
  }
  if ((out->seen & BIT(MP_DMARC_TAG_FO)) &&
      !(out->seen & BIT(MP_DMARC_TAG_RUF))) {
    add_note(out, MP_DMARC_NOTE_FO_WITHOUT_RUF, MP_DMARC_TAG_FO,
             st.tag_off[MP_DMARC_TAG_FO], st.tag_len[MP_DMARC_TAG_FO]);
  }
  decide_effect(&st);
  if (err) {
    *err = e;
  }
  return 0;
fail:
  out->seen = out->valid = 0;
  if (err) {
    *err = e;
  }
  return -EINVAL;
}

int mp_dmarc_copy_lower(const char *text, size_t off, size_t n, char *buf,
                        size_t cap)
{
  if (cap == 0) {
    return -ENOSPC;
  }
  if (n + 1 > cap || n > INT32_MAX) {
    buf[0] = '\0';
    return -ENOSPC;
  }
  for (size_t k = 0; k < n; k++) {
    buf[k] = mp_lower(text[off + k]);
  }
  buf[n] = '\0';
  return (int)n;
}

/* Each note's code and the RFC text behind it, in enum order. */
static const struct {
  const char *name, *ref;
} notes[] = {
    {"duplicate_tag", "RFC 6376 3.2"},     {"unknown_tag", "RFC 9989 4.7"},
    {"empty_tag", "RFC 9989 4.8"},         {"malformed_tag", "RFC 9989 4.8"},
    {"bad_character", "RFC 9989 4.8"},     {"empty_value", "RFC 9989 4.8"},
    {"bad_value", "RFC 9989 4.8"},         {"p_missing", "RFC 7489 6.3"},
    {"p_not_second", "RFC 7489 6.3"},      {"removed_tag", "RFC 9989 C.5.2"},
    {"rfc9989_tag", "RFC 9989 C.5.1"},     {"bad_uri", "RFC 9989 4.8"},
    {"uri_size", "RFC 9989 4.8"},          {"too_many_uris", "parser limit"},
    {"fo_conflict", "RFC 9989 4.7"},       {"fo_without_ruf", "RFC 9989 4.7"},
    {"policy_as_none", "RFC 9989 4.10.1"}, {"no_policy", "RFC 9989 4.10.1"},
};

const char *mp_dmarc_note_name(enum mp_dmarc_note_code code)
{
  return (size_t)code < sizeof(notes) / sizeof(notes[0]) ? notes[code].name
                                                         : "?";
}

const char *mp_dmarc_note_ref(enum mp_dmarc_note_code code)
{
  return (size_t)code < sizeof(notes) / sizeof(notes[0]) ? notes[code].ref
                                                         : "?";
}

const char *mp_dmarc_error_name(enum mp_dmarc_error_code code)
{
  switch (code) {
  case MP_DMARC_ERR_OK:
    return "ok";
  case MP_DMARC_ERR_VERSION:
    return "version";
  case MP_DMARC_ERR_TOO_LONG:
    return "too_long";
  case MP_DMARC_ERR_DUPLICATE_TAG:
    return "duplicate_tag";
  }
  return "?";
}

const char *mp_dmarc_tag_name(enum mp_dmarc_tag tag)
{
  return (size_t)tag < sizeof(tag_names) / sizeof(tag_names[0]) ? tag_names[tag]
                                                                : "?";
}

const char *mp_dmarc_effect_name(enum mp_dmarc_effect e)
{
  static const char *const names[] = {"policy", "as_none", "no_processing"};

  return (size_t)e < 3 ? names[e] : "?";
}

const char *mp_dmarc_psd_name(enum mp_dmarc_psd psd)
{
  static const char *const names[] = {"u", "y", "n"};

  return (size_t)psd < 3 ? names[psd] : "?";
}

bool mp_dmarc_is_record(const char *txt, size_t len)
{
  return mp_dmarc_parse_version(txt, len, NULL);
}
