"""An exclusive lock beside a folder or file that a build or an import rewrites.

Two builds of one index (or two imports into one catalogue) at once trip over each other's
renames; each takes this lock first, so the second waits for the first, or after a bounded wait
says which process holds it. The lock is `fcntl.flock` on a hidden file beside the target
(`.index.lock` beside `index/`): the kernel drops it when its holder dies, even by SIGKILL, so
a crashed build never leaves a lock behind. The file is never deleted, because deleting a lock
file while another process waits on it would let a third take a second lock on a new file.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from matcher.errors import BusyError

_POLL_SECONDS = 0.05


def lock_path(target: Path) -> Path:
    """The lock file of a folder or file: hidden, beside it (not inside: a folder is renamed).

    A mount point is never renamed and its parent may be read-only (a container's volume), so
    its lock lives inside it.
    """
    if target.is_dir() and os.path.ismount(target):
        return target / ".matcher.lock"
    return target.parent / f".{target.name}.lock"


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _holder(fd: int) -> str:
    """The pid the holder wrote into the lock file ('unknown' between its lock and its write)."""
    text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    return text if text.isdigit() else "unknown"


@contextmanager
def exclusive_lock(
    target: Path,
    *,
    what: str,
    timeout: float,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Hold the lock of `target` for the body of a `with`.

    Args:
        target: The folder or file that will be rewritten.
        what: What the holder is doing, for the message ("build", "catalogue import").
        timeout: Seconds to wait for another holder before giving up.
        on_wait: Called with the holder's pid when the lock is busy, before waiting.

    Raises:
        BusyError: When another process still holds the lock after `timeout` seconds.
        OSError: When the lock file cannot be created (a read-only folder, say).
    """
    fd = os.open(lock_path(target), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        if not _try_lock(fd):
            if on_wait is not None:
                on_wait(_holder(fd))
            deadline = time.monotonic() + timeout
            while not _try_lock(fd):
                if time.monotonic() >= deadline:
                    raise BusyError(
                        f"a {what} is running (pid {_holder(fd)}); try again when it ends"
                    )
                time.sleep(_POLL_SECONDS)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextmanager
def lock_if_free(target: Path) -> Iterator[bool]:
    """Take the lock only if nobody holds it; yields whether it was taken. For housekeeping that
    must not race a running build but has no reason to wait for one (or to fail when the folder
    is read-only: then it yields False)."""
    try:
        fd = os.open(lock_path(target), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError:
        yield False
        return
    try:
        taken = _try_lock(fd)
        try:
            yield taken
        finally:
            if taken:
                fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def pid_alive(pid: int) -> bool:
    """Whether a process of this id runs (one of another user's counts as running)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
