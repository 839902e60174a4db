#!/usr/bin/env bash
# Set up everything ArtGuard needs on a fresh Linux machine, idempotently:
# system libraries (Qt's xcb platform plugin, exiftool as the tests' second reader,
# poppler-utils and chromium to render reports in tests, Node.js for the independent C2PA
# reader the tests use, desktop-base's SVG wallpapers + rsvg-convert as real digital art
# for the tracing tests and bench), a virtual environment in .venv, ArtGuard and its
# Python dependencies (pyproject.toml), and @trustnxt/c2pa-ts from tests/c2pa_ts's
# lockfile. Safe to run again; it only adds what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

SYSTEM_PACKAGES=(
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
  libxcb-randr0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0
  libegl1 libgl1 libfontconfig1 libdbus-1-3
  libimage-exiftool-perl poppler-utils xvfb xauth
  chromium nodejs desktop-base librsvg2-bin fonts-droid-fallback
)
# Packages whose command may come from elsewhere (NodeSource's nodejs ships npm itself).
COMMAND_PACKAGES=(npm:npm)

install_system_packages() {
  command -v dpkg-query >/dev/null 2>&1 || { echo "setup: not a Debian/Ubuntu system; install Qt's xcb libraries and exiftool yourself" >&2; return 0; }
  local missing=()
  for pkg in "${SYSTEM_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  for entry in "${COMMAND_PACKAGES[@]}"; do
    command -v "${entry#*:}" >/dev/null 2>&1 || missing+=("${entry%%:*}")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "setup: please install: ${missing[*]}" >&2; return 0
    fi
  fi
  echo "setup: installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || echo "setup: could not install ${missing[*]} (see apt's message above); the tests that need them will say so" >&2
}

install_system_packages

PYTHON=${PYTHON:-python3}
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "setup: ArtGuard needs Python 3.11 or newer" >&2; exit 1; }
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test]"

# The independent TypeScript C2PA reader the tests validate manifests with (pinned by
# tests/c2pa_ts/package-lock.json; no install scripts needed).
if command -v npm >/dev/null 2>&1 && [ ! -d tests/c2pa_ts/node_modules/@trustnxt/c2pa-ts ]; then
  # `npm install` (not `npm ci`): npm 10+ calls a lockfile out of sync when it lists no
  # entries for cbor-extract's optional per-platform binaries; versions stay as locked.
  npm install --prefix tests/c2pa_ts --ignore-scripts --no-audit --no-fund --loglevel=error \
    || echo "setup: could not install @trustnxt/c2pa-ts; the tests that use it will say so" >&2
fi
