/* A check's part of the row does not depend on which other checks run:
 * the world scanned once with every check and once per check (--checks X)
 * gives the same part of every row, field by field (docs/schema.md,
 * "--checks"). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scanner/base/alloc.h"
#include "tests/integration/world.h"
#include "tests/support/proc.h"

TestSuite(checks, .timeout = 600);

/* Each check, the members of the row it fills and the prefix of its
 * finding codes. */
static const struct part {
  const char *check;
  const char *keys[3];
  const char *prefix;
} parts[] = {
    {"spf", {"txt", "spf"}, "SPF_"},
    {"dmarc", {"dmarc_txt", "dmarc"}, "DMARC_"},
    {"dkim", {"dkim"}, "DKIM_"},
    {"mx", {"mx", "mx_hosts"}, "MX_"},
    {"mta-sts", {"mta_sts"}, "MTA_STS_"},
    {"tls-rpt", {"tls_rpt"}, "TLS_RPT_"},
    {"bimi", {"bimi"}, "BIMI_"},
};
#define NPARTS (sizeof(parts) / sizeof(parts[0]))

/* Findings that join two checks: written only when both run. */
static const struct joint {
  const char *code;
  const char *checks; /* the --checks value that has both */
} joints[] = {
    {"MTA_STS_WITHOUT_TLS_RPT", "mta-sts,tls-rpt"},
    {"BIMI_WITHOUT_ENFORCEMENT", "dmarc,bimi"},
};
#define NJOINTS (sizeof(joints) / sizeof(joints[0]))

/* Members that time the work, not its result: attempts too, since a
 * datagram the server drops under load (one UDP worker, shared cores) is
 * sent again, whichever checks run. */
static bool timing(const char *key)
{
  return strcmp(key, "rtt_ms") == 0 || strcmp(key, "elapsed_ms") == 0 ||
         strcmp(key, "started") == 0 || strcmp(key, "attempts") == 0;
}

static size_t fields, differences;

static void differ(int64_t line, const char *check, const char *path,
                   const char *what)
{
  if (++differences <= 40) {
    cr_log_warn("line %lld, --checks %s: %s: %s", (long long)line, check, path,
                what);
  }
}

/* Compares two JSON values field by field (leaves are counted). */
static void compare(const struct mp_json *a, const struct mp_json *b,
                    const char *path, int64_t line, const char *check)
{
  char sub[512];

  if (!a || !b || a->type != b->type) {
    differ(line, check, path, "differs in type or presence");
    return;
  }
  switch (a->type) {
  case MP_JSON_OBJECT:
    if (a->count != b->count) {
      differ(line, check, path, "members differ");
      return;
    }
    for (size_t i = 0; i < a->count; i++) {
      if (strcmp(a->keys[i]->str, b->keys[i]->str) != 0) {
        differ(line, check, path, "member names differ");
        return;
      }
      if (timing(a->keys[i]->str)) {
        continue;
      }
      snprintf(sub, sizeof(sub), "%s.%s", path, a->keys[i]->str);
      compare(a->items[i], b->items[i], sub, line, check);
    }
    return;
  case MP_JSON_ARRAY:
    if (a->count != b->count) {
      differ(line, check, path, "lengths differ");
      return;
    }
    for (size_t i = 0; i < a->count; i++) {
      snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
      compare(a->items[i], b->items[i], sub, line, check);
    }
    return;
  case MP_JSON_STRING:
    fields++;
    if (a->len != b->len || memcmp(a->str, b->str, a->len) != 0) {
      differ(line, check, path, "strings differ");
    }
    return;
  case MP_JSON_NUMBER:
    fields++;
    if (a->number != b->number) {
      differ(line, check, path, "numbers differ");
    }
    return;
  case MP_JSON_BOOL:
    fields++;
    if (a->boolean != b->boolean) {
      differ(line, check, path, "booleans differ");
    }
    return;
  case MP_JSON_NULL:
    fields++;
    return;
  }
}

/* The row's finding codes that start with prefix (all with ""), except
 * the joint ones unless joint is true, joined with ','. */
static void codes(const struct mp_json *row, const char *prefix, bool joint,
                  char *buf, size_t len)
{
  const struct mp_json *f = mp_json_get(row, "findings");
  size_t o = 0;

  buf[0] = '\0';
  for (size_t i = 0; f && i < f->count; i++) {
    const char *c = f->items[i]->str;
    bool is_joint = false;

    for (size_t k = 0; k < NJOINTS; k++) {
      is_joint |= strcmp(c, joints[k].code) == 0;
    }
    if (strncmp(c, prefix, strlen(prefix)) == 0 && (joint || !is_joint)) {
      o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? "," : "", c);
      cr_assert_lt(o, len);
    }
  }
}

