#!/usr/bin/env bash
# Installs what the tests and the demo need besides the .NET SDK, once: Debian packages (rclone and the AWS CLI,
# used as outside clients of LocalS3; a Java runtime for DynamoDB Local) and the npm stand-ins.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

missing=()
[[ -x /usr/bin/rclone ]] || missing+=(rclone)
[[ -x /usr/bin/aws ]] || missing+=(awscli)
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)

if ((${#missing[@]} > 0)); then
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || { echo "prerequisites: install ${missing[*]} (needs root)" >&2; exit 1; }
    sudo=(sudo)
  fi
  echo "prerequisites: installing ${missing[*]}" >&2
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

bash scripts/standins.sh install
