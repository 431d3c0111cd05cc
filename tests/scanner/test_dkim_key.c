#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/records/dkim_key.h"

/* Keys made with OpenSSL 3 for this file: `openssl genpkey -algorithm RSA
 * -pkeyopt rsa_keygen_bits:N` (or -algorithm ED25519 / EC), then `openssl
 * pkey -pubout -outform DER | base64` for a SubjectPublicKeyInfo, or
 * `openssl rsa -RSAPublicKey_out -outform DER | base64` for PKCS#1. */

/* RSA 512, SubjectPublicKeyInfo */
#define RSA512                                                                 \
  "MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAJmQB+1YKD7iMY5CdKwML8gFSbhskhBh"           \
  "atxcCPV4+qjxQHUIRCJCDKcCnCHLx1fdMdwr+NwdIcvbiNKRuLtYaZECAwEAAQ=="

/* RSA 768, SubjectPublicKeyInfo */
#define RSA768                                                                 \
  "MHwwDQYJKoZIhvcNAQEBBQADawAwaAJhAL4WHNnFdT0AOzy8unruU3C1V6kLpMdP"           \
  "jgU0GqnFSsFePkf7Yx/qENG2A2FuSd07MhBXmZj/MK87CUrWBrqq5PZLFsMiMQS9"           \
  "KICnGKpRyKzBroO56yl5JahWNFno7PARvwIDAQAB"

/* RSA 1024, SubjectPublicKeyInfo */
#define RSA1024                                                                \
  "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCmgWW6IVDTtXiRVZd+jxjJLYR5"           \
  "uy+5FYK32vYWBf9ab6D5MT6xZ+XK0s5AC8i9zPcHo/JFue0Td1FI77ecd+PnJaRK"           \
  "tHpMHHQxXX4qVgQMP6mDoC4Gs2I54wAbsvvEfhAHYnzjZulq9MQjOR6kz4lWeZxo"           \
  "WpVx2IC4anDUxyOlaQIDAQAB"

/* RSA 1536, SubjectPublicKeyInfo */
#define RSA1536                                                                \
  "MIHfMA0GCSqGSIb3DQEBAQUAA4HNADCByQKBwQDEiuzUJ+QQbun9uL6WEvpHmbVC"           \
  "+LNpAvJLEcYuEwsZa6bB8JKESXCANA0yGC19WydOLd4mTmOmsHJRuqQaE99eYdTx"           \
  "W7BMHJ+nQhcTS5kJgISRcBxJ6GE69F2EqWNaNzupdVMl7JPayqAoNN41erxGsBAv"           \
  "0KMBDHg+pDvNYc1h/Z1FE/XtYY67/XxSv7yAgwRKwlqwIbaDrFDExmqoRmlq9HeX"           \
  "SYIPyvgQnknrPvLBfi7k9Io4nKuq8x80muisgWkCAwEAAQ=="

/* RSA 2048, SubjectPublicKeyInfo */
#define RSA2048                                                                \
  "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAvwPcBTSh8xC/tPj0k0vX"           \
  "C4stXTCi9LfFzCIy59QRF6I32CwKgpFY+BlX7QP9D9RdtFHvrkGFC5igMwyWKy7E"           \
  "mtJo8bfJR8YLjxMxtusu0w/hKyAl/YUiWMgczOHoFySYpm32LVSesttW7aZcLKLM"           \
  "ppWqgS32wvaK5UR06281HZFMWLXfnuvGPW1hf3Nwn5mvr6oSXXK/QVzxciNir2LH"           \
  "wBWqarz5lvNL4QGgsmxDkT0TVSJjnEnmtyoTFds4u0+FrIpfCA9SBrekfww9KtBu"           \
  "Nb76yqQlsKaMVEwfRKKdrcDE6dPP0S4a6sVODQYDh15t9Fm7pjtwBObkUvDgBmKV"           \
  "SQIDAQAB"

/* RSA 3072, SubjectPublicKeyInfo */
#define RSA3072                                                                \
  "MIIBojANBgkqhkiG9w0BAQEFAAOCAY8AMIIBigKCAYEA1Josye9OkbFb/jKloNSZ"           \
  "AFH7f/D/pBtPUi4s0kCOBqDGIYuN5Xug5eXQpSJM8y7cZ1/whVjf04TnNFfQH0od"           \
  "COIrYwnYgiD1bC4819ehE/1fKO2101gvbuWWtZJBNK++5dc1A+WEVBMdVi1DQ08L"           \
  "5Lo9R5M+Zr0RXh10mDwLvWY4K+PlEfNIw8Ir3Q2wZcV5Ei6mbyd6mhB34+Ab3P22"           \
  "3YrMuqA8qtGU9SH8bhhS3qcNWrsM52aE94ejWwKARVuigH2FzbWnUMF2f7IpdPUT"           \
  "4ykqRWbC6o5Z5r7tPZuscTfyCMPxshyWxSxVA/XD66ENSRGk333rxwwSh3RdRF2n"           \
  "NXOu7GGRZJNmN4Xe4yt42c5OBqh7AlPbb2tDuVfuLCfblTyQceJivmhNf4Cic6LB"           \
  "OpKIL8WkEKfpn/RDkr5C2T0Vxh4XxrP8zlVcXo9g9pqHfFs2X9e0C3s4132mIILK"           \
  "ClcAuicI0dR47fprNcLi8BjtFrjNoGLqQ3uMZ9U7NtzPAgMBAAE="

/* RSA 4096, SubjectPublicKeyInfo */
#define RSA4096                                                                \
  "MIICIjANBgkqhkiG9w0BAQEFAAOCAg8AMIICCgKCAgEA3bspZOHzxsCxhoN5UPS7"           \
  "0h2te3YlcqG1OfNwXBgA11jOq+qbCrdyEFo9tW+pz1jdypLG6suXhPVsCvadORGQ"           \
  "24qhiN88f6awDMgFyr7vYrb2jLnfqpzADXqNPWI/j2bCOHmP8kATACBZrMcoao4n"           \
  "kepdacNoJQ3pHstz5gyEiYbKWTIvaOZxba8O0kk4s+eJIIWkUp96amF9ePFIDtTx"           \
  "lutJQvZkJGWj1/ubnWtaU1Bi8G0zWBznT8IBbhsFSaj/Le7GSnfr9j/qZu3KzvCa"           \
  "+0IF6s2zqwGmm3pnCWAUbmTh90PD19seM7zz9w3JRVvMYfx1DvYYIP449F1ErvnY"           \
  "I4mnvs27t6QkUvMjILU4twR2zFDh9xUJcDy+9LHDQpsaUqbn5F025a/mLYkpeRJ3"           \
  "gYk9w7W+oycjmaKBzgQy01ki+aXs2/wOu6GoV72YAiavNZm5r7Sn0I0L83uEIKS2"           \
  "GTk9v0B7OY8NVwgrCMI5tXRwoKm3oVS0GUaDDV4Dw9vD+maglZM0SxOvVlzeZjdQ"           \
  "6Ox4uC21vcPm0DRmkQMkJxN2wGP+w7HwWnIql2JjqdSysBSBZ1i3k1Wm/JjhYC1g"           \
  "V8hofLi+cs5Utl8bDzp+iQiCBdsk/chMU0c77RmMFQfwKgMNFNH7PUNRg3orxJb1"           \
  "IO98Xnqm2LFYxy/XmLbkg8MCAwEAAQ=="

