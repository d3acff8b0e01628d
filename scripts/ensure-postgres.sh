#!/usr/bin/env bash
# Makes sure PostgreSQL's server programs (initdb, pg_ctl: Debian's `postgresql` package) are
# installed, for the tests that start a throw-away cluster of their own (test/helpers/postgres.ts).
# Idempotent and quick when they are there; non-interactive. The package's own "main" cluster is
# not created: the tests never use a system cluster.
set -euo pipefail

if compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null && compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "ensure-postgres: PostgreSQL's server programs (initdb, pg_ctl) are missing and there is no apt-get; install PostgreSQL yourself" >&2
  exit 1
fi
run() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }

export DEBIAN_FRONTEND=noninteractive
run mkdir -p /etc/postgresql-common/createcluster.d
echo 'create_main_cluster = false' | run tee /etc/postgresql-common/createcluster.d/converge-tests.conf >/dev/null
echo "ensure-postgres: installing Debian's postgresql package" >&2
if ! run apt-get install -y -q --no-install-recommends postgresql >/dev/null 2>&1; then
  run apt-get update -q >/dev/null
  run apt-get install -y -q --no-install-recommends postgresql >/dev/null
fi
compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null
