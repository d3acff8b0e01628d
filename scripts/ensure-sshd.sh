#!/usr/bin/env bash
# Installs Debian's openssh-server when /usr/sbin/sshd is missing, for the PlanetLab tests that
# drive the Node Manager over a real sshd (test/helpers/sshd.ts). The tests start their own sshd
# on a loopback port with a temporary config; nothing here starts, enables or configures the
# system's ssh service. Idempotent and quiet when sshd is already there; needs root otherwise.
set -euo pipefail
if [ -x /usr/sbin/sshd ] && command -v ssh >/dev/null 2>&1 && command -v ssh-keygen >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-sshd: /usr/sbin/sshd is missing and this is not root; install Debian's openssh-server package" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
install() {
  # policy-rc.d keeps the package's postinst from starting a system-wide sshd.
  local policy=/usr/sbin/policy-rc.d created=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created=1
  fi
  local status=0
  apt-get install -y -qq --no-install-recommends openssh-server openssh-client >/dev/null || status=$?
  if [ "$created" = 1 ]; then rm -f "$policy"; fi
  return "$status"
}
# The package lists may be missing on a fresh image: update once and try again.
install || { apt-get update -qq && install; }
test -x /usr/sbin/sshd