/* RSA 1024, bare RSAPublicKey (PKCS#1) */
#define PKCS1_1024                                                             \
  "MIGJAoGBAKaBZbohUNO1eJFVl36PGMkthHm7L7kVgrfa9hYF/1pvoPkxPrFn5crS"           \
  "zkALyL3M9wej8kW57RN3UUjvt5x34+clpEq0ekwcdDFdfipWBAw/qYOgLgazYjnj"           \
  "ABuy+8R+EAdifONm6Wr0xCM5HqTPiVZ5nGhalXHYgLhqcNTHI6VpAgMBAAE="

/* RSA 2048, bare RSAPublicKey (PKCS#1) */
#define PKCS1_2048                                                             \
  "MIIBCgKCAQEAvwPcBTSh8xC/tPj0k0vXC4stXTCi9LfFzCIy59QRF6I32CwKgpFY"           \
  "+BlX7QP9D9RdtFHvrkGFC5igMwyWKy7EmtJo8bfJR8YLjxMxtusu0w/hKyAl/YUi"           \
  "WMgczOHoFySYpm32LVSesttW7aZcLKLMppWqgS32wvaK5UR06281HZFMWLXfnuvG"           \
  "PW1hf3Nwn5mvr6oSXXK/QVzxciNir2LHwBWqarz5lvNL4QGgsmxDkT0TVSJjnEnm"           \
  "tyoTFds4u0+FrIpfCA9SBrekfww9KtBuNb76yqQlsKaMVEwfRKKdrcDE6dPP0S4a"           \
  "6sVODQYDh15t9Fm7pjtwBObkUvDgBmKVSQIDAQAB"

/* ECDSA P-256, SubjectPublicKeyInfo */
#define EC_P256                                                                \
  "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAECx0sT6wop+M3Vdyqh9kST358mGYQ"           \
  "oZh2OHDU9VH/+sV/zF000qKSeNkGqkMTQhqR8+Yee17nsslxxd1WvE6XZw=="

/* Ed25519, SubjectPublicKeyInfo (44 bytes) */
#define ED25519_SPKI                                                           \
  "MCowBQYDK2VwAyEAzLkQtBeJDGUcStdwdrJ3DtFz9nD5z3HLLO6BkKHPJ4k="

/* the same Ed25519 key, raw (RFC 8463 4.2) */
#define ED25519_RAW "zLkQtBeJDGUcStdwdrJ3DtFz9nD5z3HLLO6BkKHPJ4k="

/* RFC 6376 Appendix C: the example key record, its strings joined. */
#define RFC6376_C_P                                                            \
  "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQ"                                         \
  "KBgQDwIRP/UC3SBsEmGqZ9ZJW3/DkMoGeLnQg1fWn7/zYt"                             \
  "IxN2SnFCjxOCKG9v3b4jYfcTNh5ijSsq631uBItLa7od+v"                             \
  "/RtdC2UzJ1lWT947qR+Rcac2gbto/NMqJ0fzfVjH4OuKhi"                             \
  "tdY9tf6mcwGjaNBcWToIMmPSPDdQPNUYckcQ2QIDAQAB"

/* The same key as a bare RSAPublicKey, as RFC 6376 erratum 6674 has it. */
#define RFC6376_C_PKCS1                                                        \
  "MIGJAoGBAPAhE/9QLdIGwSYapn1klbf8OQygZ4udCDV9afv/Ni0jE3ZKcUKPE4Iob2/d"       \
  "viNh9xM2HmKNKyrrfW4Ei0truh36/9G10LZTMnWVZP3jupH5FxpzaBu2j80yonR/N9WM"       \
  "fg64qGK11j21/qZzAaNo0FxZOggyY9I8N1A81RhyRxDZAgMBAAE="

/* RFC 8463 Appendix A.2: the example Ed25519 key record. */
#define RFC8463_A2                                                             \
  "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="

static int parse(const char *s, struct mp_dkim_key *k)
{
  return mp_dkim_key_parse(s, strlen(s), k);
}

static bool slice_eq(struct mp_slice s, const char *lit)
{
  return s.p && s.len == strlen(lit) && memcmp(s.p, lit, s.len) == 0;
}

