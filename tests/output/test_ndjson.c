#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/writer.h"
#include "tests/output/rows.h"
#include "tests/support/json.h"

#define FFFD "\xef\xbf\xbd"

/* Writes the rows as NDJSON into a malloc'd, NUL-terminated buffer. */
static char *write_rows(const struct mp_result *rows, size_t n, size_t *len)
{
  char *buf = NULL;
  size_t size = 0;
  FILE *f = open_memstream(&buf, &size);
  struct mp_writer w;

  cr_assert_not_null(f);
  cr_assert_eq(mp_writer_init(&w, mp_writer_find("ndjson"), f), 0);
  for (size_t i = 0; i < n; i++) {
    cr_assert_eq(mp_writer_write(&w, &rows[i]), 0);
  }
  cr_assert_eq(w.rows, n);
  cr_assert_eq(mp_writer_close(&w), 0);
  cr_assert_eq(fclose(f), 0);
  if (len) {
    *len = size;
  }
  return buf;
}

static struct mp_json *parse_one(const struct mp_result *r)
{
  char err[128] = "";
  size_t len;
  char *text = write_rows(r, 1, &len);
  struct mp_json *all = mp_json_parse_ndjson(text, len, err, sizeof(err));

  cr_assert_not_null(all, "%s in %s", err, text);
  cr_assert_eq(all->count, 1);
  free(text);
  return all;
}

Test(ndjson, writes_an_answered_row_exactly)
{
  struct mp_result r;
  char *text;

  rows_ok(&r);
  text = write_rows(&r, 1, NULL);
  cr_assert_str_eq(
      text,
      "{\"line\":1,\"input\":\"Example.COM\",\"input_truncated\":false,"
      "\"rank\":1,\"domain\":\"example.com\",\"status\":\"ok\",\"error\":null,"
      "\"started\":\"2026-11-22T15:04:05.123Z\",\"elapsed_ms\":12.346,"
      "\"txt\":{\"name\":\"example.com\",\"type\":\"TXT\",\"outcome\":\"ok\","
      "\"rcode\":0,\"attempts\":1,\"rtt_ms\":1.500,\"ttl\":120,\"cname\":null,"
      "\"records\":[\"v=spf1 -all\",\"google-site-verification=abc\"]},"
      "\"dmarc_txt\":{\"name\":\"_dmarc.example.com\",\"type\":\"TXT\","
      "\"outcome\":\"ok\",\"rcode\":0,\"attempts\":1,\"rtt_ms\":2.000,"
      "\"ttl\":3600,\"cname\":null,\"records\":[\"v=DMARC1; p=reject\"]},"
      "\"mx\":{\"name\":\"example.com\",\"type\":\"MX\",\"outcome\":\"ok\","
      "\"rcode\":0,\"attempts\":2,\"rtt_ms\":0.250,\"ttl\":600,\"cname\":null,"
      "\"records\":[{\"preference\":10,\"host\":\"mx1.example.com\"},"
      "{\"preference\":20,\"host\":\"mx2.example.com\"}]},"
      "\"spf\":{\"count\":1,\"records\":[\"v=spf1 -all\"],"
      "\"status\":\"valid\",\"reason\":null,\"error_offset\":null,"
      "\"error_record\":null,\"record\":\"v=spf1 -all\",\"lookups\":0,"
      "\"lookups_static\":0,\"voids\":0,\"depth\":0,\"all\":\"fail\","
      "\"includes\":[],\"includes_total\":0,\"redirect\":null,"
      "\"uses_ptr\":false,\"uses_exists\":false,\"uses_macros\":false,"
      "\"exact\":true,\"ip4_addresses\":0,\"ip6_prefixes\":0,\"length\":11,"
      "\"checks\":[],\"include_checks\":[]},"
      "\"dmarc\":{\"count\":1,\"records\":[\"v=DMARC1; p=reject\"]},"
      "\"findings\":[]}\n");
  free(text);
}

Test(ndjson, writes_an_invalid_name_row_with_nulls)
{
  struct mp_result r;
  char *text;

  rows_invalid(&r);
  text = write_rows(&r, 1, NULL);
  cr_assert_str_eq(
      text,
      "{\"line\":2,\"input\":\"bad..name\",\"input_truncated\":false,"
      "\"rank\":null,\"domain\":null,\"status\":\"invalid_name\","
      "\"error\":\"empty_label\",\"started\":\"2026-11-22T15:04:05.123Z\","
      "\"elapsed_ms\":0.010,\"txt\":null,\"dmarc_txt\":null,\"mx\":null,"
      "\"spf\":null,\"dmarc\":null,\"findings\":[]}\n");
  free(text);
}

