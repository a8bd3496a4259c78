#!/usr/bin/env bash
# Installs (or upgrades) avsplit on a Debian 12 server: the binary, a service user, the config and data folders,
# and the systemd unit. Usage, as root:  appliance/install.sh dist/avsplit
# An upgrade backs the database up first, then migrates it with the new binary before the service restarts.
set -euo pipefail

binary="${1:?usage: install.sh PATH/TO/avsplit}"
[ "$(id -u)" -eq 0 ] || { echo "install.sh must run as root" >&2; exit 1; }
here="$(cd "$(dirname "$0")" && pwd)"

id avsplit >/dev/null 2>&1 || useradd --system --home-dir /var/lib/avsplit --shell /usr/sbin/nologin avsplit
install -d -o root -g avsplit -m 0750 /etc/avsplit
install -d -o avsplit -g avsplit -m 0750 /var/lib/avsplit

if [ ! -f /etc/avsplit/avsplit.toml ]; then
  sed 's#^data_dir = .*#data_dir = "/var/lib/avsplit"                # SQLite DB, TLS cert, recordings, screenshots#' \
    "$here/avsplit.example.toml" > /etc/avsplit/avsplit.toml
  chown root:avsplit /etc/avsplit/avsplit.toml
  chmod 0640 /etc/avsplit/avsplit.toml
fi
"$binary" config check /etc/avsplit/avsplit.toml

upgrading=no
[ -f /var/lib/avsplit/avsplit.db ] && upgrading=yes
if [ "$upgrading" = yes ]; then
  systemctl stop avsplit 2>/dev/null || true
  stamp="$(date -u +%Y%m%dT%H%M%SZ)"
  runuser -u avsplit -- /usr/local/bin/avsplit backup --config /etc/avsplit/avsplit.toml --out "/var/lib/avsplit/backup-before-upgrade-$stamp.db"
fi

install -o root -g root -m 0755 "$binary" /usr/local/bin/avsplit
install -o root -g root -m 0644 "$here/99-avsplit.conf" /etc/sysctl.d/99-avsplit.conf
sysctl -q -p /etc/sysctl.d/99-avsplit.conf || echo "warning: could not apply /etc/sysctl.d/99-avsplit.conf now; it applies at next boot" >&2
runuser -u avsplit -- /usr/local/bin/avsplit migrate --config /etc/avsplit/avsplit.toml
install -o root -g root -m 0644 "$here/avsplit.service" /etc/systemd/system/avsplit.service
systemctl daemon-reload
systemctl enable avsplit >/dev/null
systemctl restart avsplit

if [ "$upgrading" = no ]; then
  echo "avsplit installed. Create the first administrator:"
  echo "  runuser -u avsplit -- avsplit user add admin --role admin --config /etc/avsplit/avsplit.toml"
fi
