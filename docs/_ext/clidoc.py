"""A tiny Sphinx extension: ``.. clidoc:: module:group`` documents a click command group.

It walks the group as click sees it (the same objects ``lexgap --help`` prints from), so
the reference cannot drift from the command line. For each command it emits a section
with the usage line, the help text, the arguments and every option with its default.
"""

from __future__ import annotations

import importlib
import inspect
import re
from typing import Any

import click
from docutils import nodes
from docutils.parsers.rst import Directive
from docutils.statemachine import StringList
from sphinx.util.nodes import nested_parse_with_titles


def _load(target: str) -> click.Command:
    module, _, attr = target.partition(":")
    obj = importlib.import_module(module)
    for part in attr.split("."):
        obj = getattr(obj, part)
    if not isinstance(obj, click.Command):
        msg = f"{target} is not a click command"
        raise TypeError(msg)
    return obj


def _indent(text: str, prefix: str = "   ") -> list[str]:
    return [prefix + line if line.strip() else "" for line in text.splitlines()]


def _escape(text: str) -> str:
    """Help text as reStructuredText: `code` in click help becomes an inline literal."""
    text = text.replace("\\", "\\\\").replace("*", "\\*").replace("|", "\\|")
    return re.sub(r"`([^`]+)`", r"``\1``", text)


def _command_rst(name: str, cmd: click.Command, parent: click.Context, level: str) -> list[str]:
    ctx = click.Context(cmd, info_name=name, parent=parent)
    title = f"lexgap {name}"
    lines = [f".. _cli-{name}:", "", title, level * len(title), ""]
    usage = cmd.collect_usage_pieces(ctx)
    lines += ["::", "", f"   lexgap {name} {' '.join(usage)}", ""]
    help_text = inspect.cleandoc(cmd.help or "")
    if help_text:
        # click's \b marks a paragraph that must not be rewrapped; it means nothing here.
        lines += [_escape(line.replace("\b", "")) for line in help_text.splitlines()] + [""]
    arguments = [p for p in cmd.params if isinstance(p, click.Argument)]
    if arguments:
        lines += [
            "**Arguments:** "
            + ", ".join(
                f"``{a.human_readable_name}``"
                + (" (one or more)" if a.nargs == -1 else "")
                + ("" if a.required else " (optional)")
                for a in arguments
            ),
            "",
        ]
    options = [p for p in cmd.params if isinstance(p, click.Option) and not p.hidden]
    if options:
        lines += ["**Options:**", ""]
        for opt in options:
            record = opt.get_help_record(ctx)
            if record is None:
                continue
            flags, help_ = record
            lines += [f"``{flags}``"]
            lines += _indent(_escape(help_ or "(no description)"))
            lines.append("")
    lines += ["``-h``, ``--help``", "   Show the command's help and exit.", ""]
    return lines


class ClickDoc(Directive):
    required_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        group = _load(self.arguments[0])
        root = click.Context(group, info_name="lexgap")
        lines: list[str] = []
        help_text = (group.help or "").strip()
        if help_text:
            lines += [_escape(help_text), ""]
        lines += ["::", "", "   lexgap [--version] [-h] COMMAND [ARGS]...", ""]
        if isinstance(group, click.Group):
            for name in group.list_commands(root):
                cmd = group.get_command(root, name)
                if cmd is not None and not cmd.hidden:
                    lines += _command_rst(name, cmd, root, "-")
        container = nodes.section()
        container.document = self.state.document
        nested_parse_with_titles(self.state, StringList(lines, source="<clidoc>"), container)
        return list(container.children)


def setup(app: Any) -> dict[str, Any]:
    app.add_directive("clidoc", ClickDoc)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
