"""``python -m artguard`` runs the CLI (the GUI when no command is given); also the frozen app's entry."""

import sys

from artguard.cli import main

if __name__ == "__main__":
    if getattr(sys, "frozen", False):  # batch worker processes in the PyInstaller build
        import multiprocessing  # only then: ~40 ms a CLI run that starts no processes saves

        multiprocessing.freeze_support()
    sys.exit(main())