/* Scans the world with extra arguments; returns the rows by line. */
static const struct mp_json **
scan_world(const char *checks, struct mp_json **rows, uint64_t max_line)
{
  char out[4096], input[4096], name[64];
  const char *args[] = {"--checks", checks, NULL};
  const struct mp_json **by_line;

  snprintf(name, sizeof(name), "checks-%s.ndjson", checks ? checks : "all");
  scratch_path(out, sizeof(out), name);
  snprintf(input, sizeof(input), "%s/domains.txt", MP_WORLD_DIR);
  cr_assert_eq(run_scanner(input, out, checks ? args : NULL), 0);
  *rows = read_rows(out);
  unlink(out);
  by_line = mp_calloc(max_line + 1, sizeof(*by_line));
  for (size_t i = 0; i < (*rows)->count; i++) {
    int64_t line = mp_json_get((*rows)->items[i], "line")->integer;

    cr_assert(line >= 1 && (uint64_t)line <= max_line && !by_line[line]);
    by_line[line] = (*rows)->items[i];
  }
  return by_line;
}

static const char *status_of(const struct mp_json *row)
{
  return mp_json_str(mp_json_get(row, "status"));
}

/* One check alone: its part equals the part under every check; the other
 * parts and the verdict are null; status as docs/schema.md says. */
static void compare_part(const struct part *p, const struct mp_json **all,
                         const struct truth_set *ts)
{
  struct mp_json *rows;
  const struct mp_json **one = scan_world(p->check, &rows, ts->max_line);
  /* status reads the lookups at the name and at _dmarc.<name> */
  bool at_name = strcmp(p->check, "spf") == 0 ||
                 strcmp(p->check, "dmarc") == 0 || strcmp(p->check, "mx") == 0;
  char want[1024], got[1024];

  cr_assert_eq(rows->count, ts->count);
  /* want: X's codes under every check; got: under --checks X */
  for (size_t i = 0; i < ts->count; i++) {
    int64_t line = (int64_t)ts->rows[i].line;
    const struct mp_json *a = all[line], *b = one[line];
    const char *sa = status_of(a), *sb = status_of(b);

    cr_assert(a && b, "no row for line %lld", (long long)line);
    for (size_t k = 0; k < 3 && p->keys[k]; k++) {
      compare(mp_json_get(a, p->keys[k]), mp_json_get(b, p->keys[k]),
              p->keys[k], line, p->check);
    }
    codes(a, p->prefix, false, want, sizeof(want));
    codes(b, p->prefix, false, got, sizeof(got));
    fields++;
    if (strcmp(want, got) != 0) {
      differ(line, p->check, "findings", "codes differ");
    }
    codes(b, "", true, want, sizeof(want));
    if (strcmp(want, got) != 0) {
      differ(line, p->check, "findings", "codes of another check");
    }
    for (const struct part *q = parts; q < parts + NPARTS; q++) {
      for (size_t k = 0; q != p && k < 3 && q->keys[k]; k++) {
        if (!mp_json_is_null(mp_json_get(b, q->keys[k]))) {
          differ(line, p->check, q->keys[k], "not null");
        }
      }
    }
    if (!mp_json_is_null(mp_json_get(b, "verdict"))) {
      differ(line, p->check, "verdict", "not null");
    }
    fields++;
    if (at_name ? strcmp(sa, sb) != 0
                : strcmp(sb, strcmp(sa, "invalid_name") == 0 ? "invalid_name"
                                                             : "ok") != 0) {
      differ(line, p->check, "status", sb);
    }
  }
  mp_free(one);
  mp_json_free(rows);
}

/* The joint findings of two checks run together equal those under every
 * check. */
static void compare_joint(const struct joint *j, const struct mp_json **all,
                          const struct truth_set *ts)
{
  struct mp_json *rows;
  const struct mp_json **two = scan_world(j->checks, &rows, ts->max_line);

  for (size_t i = 0; i < ts->count; i++) {
    int64_t line = (int64_t)ts->rows[i].line;
    char want[1024], got[1024];

    codes(all[line], j->code, true, want, sizeof(want));
    codes(two[line], j->code, true, got, sizeof(got));
    fields++;
    if (strcmp(want, got) != 0) {
      differ(line, j->checks, "findings", j->code);
    }
  }
  mp_free(two);
  mp_json_free(rows);
}

Test(checks, each_part_is_the_same_whichever_checks_run)
{
  struct truth_set ts;
  struct mp_json *rows;
  const struct mp_json **all;
  size_t nrows;

  truth_load(&ts);
  all = scan_world(NULL, &rows, ts.max_line);
  nrows = rows->count;
  cr_assert_eq(nrows, ts.count);
  fields = differences = 0;
  for (size_t p = 0; p < NPARTS; p++) {
    compare_part(&parts[p], all, &ts);
  }
  for (size_t j = 0; j < NJOINTS; j++) {
    compare_joint(&joints[j], all, &ts);
  }
  printf("checks: %zu rows, each check alone and %zu pairs against every "
         "check, %zu fields compared, %zu differences\n",
         nrows, NJOINTS, fields, differences);
  cr_expect_eq(differences, 0);
  mp_free(all);
  mp_json_free(rows);
  truth_free(&ts);
}
