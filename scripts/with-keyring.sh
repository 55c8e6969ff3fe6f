#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring,
# so keytar talks to a real Secret Service. The keyring lives in a temporary
# folder: tests never touch the user's own keyring.
set -euo pipefail
if [ -z "${RELAY_DESK_TEST_KEYRING:-}" ]; then
  keyring_home=$(mktemp -d)
  trap 'rm -rf "$keyring_home"' EXIT
  RELAY_DESK_TEST_KEYRING="$keyring_home" dbus-run-session -- bash "$0" "$@"
  exit $?
fi
export XDG_DATA_HOME="$RELAY_DESK_TEST_KEYRING/data"
export XDG_RUNTIME_DIR="$RELAY_DESK_TEST_KEYRING/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
eval "$(printf 'relay-desk-test' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
"$@"
