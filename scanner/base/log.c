#include "scanner/base/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <uv.h>

enum mp_log_level mp_log_threshold = MP_LOG_WARN;

static const char *const level_names[] = {"error", "warning", "info", "debug"};

void mp_log_write(enum mp_log_level level, const char *fmt, ...)
{
  va_list ap;

  fprintf(stderr, "mailposture: %s: ", level_names[level]);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
}

const char *mp_strerror(int err)
{
  /* On Unix libuv's error codes are negative errno values. */
  return uv_strerror(err);
}