Test(ndjson, writes_a_timed_out_lookup)
{
  struct mp_result r;
  char *text;

  rows_timeout(&r);
  text = write_rows(&r, 1, NULL);
  cr_assert_str_eq(
      text,
      "{\"line\":3,\"input\":\"slow.example\",\"input_truncated\":false,"
      "\"rank\":42,\"domain\":\"slow.example\",\"status\":\"timeout\","
      "\"error\":null,\"started\":\"2026-11-22T15:04:05.123Z\","
      "\"elapsed_ms\":3001.500,"
      "\"txt\":{\"name\":\"slow.example\",\"type\":\"TXT\","
      "\"outcome\":\"timeout\",\"rcode\":null,\"attempts\":3,"
      "\"rtt_ms\":3000.000,\"ttl\":null,\"cname\":null,\"records\":[]},"
      "\"dmarc_txt\":{\"name\":\"_dmarc.slow.example\",\"type\":\"TXT\","
      "\"outcome\":\"nxdomain\",\"rcode\":3,\"attempts\":1,\"rtt_ms\":1.500,"
      "\"ttl\":null,\"cname\":null,\"records\":[]},"
      "\"mx\":{\"name\":\"slow.example\",\"type\":\"MX\","
      "\"outcome\":\"nodata\",\"rcode\":0,\"attempts\":1,\"rtt_ms\":1.500,"
      "\"ttl\":null,\"cname\":null,\"records\":[]},"
      "\"spf\":{\"count\":0,\"records\":[],\"status\":\"temperror\","
      "\"reason\":\"dns\",\"error_offset\":null,\"error_record\":null,"
      "\"record\":null,\"lookups\":0,\"lookups_static\":0,\"voids\":0,"
      "\"depth\":0,\"all\":null,\"includes\":[],\"includes_total\":0,"
      "\"redirect\":null,\"uses_ptr\":false,\"uses_exists\":false,"
      "\"uses_macros\":false,\"exact\":null,\"ip4_addresses\":null,"
      "\"ip6_prefixes\":null,\"length\":null,\"checks\":[],"
      "\"include_checks\":[]},"
      "\"dmarc\":{\"count\":0,\"records\":[]},"
      "\"findings\":[\"SPF_TEMPERROR\"]}\n");
  free(text);
}

Test(ndjson, keeps_hostile_bytes_inside_one_line)
{
  struct mp_result r;
  size_t len;
  char *text;

  rows_hostile(&r);
  text = write_rows(&r, 1, &len);
  cr_assert_eq(strlen(text), len, "a raw NUL in the output");
  cr_assert_eq(strchr(text, '\n'), text + len - 1);
  cr_assert_null(strchr(text, '\r'));
  cr_assert_null(strchr(text, '\x1b'));
  cr_assert_not_null(strstr(text, "\"=cmd|' /C calc'!A0\""));
  cr_assert_not_null(
      strstr(text, "\"a\\r\\nb \\\"q\\\"\\u0000\\\\z" FFFD "\\u001b\""));
  cr_assert_not_null(
      strstr(text, "\"\\u2028 caf\xc3\xa9 " FFFD FFFD " " FFFD FFFD FFFD "\""));
  cr_assert_not_null(strstr(text, "\"cname\":\"alias.example\""));
  free(text);
}

Test(ndjson, hostile_row_decodes_back)
{
  struct mp_result r;
  struct mp_json *all;
  const struct mp_json *row, *rec;

  rows_hostile(&r);
  all = parse_one(&r);
  row = mp_json_at(all, 0);
  rec = mp_json_path(row, "input");
  cr_assert_eq(rec->len, sizeof("@SUM(1+1)\x1b]0;x\x07\0tail") - 1);
  cr_assert_arr_eq(rec->str, "@SUM(1+1)\x1b]0;x\x07\0tail", rec->len);
  cr_assert_eq(mp_json_path(row, "input_truncated")->boolean, true);
  cr_assert_eq(mp_json_path(row, "rank")->integer, 0);
  rec = mp_json_path(row, "txt.records[1]");
  cr_assert_eq(rec->len, 15);
  cr_assert_arr_eq(rec->str, "a\r\nb \"q\"\0\\z" FFFD "\x1b", 15);
  cr_assert_eq(mp_json_path(row, "txt.ttl")->integer, 60);
  cr_assert_eq(mp_json_path(row, "mx.ttl")->integer, 30);
  cr_assert_eq(mp_json_path(row, "mx.records[0].preference")->integer, 0);
  cr_assert(mp_json_str_eq(mp_json_path(row, "mx.records[0].host"), ""));
  cr_assert_eq(mp_json_path(row, "mx.records[1].preference")->integer, 65535);
  cr_assert(
      mp_json_str_eq(mp_json_path(row, "mx.records[1].host"), "-mx.example|x"));
  cr_assert_eq(mp_json_path(row, "spf.count")->integer, 20);
  cr_assert_eq(mp_json_path(row, "spf.records")->count, MP_PICK_MAX);
  cr_assert(mp_json_str_eq(mp_json_path(row, "spf.records[15]"),
                           "v=spf1 ip4:192.0.2.0/24 -all"));
  cr_assert_eq(mp_json_path(row, "dmarc.records")->count, 0);
  mp_json_free(all);
}

