"""``python -m lexgap``: the command line."""

from lexgap.cli import main

main()
