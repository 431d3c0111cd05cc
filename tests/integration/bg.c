#include "tests/integration/bg.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

void bg_sleep_ms(long ms)
{
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

/* In the child: stdout and stderr to the files, default signals. */
static void child(const char *const *argv, const char *out_path, int append)
{
  char err_path[4096];
  int out, err;
  sigset_t none;

  snprintf(err_path, sizeof(err_path), "%s.stderr", out_path);
  out =
      open(out_path, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0644);
  err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (out < 0 || err < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) {
    _exit(127);
  }
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  signal(SIGPIPE, SIG_DFL);
  signal(SIGINT, SIG_DFL);
  {
    char *av[64];

    memcpy(av, argv, sizeof(av)); /* execv's type; it writes nothing */
    execv(av[0], av);
  }
  _exit(127);
}

pid_t bg_scanner(const char *input, const char *out_path,
                 const char *const *args, int append)
{
  const char *argv[64];
  char server[64];
  size_t n = 0;
  bool has_resolver = false;
  pid_t pid;

  argv[n++] = MP_BINARY;
  for (size_t i = 0; args && args[i] && n < 58; i++) {
    has_resolver |= strcmp(args[i], "-r") == 0;
    argv[n++] = args[i];
  }
  if (!has_resolver) {
    snprintf(server, sizeof(server), "127.0.0.1:%d", MP_TEST_DNS_PORT);
    argv[n++] = "-r";
    argv[n++] = server;
  }
  argv[n++] = "--no-progress";
  if (input) {
    argv[n++] = input;
  }
  argv[n] = NULL;
  pid = fork();
  cr_assert_geq(pid, 0, "fork: %s", strerror(errno));
  if (pid == 0) {
    child(argv, out_path, append);
  }
  return pid;
}

int bg_wait(pid_t pid, int timeout_ms)
{
  int status;

  for (int waited = 0;; waited += 10) {
    pid_t r = waitpid(pid, &status, WNOHANG);

    if (r == pid) {
      break;
    }
    cr_assert(r == 0, "waitpid: %s", strerror(errno));
    if (waited >= timeout_ms) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      cr_assert_fail("the scanner ran over %d ms", timeout_ms);
    }
    bg_sleep_ms(10);
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
