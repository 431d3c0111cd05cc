#include "scanner/records/dkim_key.h"

#include <assert.h>
#include <errno.h>
#include <string.h>

#include "scanner/base/ascii.h"
#include "scanner/records/pubkey.h"

/* Unknown tags whose names are remembered for the duplicate check (3.2).
 * Real records have a handful; a hostile one with thousands is checked
 * for its first ones only, which keeps the parse linear. */
#define UNKNOWN_SEEN_MAX 32

static bool is_alnumpunc(char c)
{
  return mp_is_alpha(c) || (c >= '0' && c <= '9') || c == '_';
}

/* RFC 6376 3.2: VALCHAR = %x21-3A / %x3C-7E (printable ASCII but ";"). */
static bool is_valchar(char c)
{
  return c >= 0x21 && c <= 0x7e && c != ';';
}

/* Skips FWS = ([*WSP CRLF] 1*WSP) (RFC 6376 2.8, RFC 5322 3.2.2): WSP,
 * and a CRLF only when WSP follows it. Returns the index after it. */
static size_t skip_fws(const char *s, size_t i, size_t n)
{
  for (;;) {
    if (i < n && mp_is_wsp(s[i])) {
      i++;
    } else if (n - i >= 3 && s[i] == '\r' && s[i + 1] == '\n' &&
               mp_is_wsp(s[i + 2])) {
      i += 3;
    } else {
      return i;
    }
  }
}

/* A byte of FWS inside a value that the tag-list pass has checked. */
static bool is_fws_byte(char c)
{
  return mp_is_wsp(c) || c == '\r' || c == '\n';
}

static bool slice_is(const struct mp_slice *v, const char *lit)
{
  size_t n = strlen(lit);

  return v->len == n && memcmp(v->p, lit, n) == 0;
}

static size_t offset_of(const char *text, const char *p)
{
  return (size_t)(p - text);
}

static int fail(struct mp_dkim_key *k, enum mp_dkim_key_error e, size_t off)
{
  k->error = e;
  k->error_off = off;
  return -EINVAL;
}

/* ---- tag-list (RFC 6376 section 3.2) ---------------------------------- */

struct tags {
  const char *text;
  size_t len;
  size_t ntags;
  size_t v_index; /* position of v= among the tags */
  size_t nseen;
  struct mp_slice seen[UNKNOWN_SEEN_MAX]; /* unknown tag names */
};

/* The value slot of a known tag (3.6.1), or NULL. Names are
 * case-sensitive (3.2): "P=" is not "p=". */
static struct mp_slice *known_tag(struct mp_dkim_key *k, struct mp_slice name)
{
  if (name.len != 1) {
    return NULL;
  }
  switch (name.p[0]) {
  case 'v':
    return &k->v;
  case 'k':
    return &k->k;
  case 'p':
    return &k->p;
  case 'h':
    return &k->h;
  case 's':
    return &k->s;
  case 't':
    return &k->t;
  case 'n':
    return &k->n;
  default:
    return NULL;
  }
}

/* Records one tag-spec. Returns false for a name seen before: "if a tag
 * name does occur more than once, the entire tag-list is invalid"
 * (3.2). Unrecognized tags MUST be ignored, so they are only counted. */
static bool add_tag(struct mp_dkim_key *k, struct tags *st,
                    struct mp_slice name, struct mp_slice value)
{
  struct mp_slice *slot = known_tag(k, name);

  if (slot) {
    if (slot->p) {
      return false;
    }
    *slot = value;
    if (slot == &k->v) {
      st->v_index = st->ntags;
    }
  } else {
    for (size_t i = 0; i < st->nseen; i++) {
      if (st->seen[i].len == name.len &&
          memcmp(st->seen[i].p, name.p, name.len) == 0) {
        return false;
      }
    }
    if (st->nseen < UNKNOWN_SEEN_MAX) {
      st->seen[st->nseen++] = name;
    }
    k->nunknown++;
  }
  st->ntags++;
  return true;
}

/* tag-list  = tag-spec *( ";" tag-spec ) [ ";" ]
 * tag-spec  = [FWS] tag-name [FWS] "=" [FWS] tag-value [FWS]
 * tag-name  = ALPHA *ALNUMPUNC
 * tag-value = [ tval *( 1*(WSP / FWS) tval ) ], tval = 1*VALCHAR
 * WSP after the last ";" is allowed too: published records have it. */
