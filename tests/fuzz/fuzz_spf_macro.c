/* Any bytes -> the macro functions must not crash or read past their
 * input, with one fixed context. The first byte picks the mode (bit 0:
 * explanation text, bits 1-7: the output size for a second, small
 * expansion); the rest is the macro-string. mp_spf_macro_check()
 * succeeds iff mp_spf_macro_expand() does not return -EINVAL; a small
 * buffer gives -ENAMETOOLONG or the same text; truncation fits. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "scanner/base/alloc.h"
#include "scanner/spf/macro.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t ip6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0,    0,
                                0,    0,    0,    0,    0, 0, 0xcb, 0x01};

static const struct mp_spf_macro_ctx ctx = {
    .sender = "strong-bad@email.example.com",
    .local = "strong-bad",
    .sender_domain = "email.example.com",
    .domain = "email.example.com",
    .family = AF_INET6,
    .ip = ip6,
    .helo = "mx.example.org",
    .ptr_name = NULL,
    .receiver = "receiver.example",
    .now = 1700000000,
};

/* After truncation a name fits in 253 octets (and a root dot), or was
 * left alone because it already did. */
static void check_truncate(char *name, size_t n)
{
  size_t t = mp_spf_truncate_domain(name, n);
  size_t body = t > 0 && name[t - 1] == '.' ? t - 1 : t;

  if (t > n || body > 253 || (t < n && strlen(name) != t)) {
    abort();
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static char out[1 << 20], small[128];
  bool exp;
  size_t len, off = SIZE_MAX, cap;
  char *in;
  int ok, n, m;

  if (size == 0) {
    return 0;
  }
  exp = data[0] & 1;
  cap = (size_t)(data[0] >> 1);
  len = size - 1;
  in = mp_memdup(data + 1, len); /* exactly sized for ASan */
  ok = mp_spf_macro_check(in, len, exp, &off);
  if (ok != 0 && (ok != -EINVAL || off > len)) {
    abort();
  }
  n = mp_spf_macro_expand(in, len, exp, &ctx, out, sizeof(out));
  if ((ok == 0) != (n != -EINVAL)) {
    abort();
  }
  if (n >= 0) {
    if (strlen(out) != (size_t)n) {
      abort();
    }
    m = mp_spf_macro_expand(in, len, exp, &ctx, small, cap);
    if ((size_t)n < cap ? m != n || strcmp(small, out) != 0
                        : m != -ENAMETOOLONG) {
      abort();
    }
    check_truncate(out, (size_t)n);
  } else if (n != -EINVAL && len < sizeof(out) / 64) {
    abort(); /* no letter expands past 63 bytes, nor 16 per input byte */
  }
  (void)mp_spf_macro_uses(in, len, 'd');
  (void)mp_spf_macro_uses(in, len, (char)data[0]);
  mp_free(in);
  return 0;
}
