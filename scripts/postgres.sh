#!/usr/bin/env bash
# Runs a throwaway PostgreSQL cluster for the graph package's tests.
#
#   scripts/postgres.sh [start]   install PostgreSQL from Debian packages when
#                                 missing, start (or reuse) the cluster on
#                                 127.0.0.1 and a free port, create the
#                                 database, and print its address (also
#                                 written to .cache/postgres/dsn)
#   scripts/postgres.sh stop      stop the cluster (its data stays)
#   scripts/postgres.sh status    say whether it runs, and where
#
# The cluster lives in .cache/postgres (GUANXI_PG_DIR overrides it), trusts
# every local connection and listens on loopback only: it is for tests, not
# for data anyone keeps. Run as root, it runs the server as the postgres
# user, since PostgreSQL refuses to run as root.
#
#   GUANXI_TEST_POSTGRES="$(scripts/postgres.sh)" go test ./graph/
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dir=${GUANXI_PG_DIR:-$root/.cache/postgres}
data=$dir/data
dsnfile=$dir/dsn
logfile=$dir/server.log
db=guanxi
user=postgres

say() { echo "postgres.sh: $*" >&2; }
die() { say "$*"; exit 1; }

# bindir finds the server programs: Debian keeps them out of PATH, in
# /usr/lib/postgresql/VERSION/bin.
bindir() {
	local d
	if command -v pg_config >/dev/null 2>&1; then
		d=$(pg_config --bindir 2>/dev/null || true)
		if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
			echo "$d"
			return
		fi
	fi
	d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
	if [ -n "$d" ] && [ -x "$d/initdb" ]; then
		echo "$d"
		return
	fi
	if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
		dirname "$(command -v initdb)"
	fi
}

install() {
	[ "$(id -u)" = 0 ] || die "PostgreSQL is not installed and installing it needs root: apt-get install postgresql"
	command -v apt-get >/dev/null 2>&1 || die "PostgreSQL is not installed and this is no Debian system to install it with apt-get"
	say "installing PostgreSQL from Debian packages"
	local started=$SECONDS
	apt-get update -qq >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
	say "installed in $((SECONDS - started))s"
}

# as runs a command as the cluster's owner.
as() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u "$user" -- "$@"
	else
		"$@"
	fi
}

# port_free reports whether nothing listens on a loopback port.
port_free() {
	! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

running() {
	[ -f "$data/postmaster.pid" ] && as "$bin/pg_ctl" status -D "$data" >/dev/null 2>&1
}

# port of the running server, from the first lines of its pid file.
current_port() {
	sed -n 4p "$data/postmaster.pid"
}

dsn_for() {
	echo "postgres://$user@127.0.0.1:$1/$db?sslmode=disable"
}

psql_on() {
	local port=$1
	shift
	"$bin/psql" -X -q -h 127.0.0.1 -p "$port" -U "$user" -v ON_ERROR_STOP=1 "$@"
}

init_cluster() {
	mkdir -p "$dir"
	if [ "$(id -u)" = 0 ]; then
		id "$user" >/dev/null 2>&1 || die "user $user missing; the postgresql package creates it"
		chown "$user" "$dir"
		as test -w "$dir" || die "$dir is not reachable for user $user (check the permissions of its parents, or set GUANXI_PG_DIR)"
	fi
	say "creating cluster in $data"
	as "$bin/initdb" -D "$data" -U "$user" --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
		as "$bin/initdb" -D "$data" -U "$user" --auth=trust -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 ||
		die "initdb failed, see $dir/initdb.log"
	# Loopback TCP only: a socket path inside a deep checkout can exceed the
	# length limit of Unix sockets. Durability is not needed for tests.
	as tee -a "$data/postgresql.conf" >/dev/null <<-EOF
		listen_addresses = '127.0.0.1'
		unix_socket_directories = ''
		fsync = off
		synchronous_commit = off
		full_page_writes = off
		max_connections = 200
	EOF
}

start() {
	bin=$(bindir)
	if [ -z "$bin" ]; then
		install
		bin=$(bindir)
		[ -n "$bin" ] || die "PostgreSQL installed, but initdb and pg_ctl not found"
	fi
	if running; then
		port=$(current_port)
	else
		[ -f "$data/PG_VERSION" ] || init_cluster
		if [ "$(id -u)" = 0 ]; then
			touch "$logfile"
			chown "$user" "$logfile"
		fi
		local tries=0
		while :; do
			port=$((20000 + RANDOM % 40000))
			port_free "$port" || continue
			if as "$bin/pg_ctl" start -D "$data" -l "$logfile" -w -t 60 -o "-p $port" >/dev/null; then
				break
			fi
			tries=$((tries + 1))
			[ "$tries" -lt 5 ] || die "server did not start, see $logfile"
		done
		say "server started on 127.0.0.1:$port"
	fi
	if [ "$(psql_on "$port" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" != 1 ]; then
		psql_on "$port" -d postgres -c "CREATE DATABASE $db" >/dev/null
	fi
	dsn_for "$port" >"$dsnfile"
	cat "$dsnfile"
}

stop() {
	bin=$(bindir)
	if [ -n "$bin" ] && running; then
		as "$bin/pg_ctl" stop -D "$data" -m fast -w >/dev/null
		say "server stopped"
	else
		say "no server running in $data"
	fi
	rm -f "$dsnfile"
}

status() {
	bin=$(bindir)
	if [ -n "$bin" ] && running; then
		echo "running: $(dsn_for "$(current_port)")"
	else
		echo "not running"
		return 3
	fi
}

case ${1:-start} in
start) start ;;
stop) stop ;;
status) status ;;
*) die "usage: $0 [start|stop|status]" ;;
esac
