/* The MTA-STS (RFC 8461 3.1), TLS-RPT (RFC 8460 3) and BIMI parts
 * (docs/schema.md, "MTA-STS, TLS-RPT and BIMI"): the TXT records only.
 * The three share struct mp_result_policy and name its fields apart. */
#include "output/parts/get.h"
#include "output/parts/rank.h"

MP_GET(status, struct mp_result_policy, p,
       mp_value_cstr(v, mp_record_status_name(p->status)))
MP_GET(record, struct mp_result_policy, p, mp_value_slice(v, p->record))
MP_GET(field1, struct mp_result_policy, p, mp_value_slice(v, p->field1))
MP_GET(field2, struct mp_result_policy, p, mp_value_slice(v, p->field2))
MP_GET(error, struct mp_result_policy, p,
       mp_value_cstr(v, mp_record_error_name(p->error)))

#define STATUS                                                                 \
  {                                                                            \
    .name = "status", .kind = MP_K_ENUM,                                       \
    .meaning = "none, valid, invalid or temperror", .get = status,             \
    MP_VALUES(record_status, RECORD_STATUS), .diff = MP_DIFF_RANK,             \
    .diff_rank = &mp_rank_policy_status                                        \
  }
#define RECORD(what)                                                           \
  {                                                                            \
    .name = "record", .kind = MP_K_STRING,                                     \
    .flags = MP_F_NULL | MP_F_NDJSON_ONLY, .meaning = "the " what " record",   \
    .get = record                                                              \
  }
#define ERROR                                                                  \
  {                                                                            \
    .name = "error", .kind = MP_K_ENUM, .flags = MP_F_NULL | MP_F_NDJSON_ONLY, \
    .meaning = "why status is invalid, a code", .get = error,                  \
    MP_VALUES(record_error, RECORD_ERROR)                                      \
  }

static const struct mp_field mta_sts[] = {
    STATUS,
    RECORD("v=STSv1"),
    {.name = "id",
     .kind = MP_K_STRING,
     .flags = MP_F_NULL,
     .meaning = "its id=, which changes whenever the policy does",
     .get = field1,
     .diff = MP_DIFF_NEUTRAL},
    ERROR,
};

static const struct mp_field tls_rpt[] = {
    STATUS,
    RECORD("v=TLSRPTv1"),
    {.name = "rua",
     .kind = MP_K_STRING,
     .flags = MP_F_NULL,
     .meaning = "the first URI of its rua=: where the reports go",
     .get = field1,
     .diff = MP_DIFF_NEUTRAL},
    ERROR,
};

static const struct mp_field bimi[] = {
    STATUS,
    RECORD("v=BIMI1"),
    {.name = "location",
     .kind = MP_K_STRING,
     .flags = MP_F_NULL,
     .meaning = "its l=: the URL of the logo",
     .get = field1,
     .diff = MP_DIFF_NEUTRAL},
    {.name = "authority",
     .kind = MP_K_STRING,
     .flags = MP_F_NULL | MP_F_NDJSON_ONLY,
     .meaning = "its a=: the URL of the evidence document",
     .get = field2},
    ERROR,
};

const struct mp_part mp_part_mta_sts = {"mta_sts", MP_FIELDS(mta_sts), mta_sts};
const struct mp_part mp_part_tls_rpt = {"tls_rpt", MP_FIELDS(tls_rpt), tls_rpt};
const struct mp_part mp_part_bimi = {"bimi", MP_FIELDS(bimi), bimi};
