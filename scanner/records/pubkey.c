#include "scanner/records/pubkey.h"

#include <assert.h>
#include <limits.h>

#include "scanner/base/ascii.h"

/* ---- base64 (RFC 6376 3.6.1 base64string, RFC 2045 6.8) --------------- */

static int b64_value(char c)
{
  if (c >= 'A' && c <= 'Z') {
    return c - 'A';
  }
  if (c >= 'a' && c <= 'z') {
    return c - 'a' + 26;
  }
  if (c >= '0' && c <= '9') {
    return c - '0' + 52;
  }
  return c == '+' ? 62 : c == '/' ? 63 : -1;
}

bool mp_pubkey_b64_check(const char *s, size_t n, size_t *len, size_t *bad)
{
  size_t nch = 0, npad = 0;

  for (size_t i = 0; i < n; i++) {
    if (mp_is_wsp(s[i]) || s[i] == '\r' || s[i] == '\n') {
      continue; /* FWS, which the tag-list pass has checked */
    }
    if (s[i] == '=') {
      npad++;
    } else if (b64_value(s[i]) >= 0 && npad == 0) {
      nch++;
    } else {
      npad = 3; /* a character after "=", or none of the alphabet */
    }
    if (npad > 2) {
      *bad = i;
      return false;
    }
  }
  if ((nch + npad) % 4 != 0) {
    *bad = n;
    return false;
  }
  *len = nch / 4 * 3 + nch % 4 * 3 / 4;
  return true;
}

/* Decodes a checked base64string one byte at a time, so the DER parser
 * below reads a key of any size without a buffer. */
struct b64 {
  const char *s;
  size_t i, n;   /* the next character, the end */
  size_t left;   /* decoded bytes not yet taken */
  uint32_t acc;  /* the low nacc bits are not yet taken */
  unsigned nacc; /* 0 to 7 between calls */
};

/* Takes one byte from the budget *avail (the rest of the enclosing DER
 * element). False when the budget is spent. */
static bool take(struct b64 *r, size_t *avail, uint8_t *b)
{
  int v;

  if (*avail == 0) {
    return false;
  }
  assert(r->left > 0); /* budgets never exceed the decoded length */
  while (r->nacc < 8) {
    do {
      assert(r->i < r->n);
      v = b64_value(r->s[r->i++]); /* FWS is skipped; "=" is never reached */
    } while (v < 0);
    r->acc = r->acc << 6 | (uint32_t)v;
    r->nacc += 6;
  }
  r->nacc -= 8;
  *b = (uint8_t)(r->acc >> r->nacc);
  r->acc &= (1u << r->nacc) - 1;
  r->left--;
  (*avail)--;
  return true;
}

/* ---- DER (X.690 10.1, 8.3) -------------------------------------------- */

/* Reads a definite, minimally encoded length and moves the contents out
 * of *avail into *len, the budget the caller then reads them with. */
static bool der_len(struct b64 *r, size_t *avail, size_t *len)
{
  size_t l = 0, nb;
  uint8_t b;

  if (!take(r, avail, &b)) {
    return false;
  }
  if (b < 0x80) {
    l = b;
  } else {
    nb = b & 0x7fu;
    if (nb == 0 || nb > 4) { /* indefinite (BER only), or 4 GiB */
      return false;
    }
    for (size_t i = 0; i < nb; i++) {
      if (!take(r, avail, &b) || (i == 0 && b == 0)) {
        return false;
      }
      l = l << 8 | b;
    }
    if (l < 0x80) {
      return false;
    }
  }
  if (l > *avail) {
    return false;
  }
  *avail -= l;
  *len = l;
  return true;
}

static bool der_tlv(struct b64 *r, size_t *avail, uint8_t tag, size_t *len)
{
  uint8_t t;

  return take(r, avail, &t) && t == tag && der_len(r, avail, len);
}

static unsigned bit_length(uint8_t b)
{
  unsigned n = 0;

  for (; b; b >>= 1) {
    n++;
  }
  return n;
}

/* A positive INTEGER in minimal two's complement: one 0x00 only before
 * a byte with its top bit set. *bits is its size from the first 1 bit;
 * *value is it when it fits 64 bits, else 0. Zero is refused too. */
