#include "output/finding.h"

#include <assert.h>
#include <stddef.h>

static const char *const names[MP_FINDING_COUNT] = {
#define MP_X_FINDING(code, sev, text, ref) [MP_FINDING_##code] = #code,
    MP_FINDING_MAP(MP_X_FINDING)
#undef MP_X_FINDING
};

const char *mp_finding_name(enum mp_finding_code c)
{
  return (unsigned)c < MP_FINDING_COUNT ? names[c] : NULL;
}

enum mp_severity mp_finding_severity(enum mp_finding_code c)
{
  static const enum mp_severity sev[MP_FINDING_COUNT] = {
#define MP_X_FINDING(code, s, text, ref) [MP_FINDING_##code] = MP_SEV_##s,
      MP_FINDING_MAP(MP_X_FINDING)
#undef MP_X_FINDING
  };

  assert((unsigned)c < MP_FINDING_COUNT);
  return sev[c];
}

const char *mp_severity_name(enum mp_severity s)
{
  static const char *const sev[] = {"error", "warning", "info"};

  return (unsigned)s < sizeof(sev) / sizeof(sev[0]) ? sev[s] : NULL;
}
