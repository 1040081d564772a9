#!/usr/bin/env bash
# Install, when missing, what the browser, accessibility and HTML-validity tests need:
# Debian's Chromium with Japanese fonts and a Java runtime (apt-get, as root), Pango for the
# business report's PDF (WeasyPrint) and poppler-utils to read it back, and the W3C Nu
# checker (npm package vnu-jar, into node_modules/, not saved in any package.json).
# `tools/install_test_deps.sh wrk` installs the load tool of `make bench` instead.
# Never downloads a browser build of its own. Without root or apt-get it only says what is
# missing: the tests that need it then skip with the reason.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_install() {
  if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "Missing Debian packages: $* (install them as root: apt-get install -y $*)" >&2
    return 0
  fi
  echo "Installing Debian packages: $*"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q "$@" >/dev/null
}

if [ "${1:-}" = "wrk" ]; then
  command -v wrk >/dev/null 2>&1 || apt_install wrk
  exit 0
fi

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
# WeasyPrint (the business report's PDF) draws text with Pango; the PDF test reads the text
# back with pdftotext (poppler-utils).
dpkg -s libpango-1.0-0 >/dev/null 2>&1 || missing+=(libpango-1.0-0)
dpkg -s libpangoft2-1.0-0 >/dev/null 2>&1 || missing+=(libpangoft2-1.0-0)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
if [ "${#missing[@]}" -gt 0 ]; then
  apt_install "${missing[@]}"
fi

if [ ! -f node_modules/vnu-jar/build/dist/vnu.jar ]; then
  if command -v npm >/dev/null 2>&1; then
    echo "Installing the W3C Nu HTML checker (npm vnu-jar) into node_modules/"
    npm install --no-save --no-audit --no-fund --loglevel=error vnu-jar >/dev/null
  else
    echo "npm is missing: the HTML-validity test will skip (install nodejs and npm)" >&2
  fi
fi
