#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "input/reader.h"
#include "scanner/base/alloc.h"

#define MAX_LINES  8
#define READER_CAP (64 * 1024)

/* Lines taken from a reader, copied out (their text is valid only until
 * the next reader call). */
struct taken {
  size_t count;
  uint64_t offset_after[MAX_LINES];
  struct {
    char text[MP_READER_LINE_MAX];
    size_t len;
    bool truncated;
    uint64_t number;
  } line[MAX_LINES];
};

static void take(struct mp_reader *r, struct taken *t)
{
  struct mp_line l;

  while (mp_reader_next(r, &l) == 1) {
    cr_assert_leq(l.len, MP_READER_LINE_MAX);
    if (t->count < MAX_LINES) {
      memcpy(t->line[t->count].text, l.text, l.len);
      t->line[t->count].len = l.len;
      t->line[t->count].truncated = l.truncated;
      t->line[t->count].number = l.number;
      t->offset_after[t->count] = mp_reader_offset(r);
    }
    t->count++;
  }
}

/* Pushes data through space/commit at most chunk bytes at a time, taking
 * lines after each commit, as the scanner's libuv read callback does. */
static void push(struct mp_reader *r, const char *data, size_t len,
                 size_t chunk, struct taken *t)
{
  while (len > 0) {
    char *buf;
    size_t room, n;

    mp_reader_space(r, &buf, &room);
    cr_assert_geq(room, 1);
    cr_assert_leq(room, READER_CAP,
                  "the buffer grew although lines were "
                  "taken");
    n = len < chunk ? len : chunk;
    n = n < room ? n : room;
    memcpy(buf, data, n);
    mp_reader_commit(r, n);
    data += n;
    len -= n;
    take(r, t);
  }
}

/* Runs a whole input through a new reader. */
static void run(const char *data, size_t len, size_t chunk, struct taken *t)
{
  struct mp_reader *r = mp_reader_new();

  memset(t, 0, sizeof(*t));
  push(r, data, len, chunk, t);
  cr_assert_not(mp_reader_done(r));
  mp_reader_eof(r);
  take(r, t);
  cr_assert(mp_reader_done(r));
  cr_assert_eq(mp_reader_offset(r), len);
  mp_reader_free(r);
}

struct split_case {
  char in[48];
  size_t in_len;
  size_t count;
  char want[4][16];
  size_t want_len[4];
};

#define IN(s) .in = s, .in_len = sizeof(s) - 1

