#include "scanner/check.h"

#include <string.h>

bool mp_spf_is_record(const char *txt, size_t len)
{
  static const char v[] = "v=spf1";

  if (len < sizeof(v) - 1) {
    return false;
  }
  for (size_t i = 0; i < sizeof(v) - 1; i++) {
    char c = txt[i];

    if (c >= 'A' && c <= 'Z') {
      c = (char)(c + ('a' - 'A'));
    }
    if (c != v[i]) {
      return false;
    }
  }
  return len == sizeof(v) - 1 || txt[sizeof(v) - 1] == ' ';
}

void mp_check_pick(const struct mp_result_lookup *txt,
                   bool (*is_record)(const char *, size_t),
                   struct mp_result_records *out)
{
  memset(out, 0, sizeof(*out));
  if (!txt->queried || txt->outcome != MP_OUTCOME_OK) {
    return;
  }
  for (size_t i = 0; i < txt->count; i++) {
    if (is_record(txt->rr[i].data, txt->rr[i].len)) {
      if (out->count < MP_PICK_MAX) {
        out->rr[out->count] = &txt->rr[i];
      }
      out->count++;
    }
  }
}

static void spf_start(struct mp_job *job)
{
  mp_job_lookup(job, &job->txt, job->domain, MP_T_TXT, NULL);
}

static void spf_finish(const struct mp_job *job, struct mp_result *res)
{
  mp_job_fill_lookup(&job->txt, &res->txt);
  mp_check_pick(&res->txt, mp_spf_is_record, &res->spf);
}

const struct mp_check mp_check_spf = {"spf", spf_start, spf_finish};
