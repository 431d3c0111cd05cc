#ifndef MP_SCANNER_RECORDS_DKIM_KEY_H
#define MP_SCANNER_RECORDS_DKIM_KEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scanner/dns/dns.h"

/* The DKIM key record, the TXT at <selector>._domainkey.<domain>
 * (RFC 6376 sections 3.2 and 3.6.1, RFC 8301, RFC 8463): pure, no I/O,
 * no allocation. The p= key is base64-decoded and its DER parsed as a
 * stream, so a key of any size needs no buffer. */

#define MP_DKIM_ED25519_LEN 32 /* raw public key bytes (RFC 8463 4.2) */

enum mp_dkim_key_type {
  MP_DKIM_KEY_RSA,     /* k=rsa, or no k= (the default) */
  MP_DKIM_KEY_ED25519, /* k=ed25519 (RFC 8463) */
  MP_DKIM_KEY_OTHER,   /* any other k= value, as written in .k */
};

/* Why a record is unusable. Their names in rows are output/status.h's
 * MP_DKIM_ERROR_MAP, in this order. */
enum mp_dkim_key_error {
  MP_DKIM_KEY_OK,
  MP_DKIM_KEY_BAD_SYNTAX,         /* "bad_syntax": not a tag-list (3.2),
                                     a duplicate tag, an empty k=, or an
                                     empty item in h=, s= or t= */
  MP_DKIM_KEY_BAD_VERSION,        /* "bad_version": v= not "DKIM1" or not
                                     the first tag */
  MP_DKIM_KEY_MISSING_P,          /* "missing_p": no p= tag */
  MP_DKIM_KEY_BAD_BASE64,         /* "bad_base64": a byte outside the
                                     alphabet, or bad or missing padding */
  MP_DKIM_KEY_BAD_DER,            /* "bad_der": k=rsa but p= is neither a
                                     SubjectPublicKeyInfo of rsaEncryption
                                     nor an RSAPublicKey, in strict DER */
  MP_DKIM_KEY_UNKNOWN_KEY_TYPE,   /* "unknown_key_type": k= neither rsa
                                     nor ed25519 (verifiers ignore it) */
  MP_DKIM_KEY_BAD_ED25519_LENGTH, /* "bad_ed25519_length": k=ed25519 but
                                     p= is not 32 bytes */
};

/* A parsed key record. The slices point into the text given to
 * mp_dkim_key_parse() (borrowed: keep the text alive as long as them);
 * p is NULL for a tag that is absent, non-NULL with len 0 for one that
 * is empty. Values are trimmed of the FWS around them; p= may still hold
 * FWS inside. Nothing here is heap memory. */
struct mp_dkim_key {
  struct mp_slice v, k, p, h, s, t, n; /* the tag values as written */
  enum mp_dkim_key_type type;
  bool revoked;       /* p= is empty: the key was revoked (3.6.1) */
  bool testing;       /* t= lists "y" */
  bool strict;        /* t= lists "s": the i= domain must be d= itself,
                         not a subdomain */
  bool hash_sha1;     /* h= allows sha1 (true when h= is absent) */
  bool hash_sha256;   /* h= allows sha256 (true when h= is absent) */
  bool hash_other;    /* h= lists another, unknown algorithm */
  bool service_email; /* s= is absent or lists "*" or "email": the key
                         may sign mail */
  bool pkcs1;         /* rsa: a bare RSAPublicKey, not wrapped in a
                         SubjectPublicKeyInfo (RFC 6376 erratum 3017) */
  unsigned bits;      /* rsa: modulus size in bits (from its first 1 bit);
                         0 when not known */
  uint64_t exponent;  /* rsa: public exponent, 0 when over 64 bits or not
                         known */
  size_t key_len;     /* p= decoded, in bytes; 0 when not decoded */
  size_t nunknown;    /* tags this parser does not know (ignored, 3.2) */
  enum mp_dkim_key_error error; /* MP_DKIM_KEY_OK iff the parse returned 0 */
  size_t error_off; /* byte offset in the text where it went wrong; for
                       BAD_DER and BAD_ED25519_LENGTH, the start of the p=
                       value */
};

/* Parses the key record text[0..len) into *out: the TXT's strings
 * joined with nothing between (RFC 6376 3.6.2.2). Returns 0, or -EINVAL
 * with out->error and out->error_off saying what and where. Checks run
 * in this order and stop at the first failure: tag-list syntax, version,
 * the k= h= s= t= values, p= present, p= empty (revoked: returns 0, key
 * not examined), key type, base64, key. So after UNKNOWN_KEY_TYPE,
 * BAD_BASE64, BAD_DER or BAD_ED25519_LENGTH the slices and flags are
 * complete. Tag names and values are case-sensitive (3.2). Any bytes are
 * safe input; the time is linear in len. */
int mp_dkim_key_parse(const char *text, size_t len, struct mp_dkim_key *out);

/* "rsa", "ed25519" or "other" (the k= text is in key->k). */
const char *mp_dkim_key_type_name(enum mp_dkim_key_type t);

/* h= names sha1 but not sha256: RFC 8301 section 3.1 says sha1 MUST NOT
 * be used for signing or verifying, so a verifier that follows it
 * accepts no signature made with this key. False when h= is absent. */
bool mp_dkim_key_sha1_only(const struct mp_dkim_key *key);

/* The RSA key sizes of RFC 8301 section 3.2: signers MUST use at least
 * 1024 bits and SHOULD use at least 2048; verifiers MUST handle 1024 to
 * 4096 and MAY handle more. */
enum mp_dkim_rsa_class {
  MP_DKIM_RSA_FORBIDDEN, /* under 1024: MUST NOT be used (an error) */
  MP_DKIM_RSA_WEAK,      /* 1024 to 2047: allowed, below the SHOULD of
                            2048 (a warning) */
  MP_DKIM_RSA_OK,        /* 2048 to 4096 */
  MP_DKIM_RSA_LARGE,     /* over 4096: a verifier need not validate it
                            (a warning) */
};

/* Classifies an RSA modulus size (key->bits; 0 is FORBIDDEN). */
enum mp_dkim_rsa_class mp_dkim_rsa_classify(unsigned bits);

/* "forbidden", "weak", "ok", "large". */
const char *mp_dkim_rsa_class_name(enum mp_dkim_rsa_class c);

#endif
