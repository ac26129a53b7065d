"""Writing files safely: everything lexgap writes goes through :func:`write_atomically`.

The text goes to a temporary file in the same folder, is flushed to disk, and replaces the
target with one rename: a reader sees the old file or the new one, never half of one, and
an interrupted write leaves the original untouched.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from lexgap.diagnostics import Diagnostic, UsageError
from lexgap.span import Span


def _error(message: str, path: str, code: str) -> UsageError:
    return UsageError([Diagnostic(code, message, Span.point(path, 0, 0))])


def write_atomically(path: str | os.PathLike[str], text: str, *, overwrite: bool = True) -> None:
    """Replace ``path`` with ``text`` (UTF-8) so it is never seen half-written.

    An existing file keeps its permission bits; a new one gets the usual ``open()`` mode.
    A symbolic link is followed, so the file it points to is replaced, not the link. With
    ``overwrite=False`` an existing file is an error and is left as it was. Raises
    :class:`~lexgap.diagnostics.UsageError` when the file cannot be written.
    """
    shown = os.fspath(path)
    target = Path(os.path.realpath(shown))
    if not target.parent.is_dir():
        msg = f"cannot write '{shown}': its folder does not exist"
        raise _error(msg, shown, "unwritable")
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
        exists = True
    except FileNotFoundError:
        mode, exists = 0o666 & ~_current_umask(), False
    except OSError as err:
        msg = f"cannot write '{shown}': {err.strerror}"
        raise _error(msg, shown, "unwritable") from None
    if exists and not overwrite:
        msg = f"'{shown}' already exists; lexgap does not overwrite it"
        raise _error(msg, shown, "exists")
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        # NOTE: a file name that is not UTF-8 reaches reports as lone surrogates
        # (surrogateescape); they are written as \udcff escapes, not refused mid-write.
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        if overwrite:
            os.replace(tmp, target)
        else:
            # NOTE: link() fails if the target appeared meanwhile, so it is never clobbered.
            try:
                os.link(tmp, target)
            except FileExistsError:
                msg = f"'{shown}' already exists; lexgap does not overwrite it"
                raise _error(msg, shown, "exists") from None
            os.unlink(tmp)
        tmp = None
    except OSError as err:
        msg = f"cannot write '{shown}': {err.strerror or type(err).__name__}"
        raise _error(msg, shown, "unwritable") from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    _sync_folder(target.parent)


def _current_umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def _sync_folder(folder: Path) -> None:
    """Flush the rename itself to disk where the platform allows it (not on Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
