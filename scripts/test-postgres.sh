#!/usr/bin/env bash
# Runs Vitest with the PostgreSQL suites (vitest.config.ts, POSTGRES_SUITES)
# against a local PostgreSQL: makes sure a cluster is running (Debian's
# pg_ctlcluster, as root), creates the throwaway test roles, and exports
#   TEST_DATABASE_URL      a role that may CREATE DATABASE: each service under
#                          test gets a database t_<random> of its own, dropped after
#   TEST_DATABASE_APP_URL  a role that owns nothing (the README's GRANTs are tested on it)
# then runs the command given (default: the PostgreSQL project alone).
#
#   scripts/test-postgres.sh                            the PostgreSQL suites
#   npm run test:postgres -- tests/notifications        some of them
#   npm run test:unit                                   both engines in one Vitest run
#
# Without PostgreSQL it says so and runs the command on PGlite alone; with CI
# set, a missing PostgreSQL is an error. TEST_DATABASE_URL already set: used as is.
set -euo pipefail
cd "$(dirname "$0")/.."

# The PostgreSQL project alone (the default): nothing to run without PostgreSQL.
[ $# -gt 0 ] || set -- npx vitest run --project postgres
postgres_only=
case " $* " in *" --project postgres "*) postgres_only=1 ;; esac

ROLE=notifications_test
APP_ROLE=notifications_test_app
# Throwaway roles on a loopback cluster, for tests only.
PASSWORD=notifications_test
HOST=127.0.0.1
PORT=${PGPORT:-5432}

# Without PostgreSQL: an error in CI, else a note and the command on PGlite alone.
unavailable() {
  if [ -n "${CI:-}" ] && [ "${CI:-}" != "false" ]; then
    echo "test-postgres: PostgreSQL is not available ($1), and CI must run the PostgreSQL suites." >&2
    exit 1
  fi
  local note="test-postgres: NOTE: PostgreSQL is not available ($1): the PostgreSQL suites were SKIPPED."
  echo "$note" >&2
  [ -z "$postgres_only" ] || exit 0
  set +e
  "${cmd[@]}"
  local rc=$?
  # Said again after the run's own summary, where it is read.
  echo "$note (the PGlite suites ran)" >&2
  exit $rc
}
cmd=("$@")

if [ -z "${TEST_DATABASE_URL:-}" ]; then
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$bindir" ]; then unavailable "no /usr/lib/postgresql/*/bin; Debian: apt-get install postgresql"; fi
  ready() { "$bindir/pg_isready" -q -h "$HOST" -p "$PORT"; }
  if ! ready && [ "$(id -u)" = 0 ] && command -v pg_ctlcluster >/dev/null 2>&1; then
    version=$(basename "$(dirname "$bindir")")
    pg_ctlcluster "$version" main start >/dev/null 2>&1 || true
    for _ in $(seq 1 30); do ready && break; sleep 0.5; done
  fi
  if ! ready; then unavailable "nothing answers on $HOST:$PORT"; fi

  # As the postgres superuser (peer authentication), create the roles once.
  as_postgres() {
    if [ "$(id -u)" = 0 ]; then su postgres -c "$*"; elif [ "$(id -un)" = postgres ]; then bash -c "$*"; else return 1; fi
  }
  sql="DO \$\$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') THEN
      CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD';
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$APP_ROLE') THEN
      CREATE ROLE $APP_ROLE LOGIN PASSWORD '$PASSWORD';
    END IF;
  END \$\$;"
  if ! as_postgres "psql -p $PORT -v ON_ERROR_STOP=1 -qAt" <<<"$sql" >/dev/null; then
    # Not root: the roles may exist already (made by CI or an earlier run as root).
    PGPASSWORD=$PASSWORD "$bindir/psql" -h "$HOST" -p "$PORT" -U "$ROLE" -d postgres -qAt -c "SELECT 1" >/dev/null 2>&1 ||
      unavailable "cannot create the test roles (run once as root)"
  fi
  export PGPASSWORD=$PASSWORD
  # The test role's own database, and no databases left over by an interrupted run (one that
  # nobody is connected to: another run going on at the same time keeps its own).
  "$bindir/psql" -h "$HOST" -p "$PORT" -U "$ROLE" -d postgres -qAt -c "SELECT 1 FROM pg_database WHERE datname = '$ROLE'" | grep -q 1 ||
    "$bindir/createdb" -h "$HOST" -p "$PORT" -U "$ROLE" "$ROLE"
  for db in $("$bindir/psql" -h "$HOST" -p "$PORT" -U "$ROLE" -d "$ROLE" -qAt -c \
    "SELECT datname FROM pg_database d WHERE datname ~ '^t_[0-9a-f]{16}$' AND datdba = (SELECT oid FROM pg_roles WHERE rolname = '$ROLE')
       AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = d.datname)"); do
    "$bindir/psql" -h "$HOST" -p "$PORT" -U "$ROLE" -d "$ROLE" -qAt -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null || true
  done
  unset PGPASSWORD
  export TEST_DATABASE_URL="postgres://$ROLE:$PASSWORD@$HOST:$PORT/$ROLE"
  export TEST_DATABASE_APP_URL="postgres://$APP_ROLE:$PASSWORD@$HOST:$PORT/$ROLE"
  echo "test-postgres: PostgreSQL $($bindir/postgres --version | awk '{print $3}') at $HOST:$PORT (role $ROLE)" >&2
fi

exec "$@"
