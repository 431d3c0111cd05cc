#include "scanner/scan.h"

#include <assert.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "input/list.h"
#include "input/name.h"
#include "input/reader.h"
#include "output/writer.h"
#include "scanner/base/alloc.h"
#include "scanner/dns/cache.h"
#include "scanner/job.h"
#include "scanner/base/log.h"
#include "scanner/records/orgdomain.h"
#include "scanner/dns/resolver.h"

/* Lines handled per turn of the loop when they need no DNS (invalid names,
 * other shards), so timers and sockets are served in between. */
#define PUMP_BUDGET 4096
#define JOB_SLAB    64 /* jobs are made as the scan needs them */

struct job_slab {
  struct job_slab *next;
  unsigned n;
  struct mp_job jobs[JOB_SLAB];
};

struct scan {
  const struct mp_config *cfg;
  struct mp_stats *st;
  uv_loop_t loop;
  struct mp_resolver *resolver;
  struct mp_cache *cache;
  struct mp_orgdomain *psl;

  struct mp_reader *reader;
  struct mp_list list;
  int in_fd;
  bool in_stream; /* a pipe or terminal read through libuv */
  bool reading;
  union {
    uv_handle_t h;
    uv_stream_t s;
    uv_pipe_t pipe;
    uv_tty_t tty;
  } in;

  struct mp_writer writer;
  const struct mp_resume *done; /* --resume: lines with a row */
  struct job_slab *slabs;
  struct mp_job *free_jobs;
  unsigned active, njobs;
  FILE *query_log;

  uv_idle_t idle;
  uv_timer_t progress; /* each second: rows flushed, progress shown */
  bool show_progress;
  uv_signal_t sig[3]; /* stop_signals */
  bool pumping, repump, input_done, stopping, closing;
  int error; /* first input/output failure, or -EINTR */
};

static void pump(struct scan *s);

static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP};
void (*mp_scan_abort_hook)(struct mp_stats *st);

static void set_error(struct scan *s, int err)
{
  if (!s->error) {
    s->error = err;
  }
  s->stopping = true;
}

