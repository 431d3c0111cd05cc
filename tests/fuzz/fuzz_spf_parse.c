/* Any bytes -> mp_spf_parse() must not crash or read past its input. On
 * success every term, domain-spec and modifier value lies inside the text
 * and holds only what the grammar allows; an ip6 address agrees with
 * inet_pton(); a bigger terms array gives the same parse. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "scanner/base/alloc.h"
#include "scanner/spf/macro.h"
#include "scanner/spf/parse.h"

#define CAP 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_span(size_t off, size_t len, size_t size)
{
  if (off > size || len > size - off) {
    abort();
  }
}

static void check_term(const char *in, size_t size, const struct mp_spf_term *t)
{
  check_span(t->off, t->len, size);
  if (t->len == 0 || t->mech > MP_SPF_EXISTS || t->qual > MP_SPF_Q_NEUTRAL ||
      t->cidr4 > 32 || t->cidr6 > 128) {
    abort();
  }
  for (size_t i = t->off; i < (size_t)t->off + t->len; i++) {
    if ((unsigned char)in[i] < 0x21 || (unsigned char)in[i] > 0x7E) {
      abort();
    }
  }
  if (t->has_domain) {
    const char *d = in + t->dom_off;

    if (t->dom_len == 0 || t->dom_off <= t->off ||
        (size_t)t->dom_off + t->dom_len > (size_t)t->off + t->len ||
        mp_spf_macro_check(d, t->dom_len, false, NULL) != 0 ||
        t->macro != (memchr(d, '%', t->dom_len) != NULL)) {
      abort();
    }
  } else if (t->macro || t->mech == MP_SPF_INCLUDE ||
             t->mech == MP_SPF_EXISTS) {
    abort();
  }
  if (t->mech == MP_SPF_IP6) {
    /* The address text runs from after "ip6:" to "/" or the end. */
    const char *b = memchr(in + t->off, ':', t->len) + 1;
    const char *e = in + t->off + t->len;
    const char *slash = memchr(b, '/', (size_t)(e - b));
    char text[64];
    uint8_t want[16];
    size_t n = (size_t)((slash ? slash : e) - b);

    if (n >= sizeof(text)) {
      abort();
    }
    memcpy(text, b, n);
    text[n] = '\0';
    if (inet_pton(AF_INET6, text, want) != 1 ||
        memcmp(want, t->addr, 16) != 0) {
      abort();
    }
  }
}

static void check_record(const char *in, size_t size,
                         const struct mp_spf_record *r)
{
  if (r->text != in || r->len != size || r->nterms > CAP) {
    abort();
  }
  for (size_t i = 0; i < r->nterms; i++) {
    check_term(in, size, &r->terms[i]);
  }
  if (r->has_redirect) {
    check_span(r->redirect_off, r->redirect_len, size);
    if (r->redirect_len == 0 ||
        mp_spf_macro_check(in + r->redirect_off, r->redirect_len, false,
                           NULL) != 0) {
      abort();
    }
  }
  if (r->has_exp) {
    check_span(r->exp_off, r->exp_len, size);
    if (r->exp_len == 0) {
      abort();
    }
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  /* An exactly sized copy, so ASan catches a read past size. */
  char *in = mp_memdup(data, size);
  struct mp_spf_term terms[CAP], big[4 * CAP];
  struct mp_spf_record r, r2;
  struct mp_spf_syntax_error e, e2;
  int rc = mp_spf_parse(in, size, terms, CAP, &r, &e);
  int rc2 = mp_spf_parse(in, size, big, 4 * CAP, &r2, &e2);

  if (rc == 0) {
    if (e.kind != MP_SPF_SYNTAX_OK) {
      abort();
    }
    check_record(in, size, &r);
    if (rc2 != 0 || r2.nterms != r.nterms ||
        memcmp(big, terms, r.nterms * sizeof(terms[0])) != 0) {
      abort();
    }
  } else if (rc == -EINVAL) {
    if (e.kind == MP_SPF_SYNTAX_OK || e.kind == MP_SPF_SYNTAX_TOO_MANY ||
        e.kind > MP_SPF_SYNTAX_TOO_LONG || e.offset > size || rc2 != rc ||
        e2.kind != e.kind || e2.offset != e.offset) {
      abort();
    }
  } else if (rc == -E2BIG) {
    if (e.kind != MP_SPF_SYNTAX_TOO_MANY || r.nterms != CAP ||
        e.offset >= size || rc2 == -EINVAL) {
      abort();
    }
    check_record(in, size, &r);
  } else {
    abort();
  }
  mp_free(in);
  return 0;
}