static bool der_uint(struct b64 *r, size_t *avail, unsigned *bits,
                     uint64_t *value)
{
  size_t len, nsig;
  uint8_t b;
  uint64_t v;

  if (!der_tlv(r, avail, 0x02, &len) || !take(r, &len, &b) || (b & 0x80)) {
    return false;
  }
  if (b == 0 && (!take(r, &len, &b) || !(b & 0x80))) {
    return false; /* zero, or a 0x00 that was not needed */
  }
  nsig = len + 1;
  if (nsig > UINT_MAX / 8) {
    return false;
  }
  *bits = (unsigned)(nsig - 1) * 8 + bit_length(b);
  for (v = b; take(r, &len, &b);) {
    v = v << 8 | b;
  }
  *value = nsig <= 8 ? v : 0;
  return true;
}

/* RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
 * (RFC 8017 A.1.1): the two INTEGERs fill the contents *avail exactly. */
static bool rsa_ints(struct b64 *r, size_t *avail, struct mp_pubkey_rsa *k)
{
  unsigned ebits;
  uint64_t modulus;

  return der_uint(r, avail, &k->bits, &modulus) &&
         der_uint(r, avail, &ebits, &k->exponent) && *avail == 0;
}

/* 1.2.840.113549.1.1.1 rsaEncryption (RFC 8017 A.1). */
static const uint8_t rsa_oid[] = {0x2a, 0x86, 0x48, 0x86, 0xf7,
                                  0x0d, 0x01, 0x01, 0x01};

/* The contents of SubjectPublicKeyInfo ::= SEQUENCE { algorithm
 * AlgorithmIdentifier, subjectPublicKey BIT STRING } (RFC 5280 4.1): the
 * algorithm is rsaEncryption, whose parameters are NULL (RFC 3279 2.3.1;
 * absent ones are accepted as OpenSSL does), and the bits hold an
 * RSAPublicKey with no unused bits and nothing after it. */
static bool spki_rsa(struct b64 *r, size_t *avail, struct mp_pubkey_rsa *k)
{
  size_t alg, oid, par, bits, key;
  uint8_t b;

  if (!der_tlv(r, avail, 0x30, &alg) || !der_tlv(r, &alg, 0x06, &oid) ||
      oid != sizeof(rsa_oid)) {
    return false;
  }
  for (size_t i = 0; i < sizeof(rsa_oid); i++) {
    if (!take(r, &oid, &b) || b != rsa_oid[i]) {
      return false;
    }
  }
  if (alg > 0 && (!der_tlv(r, &alg, 0x05, &par) || par != 0 || alg != 0)) {
    return false;
  }
  return der_tlv(r, avail, 0x03, &bits) && *avail == 0 && take(r, &bits, &b) &&
         b == 0 && der_tlv(r, &bits, 0x30, &key) && bits == 0 &&
         rsa_ints(r, &key, k);
}

/* k=rsa: a SubjectPublicKeyInfo, which RFC 6376 Appendix C makes and
 * everyone publishes, or the bare RSAPublicKey that 3.6.1 names (erratum
 * 3017 allows both). The first element tells them apart: an INTEGER
 * (the modulus) or a SEQUENCE (the algorithm). Nothing may follow. */
static bool rsa_key(struct b64 *r, size_t total, struct mp_pubkey_rsa *k)
{
  struct b64 peek;
  size_t all = total, len, probe;
  uint8_t tag;

  if (!der_tlv(r, &all, 0x30, &len) || all != 0) {
    return false;
  }
  peek = *r;
  probe = len;
  if (!take(&peek, &probe, &tag)) {
    return false;
  }
  if (tag == 0x02) {
    k->pkcs1 = true;
    return rsa_ints(r, &len, k);
  }
  return spki_rsa(r, &len, k);
}

bool mp_pubkey_rsa(const char *s, size_t n, size_t len,
                   struct mp_pubkey_rsa *out)
{
  struct b64 r = {.s = s, .n = n, .left = len};

  *out = (struct mp_pubkey_rsa){0};
  if (!rsa_key(&r, len, out)) {
    *out = (struct mp_pubkey_rsa){0};
    return false;
  }
  return true;
}
