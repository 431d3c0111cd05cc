/* Replays a fuzz corpus without libFuzzer: every file in each directory (or
 * each file) named on the command line is passed once to
 * LLVMFuzzerTestOneInput. A crash is a test failure under ctest. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
  FILE *f = fopen(path, "rb");
  uint8_t *buf;
  long n;

  if (!f) {
    fprintf(stderr, "driver: %s: %s\n", path, strerror(errno));
    return -1;
  }
  if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
      fseek(f, 0, SEEK_SET) != 0) {
    fclose(f);
    return -1;
  }
  buf = malloc((size_t)n + 1);
  if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
    free(buf);
    fclose(f);
    return -1;
  }
  fclose(f);
  LLVMFuzzerTestOneInput(buf, (size_t)n);
  free(buf);
  return 0;
}

static int run_path(const char *path, unsigned *count)
{
  struct stat st;
  DIR *d;
  struct dirent *e;
  char sub[4096];
  int rc = 0;

  if (stat(path, &st) != 0) {
    fprintf(stderr, "driver: %s: %s\n", path, strerror(errno));
    return -1;
  }
  if (!S_ISDIR(st.st_mode)) {
    (*count)++;
    return run_file(path);
  }
  if (!(d = opendir(path))) {
    return -1;
  }
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') {
      continue;
    }
    if (snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name) >=
        (int)sizeof(sub)) {
      continue;
    }
    if (run_path(sub, count) != 0) {
      rc = -1;
    }
  }
  closedir(d);
  return rc;
}

int main(int argc, char **argv)
{
  unsigned count = 0;
  int rc = 0;

  for (int i = 1; i < argc; i++) {
    if (run_path(argv[i], &count) != 0) {
      rc = 1;
    }
  }
  printf("replayed %u corpus files\n", count);
  return count == 0 ? 1 : rc;
}
