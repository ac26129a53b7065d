"""Optional evaluation backends.

Each backend lives in its own adapter module that imports its third-party engine lazily,
so ``import lexgap`` never pays for (or requires) an engine the user did not ask for.
"""
