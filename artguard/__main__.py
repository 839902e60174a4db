"""``python -m artguard`` runs the CLI (the GUI when no command is given)."""

import sys

from artguard.cli import main

sys.exit(main())
