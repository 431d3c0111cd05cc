#include "scanner/resume.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scanner/base/alloc.h"
#include "scanner/base/hash.h"

#define STATE_MAGIC "mailposture-state 1\n"

int mp_resume_input_id(int fd, struct mp_input_id *id)
{
  struct mp_hash_state h;
  struct stat sb;
  static char buf[1 << 16];
  ssize_t n;

  memset(id, 0, sizeof(*id));
  if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
    return 0;
  }
  if (lseek(fd, 0, SEEK_SET) < 0) {
    return -errno;
  }
  mp_hash_begin(&h);
  while ((n = read(fd, buf, sizeof(buf))) != 0) {
    if (n < 0 && errno != EINTR) {
      return -errno;
    }
    if (n > 0) {
      mp_hash_more(&h, buf, (size_t)n);
      id->size += (uint64_t)n;
    }
  }
  if (lseek(fd, 0, SEEK_SET) < 0) {
    return -errno;
  }
  id->hash = mp_hash_end(&h);
  id->known = true;
  return 0;
}

static void list(FILE *f, const char *key, const char *const *v, size_t n)
{
  fprintf(f, "%s ", key);
  for (size_t i = 0; i < n; i++) {
    fprintf(f, "%s%s", i ? "," : "", v[i]);
  }
  fputc('\n', f);
}

/* What the rows depend on, one "key value" line each: the input and the
 * options that change rows. Left out, since they change how fast and how
 * reliably answers come but not what a row says: the resolvers, -c,
 * --window, --qps, --timeout, --retries, --dead-after, --edns-size,
 * --cache-mb, --query-log, --summary, --progress, -q, -v. A resumed scan
 * may change them (lower --qps, a healthier resolver). */
static void state_text(FILE *f, const struct mp_config *c,
                       const struct mp_input_id *id)
{
  const char *ips[8];
  size_t n = 0;

  fputs(STATE_MAGIC, f);
  if (id->known) {
    fprintf(f, "input %" PRIu64 " bytes, xxh3 %016" PRIx64 "\n", id->size,
            id->hash);
  } else {
    fputs("input not a file\n", f);
  }
  fprintf(f, "format %s\ninput-format %d\nshard %u/%u\nchecks %#x\n", c->format,
          (int)c->list_format, c->shard.k, c->shard.n, c->checks);
  if (c->dkim_selectors) {
    while (c->dkim_selectors[n]) {
      n++;
    }
    list(f, "dkim-selectors", c->dkim_selectors, n);
  } else {
    fputs("dkim-selectors default\n", f);
  }
  fprintf(f, "dkim-shortcut %d\n", c->dkim_shortcut);
  if (c->ndkim_required) { /* absent when none: older states still match */
    const char *req[MP_DKIM_REQUIRE_MAX];

    for (n = 0; n < c->ndkim_required; n++) {
      req[n] = c->dkim_required[n].spec;
    }
    list(f, "dkim-require", req, c->ndkim_required);
  }
  for (n = 0; n < c->nspf_ips; n++) {
    ips[n] = c->spf_ips[n].text;
  }
  list(f, "spf-ip", ips, c->nspf_ips);
  list(f, "spf-include", c->spf_includes, c->nspf_includes);
  fprintf(f, "spf-sender %s\nspf-helo %s\npsl-file %s\n",
          c->spf_sender ? c->spf_sender : "-", c->spf_helo ? c->spf_helo : "-",
          c->psl_file ? c->psl_file : "-");
}

static void state_path(const struct mp_config *c, char *buf, size_t n,
                       const char *suffix)
{
  int k = snprintf(buf, n, "%s.mpstate%s", c->output, suffix);

  if (k < 0 || (size_t)k >= n) {
    buf[0] = '\0';
  }
}

int mp_resume_state_write(const struct mp_config *c,
                          const struct mp_input_id *id)
{
  char path[4096], tmp[4096];
  FILE *f;
  int rc = 0;

  state_path(c, path, sizeof(path), "");
  state_path(c, tmp, sizeof(tmp), ".tmp");
  if (!path[0] || !tmp[0]) {
    return -ENAMETOOLONG;
  }
  if (!(f = fopen(tmp, "w"))) {
    return -errno;
  }
  state_text(f, c, id);
  if (fclose(f) != 0 || rename(tmp, path) != 0) {
    rc = -errno;
    unlink(tmp);
  }
  return rc;
}