static int64_t wall_us(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Writing rows failed (a row, or the last of them at the close): said
 * once, naming the file; EPIPE, the reader gone (| head), is no news. */
static void output_error(struct scan *s, int rc)
{
  if (rc != -EPIPE && (!s->error || s->error == -EINTR)) {
    mp_log_error("%s: writing rows: %s",
                 s->cfg->output ? s->cfg->output : "standard output",
                 mp_strerror(rc));
  }
  set_error(s, rc);
}

static void emit(struct scan *s, const struct mp_result *res)
{
  int rc;

  if (s->error && s->error != -EINTR) {
    return; /* the output is broken: nothing more can be written */
  }
  if ((rc = mp_writer_write(&s->writer, res)) < 0) {
    output_error(s, rc);
    return;
  }
  mp_stats_row(s->st, res);
}

/* --- the answer cache's fetcher: the resolver -------------------------- */

struct fetch {
  struct mp_waiter w; /* first member */
  struct mp_cache *cache;
  struct mp_cache_entry *entry;
};

static void on_fetched(struct mp_waiter *w, struct mp_answer *ans)
{
  struct fetch *f = (struct fetch *)w;

  mp_cache_fill(f->cache, f->entry, ans);
  mp_free(f);
}

static void fetch(void *ctx, struct mp_cache *c, struct mp_cache_entry *e,
                  const char *name, uint16_t type)
{
  struct scan *s = ctx;
  struct fetch *f = mp_malloc(sizeof(*f));

  f->w.cb = on_fetched;
  f->cache = c;
  f->entry = e;
  mp_resolver_submit(s->resolver, name, type, &f->w);
}

/* --- jobs ------------------------------------------------------------- */

static void on_job_complete(struct mp_job *job)
{
  struct scan *s = job->owner;
  struct mp_result res;

  mp_job_result(job, &res);
  emit(s, &res);
  mp_job_reset(job);
  job->next_free = s->free_jobs;
  s->free_jobs = job;
  s->active--;
  pump(s);
}

/* A free job: one of the pool, or a new one while under -c. NULL when -c
 * are in flight. */
static struct mp_job *take_job(struct scan *s)
{
  struct mp_job *job;

  if (!s->free_jobs && s->njobs < s->cfg->concurrency) {
    struct job_slab *sl = mp_calloc(1, sizeof(*sl));

    sl->n = s->cfg->concurrency - s->njobs < JOB_SLAB
                ? s->cfg->concurrency - s->njobs
                : JOB_SLAB;
    sl->next = s->slabs;
    s->slabs = sl;
    s->njobs += sl->n;
    for (unsigned i = sl->n; i-- > 0;) {
      job = &sl->jobs[i];
      job->cache = s->cache;
      job->counts = &s->st->by_check;
      job->psl = s->psl;
      job->cfg = s->cfg;
      mp_job_init_checks(job);
      job->resolver = s->resolver;
      job->complete = on_job_complete;
      job->owner = s;
      job->next_free = s->free_jobs;
      s->free_jobs = job;
    }
  }
  job = s->free_jobs;
  if (job) {
    s->free_jobs = job->next_free;
  }
  return job;
}

/* Room for one more domain: a job, and (adaptive) nothing waiting to be
 * sent, so the domains in flight follow what the resolver takes. */
static bool room(struct scan *s)
{
  return (s->free_jobs || s->njobs < s->cfg->concurrency) &&
         (s->cfg->fixed_window || mp_resolver_backlog(s->resolver) == 0);
}

static void invalid_row(struct scan *s, const struct mp_line *line,
                        int64_t rank, enum mp_name_error why)
{
  struct mp_result res = {.line = line->number};

  res.input = line->text;
  res.input_len = line->len < MP_INPUT_MAX ? line->len : MP_INPUT_MAX;
  res.input_truncated = line->truncated || line->len > MP_INPUT_MAX;
  res.rank = rank;
  res.status = MP_STATUS_INVALID_NAME;
  res.error = why;
  res.started_us = wall_us();
  res.txt.rcode = res.dmarc_txt.rcode = res.mx.rcode = -1;
  emit(s, &res);
}

/* One input line: no row for blanks, comments and other shards; a row at
 * once for a line that is not a name; else a job. */
static void handle_line(struct scan *s, const struct mp_line *line)
{
  struct mp_entry e;
  char name[MP_NAME_MAX + 1];
  enum mp_name_error why = MP_NAME_ERROR_ABSENT;
  int len = -EINVAL;
  struct mp_job *job;

  if (mp_list_parse(&s->list, line->text, line->len, &e) == 0) {
    return;
  }
  if (s->done && mp_resume_has(s->done, line->number)) {
    s->st->resumed_rows++; /* its row is in the file already */
    return;
  }
  if (line->truncated) {
    why = MP_NAME_ERROR_LINE_TOO_LONG;
  } else if (e.error != MP_NAME_ERROR_ABSENT) {
    why = e.error;
  } else {
    len = mp_name_normalize(e.name, e.name_len, name, &why);
  }
  /* invalid lines are sharded by their text so each lands in one shard */
  if (len > 0 ? !mp_shard_keep(&s->cfg->shard, name, (size_t)len)
              : !mp_shard_keep(&s->cfg->shard, line->text, line->len)) {
    s->st->skipped_shard++;
    return;
  }
  if (len < 0) {
    invalid_row(s, line, e.rank, why);
    return;
  }
  job = take_job(s);
  s->active++;
  if (s->active > s->st->domains_peak) {
    s->st->domains_peak = s->active;
  }
  mp_job_set_input(job, line);
  memcpy(job->domain, name, (size_t)len + 1);
  job->rank = e.rank;
  job->started_us = wall_us();
  job->started_ns = uv_hrtime();
  mp_job_start(job);
}

/* --- input ------------------------------------------------------------ */

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
  struct scan *s = h->data;
  char *p;
  size_t n;

  (void)hint;
  mp_reader_space(s->reader, &p, &n);
  *buf = uv_buf_init(p, (unsigned)n);
}

static void on_read(uv_stream_t *st, ssize_t n, const uv_buf_t *buf)
{
  struct scan *s = st->data;

  (void)buf;
  /* One read per need: pump starts reading again when it runs dry. */
  uv_read_stop(st);
  s->reading = false;
  if (n > 0) {
    mp_reader_commit(s->reader, (size_t)n);
  } else if (n == UV_EOF) {
    mp_reader_eof(s->reader);
  } else if (n < 0) {
    mp_log_error("reading the input: %s", mp_strerror((int)n));
    mp_reader_eof(s->reader);
    set_error(s, (int)n);
  }
  pump(s);
}

/* Gets more input bytes. Returns true when the reader may now have a line,
 * false when we must wait for the loop (a pipe) or the input is over. */
static bool more_input(struct scan *s)
{
  ssize_t n;

  if (mp_reader_done(s->reader)) {
    s->input_done = true;
    return false;
  }
  if (s->in_stream) {
    if (!s->reading) {
      uv_read_start(&s->in.s, on_alloc, on_read);
      s->reading = true;
    }
    return false;
  }
  /* A regular file: a blocking read is a disk read, not a wait. */
  if ((n = mp_reader_fill(s->reader, s->in_fd)) < 0) {
    mp_log_error("reading the input: %s", mp_strerror((int)n));
    mp_reader_eof(s->reader);
    set_error(s, (int)n);
  }
  return true;
}

