#!/usr/bin/env bash
# Opens REPORT_DIR/report.html in headless Chromium at desktop (1280 px) and phone (390 px)
# widths, saves screenshots and a PDF into OUT_DIR, and fails on any console error, any
# request that is not file:/data:, sideways scrolling, or a page that does not print.
# Usage: scripts/browser_check.sh [REPORT_DIR (reports)] [OUT_DIR (/tmp/flowaudit-browser)]
# Needs only python3 and Debian's `chromium` (CHROMIUM=/path overrides). See browser_check.py.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
exec python3 "$here/browser_check.py" "${1:-reports}" "${2:-/tmp/flowaudit-browser}"
