// File leases for the hook spool (fcntl F_SETLEASE is variadic, so Swift cannot call it directly).
#ifndef SHQ_LEASE_H
#define SHQ_LEASE_H

// Takes a read lease on `fd` (opened read-only). Succeeds only when no process has the file open for
// writing: returns 0, or -1 with errno EAGAIN (a writer has it open) or EINVAL (filesystem without leases).
int shq_take_read_lease(int fd);

// Drops a lease taken on `fd`.
int shq_release_lease(int fd);

#endif
