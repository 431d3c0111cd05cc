#include "scanner/checks/registry.h"

#include <stddef.h>

#include "scanner/checks/check.h"

/* One line per check, in row order. */
const struct mp_check *const mp_checks[] = {
    &mp_check_spf,     &mp_check_dmarc,   &mp_check_dkim, &mp_check_mx,
    &mp_check_mta_sts, &mp_check_tls_rpt, &mp_check_bimi, NULL};

#define NCHECKS (sizeof(mp_checks) / sizeof(mp_checks[0]) - 1)

_Static_assert(NCHECKS <= 32, "--checks is a 32-bit set");

size_t mp_checks_count(void)
{
  return NCHECKS;
}

const char *mp_check_name(size_t i)
{
  return i < NCHECKS ? mp_checks[i]->name : NULL;
}

static size_t aligned(size_t n)
{
  size_t a = _Alignof(max_align_t);

  return (n + a - 1) / a * a;
}

size_t mp_check_state_offset(size_t i)
{
  size_t off = 0;

  for (size_t k = 0; k < i && k < NCHECKS; k++) {
    off += aligned(mp_checks[k]->state_size);
  }
  return off;
}

size_t mp_checks_state_size(void)
{
  return mp_check_state_offset(NCHECKS);
}