static int parse_tags(struct tags *st, struct mp_dkim_key *k)
{
  const char *s = st->text;
  size_t n = st->len, i = 0, start, end, j;
  struct mp_slice name;

  for (;;) {
    start = i = skip_fws(s, i, n);
    if (i == n || !mp_is_alpha(s[i])) {
      return fail(k, MP_DKIM_KEY_BAD_SYNTAX, i);
    }
    while (i < n && is_alnumpunc(s[i])) {
      i++;
    }
    name = (struct mp_slice){s + start, i - start};
    i = skip_fws(s, i, n);
    if (i == n || s[i] != '=') {
      return fail(k, MP_DKIM_KEY_BAD_SYNTAX, i);
    }
    start = end = i = skip_fws(s, i + 1, n);
    while (i < n && s[i] != ';') {
      if (is_valchar(s[i])) {
        end = ++i;
      } else if ((j = skip_fws(s, i, n)) > i) {
        i = j;
      } else {
        return fail(k, MP_DKIM_KEY_BAD_SYNTAX, i);
      }
    }
    if (!add_tag(k, st, name, (struct mp_slice){s + start, end - start})) {
      return fail(k, MP_DKIM_KEY_BAD_SYNTAX, offset_of(s, name.p));
    }
    if (i == n || (i = skip_fws(s, i + 1, n)) == n) {
      return 0;
    }
  }
}

/* 3.6.1: v= "MUST be set to "DKIM1"" and "MUST be the first tag in the
 * record"; a string comparison ("DKIM1.0" is not "DKIM1"). */
static int check_version(const struct tags *st, struct mp_dkim_key *k)
{
  if (!k->v.p) {
    return 0;
  }
  if (st->v_index != 0 || !slice_is(&k->v, "DKIM1")) {
    return fail(k, MP_DKIM_KEY_BAD_VERSION, offset_of(st->text, k->v.p));
  }
  return 0;
}

/* ---- tag values (RFC 6376 section 3.6.1) ------------------------------ */

/* The next item of a colon-separated list, "item *([FWS] ":" [FWS]
 * item)" (h=, s=, t=). Returns 1 with *item, 0 at the end, or -EINVAL
 * for an empty item with *pos at it. Unknown items are the caller's to
 * ignore ("Unrecognized ... MUST be ignored"). */
static int list_next(const struct mp_slice *v, size_t *pos,
                     struct mp_slice *item)
{
  size_t i = *pos, start, end;

  if (i > v->len) {
    return 0;
  }
  start = end = i = skip_fws(v->p, i, v->len);
  while (i < v->len && v->p[i] != ':') {
    if (!is_fws_byte(v->p[i++])) {
      end = i;
    }
  }
  if (end == start) {
    *pos = start;
    return -EINVAL;
  }
  *item = (struct mp_slice){v->p + start, end - start};
  *pos = i + 1; /* past the ":", or past the end */
  return 1;
}

static void on_hash(struct mp_dkim_key *k, const struct mp_slice *it)
{
  if (slice_is(it, "sha1")) {
    k->hash_sha1 = true;
  } else if (slice_is(it, "sha256")) {
    k->hash_sha256 = true;
  } else {
    k->hash_other = true;
  }
}

static void on_service(struct mp_dkim_key *k, const struct mp_slice *it)
{
  if (slice_is(it, "*") || slice_is(it, "email")) {
    k->service_email = true;
  }
}

static void on_flag(struct mp_dkim_key *k, const struct mp_slice *it)
{
  if (slice_is(it, "y")) {
    k->testing = true;
  } else if (slice_is(it, "s")) {
    k->strict = true;
  }
}

static int each_item(const char *text, const struct mp_slice *v,
                     struct mp_dkim_key *k,
                     void (*fn)(struct mp_dkim_key *, const struct mp_slice *))
{
  struct mp_slice it;
  size_t pos = 0;
  int rc;

  while ((rc = list_next(v, &pos, &it)) == 1) {
    fn(k, &it);
  }
  if (rc < 0) {
    return fail(k, MP_DKIM_KEY_BAD_SYNTAX, offset_of(text, v->p) + pos);
  }
  return 0;
}

/* k=, h=, s=, t=, with the defaults of 3.6.1 for absent ones: k=rsa,
 * all hash algorithms, s=*. */