/* The first line where the recorded state and this run's differ. */
static void first_difference(const char *was, const char *now, char *err,
                             size_t errlen)
{
  while (*was && *was == *now) {
    const char *a = strchr(was, '\n'), *b = strchr(now, '\n');

    if (!a || !b || a - was != b - now || memcmp(was, now, (size_t)(a - was))) {
      break;
    }
    was = a + 1;
    now = b + 1;
  }
  snprintf(err, errlen,
           "--resume: the interrupted run had '%.*s', this one '%.*s': "
           "resume with the same input and options, or start afresh "
           "without --resume",
           (int)strcspn(was, "\n"), was, (int)strcspn(now, "\n"), now);
}

static int check_state(const struct mp_config *c, const struct mp_input_id *id,
                       char *err, size_t errlen)
{
  char path[4096], *now = NULL, *was = NULL;
  size_t len, wlen = 0;
  FILE *f = open_memstream(&now, &len);
  int rc = 0;

  if (!f) {
    return -errno;
  }
  state_text(f, c, id);
  fclose(f);
  state_path(c, path, sizeof(path), "");
  if (!(f = fopen(path, "r"))) {
    rc = -errno;
    snprintf(err, errlen, "--resume: %s: %s (written when a scan starts)", path,
             strerror(errno));
    goto done;
  }
  was = mp_calloc(1, 65536);
  wlen = fread(was, 1, 65535, f);
  fclose(f);
  if (!id->known) {
    rc = -EINVAL;
    snprintf(err, errlen, "--resume needs the input as a file, not a pipe");
  } else if (wlen != len || memcmp(was, now, len) != 0) {
    rc = -ESTALE;
    first_difference(was, now, err, errlen);
  }
done:
  free(now); /* open_memstream's, from malloc */
  mp_free(was);
  return rc;
}

static void mark(uint64_t line, void *arg)
{
  struct mp_resume *r = arg;

  if (line >= r->nbits) {
    uint64_t n = r->nbits ? r->nbits : 1 << 16;

    while (n <= line) {
      n *= 2;
    }
    r->bits = mp_realloc(r->bits, n / 8);
    memset(r->bits + r->nbits / 8, 0, (n - r->nbits) / 8);
    r->nbits = n;
  }
  r->bits[line / 8] |= (uint8_t)(1u << (line % 8));
}

int mp_resume_open(struct mp_resume *r, const struct mp_config *c,
                   const struct mp_input_id *id, FILE *out, char *err,
                   size_t errlen)
{
  int fd = fileno(out), rc;

  memset(r, 0, sizeof(*r));
  if ((rc = check_state(c, id, err, errlen)) < 0) {
    return rc;
  }
  rc = mp_rows_scan(fd, c->format, mp_compress_kind(c->output), mark, r,
                    &r->rows);
  if (rc == -EILSEQ) {
    snprintf(err, errlen, "--resume: %s holds a line that is not a %s row%s",
             c->output, c->format,
             mp_compress_kind(c->output) != MP_Z_NONE
                 ? ", or bytes that do not decompress"
                 : "");
    return rc;
  }
  if (rc < 0) {
    return rc;
  }
  /* drop a torn last row (compressed: the frames after the last whole one
   * ending on a row's end): written up to a crash or a full disk */
  if (ftruncate(fd, (off_t)r->rows.end) != 0 ||
      fseeko(out, (off_t)r->rows.end, SEEK_SET) != 0) {
    return -errno;
  }
  return 0;
}

bool mp_resume_has(const struct mp_resume *r, uint64_t line)
{
  return line < r->nbits && (r->bits[line / 8] >> (line % 8)) & 1;
}

void mp_resume_close(struct mp_resume *r)
{
  mp_free(r->bits);
  r->bits = NULL;
  r->nbits = 0;
}
