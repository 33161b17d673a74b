#define _GNU_SOURCE
#include "process_shim.h"
#include <errno.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <fcntl.h>
#include <string.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#if defined(__linux__)
#include <sys/prctl.h>
#endif

int placer_limit_address_space(pid_t pid, unsigned long long bytes) {
#if defined(__linux__)
    struct rlimit limit = {bytes, bytes};
    return prlimit(pid, RLIMIT_AS, &limit, 0) == 0 ? 0 : errno;
#else
    (void)pid; (void)bytes;
    return ENOSYS;
#endif
}

int placer_die_with_parent(pid_t expected_parent) {
#if defined(__linux__)
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) return errno;
    // A parent that died before the request was made sends no signal: compare with the parent
    // the process started under (not with 1, which is a live parent when placer runs as PID 1).
    return getppid() == expected_parent ? 0 : ESRCH;
#else
    (void)expected_parent;
    return ENOSYS;
#endif
}

int placer_has_exited(pid_t pid) {
    siginfo_t info;
    info.si_pid = 0;
    // WNOWAIT: the process stays a zombie, so its PID (and its group's ID) is not handed out
    // again until it is reaped.
    while (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
        if (errno != EINTR) return -1;
    }
    return info.si_pid == pid ? 1 : 0;
}

static volatile int interrupt_fd = -1;

void placer_notify(int fd) {
    int saved = errno;
    unsigned char byte = 1;
    ssize_t written = write(fd, &byte, 1);
    (void)written;  // a full pipe already says "interrupted"
    errno = saved;
}

static void on_interrupt(int signal_number) {
    (void)signal_number;
    placer_notify(interrupt_fd);
}

int placer_install_interrupt(int write_fd) {
    interrupt_fd = write_fd;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    if (sigaction(SIGINT, &action, 0) != 0) return errno;
    if (sigaction(SIGTERM, &action, 0) != 0) return errno;
    return 0;
}

int placer_pipe(int fds[2], int nonblocking) {
    return pipe2(fds, O_CLOEXEC | (nonblocking ? O_NONBLOCK : 0)) == 0 ? 0 : errno;
}

int placer_wait(struct pollfd *fds, unsigned long count, double seconds) {
    if (seconds < 0) return ppoll(fds, count, 0, 0);
    struct timespec timeout;
    timeout.tv_sec = (time_t)seconds;
    timeout.tv_nsec = (long)((seconds - (double)timeout.tv_sec) * 1e9);
    return ppoll(fds, count, &timeout, 0);
}

int placer_precise_timers(void) {
#if defined(__linux__)
    return prctl(PR_SET_TIMERSLACK, 1UL) == 0 ? 0 : errno;
#else
    return ENOSYS;
#endif
}

void placer_single_malloc_arena(void) {
#if defined(__GLIBC__)
    mallopt(M_ARENA_MAX, 1);
#endif
}
