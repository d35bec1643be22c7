# Runs a command on a pseudo-terminal, types the file given first, and reads until the command exits.
# Usage: python3 drive_pty.py INPUT COMMAND [ARG…]   (bench/30-hooks.sh, bench/fish-hook-instructions.sh)
import os, pty, sys
data = open(sys.argv[1], "rb").read()
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
os.write(fd, data)
while True:
    try:
        if not os.read(fd, 65536):
            break
    except OSError:
        break
os.waitpid(pid, 0)
