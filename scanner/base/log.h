#ifndef MP_SCANNER_BASE_LOG_H
#define MP_SCANNER_BASE_LOG_H

enum mp_log_level {
  MP_LOG_ERROR,
  MP_LOG_WARN,
  MP_LOG_INFO,
  MP_LOG_DEBUG,
};

/* The process-wide log threshold; messages above it are not formatted. */
extern enum mp_log_level mp_log_threshold;

/* Writes one line "mailposture: <level>: <message>" to stderr. Call through
 * the macros, which check the level before formatting. */
void mp_log_write(enum mp_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Text for a negative errno or libuv error code (uv_strerror). */
const char *mp_strerror(int err);

#define MP_LOG_AT(lvl, ...)                                                    \
  do {                                                                         \
    if ((lvl) <= mp_log_threshold) {                                           \
      mp_log_write((lvl), __VA_ARGS__);                                        \
    }                                                                          \
  } while (0)
#define mp_log_error(...) MP_LOG_AT(MP_LOG_ERROR, __VA_ARGS__)
#define mp_log_warn(...)  MP_LOG_AT(MP_LOG_WARN, __VA_ARGS__)
#define mp_log_info(...)  MP_LOG_AT(MP_LOG_INFO, __VA_ARGS__)
#define mp_log_debug(...) MP_LOG_AT(MP_LOG_DEBUG, __VA_ARGS__)

#endif
