// Moving pipe pages without copying them: the relay of `shq run` past the head of the capture cap
// (Docs/design/relay.md). splice(2), tee(2), pipe2 and FIONREAD need _GNU_SOURCE or a variadic ioctl,
// which Swift cannot import.
#ifndef SHQ_SPLICE_H
#define SHQ_SPLICE_H

#include <sys/types.h>

// A pipe whose two ends are close-on-exec and non-blocking (a segment of the tail's pipe chain, or its
// scratch pipe). 0 or -1 (errno set).
int shq_pipe_nonblocking(int fds[2]);

// tee(2) with SPLICE_F_NONBLOCK: duplicates up to `length` bytes at the front of the pipe `in` into the
// pipe `out` (page references, not copies), consuming nothing. Bytes, 0 (no data and no writer) or -1.
ssize_t shq_tee(int in, int out, size_t length);

// splice(2) with SPLICE_F_MOVE from the pipe `in` to `out` (a pipe, a file not opened O_APPEND, a device
// that supports it); `nonblocking` adds SPLICE_F_NONBLOCK. Bytes or -1 (EINVAL where `out` refuses).
ssize_t shq_splice(int in, int out, size_t length, int nonblocking);

// The bytes waiting in a pipe (FIONREAD), or -1.
int shq_pipe_available(int fd);

#endif
