#include "output/status.h"

#include <stddef.h>

#define MP_X_NAME(e, name) [e] = name,

static const char *const spf_status[MP_SPF_STATUS_COUNT] = {
    MP_SPF_STATUS_MAP(MP_X_NAME)};

const char *mp_spf_status_name(enum mp_spf_status s)
{
  return (unsigned)s < MP_SPF_STATUS_COUNT ? spf_status[s] : NULL;
}
