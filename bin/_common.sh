# Shared by bin/dev and bin/test: find Python >= 3.12 and keep .venv and node_modules
# in step with the repo's own requirements and lock files.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

say() { printf '==> %s\n' "$*"; }
die() { printf '\nError: %s\n' "$*" >&2; exit 1; }

python_ok() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; }

# PATH first (PYTHON wins if set), then pyenv's installed versions, newest first.
find_python() {
  local candidate pyenv_root
  for candidate in "${PYTHON:-}" python3.14 python3.13 python3.12 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 && python_ok "$candidate"; then
      command -v "$candidate"; return 0
    fi
  done
  pyenv_root=${PYENV_ROOT:-$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")}
  for candidate in $(ls -d "$pyenv_root"/versions/*/bin/python3 2>/dev/null | sort -rV); do
    if python_ok "$candidate"; then echo "$candidate"; return 0; fi
  done
  return 1
}

stamp_of() { cat "$@" | sha256sum | cut -d' ' -f1; }

ensure_venv() {
  if [ -x .venv/bin/python ] && ! python_ok .venv/bin/python; then
    say "Replacing .venv: it was made with a Python older than 3.12"
    rm -rf .venv
  fi
  if [ ! -x .venv/bin/python ]; then
    local python
    python=$(find_python) || die "Newsroom needs Python 3.12 or newer, and none was found.
  Looked on PATH (python3.14, python3.13, python3.12, python3) and in pyenv's versions.
  Install one (for example: pyenv install 3.13), or name it: PYTHON=/path/to/python3.13 $0"
    say "Creating .venv with $python ($("$python" --version 2>&1))"
    "$python" -m venv .venv
  fi
  local want; want=$(stamp_of requirements.txt requirements-dev.txt constraints.txt)
  if [ "$(cat .venv/.requirements-stamp 2>/dev/null)" != "$want" ]; then
    say "Installing pinned Python packages into .venv"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
    echo "$want" > .venv/.requirements-stamp
  fi
}

ensure_node_modules() {
  command -v npm >/dev/null 2>&1 || die "Newsroom needs Node.js and npm to install the U.S. Web Design System
  (package.json, package-lock.json). Install Node.js 18 or newer, then run $0 again."
  local want; want=$(stamp_of package-lock.json)
  if [ "$(cat node_modules/.newsroom-stamp 2>/dev/null)" != "$want" ]; then
    say "Installing USWDS from package-lock.json (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$want" > node_modules/.newsroom-stamp
  fi
}

# The USWDS stylesheet readers' pages load: only the packages assets/uswds.scss names, compiled
# from @uswds/uswds's Sass with the pinned `sass` (package.json's build:css) into build/static/,
# which settings.STATICFILES_DIRS serves. Built again when the Sass or package-lock.json changes.
ensure_uswds_css() {
  local want; want=$(stamp_of package-lock.json assets/*.scss)
  if [ ! -s build/static/uswds/css/newsroom-uswds.css ] || [ "$(cat build/.uswds-stamp 2>/dev/null)" != "$want" ]; then
    say "Building the USWDS stylesheet from its Sass packages (npm run build:css)"
    npm run --silent build:css
    echo "$want" > build/.uswds-stamp
  fi
}

manage() { .venv/bin/python manage.py "$@"; }
