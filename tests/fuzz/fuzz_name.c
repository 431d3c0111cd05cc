/* Any bytes -> mp_name_normalize() must not crash or read past its input;
 * a name it accepts must be a valid presentation name that normalizes to
 * itself. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "input/name.h"
#include "scanner/base/alloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  /* An exactly sized copy, so ASan catches a read past size. */
  char *in = mp_memdup(data, size);
  char out[MP_NAME_MAX + 1], again[MP_NAME_MAX + 1];
  enum mp_name_error why = MP_NAME_ERROR_COUNT;
  int rc = mp_name_normalize(in, size, out, &why);

  if (rc < 0) {
    if (rc != -EINVAL || why == MP_NAME_ERROR_ABSENT || out[0] != '\0') {
      abort();
    }
  } else {
    if (rc == 0 || rc > MP_NAME_MAX || why != MP_NAME_ERROR_ABSENT ||
        strlen(out) != (size_t)rc) {
      abort();
    }
    if (mp_name_normalize(out, (size_t)rc, again, &why) != rc ||
        strcmp(out, again) != 0) {
      abort();
    }
  }
  mp_free(in);
  return 0;
}
