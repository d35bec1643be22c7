#include "shq_lease.h"

#include <fcntl.h>

int shq_take_read_lease(int fd) { return fcntl(fd, F_SETLEASE, F_RDLCK); }

int shq_release_lease(int fd) { return fcntl(fd, F_SETLEASE, F_UNLCK); }
