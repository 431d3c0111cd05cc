/* Any bytes -> the input pipeline as the scanner runs it: reader (pushed in
 * chunks), list parser, name normalization. Checks the invariants each
 * stage promises. The first byte picks the format and the chunk size. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "input/list.h"
#include "input/name.h"
#include "input/reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_line(struct mp_list *l, const struct mp_line *line)
{
  enum mp_list_format before = l->format;
  struct mp_entry e;
  char out[MP_NAME_MAX + 1];
  enum mp_name_error why;
  int rc = mp_list_parse(l, line->text, line->len, &e);

  if (rc == 0) {
    if (l->format != before) {
      abort();
    }
    return;
  }
  if (rc != 1 || l->format == MP_LIST_AUTO ||
      (before != MP_LIST_AUTO && l->format != before)) {
    abort();
  }
  if (e.name < line->text || e.name_len > line->len ||
      e.name + e.name_len > line->text + line->len) {
    abort();
  }
  if (e.error != MP_NAME_ERROR_ABSENT &&
      (e.error != MP_NAME_ERROR_BAD_RANK || e.rank != -1 ||
       l->format != MP_LIST_TRANCO)) {
    abort();
  }
  if (e.rank != -1 && (e.rank < 1 || e.rank > ((int64_t)1 << 53))) {
    abort();
  }
  rc = mp_name_normalize(e.name, e.name_len, out, &why);
  if (rc < 0 ? why == MP_NAME_ERROR_ABSENT
             : (why != MP_NAME_ERROR_ABSENT || strlen(out) != (size_t)rc)) {
    abort();
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const enum mp_list_format formats[] = {MP_LIST_AUTO, MP_LIST_PLAIN,
                                                MP_LIST_TRANCO};
  struct mp_reader *r;
  struct mp_list l;
  struct mp_line line;
  uint64_t number = 0;
  size_t chunk;
  bool eof = false;

  if (size == 0) {
    return 0;
  }
  mp_list_init(&l, formats[data[0] % 3]);
  chunk = (size_t)(data[0] >> 2) + 1;
  data++;
  size--;
  r = mp_reader_new();
  for (size_t at = 0;;) {
    char *buf;
    size_t room, n;

    while (mp_reader_next(r, &line) == 1) {
      if (line.number != ++number || line.len > MP_READER_LINE_MAX ||
          mp_reader_offset(r) > size) {
        abort();
      }
      check_line(&l, &line);
    }
    if (at == size) {
      if (mp_reader_done(r)) {
        break;
      }
      if (eof) {
        abort(); /* every line was taken after eof: it must be done */
      }
      mp_reader_eof(r);
      eof = true;
      continue;
    }
    mp_reader_space(r, &buf, &room);
    n = size - at < chunk ? size - at : chunk;
    n = n < room ? n : room;
    memcpy(buf, data + at, n);
    mp_reader_commit(r, n);
    at += n;
  }
  if (mp_reader_offset(r) != size) {
    abort();
  }
  mp_reader_free(r);
  return 0;
}
