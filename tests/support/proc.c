#include "tests/support/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "scanner/base/alloc.h"

/* Not declared by <unistd.h> without _GNU_SOURCE (POSIX says to declare it). */
extern char **environ;

#define SLURP_MAX ((size_t)64 << 20) /* "small file": refuse runaway inputs */

static uint64_t now_ms(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Milliseconds left before deadline, for poll(); -1 when there is none. */
static int ms_left(uint64_t deadline, int timeout_ms)
{
  uint64_t now = now_ms();

  if (timeout_ms < 0) {
    return -1;
  }
  return now >= deadline ? 0 : (int)(deadline - now);
}

static void nap_ms(int ms)
{
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

  while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
  }
}

/* Waits for pid to exit within timeout_ms, polling with WNOHANG so no
 * SIGCHLD handler is needed. Returns 0 with *status set, -ETIMEDOUT, or a
 * negative errno from waitpid(). */
static int wait_for(pid_t pid, int timeout_ms, int *status)
{
  uint64_t deadline = now_ms() + (uint64_t)(timeout_ms < 0 ? 0 : timeout_ms);
  int nap = 1;

  for (;;) {
    pid_t r = waitpid(pid, status, timeout_ms < 0 ? 0 : WNOHANG);
    if (r == pid) {
      return 0;
    }
    if (r < 0 && errno != EINTR) {
      return -errno;
    }
    if (r == 0) {
      int left = ms_left(deadline, timeout_ms);
      if (left == 0) {
        return -ETIMEDOUT;
      }
      nap_ms(nap < left ? nap : left);
      nap = nap < 16 ? nap * 2 : 20;
    }
  }
}

/* SIGKILL and reap; returns the waitpid() status or a negative errno. */
static int kill_reap(pid_t pid)
{
  int status = 0;

  kill(pid, SIGKILL);
  int r = wait_for(pid, -1, &status);
  return r < 0 ? r : status;
}

/* Spawns argv with the given file actions, default signal dispositions and
 * an empty signal mask: a Criterion worker may ignore or block signals the
 * child needs (SIGTERM, SIGPIPE). Returns 0 or a negative errno. */
static int spawn(pid_t *pid, const char *const cargv[],
                 const posix_spawn_file_actions_t *fa)
{
  posix_spawnattr_t attr;
  sigset_t all, none;
  char *argv[256];
  size_t n = 0;
  int r;

  if (cargv == NULL || cargv[0] == NULL) {
    return -EINVAL;
  }
  /* posix_spawn takes char *const[] but never writes through it: copy the
   * pointers (memcpy, not a cast, keeps -Wcast-qual quiet). */
  while (cargv[n]) {
    if (n + 1 >= sizeof(argv) / sizeof(argv[0])) {
      return -E2BIG;
    }
    memcpy(&argv[n], &cargv[n], sizeof(argv[n]));
    n++;
  }
  argv[n] = NULL;
  sigfillset(&all);
  sigemptyset(&none);
  r = posix_spawnattr_init(&attr);
  if (r != 0) {
    return -r;
  }
  r = posix_spawnattr_setflags(&attr,
                               POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  if (r == 0) {
    r = posix_spawnattr_setsigdefault(&attr, &all);
  }
  if (r == 0) {
    r = posix_spawnattr_setsigmask(&attr, &none);
  }
  if (r == 0) {
    r = posix_spawn(pid, argv[0], fa, &attr, argv, environ);
  }
  posix_spawnattr_destroy(&attr);
  return -r;
}

/* Reads from fd until a newline, copying the line (without it) into line. */
static int read_line(int fd, char *line, size_t linelen, int timeout_ms)
{
  uint64_t deadline = now_ms() + (uint64_t)(timeout_ms < 0 ? 0 : timeout_ms);
  size_t n = 0;

  for (;;) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    char buf[256];
    int r = poll(&p, 1, ms_left(deadline, timeout_ms));
    if (r < 0 && errno == EINTR) {
      continue;
    }
    if (r <= 0) {
      return r < 0 ? -errno : -ETIMEDOUT;
    }
    ssize_t got = read(fd, buf, sizeof(buf));
    if (got < 0 && (errno == EINTR || errno == EAGAIN)) {
      continue;
    }
    if (got <= 0) {
      return got < 0 ? -errno : -EPIPE;
    }
    for (size_t i = 0; i < (size_t)got; i++) {
      if (buf[i] == '\n') {
        line[n] = '\0';
        return 0;
      }
      if (n + 1 >= linelen) {
        return -EOVERFLOW;
      }
      line[n++] = buf[i];
    }
  }
}

