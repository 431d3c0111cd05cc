#include "tests/world/postgen.h"

#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void mp_pg_printf(struct mp_pg_text *t, const char *fmt, ...)
{
  size_t room = t->cap - t->len;
  va_list ap;
  int n;

  va_start(ap, fmt);
  n = vsnprintf(t->p + t->len, room, fmt, ap);
  va_end(ap);
  assert(n >= 0 && (size_t)n < room);
  t->len += (size_t)n;
}

void mp_pg_txt(struct mp_pg_text *t, const char *owner, const char *p, size_t n)
{
  mp_pg_printf(t, "%s. TXT", owner);
  for (size_t at = 0; at < n || at == 0; at += 255) {
    size_t k = n - at < 255 ? n - at : 255;
    assert(t->len + 2 * k + 4 < t->cap);
    t->p[t->len++] = ' ';
    t->p[t->len++] = '"';
    for (size_t i = at; i < at + k; i++) {
      assert(p[i] >= 0x20 && p[i] <= 0x7e);
      if (p[i] == '"' || p[i] == '\\') {
        t->p[t->len++] = '\\';
      }
      t->p[t->len++] = p[i];
    }
    t->p[t->len++] = '"';
  }
  mp_pg_printf(t, "\n");
}

void mp_pg_fmt(char *dst, size_t cap, const char *fmt, ...)
{
  va_list ap;
  int n;

  va_start(ap, fmt);
  n = vsnprintf(dst, cap, fmt, ap);
  va_end(ap);
  assert(n >= 0 && (size_t)n < cap);
  (void)n;
}

void mp_pg_txt_str(struct mp_pg_text *t, const char *owner, const char *s)
{
  mp_pg_txt(t, owner, s, strlen(s));
}

