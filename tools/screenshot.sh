#!/usr/bin/env bash
# Screenshot a built page as a reader sees it: tools/screenshot.sh PAGE.html OUT.png [WIDTHxHEIGHT]
# Needs Debian's chromium (apt-get install -y chromium).
set -euo pipefail
page=$(realpath "$1"); out=$2; size=${3:-1400,1800}
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run --user-data-dir="$profile" \
  --hide-scrollbars --screenshot="$out" --window-size="$size" "file://$page" 2>/dev/null
echo "$out"
