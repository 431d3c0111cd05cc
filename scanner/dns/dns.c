#include "scanner/dns/dns.h"

/* The outcome names that appear in rows; docs/schema.md lists the same set
 * and tests/output/test_schema.c checks that they agree. */
const char *const mp_outcome_names[MP_OUTCOME_COUNT] = {
    [MP_OUTCOME_OK] = "ok",
    [MP_OUTCOME_NODATA] = "nodata",
    [MP_OUTCOME_NXDOMAIN] = "nxdomain",
    [MP_OUTCOME_SERVFAIL] = "servfail",
    [MP_OUTCOME_REFUSED] = "refused",
    [MP_OUTCOME_TIMEOUT] = "timeout",
    [MP_OUTCOME_FORMERR] = "formerr",
    [MP_OUTCOME_ERROR] = "error",
};

const char *mp_outcome_name(enum mp_outcome o)
{
  /* An out-of-range value is a bug upstream; "error" keeps the row valid. */
  if ((unsigned)o >= MP_OUTCOME_COUNT) {
    return "error";
  }
  return mp_outcome_names[o];
}

bool mp_outcome_failed(enum mp_outcome o)
{
  return o != MP_OUTCOME_OK && o != MP_OUTCOME_NODATA &&
         o != MP_OUTCOME_NXDOMAIN;
}

uint32_t mp_rr_min_ttl(const struct mp_rr *rr, size_t n)
{
  uint32_t ttl = n ? rr[0].ttl : 0;

  for (size_t i = 1; i < n; i++) {
    ttl = rr[i].ttl < ttl ? rr[i].ttl : ttl;
  }
  return ttl;
}

const char *mp_type_name(uint16_t type)
{
  switch (type) {
  case MP_T_A:
    return "A";
  case MP_T_CNAME:
    return "CNAME";
  case MP_T_PTR:
    return "PTR";
  case MP_T_MX:
    return "MX";
  case MP_T_TXT:
    return "TXT";
  case MP_T_AAAA:
    return "AAAA";
  default:
    return NULL;
  }
}
