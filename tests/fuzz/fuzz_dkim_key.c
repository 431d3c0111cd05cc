/* Any bytes -> mp_dkim_key_parse() must not crash, read past its input or
 * break its contract. Each input runs twice: as a key record, and as the
 * DER of a key in "v=DKIM1; k=...; p=<base64>", so that arbitrary DER
 * reaches the key parser. For the second, the first byte picks the mode
 * (bit 0: k=ed25519, not rsa; bit 1: FWS inside p=) and the rest is the
 * key. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/base/alloc.h"
#include "scanner/records/dkim_key.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_slice(const struct mp_slice *s, const char *rec, size_t len)
{
  if (s->p &&
      (s->p < rec || s->len > len || (size_t)(s->p - rec) > len - s->len)) {
    abort();
  }
}

/* The contract of mp_dkim_key_parse(), whatever the input. */
static int parse_checked(const char *rec, size_t len, struct mp_dkim_key *k)
{
  int rc = mp_dkim_key_parse(rec, len, k);
  const struct mp_slice *tags[] = {&k->v, &k->k, &k->p, &k->h,
                                   &k->s, &k->t, &k->n};

  if ((rc != 0 && rc != -EINVAL) || (rc == 0) != (k->error == MP_DKIM_KEY_OK) ||
      (rc == 0) != (k->error == MP_DKIM_KEY_OK) || k->error_off > len) {
    abort();
  }
  for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
    check_slice(tags[i], rec, len);
  }
  if (k->revoked && (rc != 0 || k->p.len != 0)) {
    abort();
  }
  if (rc == 0 && !k->revoked &&
      (!k->p.p || k->type == MP_DKIM_KEY_OTHER ||
       (k->type == MP_DKIM_KEY_ED25519 && k->key_len != MP_DKIM_ED25519_LEN) ||
       (k->type == MP_DKIM_KEY_RSA && k->bits == 0))) {
    abort();
  }
  if ((k->bits != 0 || k->pkcs1) &&
      (rc != 0 || k->type != MP_DKIM_KEY_RSA || k->bits > 8 * k->key_len)) {
    abort();
  }
  (void)mp_dkim_rsa_class_name(mp_dkim_rsa_classify(k->bits));
  (void)mp_dkim_key_type_name(k->type);
  (void)mp_dkim_key_sha1_only(k);
  return rc;
}

/* "v=DKIM1; k=<type>; p=" and the base64 of key[0..n), FWS inside when
 * fws, into a block exactly its size. */
static char *key_record(const uint8_t *key, size_t n, bool ed, bool fws,
                        size_t *len)
{
  static const char a[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const char *pre = ed ? "v=DKIM1; k=ed25519; p=" : "v=DKIM1; k=rsa; p=";
  size_t o = strlen(pre), g = (n + 2) / 3;
  size_t cap = o + g * 4 + (fws ? (g + 1) / 2 * 3 + g / 2 * 2 : 0);
  char *rec = mp_malloc(cap);

  memcpy(rec, pre, o);
  for (size_t i = 0; i < n; i += 3) {
    uint32_t v = (uint32_t)key[i] << 16;

    v |= i + 1 < n ? (uint32_t)key[i + 1] << 8 : 0;
    v |= i + 2 < n ? key[i + 2] : 0;
    rec[o++] = a[v >> 18 & 63];
    rec[o++] = a[v >> 12 & 63];
    if (fws) { /* WSP, or CRLF WSP (RFC 6376 2.8) */
      const char *w = i / 3 % 2 ? " \t" : "\r\n ";

      memcpy(rec + o, w, strlen(w));
      o += strlen(w);
    }
    rec[o++] = i + 1 < n ? a[v >> 6 & 63] : '=';
    rec[o++] = i + 2 < n ? a[v & 63] : '=';
  }
  if (o != cap) {
    abort();
  }
  *len = o;
  return rec;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct mp_dkim_key k;
  char *rec = mp_memdup(data, size); /* exactly sized for ASan */
  size_t len;
  bool ed;
  int rc;

  parse_checked(rec, size, &k);
  mp_free(rec);
  if (size == 0) {
    return 0;
  }
  ed = data[0] & 1;
  rec = key_record(data + 1, size - 1, ed, data[0] & 2, &len);
  rc = parse_checked(rec, len, &k);
  if (size == 1 ? !k.revoked
                : rc != 0 && k.error != (ed ? MP_DKIM_KEY_BAD_ED25519_LENGTH
                                            : MP_DKIM_KEY_BAD_DER)) {
    abort(); /* the base64 is valid: only the key itself can be wrong */
  }
  mp_free(rec);
  return 0;
}
