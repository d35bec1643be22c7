// A copy into memory that will not be read again soon (the tail ring of `shq run`).
#ifndef SHQ_COPY_H
#define SHQ_COPY_H

#include <stddef.h>

// Copies `count` bytes like memcpy, but with non-temporal stores where the CPU has them (x86-64): the
// destination lines are neither read first nor kept in the cache, where the next read of the pipe needs
// the room. `destination` and `source` must not overlap.
void shq_copy_streaming(void *destination, const void *source, size_t count);

#endif