Test(ndjson, keys_come_in_the_documented_order)
{
  static const char *const keys[] = {
      "line",  "input",   "input_truncated", "rank", "domain",    "status",
      "error", "started", "elapsed_ms",      "txt",  "dmarc_txt", "mx",
      "spf",   "dmarc",   "findings"};
  static const char *const lookup_keys[] = {"name",  "type",     "outcome",
                                            "rcode", "attempts", "rtt_ms",
                                            "ttl",   "cname",    "records"};
  struct mp_result r;
  struct mp_json *all;
  const struct mp_json *row, *mx;

  rows_ok(&r);
  all = parse_one(&r);
  row = mp_json_at(all, 0);
  cr_assert_eq(row->count, sizeof(keys) / sizeof(keys[0]));
  for (size_t i = 0; i < row->count; i++) {
    cr_expect_str_eq(row->keys[i]->str, keys[i]);
  }
  mx = mp_json_get(row, "mx");
  cr_assert_eq(mx->count, sizeof(lookup_keys) / sizeof(lookup_keys[0]));
  for (size_t i = 0; i < mx->count; i++) {
    cr_expect_str_eq(mx->keys[i]->str, lookup_keys[i]);
  }
  mp_json_free(all);
}

/* The row from its "spf" member on: the part the SPF evaluation adds. */
static const char *from_spf(const char *text)
{
  const char *p = strstr(text, ",\"spf\":");

  cr_assert_not_null(p, "%s", text);
  return p;
}

Test(ndjson, writes_an_evaluated_policy_exactly)
{
  struct mp_result r;
  char *text;

  rows_spf_full(&r);
  text = write_rows(&r, 1, NULL);
  cr_assert_str_eq(
      from_spf(text),
      ",\"spf\":{\"count\":1,\"records\":[\"v=spf1 ip4:192.0.2.0/24 "
      "ip6:2001:db8::/48 include:_spf.example.net include:bulk.example.org "
      "~all\"],\"status\":\"valid\",\"reason\":null,\"error_offset\":null,"
      "\"error_record\":null,\"record\":\"v=spf1 ip4:192.0.2.0/24 "
      "ip6:2001:db8::/48 include:_spf.example.net include:bulk.example.org "
      "~all\",\"lookups\":3,\"lookups_static\":4,\"voids\":0,\"depth\":2,"
      "\"all\":\"softfail\","
      "\"includes\":[\"_spf.example.net\",\"bulk.example.org\"],"
      "\"includes_total\":2,\"redirect\":null,\"uses_ptr\":false,"
      "\"uses_exists\":false,\"uses_macros\":true,\"exact\":false,"
      "\"ip4_addresses\":4352,\"ip6_prefixes\":65552,\"length\":96,"
      "\"checks\":[{\"ip\":\"192.0.2.7\",\"result\":\"pass\",\"reason\":null},"
      "{\"ip\":\"2001:db8:ffff::1\",\"result\":\"softfail\","
      "\"reason\":null},"
      "{\"ip\":\"198.51.100.1\",\"result\":\"temperror\","
      "\"reason\":\"dns\"}],"
      "\"include_checks\":[{\"name\":\"_spf.example.net\",\"reached\":true,"
      "\"effective\":\"pass\"},"
      "{\"name\":\"bulk.example.org\",\"reached\":true,"
      "\"effective\":null},"
      "{\"name\":\"other.example\",\"reached\":false,"
      "\"effective\":null}]},"
      "\"dmarc\":{\"count\":0,\"records\":[]},"
      "\"findings\":[\"SPF_INCLUDE_MISSING\",\"SPF_SENDER_NOT_PASS\"]}\n");
  free(text);
}

