#!/usr/bin/env bash
# Set everything up, then start ArtGuard (the desktop app; pass CLI arguments to run a command).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ "$#" -eq 0 ] || [ "$1" = gui ]; then
    echo "starting ArtGuard…" >&2
fi
exec .venv/bin/artguard "$@"
