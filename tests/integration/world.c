#include "tests/integration/world.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scanner/base/alloc.h"
#include "tests/support/proc.h"

static char *field(char **p)
{
  char *start = *p, *tab = strchr(start, '\t');

  if (tab) {
    *tab = '\0';
    *p = tab + 1;
  } else {
    *p = start + strlen(start);
  }
  return mp_strndup(start, strlen(start));
}

static char *hex_decode(const char *hex, size_t *len)
{
  size_t n = strlen(hex) / 2;
  char *out = mp_malloc(n + 1);

  for (size_t i = 0; i < n; i++) {
    unsigned v;

    cr_assert_eq(sscanf(hex + 2 * i, "%2x", &v), 1, "bad hex %s", hex);
    out[i] = (char)v;
  }
  out[n] = '\0';
  *len = n;
  return out;
}

void truth_load(struct truth_set *ts)
{
  char path[4096];
  size_t len, cap = 1024;
  char *text, *line, *save = NULL;

  snprintf(path, sizeof(path), "%s/truth.tsv", MP_WORLD_DIR);
  text = mp_proc_slurp(path, &len);
  cr_assert_not_null(text, "cannot read %s", path);
  memset(ts, 0, sizeof(*ts));
  ts->rows = mp_calloc(cap, sizeof(*ts->rows));
  for (line = strtok_r(text, "\n", &save); line;
       line = strtok_r(NULL, "\n", &save)) {
    struct truth *t;
    char *p = line, *tmp;

    if (line[0] == '#') {
      continue;
    }
    if (ts->count == cap) {
      cap *= 2;
      ts->rows = mp_realloc(ts->rows, cap * sizeof(*ts->rows));
    }
    t = &ts->rows[ts->count++];
    tmp = field(&p);
    t->line = strtoull(tmp, NULL, 10);
    mp_free(tmp);
    tmp = field(&p);
    t->input = strcmp(tmp, "-") == 0 ? mp_strndup("", 0)
                                     : hex_decode(tmp, &t->input_len);
    mp_free(tmp);
    t->domain = field(&p);
    t->status = field(&p);
    for (int k = 0; k < 3; k++) {
      t->outcome[k] = field(&p);
      t->records[k] = field(&p);
    }
    tmp = field(&p);
    t->spf_count = strtol(tmp, NULL, 10);
    mp_free(tmp);
    tmp = field(&p);
    t->dmarc_count = strtol(tmp, NULL, 10);
    mp_free(tmp);
    t->cname = field(&p);
    if (t->line > ts->max_line) {
      ts->max_line = t->line;
    }
  }
  mp_free(text);
  cr_assert_gt(ts->count, 0, "empty truth file");
}

void truth_free(struct truth_set *ts)
{
  for (size_t i = 0; i < ts->count; i++) {
    struct truth *t = &ts->rows[i];

    mp_free(t->input);
    mp_free(t->domain);
    mp_free(t->status);
    for (int k = 0; k < 3; k++) {
      mp_free(t->outcome[k]);
      mp_free(t->records[k]);
    }
    mp_free(t->cname);
  }
  mp_free(ts->rows);
}

void scratch_path(char *buf, size_t len, const char *name)
{
  snprintf(buf, len, "%s/scratch-%ld-%s", MP_SCRATCH_DIR, (long)getpid(), name);
}

int run_scanner(const char *input, const char *out_path,
                const char *const *args)
{
  const char *argv[64];
  char server[64], err_path[4096];
  size_t n = 0;
  bool has_resolver = false;
  int rc;

  argv[n++] = MP_BINARY;
  for (size_t i = 0; args && args[i]; i++) {
    has_resolver |= strcmp(args[i], "-r") == 0;
    argv[n++] = args[i];
  }
  if (!has_resolver) {
    snprintf(server, sizeof(server), "127.0.0.1:%d", MP_TEST_DNS_PORT);
    argv[n++] = "-r";
    argv[n++] = server;
  }
  argv[n++] = "--no-progress";
  if (input) {
    argv[n++] = input;
  }
  argv[n] = NULL;
  snprintf(err_path, sizeof(err_path), "%s.stderr", out_path);
  rc = mp_proc_run(argv, NULL, out_path, err_path, 300000);
  if (rc != 0) {
    char *err = mp_proc_slurp(err_path, NULL);

    cr_log_info("scanner exited %d: %s", rc, err ? err : "");
    mp_free(err);
  }
  return rc;
}

struct mp_json *read_rows(const char *out_path)
{
  size_t len;
  char *text = mp_proc_slurp(out_path, &len), err[256];
  struct mp_json *rows;

  cr_assert_not_null(text, "no output at %s", out_path);
  rows = mp_json_parse_ndjson(text, len, err, sizeof(err));
  mp_free(text);
  cr_assert_not_null(rows, "output is not NDJSON: %s", err);
  return rows;
}

char *utf8_sanitize(const char *s, size_t len, size_t *outlen)
{
  char *out = mp_malloc(len * 3 + 1);
  size_t o = 0;

  for (size_t i = 0; i < len;) {
    size_t n = mp_json_ref_utf8_len((const uint8_t *)s + i, len - i);

    if (n) {
      memcpy(out + o, s + i, n);
      o += n;
      i += n;
    } else {
      memcpy(out + o, "\xEF\xBF\xBD", 3);
      o += 3;
      i++;
    }
  }
  out[o] = '\0';
  *outlen = o;
  return out;
}

char *hex_encode(const char *s, size_t len)
{
  static const char digits[] = "0123456789abcdef";
  char *out = mp_malloc(2 * len + 1);

  for (size_t i = 0; i < len; i++) {
    out[2 * i] = digits[(unsigned char)s[i] >> 4];
    out[2 * i + 1] = digits[(unsigned char)s[i] & 15];
  }
  out[2 * len] = '\0';
  return out;
}

const struct mp_json *row_for(const struct mp_json *rows, const char *domain)
{
  for (size_t i = 0; i < rows->count; i++) {
    if (mp_json_str_eq(mp_json_get(rows->items[i], "domain"), domain)) {
      return rows->items[i];
    }
  }
  cr_assert_fail("no row for %s", domain);
  return NULL;
}

const struct mp_json **rows_by_line(const struct mp_json *rows,
                                    uint64_t max_line)
{
  const struct mp_json **at = mp_calloc(max_line + 1, sizeof(*at));

  for (size_t i = 0; i < rows->count; i++) {
    int64_t line = mp_json_get(rows->items[i], "line")->integer;

    cr_assert(line > 0 && (uint64_t)line <= max_line, "line %lld",
              (long long)line);
    cr_assert_null(at[line], "line %lld has two rows", (long long)line);
    at[line] = rows->items[i];
  }
  return at;
}
