"""``python -m lexgap``: the command line."""

from lexgap.cli import main

# NOTE: guarded, because a process pool started with "spawn" (macOS, Windows) imports the
# main module again in each worker, where it must not run the command line.
if __name__ == "__main__":
    main()
