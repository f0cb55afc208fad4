#!/usr/bin/env bash
# Screenshot a built page as a reader sees it:
#   tools/screenshot.sh PAGE.html OUT.png [WIDTH,HEIGHT] [ANCHOR]
# ANCHOR: start the shot at that element id. Needs Debian's chromium (apt-get install -y chromium).
set -euo pipefail
page=$(realpath "$1"); out=$2; size=${3:-1400,1800}; anchor=${4:-}
profile=$(mktemp -d)
shown=$page
if [ -n "$anchor" ]; then  # a sibling copy that scrolls (headless ignores #fragments)
  shown=$(dirname "$page")/.screenshot-$$.html
  # headless Chromium shoots from the top: drop what comes before the anchor instead
  python3 - "$page" "$shown" "$anchor" <<'PY'
import sys
page, shown, anchor = sys.argv[1:]
script = ("<script>(function(){var e=document.getElementById(%r);"
          "for(;e&&e.parentNode;e=e.parentNode){while(e.previousElementSibling&&"
          "e.parentNode.tagName!=='HTML'){e.previousElementSibling.remove();}}})()</script>" % anchor)
html = open(page, encoding="utf-8").read().replace("</body>", script + "</body>")
open(shown, "w", encoding="utf-8").write(html)
PY
fi
trap 'rm -rf "$profile"; [ "$shown" = "$page" ] || rm -f "$shown"' EXIT
chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run --user-data-dir="$profile" \
  --hide-scrollbars --virtual-time-budget=3000 --screenshot="$out" --window-size="$size" "file://$shown" 2>/dev/null
echo "$out"
