/* What the check modules share: their replay-and-task pair, and picking
 * records of one kind out of a TXT answer. */
#include "scanner/checks/check.h"

#include <string.h>

void mp_check_work_init(struct mp_check_work *w, struct mp_job *job,
                        mp_task_fn run, struct mp_replay_counts *counts)
{
  mp_replay_init(&w->rp, job->cache);
  mp_task_init(&w->task, job, &w->rp, run);
  w->rp.counts = counts;
  w->rp.dead_zone = &job->dead_zone;
}

void mp_check_work_reset(struct mp_check_work *w)
{
  mp_replay_reset(&w->rp);
}

void mp_check_work_close(struct mp_check_work *w)
{
  mp_replay_close(&w->rp);
  mp_task_close(&w->task);
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
