#!/bin/sh
# An agency's system reports a milestone completed through the API, with
# nothing but curl and the API token the secretariat issued at /admin/tokens.
#
#   BASE=http://localhost:8080 TOKEN=ogpt_… MILESTONE=7 OTHER=12 sh api-demo.sh
#
# MILESTONE is one of the token's agency; OTHER one of another agency.
# TestTheCurlDemoScript runs this script against a test server.
set -eu
: "${BASE:?the tracker, e.g. http://localhost:8080}" "${TOKEN:?an API token}" "${MILESTONE:?a milestone id}" "${OTHER:?another agency's milestone id}"
TODAY=${TODAY:-$(date +%Y-%m-%d)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 1. Read the milestone; its ETag names the version we change.
curl -sS -f -D "$tmp/headers" -o "$tmp/milestone.json" "$BASE/api/v1/milestones/$MILESTONE"
etag=$(sed -n 's/^[Ee][Tt][Aa][Gg]: *//p' "$tmp/headers" | tr -d '\r')
commitment=$(sed 's/.*"commitment_id":\([0-9]*\).*/\1/' "$tmp/milestone.json")
echo "milestone $MILESTONE of commitment $commitment, version $etag"

# 2. Mark it completed today, if nobody changed it since we read it.
status=$(curl -sS -o "$tmp/answer.json" -w '%{http_code}' -X PATCH "$BASE/api/v1/milestones/$MILESTONE" \
  -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" -H "If-Match: $etag" \
  -d "{\"status\": \"completed\", \"completed_on\": \"$TODAY\"}")
echo "PATCH: $status $(cat "$tmp/answer.json")"
[ "$status" = 200 ]
grep -q '"status":"completed"' "$tmp/answer.json"

# 3. The change is public: on the commitment's page, in its feed and in its history.
curl -sS -f "$BASE/commitments/$commitment?lang=en" | grep -q "Changed through the API" && echo "on the public page: yes"
curl -sS -f "$BASE/feed.atom?commitment=$commitment&lang=en" | grep -q "Changed through the API (API token" && echo "in the feed: yes"
curl -sS -f "$BASE/api/v1/commitments/$commitment" | grep -q '"door":"api"' && echo "in the history: yes"

# 4. Another agency's milestone is refused, and left as it was.
status=$(curl -sS -o "$tmp/refused.json" -w '%{http_code}' -X PATCH "$BASE/api/v1/milestones/$OTHER" \
  -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \
  -d "{\"status\": \"completed\", \"completed_on\": \"$TODAY\", \"version\": 1}")
echo "another agency's milestone: $status $(cat "$tmp/refused.json")"
[ "$status" = 403 ]
echo "done"
