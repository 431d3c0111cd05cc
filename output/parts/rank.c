#include "output/parts/rank.h"

#include <stddef.h>

const char *const mp_rank_dmarc_policy[] = {"none", "quarantine", "reject",
                                            NULL};
const char *const mp_rank_spf_all[] = {"pass", "neutral", "softfail", "fail",
                                       NULL};
const char *const mp_rank_spf_status[] = {"permerror", "none", "valid", NULL};
const char *const mp_rank_dmarc_status[] = {"invalid", "none", "valid", NULL};
const char *const mp_rank_dkim_status[] = {"no_domainkey", "none", "found",
                                           NULL};
const char *const mp_rank_policy_status[] = {"invalid", "none", "valid", NULL};
