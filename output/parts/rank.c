#include "output/parts/rank.h"

const struct mp_rank mp_rank_dmarc_p = {
    mp_dmarc_p_names,
    {MP_DMARC_P_NONE, MP_DMARC_P_QUARANTINE, MP_DMARC_P_REJECT}};
const struct mp_rank mp_rank_dmarc_effective = {mp_dmarc_effective_names,
                                                {MP_DMARC_EFFECTIVE_NONE,
                                                 MP_DMARC_EFFECTIVE_QUARANTINE,
                                                 MP_DMARC_EFFECTIVE_REJECT}};
const struct mp_rank mp_rank_spf_all = {
    mp_spf_check_result_names,
    {MP_SPF_RESULT_PASS, MP_SPF_RESULT_NEUTRAL, MP_SPF_RESULT_SOFTFAIL,
     MP_SPF_RESULT_FAIL}};
const struct mp_rank mp_rank_spf_status = {
    mp_spf_status_names,
    {MP_SPF_STATUS_PERMERROR, MP_SPF_STATUS_NONE, MP_SPF_STATUS_VALID}};
const struct mp_rank mp_rank_dmarc_status = {
    mp_record_status_names,
    {MP_RECORD_INVALID, MP_RECORD_NONE, MP_RECORD_VALID}};
const struct mp_rank mp_rank_dkim_status = {
    mp_dkim_status_names,
    {MP_DKIM_STATUS_NO_DOMAINKEY, MP_DKIM_STATUS_NONE, MP_DKIM_STATUS_FOUND}};
const struct mp_rank mp_rank_policy_status = {
    mp_record_status_names,
    {MP_RECORD_INVALID, MP_RECORD_NONE, MP_RECORD_VALID}};
