#!/usr/bin/env bash
# One entry point for a fresh Debian machine (Python 3.11, no venv yet):
#   bash scripts/dev.sh run    install everything, start ClerkDesk on its embedded default with a local
#                              sandbox platform (demo mode: sync works out of the box)
#   bash scripts/dev.sh test   install everything, run the whole test suite (what CI runs)
#   bash scripts/dev.sh bench  install everything, run the benchmarks
#   bash scripts/dev.sh build  install everything, make the installable folder dist/ClerkDesk (PyInstaller, build.spec)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=$ROOT/.venv
PY=${PYTHON:-python3}

# Qt needs these xcb libraries for a real window; Xvfb for a window without a screen
# (demo on a server, screenshots); poppler-utils reads printed PDFs back in tests.
SYSTEM_PACKAGES=(xvfb xauth libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
  libxcb-render-util0 libxcb-randr0 libxcb-shape0 libxcb-xinerama0 libegl1 libgl1 libfontconfig1 libdbus-1-3
  poppler-utils)

say() { printf '\033[1m[clerkdesk]\033[0m %s\n' "$*"; }

install_system_packages() {
  local missing=()
  for p in "${SYSTEM_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  "$PY" -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null; then
    say "not a Debian system; please install: ${missing[*]}"; return 0
  fi
  local SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  say "installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_python_packages() {
  [ -x "$VENV/bin/python" ] || { say "creating $VENV"; "$PY" -m venv "$VENV"; }
  local stamp="$VENV/.clerkdesk-installed" want
  want=$(sha256sum pyproject.toml | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "installing Python packages into .venv"
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q -e ".[test]"
    echo "$want" > "$stamp"
  fi
}

cmd=${1:-run}
shift || true
install_system_packages
install_python_packages

case "$cmd" in
  run)
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
      say "no screen found: starting under a virtual screen (Xvfb)"
      exec xvfb-run -a -s "-screen 0 1366x800x24" "$VENV/bin/clerkdesk" --demo-platform "$@"
    fi
    exec "$VENV/bin/clerkdesk" --demo-platform "$@"
    ;;
  test)
    export QT_QPA_PLATFORM=offscreen
    "$VENV/bin/ruff" check .
    set +e
    "$VENV/bin/python" -m pytest -p no:cacheprovider "$@"
    rc=$?
    set -e
    # pytest's 5 means "no tests ran": for us that is a failure, never a pass.
    [ $rc -eq 5 ] && { say "no tests were collected"; exit 1; }
    exit $rc
    ;;
  bench)
    export QT_QPA_PLATFORM=offscreen
    exec "$VENV/bin/python" -m benchmarks.run "$@"
    ;;
  build)
    "$VENV/bin/python" -m PyInstaller --noconfirm build.spec "$@"
    say "built dist/ClerkDesk: clerkdesk (the window) and clerkdesk-admin; check it with"
    say "  QT_QPA_PLATFORM=offscreen dist/ClerkDesk/clerkdesk --data-dir /tmp/check --smoke-test"
    ;;
  *)
    echo "usage: bash scripts/dev.sh run|test|bench|build" >&2; exit 2 ;;
esac
