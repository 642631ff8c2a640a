#!/usr/bin/env bash
# Debian packages the app needs (fonts and Pango for WeasyPrint, gettext for translations)
# and, with "test", what the tests need too (poppler-utils for pdfsig, chromium for browser tests,
# nginx and caddy, whose `nginx -t` and `caddy validate` check deploy/'s proxy configurations:
# they are installed with their services left stopped).
set -euo pipefail
mode=${1:-test}
need=()
command -v msgfmt >/dev/null || need+=(gettext)
if [ "$mode" = test ]; then
  command -v pdfsig >/dev/null || need+=(poppler-utils)
  command -v chromium >/dev/null || need+=(chromium)
  command -v wrk >/dev/null || need+=(wrk)
  command -v nginx >/dev/null || need+=(nginx-light)
  command -v caddy >/dev/null || need+=(caddy)
fi
[ -e /usr/lib/x86_64-linux-gnu/libpango-1.0.so.0 ] || [ -e /usr/lib/aarch64-linux-gnu/libpango-1.0.so.0 ] || need+=(libpango-1.0-0 libpangoft2-1.0-0)
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing system packages: ${need[*]}"
    apt-get update -qq
    # No service starts during this install (nginx and caddy would take port 80): a temporary
    # policy-rc.d says so, unless the machine already has one.
    policy=/usr/sbin/policy-rc.d
    if [ ! -e $policy ]; then
      printf '#!/bin/sh\nexit 101\n' > $policy && chmod +x $policy
      trap 'rm -f /usr/sbin/policy-rc.d' EXIT
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "Missing system packages (install them with sudo apt-get install): ${need[*]}" >&2
    exit 1
  fi
fi
