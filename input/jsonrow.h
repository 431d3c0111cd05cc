#ifndef MP_INPUT_JSONROW_H
#define MP_INPUT_JSONROW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A strict, allocation-free-per-row reader of one JSON text (an NDJSON
 * line), for reading scan rows back (mailposture diff). RFC 8259, strict:
 * exactly one value with optional whitespace around it, valid UTF-8 only,
 * no raw control bytes in strings, no unknown escapes or lone surrogates,
 * numbers by the RFC grammar, nesting at most MP_JROW_DEPTH_MAX.
 *
 * The parse fills a flat array of nodes in document order: a container's
 * members follow it, and each node's next is the index just past its
 * subtree, so lookups skip whole subtrees. Strings are decoded into a
 * buffer the struct owns; both grow to the largest row seen and are reused
 * by the next parse. Every pointer into a parse is valid until the next
 * parse or mp_jrow_close(). */

#define MP_JROW_DEPTH_MAX 32

enum mp_jtype {
  MP_J_NULL,
  MP_J_BOOL,
  MP_J_NUMBER, /* s/len: the number as written */
  MP_J_STRING, /* s/len: the decoded bytes (may hold NUL) */
  MP_J_ARRAY,
  MP_J_OBJECT,
};

struct mp_jnode {
  enum mp_jtype type;
  bool b;
  uint32_t next;   /* index of the node after this subtree */
  uint32_t count;  /* ARRAY, OBJECT: direct members */
  const char *key; /* the member name in an object, else NULL */
  size_t keylen;
  const char *s;
  size_t len;
};

struct mp_jrow {
  struct mp_jnode *n;
  size_t nn, cap;
  char *str; /* decoded strings and keys */
  size_t strcap, used;
};

/* Lifecycle: the caller owns the struct; close frees what it grew. */
void mp_jrow_init(struct mp_jrow *j);
void mp_jrow_close(struct mp_jrow *j);

/* Parses s[0..len) as one JSON text; node 0 is its value. Returns 0, or
 * -EILSEQ when the text is not strict JSON (the nodes are then invalid). */
int mp_jrow_parse(struct mp_jrow *j, const char *s, size_t len);

/* The member key of object node obj: its index, or 0 when obj is not an
 * object or has no such member (node 0 is never a member). */
size_t mp_jrow_get(const struct mp_jrow *j, size_t obj, const char *key);

/* The value of number node i as a count: a non-negative integer as
 * written ("12", not "12.0" or "1e3"). Returns 0, -EINVAL when i is not
 * such a number, or -ERANGE when it exceeds UINT64_MAX; *out is 0 then. */
int mp_jrow_u64(const struct mp_jrow *j, size_t i, uint64_t *out);

/* The index of item k of array (or member k of object) node c, or 0. */
size_t mp_jrow_at(const struct mp_jrow *j, size_t c, size_t k);

#endif
