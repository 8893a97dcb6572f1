#!/usr/bin/env bash
# A real migration between two local S3 endpoints: starts LocalS3 with a "global" (us-east-1) and a "china"
# (cn-north-1) endpoint with different keys, fills the source with demo data (a few thousand small objects and
# several multipart ones), runs `s3migrate copy` with live progress and prints the verification summary.
# Needs only the .NET SDK. Ports: DEMO_GLOBAL_PORT (default 19000), DEMO_CHINA_PORT (default 19001).
set -euo pipefail
cd "$(dirname "$0")/.."

global_port=${DEMO_GLOBAL_PORT:-19000}
china_port=${DEMO_CHINA_PORT:-19001}
small=${DEMO_SMALL_OBJECTS:-3000}
large=${DEMO_LARGE_OBJECTS:-4}
large_mib=${DEMO_LARGE_MIB:-96}

echo "demo: building (Release)…"
for project in src/S3Migrate.LocalS3 src/S3Migrate.Cli tools/S3Migrate.DemoData; do
  dotnet build "$project" -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
done

work=$(mktemp -d)
locals3_pid=
cleanup() {
  if [[ -n "$locals3_pid" ]]; then kill "$locals3_pid" 2>/dev/null || true; wait "$locals3_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

dotnet src/S3Migrate.LocalS3/bin/Release/net10.0/S3Migrate.LocalS3.dll \
  --endpoint "global=127.0.0.1:${global_port},DEMOGLOBALKEY,demo-global-secret" \
  --endpoint "china=127.0.0.1:${china_port},DEMOCHINAKEY,demo-china-secret,region=cn-north-1" \
  --bucket global:demo-source --bucket china:demo-destination >"$work/locals3.log" 2>&1 &
locals3_pid=$!
for _ in $(seq 1 120); do
  grep -q "localS3: ready" "$work/locals3.log" 2>/dev/null && break
  if ! kill -0 "$locals3_pid" 2>/dev/null; then cat "$work/locals3.log" >&2; exit 1; fi
  sleep 0.5
done
grep -q "localS3: ready" "$work/locals3.log" || { echo "demo: LocalS3 did not start" >&2; cat "$work/locals3.log" >&2; exit 1; }
echo "demo: LocalS3 global on 127.0.0.1:${global_port} (us-east-1), china on 127.0.0.1:${china_port} (cn-north-1), different keys"

DEMO_ACCESS_KEY_ID=DEMOGLOBALKEY DEMO_SECRET_ACCESS_KEY=demo-global-secret \
  dotnet tools/S3Migrate.DemoData/bin/Release/net10.0/S3Migrate.DemoData.dll "http://127.0.0.1:${global_port}" demo-source "$small" "$large" "$large_mib"

cat >"$work/s3migrate.json" <<JSON
{
  "Endpoints": {
    "global": {
      "ServiceUrl": "http://127.0.0.1:${global_port}",
      "Region": "us-east-1",
      "Credentials": { "AccessKeyId": "DEMOGLOBALKEY", "SecretAccessKey": "demo-global-secret" }
    },
    "china": {
      "ServiceUrl": "http://127.0.0.1:${china_port}",
      "Region": "cn-north-1",
      "Credentials": { "AccessKeyId": "DEMOCHINAKEY", "SecretAccessKey": "demo-china-secret" }
    }
  }
}
JSON

echo "demo: s3migrate copy s3://demo-source/ s3://demo-destination/ --from global --to china"
set +e
dotnet src/S3Migrate.Cli/bin/Release/net10.0/s3migrate.dll copy s3://demo-source/ s3://demo-destination/ \
  --from global --to china --config "$work/s3migrate.json" --state-dir "$work/state" "$@"
status=$?
set -e
echo "demo: s3migrate exited with $status"
exit $status
