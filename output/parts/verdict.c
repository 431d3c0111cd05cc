/* The verdict part (docs/schema.md, "Verdict"): the DNS-visible part of
 * the bulk-sender requirements. */
#include "output/parts/get.h"

#define CODES_MAX                                                              \
  (sizeof(((struct mp_result_verdict *)0)->failed) /                           \
   sizeof(enum mp_requirement))

MP_GET(ready, struct mp_result_verdict, x, mp_value_tri(v, x->ready))
MP_GET(failed, struct mp_result_verdict, x,
       mp_value_list(v, x->failed, x->nfailed, CODES_MAX))
MP_GET(unknown, struct mp_result_verdict, x,
       mp_value_list(v, x->unknown, x->nunknown, CODES_MAX))
MP_GET(code, enum mp_requirement, c,
       mp_value_cstr(v, mp_requirement_name(c[i]) ? mp_requirement_name(c[i])
                                                  : ""))

static const struct mp_field code_fields[] = {
    {.name = "",
     .kind = MP_K_ENUM,
     .meaning = "one requirement code",
     .get = code,
     MP_VALUES(requirement, REQUIREMENT)},
};
static const struct mp_part code_part = {"requirement", 1, code_fields};

static const struct mp_field verdict[] = {
    {.name = "ready",
     .kind = MP_K_BOOL,
     .flags = MP_F_NULL,
     .meaning = "every requirement is met; null: one is unknown",
     .get = ready,
     .diff = MP_DIFF_TRUE_GOOD},
    {.name = "failed",
     .kind = MP_K_LIST,
     .meaning = "the requirements not met",
     .get = failed,
     .sub = &code_part,
     .diff = MP_DIFF_SET_GAIN},
    {.name = "unknown",
     .kind = MP_K_LIST,
     .meaning = "the requirements whose state is not known",
     .get = unknown,
     .sub = &code_part},
};

const struct mp_part mp_part_verdict = {"verdict", MP_FIELDS(verdict), verdict};