size_t mp_pg_base64(const uint8_t *in, size_t n, char *out)
{
  static const char abc[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
      "0123456789+/";
  size_t k = 0;

  for (size_t i = 0; i < n; i += 3) {
    uint32_t v = (uint32_t)in[i] << 16;
    v |= i + 1 < n ? (uint32_t)in[i + 1] << 8 : 0;
    v |= i + 2 < n ? in[i + 2] : 0;
    out[k++] = abc[v >> 18];
    out[k++] = abc[v >> 12 & 63];
    out[k++] = i + 1 < n ? abc[v >> 6 & 63] : '=';
    out[k++] = i + 2 < n ? abc[v & 63] : '=';
  }
  out[k] = '\0';
  return k;
}

/* A DER tag and definite length (X.690 section 8.1.3). */
static size_t der_head(uint8_t *w, uint8_t tag, size_t len)
{
  w[0] = tag;
  if (len < 128) {
    w[1] = (uint8_t)len;
    return 2;
  }
  if (len < 256) {
    w[1] = 0x81;
    w[2] = (uint8_t)len;
    return 3;
  }
  w[1] = 0x82;
  w[2] = (uint8_t)(len >> 8);
  w[3] = (uint8_t)len;
  return 4;
}

static size_t der_len(size_t len)
{
  return len < 128 ? 2 : len < 256 ? 3 : 4;
}

size_t mp_pg_rsa_key(unsigned bits, const uint8_t *mod, char *out)
{
  /* AlgorithmIdentifier: rsaEncryption (1.2.840.113549.1.1.1), NULL */
  static const uint8_t alg[] = {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                                0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
  static const uint8_t exp[] = {0x02, 0x03, 0x01, 0x00, 0x01};
  uint8_t der[600];
  size_t nb = bits / 8, nint = nb + 1; /* a leading 0: the top bit is set */
  size_t seq = der_len(nint) + nint + sizeof(exp);
  size_t bs = 1 + der_len(seq) + seq;
  size_t spki = sizeof(alg) + der_len(bs) + bs, k = 0;

  assert(bits % 8 == 0 && bits <= 4096 && der_len(spki) + spki <= sizeof(der));
  k += der_head(der + k, 0x30, spki);
  memcpy(der + k, alg, sizeof(alg));
  k += sizeof(alg);
  k += der_head(der + k, 0x03, bs);
  der[k++] = 0; /* no unused bits */
  k += der_head(der + k, 0x30, seq);
  k += der_head(der + k, 0x02, nint);
  der[k++] = 0;
  memcpy(der + k, mod, nb);
  der[k] |= 0x80;
  der[k + nb - 1] |= 1; /* odd, as a real modulus is */
  k += nb;
  memcpy(der + k, exp, sizeof(exp));
  k += sizeof(exp);
  return mp_pg_base64(der, k, out);
}

/* ---- records added to existing domains ---- */

static void rng_bytes(struct mp_rng *r, uint8_t *p, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    p[i] = (uint8_t)mp_rng_next(r);
  }
}

/* owner TXT "<pre>p=<an RSA key of bits>" */
static void rsa_at(struct mp_pg_text *t, const char *owner, const char *pre,
                   unsigned bits, struct mp_rng *r)
{
  uint8_t mod[512];
  char rec[1100];

  mp_pg_fmt(rec, sizeof(rec), "%sp=", pre);
  assert(strlen(rec) < sizeof(rec) - 800);
  rng_bytes(r, mod, bits / 8);
  mp_pg_rsa_key(bits, mod, rec + strlen(rec));
  mp_pg_txt_str(t, owner, rec);
}

/* "<sel>._domainkey.<name>" TXT "<pre>p=<an RSA key of bits>" */
static void rsa_rec(struct mp_pg_text *t, const char *sel, const char *name,
                    const char *pre, unsigned bits, struct mp_rng *r)
{
  char owner[300];

  mp_pg_fmt(owner, sizeof(owner), "%s._domainkey.%s", sel, name);
  rsa_at(t, owner, pre, bits, r);
}

static void ed_rec(struct mp_pg_text *t, const char *sel, const char *name,
                   struct mp_rng *r)
{
  uint8_t key[32];
  char b64[48];

  rng_bytes(r, key, sizeof(key));
  mp_pg_base64(key, sizeof(key), b64);
  mp_pg_printf(t, "%s._domainkey.%s. TXT \"v=DKIM1; k=ed25519; p=%s\"\n", sel,
               name, b64);
}

static void dkim_extra(int v, const char *n, struct mp_rng *r,
                       struct mp_pg_text *t)
{
  uint8_t mod[256];
  char key[1024], rec[1100], owner[300];
  size_t len;

  switch (v) {
  case 0:
    rsa_rec(t, "google", n, "v=DKIM1; h=sha256; k=rsa; ", 2048, r);
    break;
  case 1:
    rsa_rec(t, "selector2", n, "v=DKIM1; k=rsa; ", 1024, r);
    rsa_rec(t, "k1", n, "v=DKIM1; k=rsa; ", 2048, r);
    break;
  case 2:
    rsa_rec(t, "k2", n, "v=DKIM1; k=rsa; ", 512, r);
    break;
  case 3:
    rsa_rec(t, "s1", n, "v=DKIM1; k=rsa; ", 4096, r);
    break;
  case 4:
    ed_rec(t, "default", n, r);
    break;
  case 5: /* revoked (RFC 6376 section 3.6.1: empty p=) */
    mp_pg_printf(t, "dkim._domainkey.%s. TXT \"v=DKIM1; p=\"\n", n);
    break;
  case 6:
    rsa_rec(t, "mail", n, "v=DKIM1; k=rsa; t=y; ", 2048, r);
    break;
  case 7: /* delegated to a provider, in this zone and in another one
              (Knot answers an alias into another zone with the CNAME
              alone: the scanner asks the target itself) */
    mp_pg_printf(t,
                 "s1._domainkey.%s. CNAME s1.domainkey.sendco.test.\n"
                 "s2._domainkey.%s. CNAME s2.domainkey.sendco.test.\n"
                 "google._domainkey.%s. CNAME google.dkim.sendco.example.\n",
                 n, n, n);
    break;
  case 8: /* dangling delegations, in this zone and in another: no key */
    mp_pg_printf(t,
                 "s2._domainkey.%s. CNAME s2.gone.sendco.test.\n"
                 "k1._domainkey.%s. CNAME k1.gone.sendco.example.\n",
                 n, n);
    break;
  case 9: /* a key at a selector nobody probes */
    rsa_rec(t, "sel2025", n, "v=DKIM1; k=rsa; ", 2048, r);
    break;
  case 10:
    mp_pg_printf(t, "default._domainkey.%s. TXT \"not-a-key=1 hello\"\n", n);
    rsa_rec(t, "k3", n, "v=DKIM1; k=rsa; t=s; ", 1024, r);
    break;
  case 11: /* an old DomainKeys policy at _domainkey; a key without v= */
    mp_pg_printf(t, "_domainkey.%s. TXT \"o=~; r=postmaster@%s\"\n", n, n);
    rsa_rec(t, "mandrill", n, "k=rsa; t=y:s; ", 1024, r);
    break;
  case 12:
    mp_pg_printf(t, "zendesk1._domainkey.%s. TXT \"v=DKIM1; k=rsa; p=\"\n", n);
    ed_rec(t, "pm", n, r);
    rsa_rec(t, "sig1", n, "v=DKIM1; k=rsa; ", 2048, r);
    break;
  case 14: /* key records that cannot be used (docs/schema.md "DKIM key
              errors"), each with one problem */
    mp_pg_printf(t,
                 "k1._domainkey.%s. TXT \"v=DKIM1; k=rsa; "
                 "p=MIGfMA0G!!notbase64\"\n",
                 n);
    rng_bytes(r, mod, 16);
    mp_pg_base64(mod, 16, key);
    mp_pg_printf(t, "k2._domainkey.%s. TXT \"v=DKIM1; k=ed25519; p=%s\"\n", n,
                 key);
    break;
  case 15:
    rsa_rec(t, "s1", n, "v=DKIM1; k=dsa; ", 1024, r);
    mp_pg_printf(t,
                 "s2._domainkey.%s. TXT \"v=DKIM1; "
                 "p=bm90IGEga2V5IGF0IGFsbCwganVzdCB0ZXh0ISE=\"\n",
                 n);
    break;
  case 16:
    rsa_rec(t, "default", n, "v=DKIM2; ", 1024, r);
    mp_pg_printf(t, "dkim._domainkey.%s. TXT \"v=DKIM1; k=rsa\"\n", n);
    break;
  case 18: /* a key, and a probe that fails: delegated to a provider
              name that is an alias into the zone that does not load
              (SERVFAIL; a CNAME straight into broken.test would be
              answered NXDOMAIN by Knot from the test. zone) */
    rsa_rec(t, "google", n, "v=DKIM1; k=rsa; ", 2048, r);
    mp_pg_printf(t, "k1._domainkey.%s. CNAME dkim.outage.sendco.example.\n", n);
    break;
  case 19: /* only a probe that fails */
    mp_pg_printf(t, "s1._domainkey.%s. CNAME dkim.outage.sendco.example.\n", n);
    break;
  case 17: /* v= not the first tag; a tag twice */
    rng_bytes(r, mod, sizeof(mod));
    mp_pg_rsa_key(2048, mod, key);
    mp_pg_fmt(rec, sizeof(rec), "p=%s; v=DKIM1", key);
    mp_pg_fmt(owner, sizeof(owner), "google._domainkey.%s", n);
    mp_pg_txt_str(t, owner, rec);
    rsa_rec(t, "mail", n, "v=DKIM1; k=rsa; k=rsa; ", 2048, r);
    rsa_rec(t, "sig1", n, "v=DKIM1; k=rsa; ", 2048, r);
    break;
  default: /* 13: base64 folded with blanks (FWS, section 3.6.1) */
    rng_bytes(r, mod, sizeof(mod));
    len = mp_pg_rsa_key(2048, mod, key);
    mp_pg_printf(t, "smtpapi._domainkey.%s. TXT \"v=DKIM1; k=rsa; p=", n);
    for (size_t at = 0; at < len; at += 64) {
      mp_pg_printf(t, "%s%.*s",
                   at == 0     ? ""
                   : at == 192 ? "\" \" "
                               : " ",
                   64, key + at);
    }
    mp_pg_printf(t, "\"\n");
    break;
  }
}

static void alnum(struct mp_rng *r, char *out, size_t n)
{
  static const char abc[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV"
                            "WXYZ0123456789";

  for (size_t i = 0; i < n; i++) {
    out[i] = abc[mp_rng_below(r, sizeof(abc) - 1)];
  }
  out[n] = '\0';
}

static void sts_extra(int v, const char *n, struct mp_rng *r,
                      struct mp_pg_text *t)
{
  char id[40], o[300];

  mp_pg_fmt(o, sizeof(o), "_mta-sts.%s", n);
  switch (v) {
  case 0:
    mp_pg_txt_str(t, o, "v=STSv1; id=20240115T093000");
    break;
  case 1: /* the longest id, 32 characters */
  case 3: /* one too long */
    alnum(r, id, v == 1 ? 32 : 33);
    mp_pg_printf(t, "%s. TXT \"v=STSv1; id=%s\"\n", o, id);
    break;
  case 2:
    mp_pg_txt_str(t, o, "v=STSv1; id=2024-01-15");
    break;
  case 4:
    mp_pg_txt_str(t, o, "v=STSv1;");
    break;
  case 5:
    mp_pg_txt_str(t, o, "id=abc123; v=STSv1;");
    break;
  case 6:
    mp_pg_txt_str(t, o, "v=STSv1; id=a1b2");
    mp_pg_txt_str(t, o, "v=STSv1; id=c3d4");
    break;
  case 7:
    mp_pg_txt_str(t, o, "v=STSv1; id=7f3a9c");
    mp_pg_txt_str(t, o, "mta-sts-verification=ok");
    break;
  case 8:
    mp_pg_printf(t, "%s. CNAME _mta-sts.sts.sendco.test.\n", o);
    break;
  case 9:
    mp_pg_txt_str(t, o, "v=STSv1; id=abc; id=def");
    break;
  case 10: /* a version receivers do not know: discarded */
    mp_pg_txt_str(t, o, "v=STSv2; id=20240115");
    break;
  case 11:
    mp_pg_txt_str(t, o, "v=STSv1; id=a1b2; ext=a=b");
    break;
  default: /* 12 */
    mp_pg_txt_str(t, o, "v=STSv1; id=a1b2;; x=1");
    break;
  }
}

static void tlsrpt_extra(int v, const char *n, struct mp_pg_text *t)
{
  char o[300];

  mp_pg_fmt(o, sizeof(o), "_smtp._tls.%s", n);
  switch (v) {
  case 0:
    mp_pg_printf(t, "%s. TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@%s\"\n", o, n);
    break;
  case 1:
    mp_pg_txt_str(t, o, "v=TLSRPTv1; rua=https://reports.example/tlsrpt");
    break;
  case 2:
    mp_pg_printf(t,
                 "%s. TXT \"v=TLSRPTv1; rua=mailto:tls@%s , "
                 "https://reports.example/v1\"\n",
                 o, n);
    break;
  case 3:
    mp_pg_txt_str(t, o, "v=TLSRPTv1;");
    break;
  case 4:
    mp_pg_txt_str(t, o, "v=TLSRPTv1; rua=ftp://reports.example/tlsrpt");
    break;
  case 5:
    mp_pg_printf(t, "%s. TXT \"rua=mailto:tlsrpt@%s; v=TLSRPTv1\"\n", o, n);
    break;
  case 6:
    mp_pg_printf(t, "%s. TXT \"v=TLSRPTv1; rua=mailto:a@%s\"\n", o, n);
    mp_pg_printf(t, "%s. TXT \"v=TLSRPTv1; rua=mailto:b@%s\"\n", o, n);
    break;
  case 7: /* one record in two strings */
    mp_pg_printf(t, "%s. TXT \"v=TLSRPTv1;\" \"rua=mailto:tls@%s;\"\n", o, n);
    break;
  case 8: /* "!" must be encoded (RFC 8460 section 3) */
    mp_pg_printf(t, "%s. TXT \"v=TLSRPTv1; rua=mailto:tls@%s!10m\"\n", o, n);
    break;
  case 9:
    mp_pg_printf(t, "%s. TXT \"v=TLSRPTv2; rua=mailto:tls@%s\"\n", o, n);
    break;
  default: /* 10: a field without "=" */
    mp_pg_txt_str(t, o, "v=TLSRPTv1; rua=https://reports.example/a; note");
    break;
  }
}

static void bimi_extra(int v, const char *n, struct mp_pg_text *t)
{
  char o[300];

  mp_pg_fmt(o, sizeof(o), "default._bimi.%s", n);
  switch (v) {
  case 0:
    mp_pg_printf(t, "%s. TXT \"v=BIMI1; l=https://%s/brand/logo.svg\"\n", o, n);
    break;
  case 1:
    mp_pg_printf(t,
                 "%s. TXT \"v=BIMI1; l=https://%s/logo.svg; "
                 "a=https://vmc.example/%s.pem\"\n",
                 o, n, n);
    break;
  case 2: /* a declination to publish (draft section 4.3.1) */
    mp_pg_txt_str(t, o, "v=BIMI1; l=; a=;");
    break;
  case 3:
    mp_pg_printf(t, "%s. TXT \"v=BIMI1; l=http://%s/logo.svg\"\n", o, n);
    break;
  case 4:
    mp_pg_printf(t, "%s. TXT \"v=BIMI1; a=https://vmc.example/%s.pem\"\n", o,
                 n);
    break;
  case 5:
    mp_pg_printf(t, "%s. TXT \"l=https://%s/logo.svg; v=BIMI1\"\n", o, n);
    break;
  case 6:
    mp_pg_printf(t, "%s. TXT \"v=BIMI1; l=https://%s/a.svg\"\n", o, n);
    mp_pg_printf(t, "%s. TXT \"v=BIMI1; l=https://%s/b.svg\"\n", o, n);
    break;
  case 7:
    mp_pg_printf(t,
                 "%s. TXT \"v=BIMI1; l=https://%s/logo.svg; "
                 "a=http://vmc.example/%s.pem\"\n",
                 o, n, n);
    break;
  case 8:
    mp_pg_printf(t, "%s. TXT \"v=BIMI1; l=https://%s/logo.png\"\n", o, n);
    break;
  case 9:
    mp_pg_printf(t,
                 "%s. TXT \"v=BIMI1; l=https://%s/a.svg; "
                 "l=https://%s/b.svg\"\n",
                 o, n, n);
    break;
  case 10: /* "_" is not local-part-text (draft-14 section 4.3) */
    mp_pg_printf(t,
                 "%s. TXT \"v=BIMI1; l=https://%s/logo.svg; "
                 "lps=news_letter\"\n",
                 o, n);
    break;
  case 11: /* the version is case-sensitive (draft section 4.3) */
    mp_pg_printf(t, "%s. TXT \"v=bimi1; l=https://%s/logo.svg\"\n", o, n);
    break;
  case 12: /* a= without "//" has no host */
    mp_pg_printf(t,
                 "%s. TXT \"v=BIMI1; l=https://%s/logo.svg; "
                 "a=https:vmc.example/%s.pem\"\n",
                 o, n, n);
    break;
  case 13: /* a tag name must start with a letter */
    mp_pg_printf(t, "%s. TXT \"v=BIMI1; l=https://%s/logo.svg; 9x=1\"\n", o, n);
    break;
  case 14: /* local-part prefixes (draft-14 section 4.3) */
    mp_pg_printf(t,
                 "%s. TXT \"v=BIMI1; l=https://%s/logo.svg; "
                 "lps=sales , news-2024\"\n",
                 o, n);
    break;
  case 15:
    mp_pg_printf(
        t, "%s. TXT \"v=BIMI1; l=https://%s/logo.svg; avp=personal\"\n", o, n);
    break;
  case 16: /* any other avp= value is ignored (section 4.3) */
    mp_pg_printf(t, "%s. TXT \"v=BIMI1; l=https://%s/logo.svg; avp=logo\"\n", o,
                 n);
    break;
  case 17: /* evidence without a location is no declination (4.3.1) */
    mp_pg_printf(t, "%s. TXT \"v=BIMI1; l=; a=https://vmc.example/%s.pem\"\n",
                 o, n);
    break;
  case 18: /* l= is REQUIRED (section 4.3), whatever else is there */
    mp_pg_txt_str(t, o, "v=BIMI1; avp=brand; lps=");
    break;
  default: /* 19: a declination for the default selector (4.3.1) */
    mp_pg_txt_str(t, o, "v=BIMI1; l=; lps=sales");
    break;
  }
}

void mp_pg_pick(uint64_t seed, uint64_t index, int round,
                struct mp_pg_pick *pick)
{
  static const unsigned n[4] = {MP_PG_NDKIM, MP_PG_NSTS, MP_PG_NTLSRPT,
                                MP_PG_NBIMI};
  static const unsigned drawn[4] = {MP_PG_NDKIM_RANDOM, MP_PG_NSTS,
                                    MP_PG_NTLSRPT, MP_PG_NBIMI};
  static const unsigned pct[4] = {12, 5, 5, 4};
  int *v[4] = {&pick->dkim, &pick->sts, &pick->tlsrpt, &pick->bimi};
  struct mp_rng r;

  mp_rng_init(&r, seed, index, 7);
  for (int f = 0; f < 4; f++) {
    bool on = mp_rng_pct(&r, pct[f]);
    unsigned which = mp_rng_below(&r, drawn[f]);
    if (round >= 0) {
      on = (unsigned)round < n[f];
      which = (unsigned)round;
    }
    *v[f] = on ? (int)which : -1;
  }
}

void mp_pg_extras(const struct mp_pg_pick *pick, const char *name,
                  struct mp_rng *r, struct mp_pg_text *zone)
{
  if (pick->dkim >= 0) {
    dkim_extra(pick->dkim, name, r, zone);
  }
  if (pick->sts >= 0) {
    sts_extra(pick->sts, name, r, zone);
  }
  if (pick->tlsrpt >= 0) {
    tlsrpt_extra(pick->tlsrpt, name, zone);
  }
  if (pick->bimi >= 0) {
    bimi_extra(pick->bimi, name, zone);
  }
}

/* ---- static records ---- */

void mp_pg_static(uint64_t seed, struct mp_pg_text *test,
                  struct mp_pg_text *example, struct mp_pg_text *psd)
{
  struct mp_rng r;

  mp_rng_init(&r, seed, 0, 9);
  rsa_at(test, "s1.domainkey.sendco.test", "v=DKIM1; k=rsa; ", 2048, &r);
  rsa_at(test, "s2.domainkey.sendco.test", "v=DKIM1; k=rsa; ", 1024, &r);
  mp_pg_txt_str(test, "_mta-sts.sts.sendco.test", "v=STSv1; id=sendco2024");
  mp_pg_txt_str(example, "*._report._dmarc.reports.example", "v=DMARC1;");
  rsa_at(example, "google.dkim.sendco.example", "v=DKIM1; k=rsa; ", 2048, &r);
  /* DKIM variants 18 and 19: a provider's key name whose zone fails */
  mp_pg_printf(example, "dkim.outage.sendco.example. CNAME "
                        "key.dkim.broken.test.\n");
  mp_pg_txt_str(psd, "_dmarc.psd.test",
                "v=DMARC1; p=quarantine; sp=reject; psd=y; "
                "rua=mailto:psd-agg@reports.example");
}
