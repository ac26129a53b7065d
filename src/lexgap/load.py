"""Pack files to a checked pack: reading, parsing, resolving imports, checking.

Imports are resolved relative to the importing file; each file is read once; a cycle is an
error naming the chain of files. All diagnostics of all stages are raised together.
"""

from __future__ import annotations

import os
from pathlib import Path

from lexgap import ast
from lexgap.build import Builder
from lexgap.check import check
from lexgap.diagnostics import CheckError, Diagnostic, LexgapError, ParseError, Severity
from lexgap.model import Pack
from lexgap.parser import MAX_SOURCE_BYTES, parse_tree
from lexgap.span import Span


def parse_module(text: str, filename: str) -> tuple[ast.Module, list[Diagnostic]]:
    """Parse and build one file. Raises ParseError on a syntax error."""
    tree, comments = parse_tree(text, filename)
    builder = Builder(filename)
    try:
        module = builder.module(tree, comments)
    except RecursionError:
        msg = "an expression is nested too deeply"
        raise ParseError(
            [
                Diagnostic(
                    "too-deep", msg, Span.point(filename, 1, 1), hint="split it into definitions"
                )
            ],
            {filename: text},
        ) from None
    return module, builder.diagnostics


def declares_pack(path: str) -> bool:
    """Whether the file has a ``pack`` block: a shared vocabulary that packs import does
    not. Raises the file's own read and syntax errors."""
    module, _ = parse_module(read_source(Path(path), path), path)
    return any(isinstance(d, ast.PackDecl) for d in module.decls)


def read_source(path: Path, display: str, span: Span | None = None) -> str:
    where = span or Span.point(display, 0, 0)
    try:
        with path.open("rb") as handle:
            # NOTE: never more than the limit into memory, whatever the file (or device) is
            data = handle.read(MAX_SOURCE_BYTES + 1)
    except IsADirectoryError:
        raise CheckError(
            [Diagnostic("unreadable", f"'{display}' is a folder, not a pack file", where)]
        ) from None
    except (OSError, ValueError) as err:  # NOTE: ValueError: a NUL byte in the path
        reason = getattr(err, "strerror", None) or "not a valid file name"
        raise CheckError(
            [Diagnostic("unreadable", f"cannot read '{display}': {reason}", where)]
        ) from None
    if len(data) > MAX_SOURCE_BYTES:
        msg = f"'{display}' is larger than {MAX_SOURCE_BYTES} bytes"
        raise CheckError([Diagnostic("too-large", msg, where)])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        found = Span.at_byte(display, data, err.start)
        msg = f"'{display}' is not UTF-8 text: found byte 0x{data[err.start]:02X}"
        if span is not None:
            # NOTE: an imported file's error stays at the import that named it.
            msg += f" at line {found.line}, column {found.column}"
        raise CheckError([Diagnostic("unreadable", msg, span or found)]) from None


def _is_file(path: Path) -> bool:
    """Path.is_file that says False for names the OS refuses (too long, a NUL byte)."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


class _Loader:
    def __init__(self) -> None:
        self.modules: list[ast.Module] = []
        self.sources: dict[str, str] = {}
        self.diagnostics: list[Diagnostic] = []
        self.done: set[Path] = set()
        self.stack: list[tuple[Path, str]] = []

    def load(
        self, path: Path, display: str, text: str | None = None, via: Span | None = None
    ) -> None:
        try:
            key = path.resolve() if text is None or path.exists() else path
        except (OSError, ValueError):  # NOTE: ValueError: a NUL byte in an imported name
            if via is None:
                read_source(path, display)  # raises the reason as a CheckError
                raise
            msg = f"imported file '{display}' is not a valid file name"
            self.diagnostics.append(Diagnostic("import-not-found", msg, via))
            return
        for i, (p, _) in enumerate(self.stack):
            if p == key:
                chain = " -> ".join([d for _, d in self.stack[i:]] + [display])
                where = via or Span.point(display, 1, 1)
                self.diagnostics.append(
                    Diagnostic(
                        "import-cycle",
                        f"import cycle: {chain}",
                        where,
                        hint="move the shared declarations into a file both can import",
                    )
                )
                return
        if key in self.done:
            return
        if text is None:
            if via is not None and not _is_file(path):
                self.diagnostics.append(
                    Diagnostic("import-not-found", f"imported file '{display}' does not exist", via)
                )
                return
            text = read_source(path, display, via)
        self.sources[display] = text
        module, diagnostics = parse_module(text, display)
        self.diagnostics.extend(diagnostics)
        self.stack.append((key, display))
        for decl in module.decls:
            if isinstance(decl, ast.Import):
                if not decl.target.endswith(".lexgap"):
                    # NOTE: a shared pack must not read (and quote, in a syntax error) any
                    # file it names, such as /etc/passwd: only packs are imported.
                    msg = f"only .lexgap files can be imported, not '{decl.target}'"
                    self.diagnostics.append(Diagnostic("import-not-lexgap", msg, decl.span))
                    continue
                target = path.parent / decl.target
                shown = os.path.normpath(os.path.join(os.path.dirname(display), decl.target))
                self.load(target, shown, via=decl.span)
        self.stack.pop()
        self.done.add(key)
        self.modules.append(module)


#: Loader problems after which checking would only report consequences (missing names).
_FATAL = frozenset({"import-not-found", "import-not-lexgap", "import-cycle", "unreadable"})


def _finish(loader: _Loader, root: str) -> Pack:
    if any(d.code in _FATAL for d in loader.diagnostics):
        raise CheckError(loader.diagnostics, loader.sources)
    # NOTE: the builder's own errors (an unknown type, severity, ...) do not stop checking,
    # so one run reports every independent mistake in the file.
    pack, diagnostics = check(loader.modules, root, loader.sources)
    everything = [*loader.diagnostics, *diagnostics]
    if pack is None or any(d.severity is Severity.ERROR for d in everything):
        raise CheckError(everything, loader.sources)
    return pack


def load_pack(path: str | os.PathLike[str]) -> Pack:
    """Read, parse and check a pack file and everything it imports.

    Raises a :class:`~lexgap.diagnostics.LexgapError` subclass holding every problem found.
    """
    display = os.fspath(path)
    loader = _Loader()
    try:
        loader.load(Path(display), display)
    except ParseError as err:
        raise ParseError(err.diagnostics, {**loader.sources, **err.sources}) from None
    except LexgapError:
        raise
    return _finish(loader, display)


def parse_pack(text: str, filename: str = "<string>") -> Pack:
    """Check pack text as if it were the file ``filename`` (imports resolve beside it)."""
    loader = _Loader()
    loader.load(Path(filename), filename, text=text)
    return _finish(loader, filename)
