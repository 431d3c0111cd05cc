#ifndef MP_TESTS_INTEGRATION_KNOT_H
#define MP_TESTS_INTEGRATION_KNOT_H

#include <stdio.h>

/* A Knot DNS server of a test's own, serving one root zone the test
 * writes (tests/support/zonefile.h) on 127.0.0.1 with tests/world/serve.sh:
 * the zone is written, the server started, the scanner pointed at it, the
 * server stopped; then the next zone. Paths are scratch paths of the build
 * tree (world.h), unique per test process. */

struct mp_knot {
  char dir[4096];  /* the world: zones.list and zones/root.zone */
  char run[4096];  /* serve.sh's run directory */
  char port[16];   /* as text */
  char server[64]; /* "127.0.0.1:PORT", for the scanner's -r */
  FILE *zone;      /* root.zone while it is being written */
};

/* Sets up k for a server on 127.0.0.1:port; tag names its scratch
 * directories. Fails the test when they cannot be made. */
void mp_knot_init(struct mp_knot *k, const char *tag, int port);

/* Opens (truncates) the root zone for writing; the FILE stays k's. */
FILE *mp_knot_zone(struct mp_knot *k);

/* Closes the zone and (re)starts Knot with it; returns serve.sh's exit
 * status (0: every zone answers). */
int mp_knot_start(struct mp_knot *k);

/* Stops the server (by PID, through serve.sh); 0 also when it was not
 * running. */
int mp_knot_stop(struct mp_knot *k);

/* Removes k's scratch directories (the zone, the server's run directory
 * and log): call it after mp_knot_stop when the test passed, and leave
 * them for a look when it did not. */
void mp_knot_remove(struct mp_knot *k);

#endif
