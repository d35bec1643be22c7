#include "shq_splice.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

int shq_pipe_nonblocking(int fds[2]) { return pipe2(fds, O_CLOEXEC | O_NONBLOCK); }

ssize_t shq_tee(int in, int out, size_t length) { return tee(in, out, length, SPLICE_F_NONBLOCK); }

ssize_t shq_splice(int in, int out, size_t length, int nonblocking) {
  return splice(in, NULL, out, NULL, length, SPLICE_F_MOVE | (nonblocking ? SPLICE_F_NONBLOCK : 0));
}

int shq_pipe_available(int fd) {
  int count = 0;
  return ioctl(fd, FIONREAD, &count) == 0 ? count : -1;
}
