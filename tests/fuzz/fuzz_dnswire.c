/* Any bytes as a DNS reply: the parser must return an answer or -EBADMSG,
 * and every record it returns must be within its own allocation. A message
 * it accepts is whole: mp_dnswire_check agrees, and one more byte after it
 * makes it malformed. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/dns/dnswire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool trailing_rejected(const uint8_t *msg, size_t len)
{
  uint8_t *more = malloc(len + 1);
  int rc;

  if (!more) {
    abort();
  }
  memcpy(more, msg, len);
  more[len] = 0;
  rc = mp_dnswire_check(more, len + 1);
  free(more);
  return rc == -EBADMSG;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const uint16_t types[] = {MP_T_TXT,  MP_T_MX,  MP_T_A,
                                   MP_T_AAAA, MP_T_PTR, MP_T_CNAME};
  struct mp_answer *a;
  uint16_t type;

  if (size < 1) {
    return 0;
  }
  type = types[data[0] % 6];
  if (mp_dnswire_parse(data + 1, size - 1, "d.test", type, &a) == 0) {
    for (size_t i = 0; i < a->count; i++) {
      if (a->rr[i].type != type || a->rr[i].data[a->rr[i].len] != '\0') {
        abort();
      }
    }
    if (a->cname && strlen(a->cname) > MP_NAME_TEXT_MAX) {
      abort();
    }
    mp_answer_unref(a);
    if (mp_dnswire_check(data + 1, size - 1) != 0 ||
        !trailing_rejected(data + 1, size - 1)) {
      abort();
    }
  }
  return 0;
}
