#!/usr/bin/env bash
# Installs the test dependencies that are missing: npm packages, then the Debian packages the
# interop tests drive (sipp, baresip, chromium, firefox-esr, ffmpeg, tshark, sox). Idempotent and quiet when all is there.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x node_modules/.bin/bun ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

declare -A need=( [sipp]=sip-tester [baresip]=baresip [chromium]=chromium [ffmpeg]=ffmpeg [ffprobe]=ffmpeg [tshark]=tshark [sox]=sox [openssl]=openssl [kamailio]=kamailio [firefox-esr]=firefox-esr )
missing=()
for cmd in "${!need[@]}"; do command -v "$cmd" >/dev/null 2>&1 || missing+=("${need[$cmd]}"); done
# baresip's H.264 codec lives in a separate package.
[ -e /usr/lib/baresip/modules/avcodec.so ] || missing+=(baresip-ffmpeg)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then echo "missing packages (${missing[*]}): run as root or install them" >&2; exit 1; fi
  echo "installing: $(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
  apt-get install -y -qq --no-install-recommends $(printf '%s\n' "${missing[@]}" | sort -u) >/dev/null
fi