static int parse_values(const char *text, struct mp_dkim_key *k)
{
  if (k->k.p) {
    if (k->k.len == 0) {
      return fail(k, MP_DKIM_KEY_BAD_SYNTAX, offset_of(text, k->k.p));
    }
    k->type = slice_is(&k->k, "rsa")       ? MP_DKIM_KEY_RSA
              : slice_is(&k->k, "ed25519") ? MP_DKIM_KEY_ED25519
                                           : MP_DKIM_KEY_OTHER;
  }
  if (!k->h.p) {
    k->hash_sha1 = k->hash_sha256 = true;
  } else if (each_item(text, &k->h, k, on_hash) != 0) {
    return -EINVAL;
  }
  if (!k->s.p) {
    k->service_email = true;
  } else if (each_item(text, &k->s, k, on_service) != 0) {
    return -EINVAL;
  }
  if (k->t.p && each_item(text, &k->t, k, on_flag) != 0) {
    return -EINVAL;
  }
  return 0;
}

static int parse_key(const char *text, struct mp_dkim_key *k)
{
  size_t off = offset_of(text, k->p.p), len, bad;
  struct mp_pubkey_rsa rsa;

  if (!mp_pubkey_b64_check(k->p.p, k->p.len, &len, &bad)) {
    return fail(k, MP_DKIM_KEY_BAD_BASE64, off + bad);
  }
  k->key_len = len;
  if (k->type == MP_DKIM_KEY_ED25519) {
    /* RFC 8463 4.2: the raw 32 bytes, not wrapped in ASN.1 as RSA is. */
    return len == MP_DKIM_ED25519_LEN
               ? 0
               : fail(k, MP_DKIM_KEY_BAD_ED25519_LENGTH, off);
  }
  if (!mp_pubkey_rsa(k->p.p, k->p.len, len, &rsa)) {
    return fail(k, MP_DKIM_KEY_BAD_DER, off);
  }
  k->bits = rsa.bits;
  k->exponent = rsa.exponent;
  k->pkcs1 = rsa.pkcs1;
  return 0;
}

/* ---- the record -------------------------------------------------------- */

int mp_dkim_key_parse(const char *text, size_t len, struct mp_dkim_key *out)
{
  struct tags st = {.text = text, .len = len};
  int rc;

  *out = (struct mp_dkim_key){.type = MP_DKIM_KEY_RSA};
  if ((rc = parse_tags(&st, out)) != 0 || (rc = check_version(&st, out)) != 0 ||
      (rc = parse_values(text, out)) != 0) {
    return rc;
  }
  if (!out->p.p) {
    return fail(out, MP_DKIM_KEY_MISSING_P, len);
  }
  if (out->p.len == 0) {
    out->revoked = true; /* 3.6.1: "An empty value means that this public
                            key has been revoked." */
    return 0;
  }
  if (out->type == MP_DKIM_KEY_OTHER) {
    return fail(out, MP_DKIM_KEY_UNKNOWN_KEY_TYPE, offset_of(text, out->k.p));
  }
  return parse_key(text, out);
}

const char *mp_dkim_key_type_name(enum mp_dkim_key_type t)
{
  switch (t) {
  case MP_DKIM_KEY_RSA:
    return "rsa";
  case MP_DKIM_KEY_ED25519:
    return "ed25519";
  default:
    return "other";
  }
}

bool mp_dkim_key_sha1_only(const struct mp_dkim_key *key)
{
  return key->h.p && key->hash_sha1 && !key->hash_sha256;
}

enum mp_dkim_rsa_class mp_dkim_rsa_classify(unsigned bits)
{
  if (bits < 1024) {
    return MP_DKIM_RSA_FORBIDDEN;
  }
  if (bits < 2048) {
    return MP_DKIM_RSA_WEAK;
  }
  return bits <= 4096 ? MP_DKIM_RSA_OK : MP_DKIM_RSA_LARGE;
}

const char *mp_dkim_rsa_class_name(enum mp_dkim_rsa_class c)
{
  switch (c) {
  case MP_DKIM_RSA_FORBIDDEN:
    return "forbidden";
  case MP_DKIM_RSA_WEAK:
    return "weak";
  case MP_DKIM_RSA_OK:
    return "ok";
  default:
    return "large";
  }
}
