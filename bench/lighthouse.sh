#!/usr/bin/env bash
# Lighthouse (npm `lighthouse`, mobile mode: emulated phone, simulated slow 4G and 4x CPU) on
# every auditor page: performance, accessibility and best practices (targets: each >= 95).
#
# A demo server on its own SQLite database; a headless chromium (Debian's) logged in as an
# auditor with a visit in progress, started by bench/lighthouse_phone.py with a debugging
# port; Lighthouse measures each page in that browser (storage kept: a repeat visit, with the
# service worker installed, as an auditor in the field opens the app). Needs Node.js (npx).
#
#   bench/lighthouse.sh                 # prints a table; JSON reports in $OUT (default below)
set -euo pipefail
cd "$(dirname "$0")/.."

export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
LIGHTHOUSE=${LIGHTHOUSE:-lighthouse@13.5.0}
PORT=${PORT:-5099}
DEBUG_PORT=${DEBUG_PORT:-9333}
OUT=${OUT:-$(mktemp -d /tmp/lighthouse.XXXXXX)}
WORK=$(mktemp -d)
PY=.venv/bin/python
mkdir -p "$OUT"

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

export DATABASE_URL="sqlite:///$WORK/bench.db" MEDIA_DIR="$WORK/media" SECRET_KEY=lighthouse \
  AUDITOR_ENV=development DEMO_AUDITS=${DEMO_AUDITS:-40}
.venv/bin/flask --app wsgi db upgrade >/dev/null 2>&1
.venv/bin/flask --app wsgi seed-demo >/dev/null
.venv/bin/gunicorn --workers 2 --bind "127.0.0.1:$PORT" wsgi:app 2>"$WORK/gunicorn.log" &
pids+=($!)
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

mkfifo "$WORK/hold"
"$PY" bench/lighthouse_phone.py "http://127.0.0.1:$PORT" alex@example.com demo-pass \
  "$WORK/profile" "$DEBUG_PORT" <"$WORK/hold" >"$WORK/urls" &
pids+=($!)
exec 3>"$WORK/hold"  # the phone stays up until this closes
for _ in $(seq 300); do grep -q '^ready$' "$WORK/urls" 2>/dev/null && break; sleep 0.2; done
grep -q '^ready$' "$WORK/urls" || { echo "the phone did not get ready" >&2; exit 1; }

echo "Lighthouse ${LIGHTHOUSE#lighthouse@}, mobile; reports in $OUT"
printf '%-14s %12s %14s %15s\n' page performance accessibility best-practices
failed=0
while read -r url; do
  name=$(echo "$url" | sed -E 's#^https?://[^/]+##; s#\?.*##; s#^/app/?##; s#^/##; s#^$#visits#')
  npx --yes "$LIGHTHOUSE" "$url" --port="$DEBUG_PORT" --disable-storage-reset \
    --form-factor=mobile --only-categories=performance,accessibility,best-practices \
    --output=json --output-path="$OUT/$name.json" --quiet </dev/null >/dev/null 2>"$OUT/$name.log" \
    || { echo "$name: lighthouse failed, see $OUT/$name.log" >&2; failed=1; continue; }
  "$PY" - "$OUT/$name.json" "$name" <<'PYEOF'
import json, sys
report = json.load(open(sys.argv[1]))
score = lambda key: round(100 * (report["categories"][key]["score"] or 0))
print(f"{sys.argv[2]:<14} {score('performance'):>12} {score('accessibility'):>14} {score('best-practices'):>15}")
PYEOF
done < <(grep '^http' "$WORK/urls")
exec 3>&-
exit "$failed"