/* Test-side base64 encoder, to wrap hand-made DER in a record. */
static size_t b64enc(const uint8_t *d, size_t n, char *out)
{
  static const char a[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t o = 0;

  for (size_t i = 0; i < n; i += 3) {
    uint32_t v = (uint32_t)d[i] << 16;

    v |= i + 1 < n ? (uint32_t)d[i + 1] << 8 : 0;
    v |= i + 2 < n ? d[i + 2] : 0;
    out[o++] = a[v >> 18 & 63];
    out[o++] = a[v >> 12 & 63];
    out[o++] = i + 1 < n ? a[v >> 6 & 63] : '=';
    out[o++] = i + 2 < n ? a[v & 63] : '=';
  }
  return o; /* no NUL: the record ends exactly there */
}

/* Test-side base64 decoder (no FWS, valid input only). */
static size_t b64dec(const char *s, uint8_t *out)
{
  size_t o = 0, nbits = 0;
  uint32_t acc = 0;

  for (; *s && *s != '='; s++) {
    const char *a =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    acc = acc << 6 | (uint32_t)(strchr(a, *s) - a);
    nbits += 6;
    if (nbits >= 8) {
      nbits -= 8;
      out[o++] = (uint8_t)(acc >> nbits);
    }
  }
  return o;
}

/* The record parse_der() made last: the slices of its key point into it. */
static char *der_rec;

static void free_der_rec(void)
{
  free(der_rec);
  der_rec = NULL;
}

TestSuite(dkim_key, .fini = free_der_rec);

/* Parses "v=DKIM1; <tags>p=<base64 of der>", in a heap block exactly its
 * size so that ASan sees a read past its end. It stays until the next
 * call or the end of the test. */
static int parse_der(const char *tags, const uint8_t *der, size_t n,
                     struct mp_dkim_key *k)
{
  size_t pre = strlen(tags) + 11, len = pre + (n + 2) / 3 * 4;

  free_der_rec();
  der_rec = malloc(len);
  cr_assert_not_null(der_rec);
  memcpy(der_rec, "v=DKIM1; ", 9);
  memcpy(der_rec + 9, tags, pre - 11);
  memcpy(der_rec + pre - 2, "p=", 2);
  cr_assert_eq(b64enc(der, n, der_rec + pre), len - pre);
  return mp_dkim_key_parse(der_rec, len, k);
}

/* ---- RSA key sizes --------------------------------------------------- */

struct rsa_case {
  char p[800];
  unsigned bits;
  bool pkcs1;
  enum mp_dkim_rsa_class cls;
};

ParameterizedTestParameters(dkim_key, reports_rsa_modulus_bits)
{
  static struct rsa_case cases[] = {
      {RSA512, 512, false, MP_DKIM_RSA_FORBIDDEN},
      {RSA768, 768, false, MP_DKIM_RSA_FORBIDDEN},
      {RSA1024, 1024, false, MP_DKIM_RSA_WEAK},
      {RSA1536, 1536, false, MP_DKIM_RSA_WEAK},
      {RSA2048, 2048, false, MP_DKIM_RSA_OK},
      {RSA3072, 3072, false, MP_DKIM_RSA_OK},
      {RSA4096, 4096, false, MP_DKIM_RSA_OK},
      {PKCS1_1024, 1024, true, MP_DKIM_RSA_WEAK},
      {PKCS1_2048, 2048, true, MP_DKIM_RSA_OK},
      {RFC6376_C_P, 1024, false, MP_DKIM_RSA_WEAK},
      {RFC6376_C_PKCS1, 1024, true, MP_DKIM_RSA_WEAK},
  };

  return cr_make_param_array(struct rsa_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct rsa_case *c, dkim_key, reports_rsa_modulus_bits)
{
  char rec[900];
  struct mp_dkim_key k;

  snprintf(rec, sizeof(rec), "v=DKIM1; k=rsa; p=%s", c->p);
  cr_assert_eq(parse(rec, &k), 0, "%s", c->p);
  cr_assert_eq(k.error, MP_DKIM_KEY_OK);
  cr_assert_eq(k.type, MP_DKIM_KEY_RSA);
  cr_assert_eq(k.bits, c->bits);
  cr_assert_eq(k.pkcs1, c->pkcs1);
  cr_assert_eq(k.exponent, 65537);
  cr_assert_eq(k.key_len, b64dec(c->p, (uint8_t[1024]){0}));
  cr_assert_eq(mp_dkim_rsa_classify(k.bits), c->cls);
  cr_assert_not(k.revoked);
}

struct class_case {
  unsigned bits;
  enum mp_dkim_rsa_class cls;
  char name[12];
};

ParameterizedTestParameters(dkim_key, classifies_rsa_sizes_per_rfc8301)
{
  static struct class_case cases[] = {
      {0, MP_DKIM_RSA_FORBIDDEN, "forbidden"},
      {512, MP_DKIM_RSA_FORBIDDEN, "forbidden"},
      {768, MP_DKIM_RSA_FORBIDDEN, "forbidden"},
      {1023, MP_DKIM_RSA_FORBIDDEN, "forbidden"},
      {1024, MP_DKIM_RSA_WEAK, "weak"},
      {1536, MP_DKIM_RSA_WEAK, "weak"},
      {2047, MP_DKIM_RSA_WEAK, "weak"},
      {2048, MP_DKIM_RSA_OK, "ok"},
      {3072, MP_DKIM_RSA_OK, "ok"},
      {4096, MP_DKIM_RSA_OK, "ok"},
      {4097, MP_DKIM_RSA_LARGE, "large"},
      {8192, MP_DKIM_RSA_LARGE, "large"},
  };

  return cr_make_param_array(struct class_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct class_case *c, dkim_key,
                  classifies_rsa_sizes_per_rfc8301)
{
  cr_assert_eq(mp_dkim_rsa_classify(c->bits), c->cls, "%u", c->bits);
  cr_assert_str_eq(mp_dkim_rsa_class_name(c->cls), c->name);
}

/* ---- RFC examples ---------------------------------------------------- */

Test(dkim_key, parses_rfc6376_appendix_c_record)
{
  struct mp_dkim_key k;

  cr_assert_eq(parse("v=DKIM1; p=" RFC6376_C_P, &k), 0);
  cr_assert(slice_eq(k.v, "DKIM1"));
  cr_assert(slice_eq(k.p, RFC6376_C_P));
  cr_assert_null(k.k.p);
  cr_assert_eq(k.type, MP_DKIM_KEY_RSA); /* the default */
  cr_assert_eq(k.bits, 1024);
  cr_assert_eq(k.key_len, 162);
  cr_assert(k.hash_sha1 && k.hash_sha256 && k.service_email);
  cr_assert_not(k.testing || k.strict || k.revoked || k.pkcs1);
  cr_assert_not(mp_dkim_key_sha1_only(&k));
  cr_assert_eq(k.nunknown, 0);
  cr_assert_str_eq(mp_dkim_key_type_name(k.type), "rsa");
}

Test(dkim_key, parses_rfc8463_ed25519_record)
{
  struct mp_dkim_key k;

  cr_assert_eq(parse(RFC8463_A2, &k), 0);
  cr_assert_eq(k.type, MP_DKIM_KEY_ED25519);
  cr_assert_str_eq(mp_dkim_key_type_name(k.type), "ed25519");
  cr_assert(slice_eq(k.k, "ed25519"));
  cr_assert_eq(k.key_len, MP_DKIM_ED25519_LEN);
  cr_assert_eq(k.bits, 0);
  cr_assert_eq(k.exponent, 0);
}

Test(dkim_key, accepts_an_openssl_ed25519_key)
{
  struct mp_dkim_key k;

  cr_assert_eq(parse("v=DKIM1; k=ed25519; p=" ED25519_RAW, &k), 0);
  cr_assert_eq(k.type, MP_DKIM_KEY_ED25519);
  cr_assert_eq(k.key_len, 32);
}

Test(dkim_key, rejects_an_ed25519_key_in_spki)
{
  struct mp_dkim_key k;
  const char *rec = "v=DKIM1; k=ed25519; p=" ED25519_SPKI;

  cr_assert_eq(parse(rec, &k), -EINVAL);
  cr_assert_eq(k.error, MP_DKIM_KEY_BAD_ED25519_LENGTH);
  cr_assert_eq(k.error_off, 22); /* where p='s value starts */
  cr_assert_eq(k.key_len, 44);
}

Test(dkim_key, rejects_a_short_ed25519_key)
{
  static const uint8_t raw[31] = {1, 2, 3};
  struct mp_dkim_key k;

  cr_assert_eq(parse_der("k=ed25519; ", raw, sizeof(raw), &k), -EINVAL);
  cr_assert_eq(k.error, MP_DKIM_KEY_BAD_ED25519_LENGTH);
  cr_assert_eq(k.key_len, 31);
}

Test(dkim_key, rejects_keys_that_are_not_rsa_under_k_rsa)
{
  struct mp_dkim_key k;

  cr_assert_eq(parse("v=DKIM1; p=" ED25519_RAW, &k), -EINVAL);
  cr_assert_eq(k.error, MP_DKIM_KEY_BAD_DER);
  cr_assert_eq(parse("v=DKIM1; p=" ED25519_SPKI, &k), -EINVAL);
  cr_assert_eq(k.error, MP_DKIM_KEY_BAD_DER);
  cr_assert_eq(parse("v=DKIM1; k=rsa; p=" EC_P256, &k), -EINVAL);
  cr_assert_eq(k.error, MP_DKIM_KEY_BAD_DER);
  cr_assert_eq(k.error_off, 18);
  cr_assert_eq(k.bits, 0);
}

/* ---- tags ------------------------------------------------------------ */

Test(dkim_key, allows_fws_inside_p)
{
  struct mp_dkim_key k;
  const char *rec = "v=DKIM1; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQ "
                    "KBgQDwIRP/UC3SBsEmGqZ9ZJW3/DkMoGeLnQg1fWn7/zYt\t"
                    "IxN2SnFCjxOCKG9v3b4jYfcTNh5ijSsq631uBItLa7od+v\r\n "
                    "/RtdC2UzJ1lWT947qR+Rcac2gbto/NMqJ0fzfVjH4OuKhi   \t "
                    "tdY9tf6mcwGjaNBcWToIMmPSPDdQPNUYckcQ2QID A Q A B";

  cr_assert_eq(parse(rec, &k), 0, "error %d", (int)k.error);
  cr_assert_eq(k.bits, 1024);
  cr_assert_eq(k.key_len, 162);
}

Test(dkim_key, allows_fws_between_padding)
{
  struct mp_dkim_key k;

  cr_assert_eq(parse("k=ed25519;p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo "
                     "\t=",
                     &k),
               0);
  cr_assert_eq(k.key_len, 32);
}

Test(dkim_key, allows_fws_around_tags_and_a_trailing_semicolon)
{
  struct mp_dkim_key k;
  const char *rec = " v = DKIM1 ;\r\n\tk =\trsa ; t = y : s ; h= sha256 ;"
                    " n = a note; p =" RFC6376_C_P " ; ";

  cr_assert_eq(parse(rec, &k), 0, "error %d at %zu", (int)k.error, k.error_off);
  cr_assert(slice_eq(k.v, "DKIM1"));
  cr_assert(slice_eq(k.k, "rsa"));
  cr_assert(slice_eq(k.t, "y : s"));
  cr_assert(slice_eq(k.h, "sha256"));
  cr_assert(slice_eq(k.n, "a note"));
  cr_assert(slice_eq(k.p, RFC6376_C_P));
  cr_assert(k.testing && k.strict);
  cr_assert_eq(k.bits, 1024);
}

Test(dkim_key, marks_an_empty_p_as_revoked)
{
  struct mp_dkim_key k;

  cr_assert_eq(parse("v=DKIM1; p=", &k), 0);
  cr_assert(k.revoked);
  cr_assert_not_null(k.p.p);
  cr_assert_eq(k.p.len, 0);
  cr_assert_eq(k.key_len, 0);
  cr_assert_eq(parse("v=DKIM1; k=rsa; p= \t;", &k), 0);
  cr_assert(k.revoked);
  cr_assert_eq(parse("v=DKIM1; k=ed25519; t=y; p=", &k), 0);
  cr_assert(k.revoked && k.testing);
  cr_assert_eq(k.type, MP_DKIM_KEY_ED25519);
  /* A revoked key is revoked whatever its type. */
  cr_assert_eq(parse("k=future; p=", &k), 0);
  cr_assert(k.revoked);
  cr_assert_eq(k.type, MP_DKIM_KEY_OTHER);
}

struct flag_case {
  char in[24];
  bool testing, strict;
};

ParameterizedTestParameters(dkim_key, reads_t_flags)
{
  static struct flag_case cases[] = {
      {"", false, false},           {"t=y;", true, false},
      {"t=s;", false, true},        {"t=y:s;", true, true},
      {"t=s:y;", true, true},       {"t = y\t:\ts ;", true, true},
      {"t=y:x-new:s;", true, true}, {"t=Y;", false, false},
      {"t=yes;", false, false},     {"t=y s;", false, false},
  };

  return cr_make_param_array(struct flag_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct flag_case *c, dkim_key, reads_t_flags)
{
  char rec[128];
  struct mp_dkim_key k;

  snprintf(rec, sizeof(rec), "v=DKIM1; k=ed25519; %s p=%s", c->in, ED25519_RAW);
  cr_assert_eq(parse(rec, &k), 0, "%s", rec);
  cr_assert_eq(k.testing, c->testing, "%s", rec);
  cr_assert_eq(k.strict, c->strict, "%s", rec);
}

struct hash_case {
  char in[32];
  bool sha1, sha256, other, sha1_only;
};

ParameterizedTestParameters(dkim_key, reads_h_hashes)
{
  static struct hash_case cases[] = {
      {"", true, true, false, false},
      {"h=sha1;", true, false, false, true},
      {"h=sha256;", false, true, false, false},
      {"h=sha1:sha256;", true, true, false, false},
      {"h = sha256 : sha1 ;", true, true, false, false},
      {"h=sha512;", false, false, true, false},
      {"h=sha1:sha512;", true, false, true, true},
      {"h=SHA256;", false, false, true, false},
  };

  return cr_make_param_array(struct hash_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct hash_case *c, dkim_key, reads_h_hashes)
{
  char rec[900];
  struct mp_dkim_key k;

  snprintf(rec, sizeof(rec), "v=DKIM1; %s p=%s", c->in, RSA2048);
  cr_assert_eq(parse(rec, &k), 0, "%s", c->in);
  cr_assert_eq(k.hash_sha1, c->sha1, "%s", c->in);
  cr_assert_eq(k.hash_sha256, c->sha256, "%s", c->in);
  cr_assert_eq(k.hash_other, c->other, "%s", c->in);
  cr_assert_eq(mp_dkim_key_sha1_only(&k), c->sha1_only, "%s", c->in);
}

Test(dkim_key, reads_s_services)
{
  struct mp_dkim_key k;

  cr_assert_eq(parse("p=" ED25519_RAW "; k=ed25519", &k), 0);
  cr_assert(k.service_email);
  cr_assert_null(k.s.p);
  cr_assert_eq(parse("s=email; p=" RSA1024, &k), 0);
  cr_assert(k.service_email);
  cr_assert_eq(parse("s=*; p=" RSA1024, &k), 0);
  cr_assert(k.service_email);
  cr_assert_eq(parse("s=tlsrpt : email; p=" RSA1024, &k), 0);
  cr_assert(k.service_email);
  cr_assert_eq(parse("s=tlsrpt; p=" RSA1024, &k), 0);
  cr_assert_not(k.service_email);
  cr_assert(slice_eq(k.s, "tlsrpt"));
  cr_assert_eq(parse("s=Email; p=" RSA1024, &k), 0);
  cr_assert_not(k.service_email);
}

Test(dkim_key, reports_an_unknown_key_type)
{
  struct mp_dkim_key k;

  cr_assert_eq(parse("v=DKIM1; k=dsa; t=y; p=" RSA1024, &k), -EINVAL);
  cr_assert_eq(k.error, MP_DKIM_KEY_UNKNOWN_KEY_TYPE);
  cr_assert_eq(k.error, MP_DKIM_KEY_UNKNOWN_KEY_TYPE);
  cr_assert_eq(k.error_off, 11);
  cr_assert_eq(k.type, MP_DKIM_KEY_OTHER);
  cr_assert_str_eq(mp_dkim_key_type_name(k.type), "other");
  cr_assert(slice_eq(k.k, "dsa"));
  cr_assert(k.testing); /* the tags are complete */
  cr_assert_eq(k.bits, 0);
  /* Values are case-sensitive (RFC 6376 3.2). */
  cr_assert_eq(parse("k=RSA; p=" RSA1024, &k), -EINVAL);
  cr_assert_eq(k.error, MP_DKIM_KEY_UNKNOWN_KEY_TYPE);
  cr_assert_eq(parse("k=Ed25519; p=" ED25519_RAW, &k), -EINVAL);
  cr_assert_eq(k.error, MP_DKIM_KEY_UNKNOWN_KEY_TYPE);
}

Test(dkim_key, requires_p)
{
  struct mp_dkim_key k;

  cr_assert_eq(parse("v=DKIM1; k=rsa", &k), -EINVAL);
  cr_assert_eq(k.error, MP_DKIM_KEY_MISSING_P);
  cr_assert_eq(k.error, MP_DKIM_KEY_MISSING_P);
  cr_assert_eq(k.error_off, 14);
  /* Tag names are case-sensitive: "P=" is an unknown tag. */
  cr_assert_eq(parse("v=DKIM1; P=" RSA1024, &k), -EINVAL);
  cr_assert_eq(k.error, MP_DKIM_KEY_MISSING_P);
  cr_assert_eq(k.nunknown, 1);
}

Test(dkim_key, ignores_and_counts_unknown_tags)
{
  struct mp_dkim_key k;

  cr_assert_eq(parse("v=DKIM1; g=*; x_y2=1 2; K=rsa; p=" RSA1024, &k), 0);
  cr_assert_eq(k.nunknown, 3);
  cr_assert_null(k.k.p);
  cr_assert_eq(k.bits, 1024);
}

Test(dkim_key, keeps_notes)
{
  struct mp_dkim_key k;

  cr_assert_eq(parse("n=; p=" RSA1024, &k), 0);
  cr_assert_not_null(k.n.p);
  cr_assert_eq(k.n.len, 0);
  cr_assert_eq(parse("n=Contact=20admin; p=" RSA1024, &k), 0);
  cr_assert(slice_eq(k.n, "Contact=20admin"));
}

struct version_case {
  char in[40];
  int error;
  size_t off;
};

ParameterizedTestParameters(dkim_key, checks_the_version)
{
  static struct version_case cases[] = {
      {"v=DKIM1; p=", MP_DKIM_KEY_OK, 0},
      {"p=", MP_DKIM_KEY_OK, 0},
      {"v=DKIM1.0; p=", MP_DKIM_KEY_BAD_VERSION, 2},
      {"v=dkim1; p=", MP_DKIM_KEY_BAD_VERSION, 2},
      {"v=DKIM2; p=", MP_DKIM_KEY_BAD_VERSION, 2},
      {"v=; p=", MP_DKIM_KEY_BAD_VERSION, 2},
      {"v=DKIM 1; p=", MP_DKIM_KEY_BAD_VERSION, 2},
      {"k=rsa; v=DKIM1; p=", MP_DKIM_KEY_BAD_VERSION, 9},
      {"p=; v=DKIM1", MP_DKIM_KEY_BAD_VERSION, 6},
      {"V=DKIM2; p=", MP_DKIM_KEY_OK, 0}, /* "V" is another tag */
      {"v=DKIM2; p=x;;", MP_DKIM_KEY_BAD_SYNTAX, 13},
  };

  return cr_make_param_array(struct version_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct version_case *c, dkim_key, checks_the_version)
{
  struct mp_dkim_key k;

  cr_assert_eq(parse(c->in, &k), c->error ? -EINVAL : 0, "%s", c->in);
  cr_assert_eq(k.error, (enum mp_dkim_key_error)c->error, "%s", c->in);
  cr_assert_eq(k.error_off, c->off, "%s", c->in);
}

struct syntax_case {
  char in[40];
  size_t off;
};

ParameterizedTestParameters(dkim_key, rejects_bad_tag_lists)
{
  static struct syntax_case cases[] = {
      {"", 0},
      {"   ", 3},
      {";", 0},
      {"p=;;", 3},
      {"p=; ;", 4},
      {"=x; p=", 0},
      {"1a=b; p=", 0},
      {"_a=b; p=", 0},
      {"a b=c; p=", 2},
      {"a-b=c; p=", 1},
      {"p", 1},
      {"p ", 2},
      {"p=;p=", 3},
      {"p=; x=1; x=2", 9},
      {"p=\x01", 2},
      {"p=a\x7f", 3},
      {"p=a\xc3\xa9", 3},
      {"n=a\nb; p=", 3},
      {"n=a\r\nb; p=", 3},
      {"n=a\rb; p=", 3},
      {"n=a \r\n; p=", 4},
      {"k=; p=", 2},
      {"h=; p=", 2},
      {"h=sha1:; p=", 7},
      {"h=sha1::sha256; p=", 7},
      {"t=:y; p=", 2},
      {"s= : email; p=", 3},
      {"t=y ; p=;t=s", 9},
  };

  return cr_make_param_array(struct syntax_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct syntax_case *c, dkim_key, rejects_bad_tag_lists)
{
  struct mp_dkim_key k;

  cr_assert_eq(parse(c->in, &k), -EINVAL, "%s", c->in);
  cr_assert_eq(k.error, MP_DKIM_KEY_BAD_SYNTAX, "%s: %d", c->in, k.error);
  cr_assert_eq(k.error_off, c->off, "%s: %zu", c->in, k.error_off);
  cr_assert_eq(k.error, MP_DKIM_KEY_BAD_SYNTAX);
}

/* ---- base64 ---------------------------------------------------------- */

struct b64_case {
  char in[40];
  int error;
  size_t off; /* in the record */
};

ParameterizedTestParameters(dkim_key, checks_base64)
{
  static struct b64_case cases[] = {
      {"p=MIGf!A==", MP_DKIM_KEY_BAD_BASE64, 6},
      {"p=MIGf-_AA", MP_DKIM_KEY_BAD_BASE64, 6},
      {"p=MIGf\"AAA", MP_DKIM_KEY_BAD_BASE64, 6},
      {"p=A", MP_DKIM_KEY_BAD_BASE64, 3},
      {"p=AB", MP_DKIM_KEY_BAD_BASE64, 4}, /* padding is required */
      {"p=ABC", MP_DKIM_KEY_BAD_BASE64, 5},
      {"p=ABCDE", MP_DKIM_KEY_BAD_BASE64, 7},
      {"p=AB=", MP_DKIM_KEY_BAD_BASE64, 5},
      {"p=ABC==", MP_DKIM_KEY_BAD_BASE64, 7},
      {"p=ABCD=", MP_DKIM_KEY_BAD_BASE64, 7},
      {"p=AB===", MP_DKIM_KEY_BAD_BASE64, 6},
      {"p=AB=C", MP_DKIM_KEY_BAD_BASE64, 5},
      {"p=AB=C=", MP_DKIM_KEY_BAD_BASE64, 5},
      {"p==AAA", MP_DKIM_KEY_BAD_BASE64, 3},
      {"p===", MP_DKIM_KEY_BAD_BASE64, 4},
      {"p=AB==; k=ed25519", MP_DKIM_KEY_BAD_ED25519_LENGTH, 2},
      {"p=AB = =", MP_DKIM_KEY_BAD_DER, 2}, /* valid base64, one byte */
      {"p=AB/+", MP_DKIM_KEY_BAD_DER, 2},
      {"p=AAAA AAAA", MP_DKIM_KEY_BAD_DER, 2},
  };

  return cr_make_param_array(struct b64_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct b64_case *c, dkim_key, checks_base64)
{
  struct mp_dkim_key k;

  cr_assert_eq(parse(c->in, &k), -EINVAL, "%s", c->in);
  cr_assert_eq(k.error, (enum mp_dkim_key_error)c->error, "%s: %d", c->in,
               k.error);
  cr_assert_eq(k.error_off, c->off, "%s: %zu", c->in, k.error_off);
}

/* ---- DER ------------------------------------------------------------- */

/* The RFC 6376 Appendix C key decoded, for the DER cases to cut up. */
static size_t rfc_der(uint8_t der[200])
{
  size_t n = b64dec(RFC6376_C_P, der);

  cr_assert_eq(n, 162);
  return n;
}

Test(dkim_key, rejects_truncated_der)
{
  uint8_t der[200];
  size_t n = rfc_der(der);
  struct mp_dkim_key k;

  for (size_t cut = 1; cut < n; cut++) {
    cr_assert_eq(parse_der("", der, cut, &k), -EINVAL, "cut at %zu", cut);
    cr_assert_eq(k.error, MP_DKIM_KEY_BAD_DER, "cut at %zu", cut);
  }
}

Test(dkim_key, rejects_truncated_base64_text)
{
  struct mp_dkim_key k;
  const char *full = "v=DKIM1; p=" RFC6376_C_P;

  /* Cut on a 4-character boundary, the base64 stays valid. */
  cr_assert_eq(mp_dkim_key_parse(full, strlen(full) - 8, &k), -EINVAL);
  cr_assert_eq(k.error, MP_DKIM_KEY_BAD_DER);
  cr_assert_eq(mp_dkim_key_parse(full, strlen(full) - 3, &k), -EINVAL);
  cr_assert_eq(k.error, MP_DKIM_KEY_BAD_BASE64);
}

Test(dkim_key, rejects_der_with_trailing_garbage)
{
  uint8_t der[200];
  size_t n = rfc_der(der);
  struct mp_dkim_key k;

  der[n] = 0;
  cr_assert_eq(parse_der("", der, n + 1, &k), -EINVAL);
  cr_assert_eq(k.error, MP_DKIM_KEY_BAD_DER);
  cr_assert_eq(k.error, MP_DKIM_KEY_BAD_DER);
  cr_assert_eq(k.bits, 0);
  memcpy(der + n, "\x05\x00", 2);
  cr_assert_eq(parse_der("", der, n + 2, &k), -EINVAL);
  cr_assert_eq(k.error, MP_DKIM_KEY_BAD_DER);
  cr_assert_eq(parse_der("", der, n, &k), 0);
  cr_assert_eq(k.bits, 1024);
}

/* Builds SEQUENCE { SEQUENCE { rsaEncryption [, NULL] }, BIT STRING {
 * unused, SEQUENCE { INTEGER m, INTEGER e } } } with short lengths. */
static size_t spki(uint8_t *out, bool null, uint8_t unused, const uint8_t *m,
                   size_t mlen, const uint8_t *e, size_t elen)
{
  static const uint8_t oid[] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                                0xf7, 0x0d, 0x01, 0x01, 0x01};
  size_t pk = 2 + mlen + 2 + elen, bits = 1 + 2 + pk;
  size_t alg = sizeof(oid) + (null ? 2 : 0), all = 2 + alg + 2 + bits;
  size_t o = 0;

  cr_assert_lt(all, 128);
  out[o++] = 0x30;
  out[o++] = (uint8_t)all;
  out[o++] = 0x30;
  out[o++] = (uint8_t)alg;
  memcpy(out + o, oid, sizeof(oid));
  o += sizeof(oid);
  if (null) {
    out[o++] = 0x05;
    out[o++] = 0x00;
  }
  out[o++] = 0x03;
  out[o++] = (uint8_t)bits;
  out[o++] = unused;
  out[o++] = 0x30;
  out[o++] = (uint8_t)pk;
  out[o++] = 0x02;
  out[o++] = (uint8_t)mlen;
  memcpy(out + o, m, mlen);
  o += mlen;
  out[o++] = 0x02;
  out[o++] = (uint8_t)elen;
  memcpy(out + o, e, elen);
  return o + elen;
}

Test(dkim_key, counts_modulus_bits_from_the_first_one_bit)
{
  static const uint8_t m9[] = {0x01, 0xff}, m16[] = {0x00, 0x80, 0x01};
  static const uint8_t e3[] = {0x03};
  uint8_t der[128];
  struct mp_dkim_key k;

  cr_assert_eq(parse_der("", der, spki(der, true, 0, m9, 2, e3, 1), &k), 0);
  cr_assert_eq(k.bits, 9);
  cr_assert_eq(k.exponent, 3);
  cr_assert_eq(parse_der("", der, spki(der, true, 0, m16, 3, e3, 1), &k), 0);
  cr_assert_eq(k.bits, 16);
  cr_assert_eq(mp_dkim_rsa_classify(k.bits), MP_DKIM_RSA_FORBIDDEN);
}

Test(dkim_key, accepts_absent_algorithm_parameters)
{
  static const uint8_t m[] = {0x00, 0xc1, 0x02}, e[] = {0x01, 0x00, 0x01};
  uint8_t der[128];
  struct mp_dkim_key k;

  cr_assert_eq(parse_der("", der, spki(der, false, 0, m, 3, e, 3), &k), 0);
  cr_assert_eq(k.bits, 16);
  cr_assert_eq(k.exponent, 65537);
  cr_assert_not(k.pkcs1);
}

Test(dkim_key, reports_no_exponent_over_64_bits)
{
  static const uint8_t m[] = {0x7f, 0x01};
  static const uint8_t e[] = {1, 0, 0, 0, 0, 0, 0, 0, 1};
  static const uint8_t e8[] = {0x7f, 0, 0, 0, 0, 0, 0, 1};
  uint8_t der[128];
  struct mp_dkim_key k;

  cr_assert_eq(parse_der("", der, spki(der, true, 0, m, 2, e, 9), &k), 0);
  cr_assert_eq(k.bits, 15);
  cr_assert_eq(k.exponent, 0);
  cr_assert_eq(parse_der("", der, spki(der, true, 0, m, 2, e8, 8), &k), 0);
  cr_assert_eq(k.exponent, 0x7f00000000000001);
}

struct der_case {
  char name[32];
  uint8_t der[48];
  size_t len;
};

/* Each a single flaw in an otherwise good, tiny key. */
ParameterizedTestParameters(dkim_key, rejects_malformed_der)
{
  static struct der_case cases[] = {
      {"negative modulus",
       {0x30, 0x08, 0x02, 0x02, 0x80, 0x01, 0x02, 0x01, 0x03},
       9},
      {"zero modulus", {0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x03}, 8},
      {"empty modulus", {0x30, 0x05, 0x02, 0x00, 0x02, 0x01, 0x03}, 7},
      {"padded modulus",
       {0x30, 0x09, 0x02, 0x03, 0x00, 0x40, 0x01, 0x02, 0x01, 0x03},
       10},
      {"zero exponent",
       {0x30, 0x07, 0x02, 0x02, 0x40, 0x01, 0x02, 0x01, 0x00},
       9},
      {"one integer", {0x30, 0x04, 0x02, 0x02, 0x40, 0x01}, 6},
      {"three integers",
       {0x30, 0x0b, 0x02, 0x02, 0x40, 0x01, 0x02, 0x01, 0x03, 0x02, 0x01, 0x03},
       13},
      {"long form for 8",
       {0x30, 0x81, 0x08, 0x02, 0x02, 0x40, 0x01, 0x02, 0x01, 0x03},
       10},
      {"padded length",
       {0x30, 0x82, 0x00, 0x08, 0x02, 0x02, 0x40, 0x01, 0x02, 0x01, 0x03},
       11},
      {"indefinite",
       {0x30, 0x80, 0x02, 0x02, 0x40, 0x01, 0x02, 0x01, 0x03, 0x00, 0x00},
       11},
      {"five length bytes", {0x30, 0x85, 0x00, 0x00, 0x00, 0x00, 0x08}, 7},
      {"outer not sequence",
       {0x31, 0x07, 0x02, 0x02, 0x40, 0x01, 0x02, 0x01, 0x03},
       9},
      {"wrong inner tag",
       {0x30, 0x07, 0x04, 0x02, 0x40, 0x01, 0x02, 0x01, 0x03},
       9},
      {"length past end",
       {0x30, 0x09, 0x02, 0x02, 0x40, 0x01, 0x02, 0x01, 0x03},
       9},
      {"integer past seq",
       {0x30, 0x06, 0x02, 0x02, 0x40, 0x01, 0x02, 0x01, 0x03},
       9},
      {"spki unused bits",
       {0x30, 0x1c, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
        0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00, 0x03, 0x0b, 0x01,
        0x30, 0x08, 0x02, 0x02, 0x40, 0x01, 0x02, 0x02, 0x01, 0x01},
       30},
      {"spki wrong oid",
       {0x30, 0x1c, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
        0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00, 0x03, 0x0b, 0x00,
        0x30, 0x08, 0x02, 0x02, 0x40, 0x01, 0x02, 0x02, 0x01, 0x01},
       30},
      {"spki params not null",
       {0x30, 0x1c, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
        0xf7, 0x0d, 0x01, 0x01, 0x01, 0x04, 0x00, 0x03, 0x0b, 0x00,
        0x30, 0x08, 0x02, 0x02, 0x40, 0x01, 0x02, 0x02, 0x01, 0x01},
       30},
      {"spki null with body",
       {0x30, 0x1d, 0x30, 0x0e, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
        0x0d, 0x01, 0x01, 0x01, 0x05, 0x01, 0x00, 0x03, 0x0b, 0x00, 0x30,
        0x08, 0x02, 0x02, 0x40, 0x01, 0x02, 0x02, 0x01, 0x01},
       31},
      {"spki garbage in bits",
       {0x30, 0x1d, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
        0x0d, 0x01, 0x01, 0x01, 0x05, 0x00, 0x03, 0x0c, 0x00, 0x30, 0x08,
        0x02, 0x02, 0x40, 0x01, 0x02, 0x02, 0x01, 0x01, 0x00},
       31},
      {"spki element after bits",
       {0x30, 0x1e, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
        0x0d, 0x01, 0x01, 0x01, 0x05, 0x00, 0x03, 0x0b, 0x00, 0x30, 0x08,
        0x02, 0x02, 0x40, 0x01, 0x02, 0x02, 0x01, 0x01, 0x05, 0x00},
       32},
      {"spki octet string",
       {0x30, 0x1c, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
        0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00, 0x04, 0x0b, 0x00,
        0x30, 0x08, 0x02, 0x02, 0x40, 0x01, 0x02, 0x02, 0x01, 0x01},
       30},
      {"empty sequence", {0x30, 0x00}, 2},
  };

  return cr_make_param_array(struct der_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct der_case *c, dkim_key, rejects_malformed_der)
{
  struct mp_dkim_key k;

  cr_assert_eq(parse_der("", c->der, c->len, &k), -EINVAL, "%s", c->name);
  cr_assert_eq(k.error, MP_DKIM_KEY_BAD_DER, "%s: %d", c->name, k.error);
  cr_assert_eq(k.bits, 0, "%s", c->name);
  cr_assert_not(k.pkcs1, "%s", c->name);
}

Test(dkim_key, accepts_the_good_twins_of_the_malformed_der)
{
  static const uint8_t pkcs1[] = {0x30, 0x07, 0x02, 0x02, 0x40,
                                  0x01, 0x02, 0x01, 0x03};
  static const uint8_t spki_ok[] = {
      0x30, 0x1c, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
      0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00, 0x03, 0x0b, 0x00,
      0x30, 0x08, 0x02, 0x02, 0x40, 0x01, 0x02, 0x02, 0x01, 0x01};
  struct mp_dkim_key k;

  cr_assert_eq(parse_der("", pkcs1, sizeof(pkcs1), &k), 0);
  cr_assert(k.pkcs1);
  cr_assert_eq(k.bits, 15);
  cr_assert_eq(k.exponent, 3);
  cr_assert_eq(parse_der("", spki_ok, sizeof(spki_ok), &k), 0);
  cr_assert_not(k.pkcs1);
  cr_assert_eq(k.bits, 15);
  cr_assert_eq(k.exponent, 257);
}

/* ---- hostile input --------------------------------------------------- */

#define BIG (64 * 1024)

Test(dkim_key, rejects_nul_bytes)
{
  static const char rec[] = "v=DKIM1; p=MIGf\0MA0G";
  struct mp_dkim_key k;

  cr_assert_eq(mp_dkim_key_parse(rec, sizeof(rec) - 1, &k), -EINVAL);
  cr_assert_eq(k.error, MP_DKIM_KEY_BAD_SYNTAX);
  cr_assert_eq(k.error_off, 15);
  cr_assert_eq(mp_dkim_key_parse("\0", 1, &k), -EINVAL);
  cr_assert_eq(k.error_off, 0);
  cr_assert_eq(mp_dkim_key_parse(NULL, 0, &k), -EINVAL);
  cr_assert_eq(k.error, MP_DKIM_KEY_BAD_SYNTAX);
}

Test(dkim_key, survives_64k_records)
{
  char *buf = malloc(BIG);
  struct mp_dkim_key k;

  cr_assert_not_null(buf);
  memset(buf, 'A', BIG); /* one long tag name, no "=" */
  cr_assert_eq(mp_dkim_key_parse(buf, BIG, &k), -EINVAL);
  cr_assert_eq(k.error_off, BIG);
  memcpy(buf, "p=", 2); /* 65534 base64 characters: bad padding */
  cr_assert_eq(mp_dkim_key_parse(buf, BIG, &k), -EINVAL);
  cr_assert_eq(k.error, MP_DKIM_KEY_BAD_BASE64);
  cr_assert_eq(mp_dkim_key_parse(buf, BIG - 2, &k), -EINVAL);
  cr_assert_eq(k.error, MP_DKIM_KEY_BAD_DER); /* zero bytes */
  memset(buf + 2, ' ', BIG - 2);
  cr_assert_eq(mp_dkim_key_parse(buf, BIG, &k), 0);
  cr_assert(k.revoked);
  memset(buf, '\0', BIG);
  cr_assert_eq(mp_dkim_key_parse(buf, BIG, &k), -EINVAL);
  cr_assert_eq(k.error_off, 0);
  memset(buf, 0xff, BIG);
  cr_assert_eq(mp_dkim_key_parse(buf, BIG, &k), -EINVAL);
  cr_assert_eq(k.error_off, 0);
  free(buf);
}

Test(dkim_key, survives_64k_of_tags)
{
  char *buf = malloc(BIG + 1);
  size_t o = 0;
  struct mp_dkim_key k;

  cr_assert_not_null(buf);
  for (unsigned i = 0; o + 16 < BIG; i++) {
    o += (size_t)snprintf(buf + o, BIG - o, "x%u=%u;", i, i);
  }
  cr_assert_eq(mp_dkim_key_parse(buf, o, &k), -EINVAL);
  cr_assert_eq(k.error, MP_DKIM_KEY_MISSING_P);
  cr_assert_gt(k.nunknown, 5000);
  memcpy(buf + o, "x0=", 3); /* a duplicate, among the first names */
  cr_assert_eq(mp_dkim_key_parse(buf, o + 3, &k), -EINVAL);
  cr_assert_eq(k.error, MP_DKIM_KEY_BAD_SYNTAX);
  cr_assert_eq(k.error_off, o);
  for (o = 0; o + 2 < BIG; o += 2) {
    memcpy(buf + o, ";;", 2);
  }
  cr_assert_eq(mp_dkim_key_parse(buf, o, &k), -EINVAL);
  cr_assert_eq(k.error_off, 0);
  free(buf);
}

/* A huge key decodes as a stream, with no buffer and no size limit. */
Test(dkim_key, measures_a_huge_modulus)
{
  size_t mlen = 40000, n = 0;
  uint8_t *der = calloc(1, mlen + 32);
  struct mp_dkim_key k;

  cr_assert_not_null(der);
  /* SEQUENCE { INTEGER (40000 bytes), INTEGER 3 } */
  memcpy(der, "\x30\x82\x9c\x47\x02\x82\x9c\x40", 8);
  n = 8;
  der[n] = 0x5a;
  n += mlen;
  memcpy(der + n, "\x02\x01\x03", 3);
  n += 3;
  cr_assert_eq(n - 4, 0x9c47);
  cr_assert_eq(parse_der("", der, n, &k), 0, "error %d", (int)k.error);
  cr_assert_eq(k.bits, (unsigned)(mlen - 1) * 8 + 7);
  cr_assert_eq(mp_dkim_rsa_classify(k.bits), MP_DKIM_RSA_LARGE);
  cr_assert(k.pkcs1);
  cr_assert_eq(k.key_len, n);
  free(der);
}

Test(dkim_key, survives_random_bytes)
{
  char buf[512];
  struct mp_dkim_key k;

  srand(6376);
  for (int i = 0; i < 20000; i++) {
    size_t len = (size_t)rand() % sizeof(buf);
    int rc;

    for (size_t j = 0; j < len; j++) {
      buf[j] = (char)(i & 1 ? "p=AZaz09+/= \t;:"[rand() % 15] : rand());
    }
    rc = mp_dkim_key_parse(buf, len, &k);
    cr_assert(rc == 0 || rc == -EINVAL);
    cr_assert_eq(rc == 0, k.error == MP_DKIM_KEY_OK);
    cr_assert_leq(k.error_off, len);
  }
}