Test(ndjson, writes_a_syntax_error_with_its_record_and_offset)
{
  struct mp_result r;
  char *text;

  rows_spf_syntax(&r);
  text = write_rows(&r, 1, NULL);
  cr_assert_str_eq(
      from_spf(text),
      ",\"spf\":{\"count\":1,"
      "\"records\":[\"v=spf1 include:broken.example -all\"],"
      "\"status\":\"permerror\",\"reason\":\"syntax\",\"error_offset\":7,"
      "\"error_record\":\"v=spf1 ip4:192.0.2.300 -all\","
      "\"record\":\"v=spf1 include:broken.example -all\",\"lookups\":1,"
      "\"lookups_static\":1,\"voids\":0,\"depth\":1,\"all\":null,"
      "\"includes\":[\"broken.example\"],\"includes_total\":1,"
      "\"redirect\":null,\"uses_ptr\":false,\"uses_exists\":false,"
      "\"uses_macros\":false,\"exact\":null,\"ip4_addresses\":null,"
      "\"ip6_prefixes\":null,\"length\":34,\"checks\":[],"
      "\"include_checks\":[]},"
      "\"dmarc\":{\"count\":1,\"records\":[\"v=DMARC1; p=reject\"]},"
      "\"findings\":[\"SPF_SYNTAX\"]}\n");
  free(text);
}

Test(ndjson, writes_a_domain_without_spf)
{
  struct mp_result r;
  char *text;

  rows_spf_none(&r);
  text = write_rows(&r, 1, NULL);
  cr_assert_str_eq(
      from_spf(text),
      ",\"spf\":{\"count\":0,\"records\":[],\"status\":\"none\","
      "\"reason\":\"no_record\",\"error_offset\":null,"
      "\"error_record\":null,\"record\":null,\"lookups\":0,"
      "\"lookups_static\":0,\"voids\":0,\"depth\":0,\"all\":null,"
      "\"includes\":[],\"includes_total\":0,\"redirect\":null,"
      "\"uses_ptr\":false,\"uses_exists\":false,\"uses_macros\":false,"
      "\"exact\":null,\"ip4_addresses\":null,\"ip6_prefixes\":null,"
      "\"length\":null,\"checks\":[],\"include_checks\":[]},"
      "\"dmarc\":{\"count\":1,\"records\":[\"v=DMARC1; p=reject\"]},"
      "\"findings\":[\"SPF_MISSING\"]}\n");
  free(text);
}

Test(ndjson, writes_the_all_qualifier_as_a_word)
{
  static const char quals[] = {'+', '-', '~', '?', 0, 'x'};
  static const char *const want[] = {
      "\"all\":\"pass\",",    "\"all\":\"fail\",", "\"all\":\"softfail\",",
      "\"all\":\"neutral\",", "\"all\":null,",     "\"all\":null,"};
  struct mp_result r;

  for (size_t i = 0; i < sizeof(quals); i++) {
    char *text;

    rows_ok(&r);
    r.spf_eval.all = quals[i];
    text = write_rows(&r, 1, NULL);
    cr_expect_not_null(strstr(text, want[i]), "'%c': %s", quals[i], text);
    free(text);
  }
}

Test(ndjson, writes_the_whole_ipv6_space_beyond_int64)
{
  struct mp_result r;
  char *text;

  rows_ok(&r);
  r.spf_eval.all = '+';
  r.spf_eval.ip4_addresses = UINT64_C(1) << 32;
  r.spf_eval.ip6_prefixes = UINT64_MAX;
  text = write_rows(&r, 1, NULL);
  cr_assert_not_null(strstr(text, "\"ip4_addresses\":4294967296,"
                                  "\"ip6_prefixes\":18446744073709551615,"),
                     "%s", text);
  free(text);
}

Test(ndjson, lists_at_most_32_includes_and_counts_them_all)
{
  static const char rec[] = "v=spf1 include:a.example include:b.example";
  struct mp_result r;
  struct mp_json *all;
  const struct mp_json *inc;

  rows_ok(&r);
  r.spf_eval.nincludes = 40;
  for (size_t i = 0; i < MP_SPF_INCLUDES_MAX; i++) {
    /* slices that stop before the rest of the record, no NUL */
    r.spf_eval.includes[i] =
        rows_within(rec, i % 2 ? "b.example" : "a.example");
  }
  r.spf_eval.redirect = rows_within(rec, "b.ex");
  all = parse_one(&r);
  inc = mp_json_path(all, "[0].spf.includes");
  cr_assert_eq(inc->count, MP_SPF_INCLUDES_MAX);
  cr_expect(mp_json_str_eq(mp_json_at(inc, 0), "a.example"));
  cr_expect(mp_json_str_eq(mp_json_at(inc, 31), "b.example"));
  cr_expect_eq(mp_json_path(all, "[0].spf.includes_total")->integer, 40);
  cr_expect(mp_json_str_eq(mp_json_path(all, "[0].spf.redirect"), "b.ex"));
  mp_json_free(all);
}

