#include "output/status.h"

#define MP_X_NAME(e, name) [e] = name,

#define MP_X_STATUS_TABLE(name, NAME)                                          \
  const char *const mp_##name##_names[MP_##NAME##_COUNT] = {                   \
      MP_##NAME##_MAP(MP_X_NAME)};                                             \
  const char *mp_##name##_name(enum mp_##name s)                               \
  {                                                                            \
    return (unsigned)s < MP_##NAME##_COUNT ? mp_##name##_names[s] : NULL;      \
  }

MP_STATUS_TYPES(MP_X_STATUS_TABLE)
