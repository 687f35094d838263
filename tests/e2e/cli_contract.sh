#!/usr/bin/env bash
# The CLI contract end to end: exit statuses, output neutralization of hostile log content,
# rules check over the shared rule sets (when present). Usage: cli_contract.sh CLOUDSIFT SRC_DIR
set -u
BIN=$1
SRC=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { # name, condition result
  if [ "$2" -ne 0 ]; then echo "FAIL: $1"; fail=1; else echo "ok: $1"; fi
}

mkdir -p "$tmp/rules" "$tmp/logs"
cat > "$tmp/rules/r.yml" <<'YML'
title: Any CreateUser
id: 5f7a4b2e-1111-4c1a-9f00-00000000e2e1
level: high
logsource: {product: aws, service: cloudtrail}
detection:
  sel: {eventName: CreateUser}
  condition: sel
YML
# A hostile event: ANSI escapes, a C1 control, a spreadsheet formula, HTML.
printf '%s\n' '{"eventVersion":"1.08","eventTime":"2024-05-01T12:00:00Z","eventSource":"iam.amazonaws.com","eventName":"CreateUser","awsRegion":"us-east-1","sourceIPAddress":"=HYPERLINK(\"http://x\")","userAgent":"\u001b[2J\u001b]0;pwned\u0007<script>","userIdentity":{"type":"IAMUser","arn":"\u001b[31mred\u009b1m","accountId":"111122223333"},"eventID":"x1"}' > "$tmp/logs/evil.jsonl"

"$BIN" hunt "$tmp/logs" --rules "$tmp/rules" --color always > "$tmp/table.txt" 2> "$tmp/err.txt"
check "clean hunt exits 0" $?
grep -q "Any CreateUser" "$tmp/table.txt"; check "table shows the finding" $?
# Our own colour codes are allowed; none may come from the log (ESC followed by '[2J' or ']0;').
! grep -qP '\x1b\[2J|\x1b\]0;|\x07|\xc2\x9b' "$tmp/table.txt" "$tmp/err.txt"; check "no terminal control from log content" $?

"$BIN" hunt "$tmp/logs" --rules "$tmp/rules" --format csv --output "$tmp/f.csv" 2>/dev/null
check "csv exits 0" $?
grep -q "'=HYPERLINK" "$tmp/f.csv"; check "csv formula guarded" $?
! grep -qP '\x1b' "$tmp/f.csv"; check "csv has no escape bytes" $?

"$BIN" hunt "$tmp/logs" --rules "$tmp/rules" --format jsonl 2>/dev/null | jq -e . > /dev/null
check "jsonl is valid JSON" $?

cp "$tmp/logs/evil.jsonl" "$tmp/logs/bad.jsonl"
printf '{"eventVersion":"1.08",broken\n' >> "$tmp/logs/bad.jsonl"
printf 'just some text\n' > "$tmp/logs/notes.txt"
"$BIN" hunt "$tmp/logs" --rules "$tmp/rules" > /dev/null 2> "$tmp/err2.txt"
test $? -eq 3; check "skipped input exits 3" $?
grep -q "bad.jsonl" "$tmp/err2.txt" && grep -q "line 2" "$tmp/err2.txt"; check "bad line named with file and line" $?
grep -q "notes.txt" "$tmp/err2.txt"; check "unrecognized file named" $?

"$BIN" hunt "$tmp/logs" --rules "$tmp/rules" --since yesterday-ish > /dev/null 2>&1
test $? -eq 2; check "bad --since is a usage error (2)" $?
"$BIN" hunt --no-such-option > /dev/null 2>&1
test $? -eq 2; check "unknown option is a usage error (2)" $?
"$BIN" hunt "$tmp/does-not-exist" --rules "$tmp/rules" > /dev/null 2>&1
test $? -eq 3; check "missing input reported (3)" $?

DATASETS=${CLOUDSIFT_DATASETS:-$SRC/../shared/datasets}
if [ -d "$DATASETS/rules/sigmahq/rules" ]; then
  "$BIN" rules check "$DATASETS/rules/sigmahq/rules" "$DATASETS/rules/suzaku/sigma" "$DATASETS/rules/suzaku/suzaku" > "$tmp/rc.txt" 2>&1
  check "shared rule sets load with no error" $?
else
  echo "skip: shared datasets absent"
fi
"$BIN" rules check "$SRC/rules" > /dev/null 2>&1
check "built-in rule pack loads with no error" $?
exit $fail
