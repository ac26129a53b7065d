"""Writing files safely: everything lexgap writes goes through :func:`write_atomically`.

The text goes to a temporary file in the same folder, is flushed to disk, and replaces the
target with one ``os.replace``: a reader sees the old file or the new one, never half of
one, and an interrupted write leaves the original untouched.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from lexgap.diagnostics import Diagnostic, UsageError
from lexgap.span import Span


def write_atomically(path: Path, text: str, *, overwrite: bool = True) -> None:
    """Replace ``path`` with ``text`` (UTF-8) atomically; keep an existing file's mode.

    With ``overwrite=False`` an existing file is an error and is left as it was.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not overwrite and path.exists():
        msg = f"'{path}' already exists; lexgap does not overwrite it"
        raise UsageError([Diagnostic("exists", msg, Span.point(str(path), 0, 0))])
    if not folder.is_dir():
        msg = f"cannot write '{path}': folder '{folder}' does not exist"
        raise UsageError([Diagnostic("unwritable", msg, Span.point(str(path), 0, 0))])
    mode = _default_mode()
    with contextlib.suppress(FileNotFoundError):
        mode = stat.S_IMODE(path.stat().st_mode)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as err:
        msg = f"cannot write '{path}': {err.strerror or err}"
        raise UsageError([Diagnostic("unwritable", msg, Span.point(str(path), 0, 0))]) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        if not overwrite:
            # NOTE: link() fails if the target appeared meanwhile: never clobber it.
            try:
                os.link(tmp, path)
            except FileExistsError:
                msg = f"'{path}' already exists; lexgap does not overwrite it"
                raise UsageError([Diagnostic("exists", msg, Span.point(str(path), 0, 0))]) from None
            os.unlink(tmp)
        else:
            os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _default_mode() -> int:
    """The mode a plain ``open()`` would give a new file (mkstemp would give 0600)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
