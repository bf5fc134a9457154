#!/usr/bin/env bash
# Installs everything Profundo's main job and test suite need on a fresh Debian machine with
# Node.js 20: Debian's packages for the gpu.js suites (Xvfb, Chromium, headless-gl's build
# dependencies), pnpm at the pinned version, and the workspace with its frozen lockfile; then
# builds every package (the CPU backend's WebAssembly kernels are compiled at build time, and
# the examples import them).
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1
# node-gyp builds headless-gl against the local Node headers instead of downloading them.
export npm_config_nodedir=/usr

PACKAGES=(xvfb chromium libxi-dev libglu1-mesa-dev libglew-dev pkg-config build-essential python3)
if ! dpkg -s "${PACKAGES[@]}" >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y "${PACKAGES[@]}"
fi

if [ "$(pnpm --version 2>/dev/null)" != "12.21.0" ]; then
  npm install -g pnpm@12.21.0
fi
pnpm install --frozen-lockfile
pnpm run build