static void maybe_finish(struct scan *s);
static void on_idle(uv_idle_t *h);
/* Admits lines while there are free jobs, within a budget per turn. */
static void pump(struct scan *s)
{
  unsigned budget = PUMP_BUDGET;
  struct mp_line line;

  if (s->pumping) {
    s->repump = true; /* a job completed while we were admitting */
    return;
  }
  s->pumping = true;
  do {
    s->repump = false;
    while (!s->stopping && budget && room(s)) {
      if (mp_reader_next(s->reader, &line) == 1) {
        budget--;
        handle_line(s, &line);
      } else if (!more_input(s)) {
        break;
      }
    }
  } while (s->repump && budget && !s->stopping);
  s->pumping = false;
  s->st->input_bytes = mp_reader_offset(s->reader);
  if (!budget && !s->stopping) {
    uv_idle_start(&s->idle, on_idle); /* more next turn */
  }
  maybe_finish(s);
}

/* --- lifecycle -------------------------------------------------------- */

static void on_progress(uv_timer_t *t)
{
  struct scan *s = t->data;

  /* rows reach the file at least once a second, however slow the scan;
   * an error shows at the next write */
  mp_writer_flush(&s->writer);
  if (!s->show_progress) {
    return;
  }
  s->st->input_bytes = mp_reader_offset(s->reader);
  s->st->dns = *mp_resolver_stats(s->resolver);
  mp_stats_progress(s->st, stderr);
}

/* A row is written whole into the output's stdio buffer and the buffer
 * may end anywhere in a row only once a write has failed; so flushing it
 * here, on the loop and between rows, leaves the file ending on a whole
 * row. The hook (main.c: the summary) runs on the loop too. */
static void abort_now(struct scan *s, const char *why)
{
  mp_log_error("%s: stopping without the rows in flight", why);
  mp_writer_flush(&s->writer);
  s->st->dns = *mp_resolver_stats(s->resolver);
  s->st->cache = *mp_cache_stats(s->cache);
  if (mp_scan_abort_hook) {
    mp_scan_abort_hook(s->st);
  }
  _exit(130);
}

/* SIGINT, SIGTERM: stop admitting, finish the domains in flight; again:
 * stop at once. SIGHUP (the terminal is gone, and whatever hung up may
 * kill us next): stop at once. A stop at once leaves whole rows, and
 * --resume scans the rest. */
static void on_signal(uv_signal_t *h, int signum)
{
  struct scan *s = h->data;

  if (signum == SIGHUP || s->error == -EINTR) {
    abort_now(s, signum == SIGHUP ? "hangup" : "interrupted again");
  }
  mp_log_warn("signal %d: finishing the %u domains in flight (again to "
              "abort)",
              signum, s->active);
  set_error(s, -EINTR);
  maybe_finish(s);
}

/* Everything is written: close every handle. Runs from the idle callback,
 * never from inside a c-ares callback, since it destroys the channels. */
static void close_all(struct scan *s)
{
  s->st->dns = *mp_resolver_stats(s->resolver);
  s->st->cache = *mp_cache_stats(s->cache);
  if (s->show_progress) {
    mp_stats_progress(s->st, stderr);
    fputc('\n', stderr);
  }
  uv_close((uv_handle_t *)&s->idle, NULL);
  uv_close((uv_handle_t *)&s->progress, NULL);
  for (size_t i = 0; i < 3; i++) {
    /* closed, the handle gives the signal its default action back, which
     * would kill us while main writes the last rows: the scan ends anyway */
    uv_close((uv_handle_t *)&s->sig[i], NULL);
    signal(stop_signals[i], SIG_IGN);
  }
  if (s->in_stream) {
    uv_close(&s->in.h, NULL);
  }
  mp_resolver_close(s->resolver, NULL, NULL);
  s->resolver = NULL;
}

static void on_idle(uv_idle_t *h)
{
  struct scan *s = h->data;

  uv_idle_stop(h);
  if (s->closing) {
    close_all(s);
  } else {
    pump(s);
  }
}

static void maybe_finish(struct scan *s)
{
  if (s->closing || s->pumping || s->active ||
      !(s->input_done || s->stopping)) {
    return;
  }
  s->closing = true;
  uv_idle_start(&s->idle, on_idle);
}

static int open_input(struct scan *s, int fd)
{
  struct stat sb;
  int rc = 0;

  s->in_fd = fd;
  s->in.h.data = s;
  switch (uv_guess_handle(fd)) {
  case UV_TTY:
    s->in_stream = true;
    rc = uv_tty_init(&s->loop, &s->in.tty, fd, 1);
    break;
  case UV_NAMED_PIPE:
    s->in_stream = true;
    if ((rc = uv_pipe_init(&s->loop, &s->in.pipe, 0)) == 0) {
      rc = uv_pipe_open(&s->in.pipe, fd);
    }
    break;
  default: /* a file (or a device read like one) */
    if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode)) {
      s->st->input_size = (uint64_t)sb.st_size;
    }
    break;
  }
  s->in.h.data = s;
  return rc;
}

