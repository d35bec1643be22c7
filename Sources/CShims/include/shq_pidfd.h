// Process file descriptors: signalling and awaiting a process that is not our child, without the race
// of a pid being reused between the check and the call.
#ifndef SHQ_PIDFD_H
#define SHQ_PIDFD_H

#include <sys/types.h>

// pidfd_open(2): a close-on-exec descriptor that refers to `pid` and becomes readable when it exits.
// Returns -1 with errno set (ENOSYS before Linux 5.3, ESRCH when there is no such process).
int shq_pidfd_open(pid_t pid);

// pidfd_send_signal(2): signals the process `pidfd` refers to, never a successor with the same pid.
int shq_pidfd_send_signal(int pidfd, int signal);

#endif
