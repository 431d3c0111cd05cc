/* The summary's "run" object (runinfo.h). */
#include "output/runinfo.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "output/json.h"

#define PSL_HEAD_LINES 64 /* the VERSION and COMMIT lines come first */

static const char *const state_names[] = {"completed", "interrupted", "resumed",
                                          "failed", NULL};

const char *mp_run_state_name(enum mp_run_state s)
{
  return (unsigned)s < sizeof(state_names) / sizeof(state_names[0])
             ? state_names[s]
             : NULL;
}

/* The value of "// KEY: value" in line into out, when line is one. */
static void head_value(const char *line, const char *key, char *out, size_t n)
{
  size_t k = strlen(key);

  if (strncmp(line, "// ", 3) == 0 && strncmp(line + 3, key, k) == 0 &&
      line[3 + k] == ':') {
    const char *v = line + 3 + k + 1;

    v += strspn(v, " \t");
    snprintf(out, n, "%.*s", (int)strcspn(v, "\r\n"), v);
  }
}

void mp_run_info_psl(struct mp_run_info *r, const char *path)
{
  struct stat sb;
  char line[256];
  FILE *f;

  r->psl_path = path;
  r->psl_mtime_s = -1;
  r->psl_version[0] = r->psl_commit[0] = '\0';
  if (!path || !(f = fopen(path, "r"))) {
    return;
  }
  if (fstat(fileno(f), &sb) == 0) {
    r->psl_mtime_s = (int64_t)sb.st_mtime;
  }
  for (int i = 0; i < PSL_HEAD_LINES && fgets(line, sizeof(line), f); i++) {
    head_value(line, "VERSION", r->psl_version, sizeof(r->psl_version));
    head_value(line, "COMMIT", r->psl_commit, sizeof(r->psl_commit));
  }
  fclose(f);
}

static void list(FILE *f, const char *key, const struct mp_run_list *l)
{
  fprintf(f, ",\"%s\":[", key);
  for (size_t i = 0; i < l->n && i < MP_RUN_LIST_MAX; i++) {
    if (i) {
      fputc(',', f);
    }
    mp_json_cstr(f, l->v[i]);
  }
  fputc(']', f);
}

/* "key":"text", or null when text is NULL or empty. */
static void text(FILE *f, const char *key, const char *s)
{
  fprintf(f, ",\"%s\":", key);
  mp_json_cstr(f, s && *s ? s : NULL);
}

static void options(const struct mp_run_info *r, FILE *f)
{
  char shard[32];

  fprintf(f, ",\"options\":{\"format\":");
  mp_json_cstr(f, r->format);
  text(f, "input_format", r->input_format);
  snprintf(shard, sizeof(shard), "%u/%u", r->shard_k, r->shard_n);
  text(f, "shard", r->shard_n ? shard : NULL);
  list(f, "resolvers", &r->resolvers);
  list(f, "checks", &r->checks);
  list(f, "dkim_selectors", &r->dkim_selectors);
  list(f, "dkim_require", &r->dkim_require);
  fprintf(f, ",\"window\":%u,\"concurrency\":%u,\"fixed_window\":%s,\"qps\":",
          r->window, r->concurrency, r->fixed_window ? "true" : "false");
  if (r->qps > 0) {
    mp_json_number(f, r->qps);
  } else {
    fputs("null", f);
  }
  fprintf(f, ",\"timeout_ms\":%u,\"retries\":%u", r->timeout_ms, r->retries);
  list(f, "spf_ip", &r->spf_ips);
  list(f, "spf_include", &r->spf_includes);
  text(f, "spf_sender", r->spf_sender);
  text(f, "spf_helo", r->spf_helo);
  fputc('}', f);
}

static void psl(const struct mp_run_info *r, FILE *f)
{
  fputs(",\"psl\":{\"path\":", f);
  mp_json_cstr(f, r->psl_path);
  fputs(",\"mtime\":", f);
  if (r->psl_mtime_s >= 0) {
    mp_json_time(f, r->psl_mtime_s * 1000000);
  } else {
    fputs("null", f);
  }
  text(f, "version", r->psl_version);
  text(f, "commit", r->psl_commit);
  fputc('}', f);
}

static void input(const struct mp_run_info *r, FILE *f)
{
  char hash[17];

  fputs(",\"input\":{\"path\":", f);
  mp_json_cstr(f, r->input_path);
  fprintf(f, ",\"domains\":");
  if (r->ndomains) {
    mp_json_uint(f, r->ndomains);
  } else {
    fputs("null", f);
  }
  if (r->input_known) {
    snprintf(hash, sizeof(hash), "%016llx", (unsigned long long)r->input_hash);
    fprintf(f, ",\"size\":%llu,\"xxh3\":\"%s\"}",
            (unsigned long long)r->input_size, hash);
  } else {
    fputs(",\"size\":null,\"xxh3\":null}", f);
  }
}

int mp_run_info_json(const struct mp_run_info *r, FILE *f)
{
  fputs(",\"run\":{\"mailposture\":", f);
  mp_json_cstr(f, r->version);
  text(f, "c_ares", r->cares_version);
  text(f, "libuv", r->libuv_version);
  fputs(",\"started\":", f);
  mp_json_time(f, r->start_us);
  fputs(",\"ended\":", f);
  mp_json_time(f, r->end_us);
  text(f, "state", mp_run_state_name(r->state));
  fprintf(f, ",\"rows\":%llu,\"resumed_rows\":%llu",
          (unsigned long long)r->rows, (unsigned long long)r->resumed_rows);
  input(r, f);
  options(r, f);
  psl(r, f);
  fputc('}', f);
  return 0;
}
