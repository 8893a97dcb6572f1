#!/usr/bin/env bash
# Runs every test project of the solution against real stand-ins (LocalS3 in-process, DynamoDB Local, fauxqs,
# rclone, the AWS CLI) and ends with one line: "N passed, N failed".
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/prerequisites.sh

results=artifacts/test-results
rm -rf "$results"
mkdir -p "$results"

dotnet build S3Migrate.sln -c Release -nologo -clp:ErrorsOnly
set +e
# One test project at a time (-m:1): several test the timing of kills, interrupts and stalls, which two cores shared
# by several test processes at once would measure instead.
dotnet test S3Migrate.sln -c Release --no-build --nologo -m:1 \
  --logger "console;verbosity=minimal" --results-directory "$results" \
  --blame-hang-timeout 10m 2>&1 | tee "$results/console.log"
status=${PIPESTATUS[0]}
set -e

# Each test assembly ends with "Passed!  - Failed: F, Passed: P, …" (or "Failed!  - …"): add them up.
passed=0
failed=0
while read -r f p; do
  passed=$((passed + p))
  failed=$((failed + f))
done < <(sed -n 's/^\(Passed\|Failed\)! *- Failed: *\([0-9]*\), Passed: *\([0-9]*\),.*/\2 \3/p' "$results/console.log")
if ((status != 0 && failed == 0)); then
  # The run failed outside any test (build, crash, hang): count it as a failure so it is never read as green.
  failed=1
fi
echo "${passed} passed, ${failed} failed"
exit "$status"
