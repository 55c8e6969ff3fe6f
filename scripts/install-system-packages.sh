#!/usr/bin/env bash
# Installs Debian packages that are missing, and nothing when all are present.
# Without arguments: the packages the tests need — a real keychain
# (gnome-keyring on D-Bus), a DNS server (dnsmasq), SMTP peers no one here
# wrote (swaks, aiosmtpd), a DKIM verifier no one here wrote (dkimpy, with
# dnspython to fetch keys and PyNaCl for Ed25519 signatures), the address parser Dovecot uses
# (Email::Address::XS, for the sender-check differential), a browser
# (Chromium), and desktop-file-utils' validator and GLib's `gio launch`, which
# check and run the start-at-login entry as a desktop session would, and
# the firewall tools whose rules the doctor's firewall check reads (nft,
# iptables; never enabled or changed). With arguments: those
# packages instead (the benchmarks' installer uses this).
set -euo pipefail
packages=(
  chromium
  gnome-keyring dbus libsecret-1-dev
  dnsmasq-base
  swaks libnet-ssleay-perl libio-socket-ssl-perl libauthen-sasl-perl python3-aiosmtpd
  libemail-address-xs-perl
  python3-dkim python3-dnspython python3-nacl
  desktop-file-utils libglib2.0-bin
  nftables iptables
  procps
)
[ $# -gt 0 ] && packages=("$@")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
