#!/usr/bin/env bash
# Synthesizes the S3Migrate CDK app by running it (no cdk CLI, no AWS account, no network) and checks the templates:
#   1. cfn-guard (shipped in the npm package @cdklabs/cdk-validator-cfnguard) with our rules in guard/;
#   2. scripts/check-resource-spec.mjs against the CDK's database of CloudFormation resource types.
#
# usage: scripts/check-templates.sh [--settings FILE] [--out DIR]
#   --settings FILE  deployment settings file (see settings.example.json); default: none, the app's defaults
#   --out DIR        where the templates are written; default: cdk.out next to this script's folder
# Exit status is non-zero when synthesis fails or any check finds a problem.
set -euo pipefail

infra="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
outdir="$infra/cdk.out"
settings=""
while [ $# -gt 0 ]; do
  case "$1" in
    --settings) settings="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"; shift 2 ;;
    --out) mkdir -p "$2"; outdir="$(cd "$2" && pwd)"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

# The CDK's jsii runtime leaves its unpacked modules in TMPDIR; give it a folder of its own and remove it afterwards.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export TMPDIR="$work"
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="${JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION:-20}"

cd "$infra"
if [ ! -f node_modules/@cdklabs/cdk-validator-cfnguard/package.json ] || [ ! -f node_modules/@aws-cdk/aws-service-spec/package.json ]; then
  npm ci --no-audit --no-fund
fi

case "$(uname -s)" in
  Linux) os=ubuntu ;;
  Darwin) os=macos ;;
  *) echo "cfn-guard is shipped for Linux and macOS only" >&2; exit 2 ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) arch=x86_64 ;;
  aarch64 | arm64) arch=aarch64 ;;
  *) echo "no cfn-guard for $(uname -m)" >&2; exit 2 ;;
esac
guard="node_modules/@cdklabs/cdk-validator-cfnguard/bin/$os/$arch/cfn-guard"

echo "== synthesizing into $outdir"
rm -rf "$outdir"
context="{}"
if [ -n "$settings" ]; then
  context="{\"s3migrate:settings\":\"$settings\"}"
fi
CDK_OUTDIR="$outdir" CDK_CONTEXT_JSON="$context" dotnet run --project src/S3Migrate.Infra -c Release

templates=("$outdir"/*.template.json)
data_args=()
for template in "${templates[@]}"; do
  data_args+=(--data "$template")
done

echo "== cfn-guard with guard/"
"$guard" validate --rules guard "${data_args[@]}" --show-summary fail

echo "== CloudFormation resource specification"
node scripts/check-resource-spec.mjs "${templates[@]}"

echo "== ${#templates[@]} templates passed"