ParameterizedTestParameters(reader, splits_lines_whatever_the_chunking)
{
  static struct split_case cases[] = {
      {IN("a\nbb\n\nccc\n"), 4, {"a", "bb", "", "ccc"}, {1, 2, 0, 3}},
      {IN("a\r\nbb\r\n\r\n"), 3, {"a", "bb", ""}, {1, 2, 0}},
      {IN("a\nlast"), 2, {"a", "last"}, {1, 4}},
      {IN("a\nlast\r"), 2, {"a", "last"}, {1, 4}},
      {IN("a\rb\n\r\r\n"), 2, {"a\rb", "\r"}, {3, 1}},
      {IN("\xEF\xBB\xBF"
          "a\n\xEF\xBB\xBF"
          "b\n"),
       2,
       {"a", "\xEF\xBB\xBF"
             "b"},
       {1, 4}},
      {IN("\xEF\xBB\xBF"), 0, {""}, {0}},
      {IN("\xEF\xBB"), 1, {"\xEF\xBB"}, {2}},
      {IN("\xEF\xBBx\n"), 1, {"\xEF\xBBx"}, {3}},
      {IN(""), 0, {""}, {0}},
      {IN("\n"), 1, {""}, {0}},
      {IN("\r\n"), 1, {""}, {0}},
      {IN("a\0b\n\0\n"), 2, {"a\0b", "\0"}, {3, 1}},
  };

  return cr_make_param_array(struct split_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct split_case *c, reader,
                  splits_lines_whatever_the_chunking)
{
  static struct taken t;
  size_t chunks[] = {1, 2, 3, c->in_len + 1};

  for (size_t k = 0; k < sizeof(chunks) / sizeof(chunks[0]); k++) {
    run(c->in, c->in_len, chunks[k], &t);
    cr_assert_eq(t.count, c->count, "chunk %zu", chunks[k]);
    for (size_t i = 0; i < c->count; i++) {
      cr_assert_eq(t.line[i].len, c->want_len[i], "line %zu", i);
      cr_assert_arr_eq(t.line[i].text, c->want[i], c->want_len[i]);
      cr_assert_not(t.line[i].truncated);
      cr_assert_eq(t.line[i].number, i + 1);
    }
  }
}

Test(reader, returns_final_line_only_after_eof)
{
  struct mp_reader *r = mp_reader_new();
  struct mp_line l;
  char *buf;
  size_t room;

  mp_reader_space(r, &buf, &room);
  memcpy(buf, "a\nb", 3);
  mp_reader_commit(r, 3);
  cr_assert_eq(mp_reader_next(r, &l), 1);
  cr_assert_eq(l.len, 1);
  cr_assert_eq(mp_reader_next(r, &l), 0);
  cr_assert_not(mp_reader_done(r));
  mp_reader_eof(r);
  cr_assert_eq(mp_reader_next(r, &l), 1);
  cr_assert_eq(l.len, 1);
  cr_assert_eq(l.text[0], 'b');
  cr_assert_eq(l.number, 2);
  cr_assert_eq(mp_reader_next(r, &l), 0);
  cr_assert(mp_reader_done(r));
  mp_reader_free(r);
}

Test(reader, empty_input_gives_no_line)
{
  struct mp_reader *r = mp_reader_new();
  struct mp_line l;

  cr_assert_eq(mp_reader_next(r, &l), 0);
  cr_assert_not(mp_reader_done(r));
  mp_reader_eof(r);
  cr_assert_eq(mp_reader_next(r, &l), 0);
  cr_assert(mp_reader_done(r));
  cr_assert_eq(mp_reader_offset(r), 0);
  mp_reader_free(r);
}

Test(reader, free_accepts_null)
{
  mp_reader_free(NULL);
}

/* A text of n bytes of `fill`, then the tail. */
static char *make_line(size_t n, char fill, const char *tail, size_t *len)
{
  size_t tail_len = strlen(tail);
  char *s = mp_malloc(n + tail_len);

  memset(s, fill, n);
  memcpy(s + n, tail, tail_len);
  *len = n + tail_len;
  return s;
}

Test(reader, truncates_a_1mb_line_and_keeps_the_next_intact)
{
  static struct taken t;
  size_t len;
  char *in = make_line(1024 * 1024, 'x', "\nnext.example\r\n", &len);

  in[0] = 'a';
  run(in, len, 4096, &t);
  cr_assert_eq(t.count, 2);
  cr_assert(t.line[0].truncated);
  cr_assert_eq(t.line[0].len, MP_READER_LINE_MAX);
  cr_assert_eq(t.line[0].text[0], 'a');
  cr_assert_eq(t.line[0].text[MP_READER_LINE_MAX - 1], 'x');
  cr_assert_not(t.line[1].truncated);
  cr_assert_eq(t.line[1].number, 2);
  cr_assert_eq(t.line[1].len, 12);
  cr_assert_arr_eq(t.line[1].text, "next.example", 12);
  cr_assert_eq(t.offset_after[0], MP_READER_LINE_MAX);
  cr_assert_eq(t.offset_after[1], len);
  mp_free(in);
}

Test(reader, truncates_an_overlong_line_fed_one_byte_at_a_time)
{
  static struct taken t;
  size_t len;
  char *in = make_line(3 * MP_READER_LINE_MAX, 'y', "\nz\n", &len);

  run(in, len, 1, &t);
  cr_assert_eq(t.count, 2);
  cr_assert(t.line[0].truncated);
  cr_assert_eq(t.line[0].len, MP_READER_LINE_MAX);
  cr_assert_eq(t.line[1].len, 1);
  cr_assert_eq(t.line[1].text[0], 'z');
  mp_free(in);
}

struct limit_case {
  size_t text_len; /* bytes of 'a' */
  char tail[4];
  bool truncated;
  size_t want_len;
};

ParameterizedTestParameters(reader, truncates_exactly_past_the_limit)
{
  static struct limit_case cases[] = {
      {MP_READER_LINE_MAX, "\n", false, MP_READER_LINE_MAX},
      {MP_READER_LINE_MAX, "\r\n", false, MP_READER_LINE_MAX},
      {MP_READER_LINE_MAX, "", false, MP_READER_LINE_MAX},
      {MP_READER_LINE_MAX, "\r", false, MP_READER_LINE_MAX},
      {MP_READER_LINE_MAX, "\rb\n", true, MP_READER_LINE_MAX},
      {MP_READER_LINE_MAX, "\r\r\n", true, MP_READER_LINE_MAX},
      {MP_READER_LINE_MAX + 1, "\n", true, MP_READER_LINE_MAX},
      {MP_READER_LINE_MAX + 1, "", true, MP_READER_LINE_MAX},
      {MP_READER_LINE_MAX - 1, "\r\n", false, MP_READER_LINE_MAX - 1},
  };

  return cr_make_param_array(struct limit_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct limit_case *c, reader,
                  truncates_exactly_past_the_limit)
{
  static struct taken t;
  size_t len;
  char *in = make_line(c->text_len, 'a', c->tail, &len);
  size_t chunks[] = {1, 7, len};

  for (size_t k = 0; k < sizeof(chunks) / sizeof(chunks[0]); k++) {
    run(in, len, chunks[k], &t);
    cr_assert_eq(t.count, 1, "chunk %zu", chunks[k]);
    cr_assert_eq(t.line[0].truncated, c->truncated, "chunk %zu", chunks[k]);
    cr_assert_eq(t.line[0].len, c->want_len);
  }
  mp_free(in);
}

Test(reader, keeps_nul_bytes_as_data)
{
  static struct taken t;
  const char in[] = "a\0b\0\nc";

  run(in, sizeof(in) - 1, sizeof(in), &t);
  cr_assert_eq(t.count, 2);
  cr_assert_eq(t.line[0].len, 4);
  cr_assert_arr_eq(t.line[0].text, "a\0b\0", 4);
}

Test(reader, reports_offsets_of_consumed_lines)
{
  static struct taken t;
  const char in[] = "\xEF\xBB\xBF"
                    "ab\r\ncd\n\nef";

  run(in, sizeof(in) - 1, 2, &t);
  cr_assert_eq(t.count, 4);
  cr_assert_eq(t.offset_after[0], 7);
  cr_assert_eq(t.offset_after[1], 10);
  cr_assert_eq(t.offset_after[2], 11);
  cr_assert_eq(t.offset_after[3], 13);
}

Test(reader, keeps_lines_pushed_without_being_taken)
{
  struct mp_reader *r = mp_reader_new();
  struct mp_line l;
  const size_t lines = 30000; /* 300 KB: several times the buffer */
  size_t pushed = 0, seen = 0;
  char *buf;
  size_t room;

  while (pushed < lines) {
    mp_reader_space(r, &buf, &room);
    cr_assert_geq(room, 1);
    if (room < 10) {
      memset(buf, '\n', room); /* empty lines fill the gap */
      mp_reader_commit(r, room);
      pushed += room;
      continue;
    }
    memcpy(buf, "d.example\n", 10);
    mp_reader_commit(r, 10);
    pushed++;
  }
  mp_reader_eof(r);
  while (mp_reader_next(r, &l) == 1) {
    seen++;
    cr_assert_eq(l.number, seen);
  }
  cr_assert_eq(seen, pushed);
  cr_assert(mp_reader_done(r));
  mp_reader_free(r);
}

/* Checks the lines "n<i>.example" for i = 0..count-1 read from fd. */
static void expect_numbered(int fd, size_t count, size_t total)
{
  struct mp_reader *r = mp_reader_new();
  struct mp_line l;
  char want[32];
  size_t seen = 0;
  ssize_t got;

  do {
    got = mp_reader_fill(r, fd);
    cr_assert_geq(got, 0, "fill: %s", strerror((int)-got));
    while (mp_reader_next(r, &l) == 1) {
      int n = snprintf(want, sizeof(want), "n%zu.example", seen);

      cr_assert_eq(l.len, (size_t)n);
      cr_assert_arr_eq(l.text, want, l.len);
      seen++;
    }
  } while (got > 0);
  cr_assert(mp_reader_done(r));
  cr_assert_eq(mp_reader_fill(r, fd), 0);
  cr_assert_eq(seen, count);
  cr_assert_eq(mp_reader_offset(r), total);
  mp_reader_free(r);
}

/* Writes count numbered lines to fd; returns the bytes written. */
static size_t write_numbered(int fd, size_t count)
{
  char line[32];
  size_t total = 0;

  for (size_t i = 0; i < count; i++) {
    int n = snprintf(line, sizeof(line), "n%zu.example\n", i);

    cr_assert_eq(write(fd, line, (size_t)n), n);
    total += (size_t)n;
  }
  return total;
}

static size_t numbered_size(size_t count)
{
  char line[32];
  size_t total = 0;

  for (size_t i = 0; i < count; i++) {
    total += (size_t)snprintf(line, sizeof(line), "n%zu.example\n", i);
  }
  return total;
}

Test(reader, fill_reads_a_pipe_until_eof, .timeout = 10.0)
{
  const size_t count = 50000; /* about 700 KB, past the pipe buffer */
  int fds[2];
  pid_t pid;
  int status;

  cr_assert_eq(pipe(fds), 0);
  pid = fork();
  cr_assert_geq(pid, 0);
  if (pid == 0) {
    close(fds[0]);
    write_numbered(fds[1], count);
    _exit(0);
  }
  close(fds[1]);
  expect_numbered(fds[0], count, numbered_size(count));
  close(fds[0]);
  cr_assert_eq(waitpid(pid, &status, 0), pid);
  cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

Test(reader, fill_reads_a_temp_file)
{
  char path[] = "/tmp/mp_test_reader_XXXXXX";
  int fd = mkstemp(path);
  size_t total;

  cr_assert_geq(fd, 0);
  unlink(path);
  total = write_numbered(fd, 20000);
  cr_assert_eq(lseek(fd, 0, SEEK_SET), 0);
  expect_numbered(fd, 20000, total);
  close(fd);
}

Test(reader, fill_returns_negative_errno_on_a_bad_fd)
{
  struct mp_reader *r = mp_reader_new();

  cr_assert_eq(mp_reader_fill(r, -1), -EBADF);
  cr_assert_not(mp_reader_done(r));
  mp_reader_free(r);
}
