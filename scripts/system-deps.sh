#!/usr/bin/env bash
# Debian packages the app needs (fonts and Pango for WeasyPrint, gettext for translations)
# and, with "test", what the tests need too (poppler-utils for pdfsig, chromium for browser tests).
set -euo pipefail
mode=${1:-test}
need=()
command -v msgfmt >/dev/null || need+=(gettext)
if [ "$mode" = test ]; then
  command -v pdfsig >/dev/null || need+=(poppler-utils)
  command -v chromium >/dev/null || need+=(chromium)
  command -v wrk >/dev/null || need+=(wrk)
fi
[ -e /usr/lib/x86_64-linux-gnu/libpango-1.0.so.0 ] || [ -e /usr/lib/aarch64-linux-gnu/libpango-1.0.so.0 ] || need+=(libpango-1.0-0 libpangoft2-1.0-0)
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing system packages: ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "Missing system packages (install them with sudo apt-get install): ${need[*]}" >&2
    exit 1
  fi
fi
