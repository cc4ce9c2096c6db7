"""Which process holds a delivery's lease, and whether that process is gone for good.

An attempt writes its process's identity next to its lease: ``host:pid:start:boot:pidns``,
the hostname (for people), the pid, the process's start time in clock ticks since boot, the
kernel's boot id and the pid namespace. ``gone`` says True only when the holder provably
cannot finish: it ran on this very machine (same boot id and pid namespace, so the same pid
space; a container sharing the hostname has another namespace) and no process with that pid
and that start time is alive (none at all, a zombie, or the pid reused by a later process).
On a machine without ``/proc`` only the hostname and the pid are compared. Anything else,
another machine or an identity we cannot read, is "not known to be gone": the lease then
runs out as before.

Being wrong can only cost a duplicate POST: a delivery taken from a live holder is sent again
under the same idempotency key (the agency answers with its first reference) and the old
attempt's result is refused by ``finish``, which is conditional on the lease it held.
"""

import os
import socket
from functools import cache

SEPARATOR = ":"


def _read(path):
    try:
        with open(path, encoding="ascii", errors="replace") as stream:
            return stream.read().strip()
    except OSError:
        return ""


def _stat_fields(pid):
    """The fields of /proc/<pid>/stat after the command name (state first), or None."""
    stat = _read(f"/proc/{pid}/stat")
    if not stat or ")" not in stat:
        return None
    return stat[stat.rindex(")") + 1 :].split()


def start_time(pid):
    fields = _stat_fields(pid)
    return fields[19] if fields and len(fields) > 19 else ""


@cache
def machine():
    """(hostname, boot id, pid namespace) of this process's pid space; cached, it never moves."""
    try:
        namespace = os.readlink("/proc/self/ns/pid")
    except OSError:
        namespace = ""
    digits = "".join(char for char in namespace if char.isdigit())
    hostname = socket.gethostname().replace(SEPARATOR, "-")
    return hostname, _read("/proc/sys/kernel/random/boot_id"), digits


@cache
def _identity(pid):
    hostname, boot, namespace = machine()
    return SEPARATOR.join((hostname, str(pid), start_time(pid), boot, namespace))


def this_process():
    """The identity an attempt in this process writes next to its lease."""
    return _identity(os.getpid())  # keyed by pid: a forked worker is another holder


def alive(pid, started):
    """Whether process ``pid`` is running and, when known, started at ``started``."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, owned by someone else
    fields = _stat_fields(pid)
    if fields is None:
        return True  # no /proc here: the pid is all there is to go on
    if fields[0] in ("Z", "X"):
        return False  # killed, not yet reaped
    return not started or start_time(pid) == started


def gone(holder):
    """True when ``holder`` is a process of this machine that is no longer running."""
    parts = (holder or "").split(SEPARATOR)
    if len(parts) != 5 or not parts[1].isdigit() or int(parts[1]) < 1:
        return False
    hostname, pid, started, boot, namespace = parts
    here_hostname, here_boot, here_namespace = machine()
    if boot or here_boot:
        if (boot, namespace) != (here_boot, here_namespace):
            return False
    elif hostname != here_hostname:
        return False
    return not alive(int(pid), started)
