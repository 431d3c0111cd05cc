#ifndef MP_OUTPUT_STATUS_H
#define MP_OUTPUT_STATUS_H

/* The statuses of a row's parts: each an enum with one name table, as
 * libuv's UV_ERRNO_MAP. X(CONSTANT, "name in rows"). Value 0 of each is
 * ABSENT (nothing to say: written null, or an empty CSV cell), so a part
 * left zeroed says nothing. Code compares enums; writers print names. */

#define MP_X_ENUM(e, name) e,

/* The SPF evaluation of the domain (RFC 7208 2.6, without a client). */
#define MP_SPF_STATUS_MAP(X)                                                   \
  X(MP_SPF_STATUS_NONE, "none")                                                \
  X(MP_SPF_STATUS_VALID, "valid")                                              \
  X(MP_SPF_STATUS_PERMERROR, "permerror")                                      \
  X(MP_SPF_STATUS_TEMPERROR, "temperror")

enum mp_spf_status {
  MP_SPF_STATUS_ABSENT,
  MP_SPF_STATUS_MAP(MP_X_ENUM) MP_SPF_STATUS_COUNT
};

/* The name in rows; NULL for ABSENT or a value outside the table. */
const char *mp_spf_status_name(enum mp_spf_status s);

#endif
