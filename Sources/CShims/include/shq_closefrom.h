// posix_spawn_file_actions_addclosefrom_np (glibc ≥ 2.34) needs _GNU_SOURCE, which Swift's Glibc lacks.
#ifndef SHQ_CLOSEFROM_H
#define SHQ_CLOSEFROM_H

#include <spawn.h>

// Adds "close every descriptor from `lowfd` up" to `actions`: the child keeps only what was dup'ed below.
int shq_spawn_file_actions_closefrom(posix_spawn_file_actions_t *actions, int lowfd);

#endif
