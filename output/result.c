#include "output/result.h"

#include <stddef.h>

/* The names that appear in rows; docs/schema.md lists the same sets and
 * tests/output/test_schema.c checks that they agree. */
const char *const mp_status_names[MP_STATUS_COUNT] = {
    [MP_STATUS_OK] = "ok",
    [MP_STATUS_INVALID_NAME] = "invalid_name",
    [MP_STATUS_NXDOMAIN] = "nxdomain",
    [MP_STATUS_SERVFAIL] = "servfail",
    [MP_STATUS_REFUSED] = "refused",
    [MP_STATUS_TIMEOUT] = "timeout",
    [MP_STATUS_FORMERR] = "formerr",
    [MP_STATUS_ERROR] = "error",
};

const char *mp_status_name(enum mp_status s)
{
  if ((unsigned)s >= MP_STATUS_COUNT) {
    return "error";
  }
  return mp_status_names[s];
}

const char *mp_spf_all_name(char qualifier)
{
  switch (qualifier) {
  case '+':
    return mp_spf_check_result_name(MP_SPF_RESULT_PASS);
  case '-':
    return mp_spf_check_result_name(MP_SPF_RESULT_FAIL);
  case '~':
    return mp_spf_check_result_name(MP_SPF_RESULT_SOFTFAIL);
  case '?':
    return mp_spf_check_result_name(MP_SPF_RESULT_NEUTRAL);
  default:
    return NULL;
  }
}