static void on_hungry(void *arg)
{
  pump(arg);
}

static int setup(struct scan *s)
{
  const struct mp_config *cfg = s->cfg;
  struct mp_resolver_opts ro = {
      .servers = cfg->servers,
      .nservers = cfg->nservers,
      .timeout_ms = cfg->timeout_ms,
      .retries = cfg->retries,
      .qps = cfg->qps,
      .window = cfg->window,
      .fixed = cfg->fixed_window,
      .edns_size = cfg->edns_size,
      .dead_after_ms = cfg->dead_after_ms,
      .hungry = cfg->fixed_window ? NULL : on_hungry,
      .hungry_arg = s,
  };
  int rc;

  if (cfg->query_log && !(s->query_log = fopen(cfg->query_log, "w"))) {
    rc = -errno;
    mp_log_error("--query-log %s: %s", cfg->query_log, mp_strerror(rc));
    return rc;
  }
  ro.query_log = s->query_log;
  if ((rc = mp_resolver_new(&s->loop, &ro, &s->resolver)) < 0) {
    return rc;
  }
  s->cache = mp_cache_new(&(struct mp_cache_opts){
      .max_bytes = cfg->cache_mb << 20,
      .max_ttl = 86400,
      .neg_ttl = 900,
      .fail_ttl = 60,
      .fetch = fetch,
      .fetch_ctx = s,
  });
  if ((rc = mp_orgdomain_new(cfg->psl_file, &s->psl)) < 0) {
    mp_log_warn("%s: %s: the Organizational Domain by the Public Suffix "
                "List (RFC 7489) is left out",
                cfg->psl_file, mp_strerror(rc));
  }
  s->st->post.psl = s->psl; /* the summary's breakdown by public suffix */
  uv_idle_init(&s->loop, &s->idle);
  uv_timer_init(&s->loop, &s->progress);
  s->idle.data = s->progress.data = s;
  for (size_t i = 0; i < 3; i++) {
    uv_signal_init(&s->loop, &s->sig[i]);
    s->sig[i].data = s;
    uv_signal_start(&s->sig[i], on_signal, stop_signals[i]);
    uv_unref((uv_handle_t *)&s->sig[i]);
  }
  s->show_progress =
      !cfg->quiet && (cfg->progress == 1 || (cfg->progress == -1 && isatty(2)));
  uv_timer_start(&s->progress, on_progress, 1000, 1000);
  uv_idle_start(&s->idle, on_idle); /* the first pump runs on the loop */
  return 0;
}

int mp_scan_run(const struct mp_config *cfg, int in_fd, FILE *out,
                const struct mp_resume *done, struct mp_stats *st)
{
  struct scan *s = mp_calloc(1, sizeof(*s));
  int rc;

  s->cfg = cfg;
  s->st = st;
  s->done = done;
  mp_list_init(&s->list, cfg->list_format);
  s->reader = mp_reader_new();
  if ((rc = uv_loop_init(&s->loop)) < 0) {
    goto done;
  }
  if ((rc = mp_writer_open(&s->writer, mp_writer_find(cfg->format), out,
                           done && done->rows.header,
                           mp_compress_kind(cfg->output))) < 0) {
    goto close_loop;
  }
  if ((rc = open_input(s, in_fd)) < 0 || (rc = setup(s)) < 0) {
    if (s->in_stream) {
      uv_close(&s->in.h, NULL);
    }
    uv_run(&s->loop, UV_RUN_DEFAULT);
    goto close_loop;
  }
  uv_run(&s->loop, UV_RUN_DEFAULT);
  assert(s->active == 0);
  if ((rc = mp_writer_close(&s->writer)) < 0) {
    output_error(s, rc);
  }
  rc = s->error;
close_loop:
  if (uv_loop_close(&s->loop) != 0) {
    mp_log_error("internal: libuv handles left open at exit");
  }
done:
  while (s->slabs) {
    struct job_slab *sl = s->slabs;

    s->slabs = sl->next;
    for (unsigned i = 0; i < sl->n; i++) {
      mp_job_close_checks(&sl->jobs[i]);
    }
    mp_free(sl);
  }
  if (s->query_log && fclose(s->query_log) != 0 && rc == 0) {
    rc = -EIO;
  }
  mp_cache_free(s->cache);
  s->st->post.psl = NULL;
  mp_orgdomain_free(s->psl);
  mp_reader_free(s->reader);
  mp_free(s);
  return rc;
}
