#include "tests/integration/knot.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/integration/world.h"
#include "tests/support/proc.h"

#define SERVE MP_SOURCE_DIR "/tests/world/serve.sh"

static void make_dir(const char *path)
{
  cr_assert(mkdir(path, 0755) == 0 || errno == EEXIST, "mkdir %s: %s", path,
            strerror(errno));
}

void mp_knot_init(struct mp_knot *k, const char *tag, int port)
{
  char name[256], zones[4200];

  memset(k, 0, sizeof(*k));
  snprintf(name, sizeof(name), "%s-world", tag);
  scratch_path(k->dir, sizeof(k->dir), name);
  snprintf(name, sizeof(name), "%s-knot", tag);
  scratch_path(k->run, sizeof(k->run), name);
  snprintf(k->port, sizeof(k->port), "%d", port);
  snprintf(k->server, sizeof(k->server), "127.0.0.1:%d", port);
  make_dir(k->dir);
  snprintf(zones, sizeof(zones), "%s/zones", k->dir);
  make_dir(zones);
}

FILE *mp_knot_zone(struct mp_knot *k)
{
  char path[4300];

  cr_assert_null(k->zone);
  snprintf(path, sizeof(path), "%s/zones.list", k->dir);
  k->zone = fopen(path, "w");
  cr_assert_not_null(k->zone, "%s", path);
  fputs(". root.zone\n", k->zone);
  cr_assert_eq(fclose(k->zone), 0);
  snprintf(path, sizeof(path), "%s/zones/root.zone", k->dir);
  k->zone = fopen(path, "w");
  cr_assert_not_null(k->zone, "%s", path);
  return k->zone;
}

int mp_knot_start(struct mp_knot *k)
{
  const char *argv[] = {SERVE, "start", k->dir, k->port, k->run, NULL};

  cr_assert_not_null(k->zone, "no zone written");
  cr_assert_eq(fclose(k->zone), 0);
  k->zone = NULL;
  return mp_proc_run(argv, NULL, "/dev/null", NULL, 120000);
}

int mp_knot_stop(struct mp_knot *k)
{
  const char *argv[] = {SERVE, "stop", k->run, NULL};

  return mp_proc_run(argv, NULL, "/dev/null", NULL, 120000);
}

void mp_knot_remove(struct mp_knot *k)
{
  const char *argv[] = {"/bin/rm", "-rf", "--", k->dir, k->run, NULL};

  cr_expect_eq(mp_proc_run(argv, NULL, NULL, NULL, 60000), 0);
}
