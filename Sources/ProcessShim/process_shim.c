#define _GNU_SOURCE
#include "process_shim.h"
#include <errno.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <fcntl.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>
#include <signal.h>
#include <sys/resource.h>
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

int placer_die_with_parent(void) {
#if defined(__linux__)
    return prctl(PR_SET_PDEATHSIG, SIGKILL) == 0 ? 0 : errno;
#else
    return ENOSYS;
#endif
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