Test(ndjson, keys_of_the_spf_object_come_in_the_documented_order)
{
  static const char *const keys[] = {
      "count",          "records",        "status",   "reason",
      "error_offset",   "error_record",   "record",   "lookups",
      "lookups_static", "voids",          "depth",    "all",
      "includes",       "includes_total", "redirect", "uses_ptr",
      "uses_exists",    "uses_macros",    "exact",    "ip4_addresses",
      "ip6_prefixes",   "length",         "checks",   "include_checks"};
  struct mp_result r;
  struct mp_json *all;
  const struct mp_json *spf;

  rows_spf_full(&r);
  all = parse_one(&r);
  spf = mp_json_path(all, "[0].spf");
  cr_assert_eq(spf->count, sizeof(keys) / sizeof(keys[0]));
  for (size_t i = 0; i < spf->count; i++) {
    cr_expect_str_eq(spf->keys[i]->str, keys[i]);
  }
  mp_json_free(all);
}

Test(ndjson, unknown_type_is_written_in_rfc3597_form)
{
  struct mp_result r;
  struct mp_json *all;

  rows_ok(&r);
  r.txt.type = 99; /* SPF type, which the scanner does not use */
  all = parse_one(&r);
  cr_assert(mp_json_str_eq(mp_json_path(all, "[0].txt.type"), "TYPE99"));
  mp_json_free(all);
}

Test(ndjson, many_rows_are_one_per_line)
{
  struct mp_result rows[7];
  char err[128] = "";
  size_t len;
  char *text;
  struct mp_json *all;

  rows_ok(&rows[0]);
  rows_invalid(&rows[1]);
  rows_timeout(&rows[2]);
  rows_hostile(&rows[3]);
  rows_spf_full(&rows[4]);
  rows_spf_syntax(&rows[5]);
  rows_spf_none(&rows[6]);
  text = write_rows(rows, 7, &len);
  all = mp_json_parse_ndjson(text, len, err, sizeof(err));
  cr_assert_not_null(all, "%s", err);
  cr_assert_eq(all->count, 7);
  for (size_t i = 0; i < 7; i++) {
    cr_expect_eq(mp_json_path(all->items[i], "line")->integer,
                 (int64_t)rows[i].line);
  }
  mp_json_free(all);
  free(text);
}

Test(writer, finds_formats_by_name)
{
  cr_assert_eq(mp_writer_find("ndjson"), &mp_writer_ndjson);
  cr_assert_eq(mp_writer_find("csv"), &mp_writer_csv);
  cr_assert_null(mp_writer_find("xml"));
  cr_assert_null(mp_writer_find(""));
  cr_assert_str_eq(mp_writer_ndjson.name, "ndjson");
  cr_assert_str_eq(mp_writer_csv.name, "csv");
}

/* /dev/full accepts the open and fails every write with ENOSPC. */
static void full_disk(const char *format, bool unbuffered)
{
  FILE *f = fopen("/dev/full", "w");
  struct mp_writer w;
  struct mp_result r;
  int rc = 0, first = 0;

  cr_assert_not_null(f);
  if (unbuffered) {
    cr_assert_eq(setvbuf(f, NULL, _IONBF, 0), 0);
  }
  rows_ok(&r);
  rc = mp_writer_init(&w, mp_writer_find(format), f);
  for (int i = 0; i < 1000 && rc == 0; i++) {
    rc = mp_writer_write(&w, &r);
  }
  first = rc;
  cr_assert_lt(first, 0, "a full disk was not reported");
  if (unbuffered) {
    cr_assert_eq(first, -ENOSPC);
  }
  cr_assert_lt(mp_writer_write(&w, &r), 0, "the failure is not sticky");
  cr_assert_lt(mp_writer_close(&w), 0);
  fclose(f);
}

Test(writer, reports_a_full_disk_on_write)
{
  full_disk("ndjson", false);
  full_disk("csv", false);
  full_disk("ndjson", true);
  full_disk("csv", true);
}

Test(writer, reports_a_full_disk_on_close)
{
  FILE *f = fopen("/dev/full", "w");
  struct mp_writer w;
  struct mp_result r;

  cr_assert_not_null(f);
  rows_ok(&r);
  cr_assert_eq(mp_writer_init(&w, &mp_writer_ndjson, f), 0);
  cr_assert_eq(mp_writer_write(&w, &r), 0); /* still in the buffer */
  cr_assert_eq(w.rows, 1);
  cr_assert_eq(mp_writer_close(&w), -ENOSPC);
  fclose(f);
}