pid_t mp_proc_start_line(const char *const argv[], char *line, size_t linelen,
                         int timeout_ms)
{
  posix_spawn_file_actions_t fa;
  int fds[2];
  pid_t pid = 0;
  int r;

  if (line == NULL || linelen == 0) {
    return -EINVAL;
  }
  line[0] = '\0';
  if (pipe(fds) < 0) {
    return -errno;
  }
  /* Close-on-exec, so neither end leaks into this or any other child: a
   * stray write end would hide the EOF of a child that dies early. */
  fcntl(fds[0], F_SETFD, FD_CLOEXEC);
  fcntl(fds[1], F_SETFD, FD_CLOEXEC);
  r = -posix_spawn_file_actions_init(&fa);
  if (r == 0) {
    r = -posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
    if (r == 0) {
      r = spawn(&pid, argv, &fa);
    }
    posix_spawn_file_actions_destroy(&fa);
  }
  close(fds[1]);
  if (r == 0) {
    r = read_line(fds[0], line, linelen, timeout_ms);
    if (r < 0) {
      kill_reap(pid);
    }
  }
  close(fds[0]);
  return r < 0 ? r : pid;
}

int mp_proc_stop(pid_t pid, int timeout_ms)
{
  int status = 0;
  int r;

  if (pid <= 0) {
    return -EINVAL;
  }
  if (kill(pid, SIGTERM) < 0) {
    return -errno;
  }
  r = wait_for(pid, timeout_ms, &status);
  if (r == -ETIMEDOUT) {
    return kill_reap(pid);
  }
  return r < 0 ? r : status;
}

static int add_files(posix_spawn_file_actions_t *fa, const char *in_path,
                     const char *out_path, const char *err_path)
{
  const int wr = O_WRONLY | O_CREAT | O_TRUNC;
  int r = posix_spawn_file_actions_addopen(
      fa, STDIN_FILENO, in_path ? in_path : "/dev/null", O_RDONLY, 0);

  if (r == 0) {
    r = posix_spawn_file_actions_addopen(
        fa, STDOUT_FILENO, out_path ? out_path : "/dev/null", wr, 0644);
  }
  if (r == 0 && err_path != NULL) {
    /* One file for both streams shares one offset, so lines interleave
     * instead of overwriting each other. */
    if (out_path != NULL && strcmp(out_path, err_path) == 0) {
      r = posix_spawn_file_actions_adddup2(fa, STDOUT_FILENO, STDERR_FILENO);
    } else {
      r = posix_spawn_file_actions_addopen(fa, STDERR_FILENO, err_path, wr,
                                           0644);
    }
  }
  return -r;
}

int mp_proc_run(const char *const argv[], const char *in_path,
                const char *out_path, const char *err_path, int timeout_ms)
{
  posix_spawn_file_actions_t fa;
  pid_t pid = 0;
  int status = 0;
  int r;

  r = -posix_spawn_file_actions_init(&fa);
  if (r < 0) {
    return r;
  }
  r = add_files(&fa, in_path, out_path, err_path);
  if (r == 0) {
    r = spawn(&pid, argv, &fa);
  }
  posix_spawn_file_actions_destroy(&fa);
  if (r < 0) {
    return r;
  }
  r = wait_for(pid, timeout_ms, &status);
  if (r == -ETIMEDOUT) {
    kill_reap(pid);
  }
  if (r < 0) {
    return r;
  }
  if (WIFSIGNALED(status)) {
    return 128 + WTERMSIG(status);
  }
  return WEXITSTATUS(status);
}

char *mp_proc_slurp(const char *path, size_t *len)
{
  size_t n = 0, cap = 4096;
  char *buf = NULL;
  int fd;

  if (len != NULL) {
    *len = 0;
  }
  fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return NULL;
  }
  buf = mp_malloc(cap);
  for (;;) {
    if (cap - n < 2) {
      if (cap >= SLURP_MAX) {
        goto fail;
      }
      cap *= 2;
      buf = mp_realloc(buf, cap);
    }
    ssize_t got = read(fd, buf + n, cap - n - 1);
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got < 0) {
      goto fail;
    }
    if (got == 0) {
      break;
    }
    n += (size_t)got;
  }
  close(fd);
  buf[n] = '\0';
  if (len != NULL) {
    *len = n;
  }
  return buf;

fail:
  close(fd);
  mp_free(buf);
  return NULL;
}
