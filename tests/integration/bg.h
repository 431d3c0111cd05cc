#ifndef MP_TESTS_INTEGRATION_BG_H
#define MP_TESTS_INTEGRATION_BG_H

#include <sys/types.h>

/* The scanner in the background, for tests that signal or kill it midway.
 * Like run_scanner() (world.h): args, then the world's resolver unless
 * args name one, --no-progress and input; stdout to out_path (appended to
 * when append, else truncated), stderr to out_path.stderr. Returns the pid,
 * or fails the test. */
pid_t bg_scanner(const char *input, const char *out_path,
                 const char *const *args, int append);

/* Waits for pid; returns its exit code, 128+signal when a signal ended
 * it, or fails the test after timeout_ms (and kills it). */
int bg_wait(pid_t pid, int timeout_ms);

/* Sleeps ms milliseconds. */
void bg_sleep_ms(long ms);

#endif
