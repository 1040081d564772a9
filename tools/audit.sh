#!/usr/bin/env bash
# Dependency audit: check the installed packages of .venv against known vulnerabilities with
# pip-audit (PyPA), which asks PyPI's advisory data, so it needs the network. pip-audit lives in
# a throwaway virtualenv, so it never enters the portal's own dependencies.
# Run it before a release and after any dependency change: `bash tools/audit.sh`. --strict makes
# it fail when a package could not be checked (e.g. the advisory service is out of reach).
set -euo pipefail
cd "$(dirname "$0")/.."
tool_dir="$(mktemp -d)"
trap 'rm -rf "$tool_dir"' EXIT
python3 -m venv "$tool_dir/venv"
"$tool_dir/venv/bin/pip" install --quiet --disable-pip-version-check pip-audit
site_packages="$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
"$tool_dir/venv/bin/pip-audit" --path "$site_packages" --progress-spinner off --strict "$@"
