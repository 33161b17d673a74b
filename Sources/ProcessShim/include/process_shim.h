// Linux process calls Swift cannot import directly (prlimit is GNU-only, prctl is variadic).
#ifndef PLACER_PROCESS_SHIM_H
#define PLACER_PROCESS_SHIM_H

// Placer is Linux only (Package.swift): the executor, the worker and the gateway replay use
// pipe2, ppoll, prctl, prlimit, clock_nanosleep and /proc/self/exe. Said here, which both
// executables build through (placer by way of Executor, placer-worker directly).
#if !defined(__linux__)
#error "Placer builds on Linux only (it uses pipe2, ppoll, prctl, prlimit, clock_nanosleep, /proc/self/exe)"
#endif
#include <sys/types.h>
#include <poll.h>

/// Sets another process's address-space limit (RLIMIT_AS) in bytes; 0 on success, else errno.
int placer_limit_address_space(pid_t pid, unsigned long long bytes);

/// Asks the kernel to kill the calling process when its parent dies; 0 on success, ESRCH when
/// the parent is no longer `expected_parent` (it died first: exit now), else errno.
int placer_die_with_parent(pid_t expected_parent);

/// Whether the child `pid` has exited, without reaping it: 1 exited (a zombie, its PID still
/// held), 0 still running, -1 with errno (not a child of this process, or reaped already).
int placer_has_exited(pid_t pid);

/// Writes one byte to `fd` and leaves errno as it was: async-signal-safe (the interrupt
/// handler's whole body, callable from a test).
void placer_notify(int fd);

/// Installs an async-signal-safe handler for SIGINT and SIGTERM (SA_RESTART) that writes one
/// byte to `write_fd` (a non-blocking pipe) and saves and restores errno; 0 or errno.
int placer_install_interrupt(int write_fd);

/// pipe2 with O_CLOEXEC, plus O_NONBLOCK on both ends when `nonblocking`; 0 or errno.
int placer_pipe(int fds[2], int nonblocking);

/// Waits for the descriptors (poll) at most `seconds` (negative: no limit), with nanosecond
/// resolution (ppoll); the number ready, 0 on timeout, -1 with errno.
int placer_wait(struct pollfd *fds, unsigned long count, double seconds);

/// Asks for the finest timer slack (1 ns) for the calling thread, so waits end on time; 0 or errno.
int placer_precise_timers(void);

/// Limits glibc's malloc to one arena (per-thread arenas reserve 64 MB of address space each).
void placer_single_malloc_arena(void);

#endif
