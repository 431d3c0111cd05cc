#ifndef MP_TESTS_SUPPORT_PROC_H
#define MP_TESTS_SUPPORT_PROC_H

#include <stddef.h>
#include <sys/types.h>

/* Helpers for Criterion tests that run real programs (the scanner, the fault
 * responder). They block the calling thread, keep no state, install no signal
 * handlers and reap every child they start. A timeout_ms < 0 waits forever.
 * Children start with default signal dispositions and an empty signal mask,
 * and inherit the caller's environment. */

/* Starts argv[0] (a path, no PATH search) with argv, its stdout to a pipe,
 * and reads the first line of that stdout into line (NUL-terminated, newline
 * removed) within timeout_ms; stdin and stderr are inherited. The pipe is
 * closed afterwards, so the child should print nothing more. Returns the pid
 * (>0) or a negative errno: -ETIMEDOUT, -EPIPE (stdout closed before a full
 * line), -EOVERFLOW (line does not fit linelen) or a spawn error. On failure
 * the child is killed and reaped. */
pid_t mp_proc_start_line(const char *const argv[], char *line, size_t linelen,
                         int timeout_ms);

/* Sends SIGTERM to pid (a child of the caller), waits up to timeout_ms for it
 * to exit, then sends SIGKILL and reaps it. Returns the status as waitpid()
 * gives it (use WIFEXITED etc.), or a negative errno. */
int mp_proc_stop(pid_t pid, int timeout_ms);

/* Runs argv to completion with stdin from in_path (NULL: /dev/null), stdout
 * to out_path (created or truncated; NULL: /dev/null) and stderr to err_path
 * (NULL: inherited). Returns the exit code (0-255), 128+signal when a signal
 * killed it, or a negative errno: -ETIMEDOUT when it ran longer than
 * timeout_ms (it is then killed and reaped), or a spawn error such as -ENOENT
 * (also for an in_path that does not exist). */
int mp_proc_run(const char *const argv[], const char *in_path,
                const char *out_path, const char *err_path, int timeout_ms);

/* Reads the whole file at path into a NUL-terminated heap buffer the caller
 * frees with mp_free(); *len (if len is not NULL) is set to its length, not
 * counting the NUL. Returns NULL on error, with *len set to 0. */
char *mp_proc_slurp(const char *path, size_t *len);

#endif
