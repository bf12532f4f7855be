#!/bin/bash
# Counts the SQL statements the studio runs for N non-streaming chat calls of one signed-in user,
# with the state caches on (TTL 60) or off (TTL 0). Counted, not timed, so it means the same on a
# loaded machine. Needs `cargo build -p server -p fake-openrouter` (debug binaries) and curl.
# usage: bash server/benches/statements.sh TTL N   (binaries from ${CARGO_TARGET_DIR:-target}/debug;
# ports 18390 and 18391)
set -u
T=${CARGO_TARGET_DIR:-target}/debug
TTL=$1; N=$2
D=$(mktemp -d)
$T/fake-openrouter --addr 127.0.0.1:18391 >/dev/null 2>&1 & FAKE=$!
sleep 0.5
env -i PATH=$PATH NO_COLOR=1 DATABASE_URL=sqlite://$D/studio.db STUDIO_KEYRING_FILE=$D/keyring.json \
  OPENROUTER_BASE_URL=http://127.0.0.1:18391/api/v1 LEPTOS_SITE_ADDR=127.0.0.1:18390 \
  CACHE_TTL_SECS=$TTL RUST_LOG=warn,sqlx::query=debug $T/studio > $D/log 2>&1 & STUDIO=$!
for i in $(seq 100); do curl -s -o /dev/null http://127.0.0.1:18390/health && break; sleep 0.2; done
H='-H sec-fetch-site:same-origin -H content-type:application/json'
curl -s -c $D/jar $H -d '{"email":"p@example.com","password":"correct horse battery staple"}' http://127.0.0.1:18390/api/auth/signup >/dev/null
curl -s -b $D/jar $H -d "{\"apiKey\":\"sk-or-v1-$(printf 'ab%.0s' {1..32})\"}" http://127.0.0.1:18390/api/user/api-key >/dev/null
sleep 1
before=$(grep -c "summary=\"\(SELECT\|INSERT\|UPDATE\|DELETE\|BEGIN\|COMMIT\)" $D/log)
ok=0
for i in $(seq $N); do
  s=$(curl -s -o /dev/null -w '%{http_code}' -b $D/jar $H -d '{"messages":[{"role":"user","content":"hi"}]}' http://127.0.0.1:18390/api/ai/chat)
  [ "$s" = 200 ] && ok=$((ok+1))
done
sleep 1.5   # the ledger's batch is written
after=$(grep -c "summary=\"\(SELECT\|INSERT\|UPDATE\|DELETE\|BEGIN\|COMMIT\)" $D/log)
echo "TTL=$TTL: $ok of $N chats 200; statements during them: $((after-before))"
grep -E "summary=\"(SELECT|INSERT|UPDATE|DELETE|BEGIN|COMMIT)" $D/log | tail -n +$((before+1)) | sed -E 's/.*summary="([^"]{0,70}).*/\1/' | sed 's/\\//g' | sort | uniq -c | sort -rn | head -12
kill $STUDIO $FAKE; wait 2>/dev/null
