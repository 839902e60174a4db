"""``python -m artguard`` runs the CLI (the GUI when no command is given); also the frozen app's entry."""

import multiprocessing
import sys

from artguard.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # batch worker processes in the PyInstaller build
    sys.exit(main())
