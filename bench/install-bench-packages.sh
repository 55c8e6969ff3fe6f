#!/usr/bin/env bash
# Installs the Debian packages only the benchmarks need: Postfix, for its
# smtp-sink (the local upstream both relays deliver to) and as the relay the
# figures are compared with; OpenDKIM, Postfix's DKIM signer (a milter) on
# the "as the product runs" rows; Cyrus SASL's sasldb tools (sasl2-bin) and
# its PLAIN mechanism (libsasl2-modules), so that Postfix answers AUTH PLAIN
# from a private password file as the relay does. Postfix is preseeded to "No configuration" so the
# install asks nothing and writes no system mail setup; the bench runs its own
# private instance from a temporary config directory and never starts the
# system one. Does nothing when all are present.
set -euo pipefail
here=$(dirname "$0")
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
echo "postfix postfix/main_mailer_type select No configuration" | "${as_root[@]}" debconf-set-selections
"$here/../scripts/install-system-packages.sh" postfix procps opendkim opendkim-tools sasl2-bin libsasl2-modules
# Package scripts may try to start the service; on a machine with an init it
# would then be running. The bench needs it stopped (it uses its own instance).
if command -v postfix >/dev/null && "${as_root[@]}" postfix status >/dev/null 2>&1; then
  "${as_root[@]}" postfix stop >/dev/null 2>&1 || true
fi
# The same for OpenDKIM and saslauthd: the bench runs its own instances.
for service in opendkim saslauthd; do
  if command -v service >/dev/null && service "$service" status >/dev/null 2>&1; then
    "${as_root[@]}" service "$service" stop >/dev/null 2>&1 || true
  fi
done
# Haraka, the Node peer of bench:relay-product and bench:open-loop, pinned in
# bench/haraka/package.json (and its lockfile) and installed there, so the
# app's own dependencies and lockfile stay as they are. Optional plugins are
# left out: the bench uses tls, auth/flat_file and dkim (installed explicitly).
if [ ! -x "$here/haraka/node_modules/.bin/haraka" ]; then
  (cd "$here/haraka" && npm ci --omit=optional --no-audit --no-fund --loglevel=error)
fi
