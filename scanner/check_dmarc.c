#include "scanner/check.h"

#include <stdio.h>

static size_t skip_wsp(const char *s, size_t i, size_t len)
{
  while (i < len && (s[i] == ' ' || s[i] == '\t')) {
    i++;
  }
  return i;
}

bool mp_dmarc_is_record(const char *txt, size_t len)
{
  static const char tag[] = "DMARC1";
  size_t i = 0;

  if (len == 0 || (txt[0] != 'v' && txt[0] != 'V')) {
    return false;
  }
  i = skip_wsp(txt, 1, len);
  if (i >= len || txt[i] != '=') {
    return false;
  }
  i = skip_wsp(txt, i + 1, len);
  for (size_t k = 0; k < sizeof(tag) - 1; k++, i++) {
    if (i >= len || txt[i] != tag[k]) {
      return false;
    }
  }
  i = skip_wsp(txt, i, len);
  return i == len || txt[i] == ';';
}

static void dmarc_start(struct mp_job *job)
{
  char name[sizeof("_dmarc.") + MP_NAME_MAX];

  /* A domain too long for the prefix still gets its lookup, answered
   * "error", so the row says why. */
  snprintf(name, sizeof(name), "_dmarc.%s", job->domain);
  mp_job_lookup(job, &job->dmarc_txt, name, MP_T_TXT, NULL);
}

static void dmarc_finish(const struct mp_job *job, struct mp_result *res)
{
  mp_job_fill_lookup(&job->dmarc_txt, &res->dmarc_txt);
  mp_check_pick(&res->dmarc_txt, mp_dmarc_is_record, &res->dmarc);
}

const struct mp_check mp_check_dmarc = {
    .name = "dmarc",
    .start = dmarc_start,
    .finish = dmarc_finish,
};
