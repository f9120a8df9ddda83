#!/usr/bin/python3
"""pty-run.py ROWS COLS COMMAND...: run COMMAND with a new pseudo-terminal of ROWS x COLS as
its controlling terminal, stdin and stdout; write what it printed (CRs dropped) to stdout and
exit with its exit status. Nothing is typed into the terminal, so the command never sees EOF
on its input (clients that insist on a terminal for -t: ctr, script(1) would send one)."""
import fcntl
import os
import pty
import struct
import sys
import termios


def main():
    rows, cols, argv = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        os.execvp(argv[0], argv)
    out = b""
    while True:
        try:
            data = os.read(fd, 4096)
        except OSError:  # EIO: the last process holding the terminal is gone
            break
        if not data:
            break
        out += data
    _, status = os.waitpid(pid, 0)
    sys.stdout.buffer.write(out.replace(b"\r", b""))
    sys.exit(os.waitstatus_to_exitcode(status))


main()
