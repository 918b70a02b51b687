#!/usr/bin/env bash
# Makes sure the real services the tests talk to are installed and running on loopback.
# As root it installs what is missing from Debian's packages and starts what is down;
# otherwise it only reports. Idempotent and quick when everything is there.
set -uo pipefail
is_root() { [ "$(id -u)" = 0 ]; }
apt_updated=0
need_pkg() { # need_pkg <command> <package>
  command -v "$1" >/dev/null 2>&1 && return 0
  if is_root; then
    if [ $apt_updated = 0 ]; then apt-get update -qq >/dev/null 2>&1; apt_updated=1; fi
    echo "installing $2 (for $1)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null 2>&1 || echo "could not install $2"
  else
    echo "missing $1 (install the Debian package $2)"
  fi
}
need_pkg pg_dump postgresql-client
need_pkg mariadb-dump mariadb-client
need_pkg sqlite3 sqlite3
need_pkg zstd zstd
need_pkg chromium chromium
# Mail import tests start their own Dovecot (IMAP) and Postfix (relay) from temp configs.
need_pkg dovecot dovecot-imapd
need_pkg postfix postfix

if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  if is_root && ls /etc/postgresql >/dev/null 2>&1; then
    echo "starting PostgreSQL"; pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  else echo "PostgreSQL is not running on 127.0.0.1:5432"; fi
fi
if ! mariadb-admin -h 127.0.0.1 -uroot ping >/dev/null 2>&1; then
  if is_root && [ -x /usr/sbin/mariadbd ]; then
    echo "starting MariaDB"; mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql || true
    for _ in $(seq 1 30); do mariadb-admin -h 127.0.0.1 -uroot ping >/dev/null 2>&1 && break; sleep 0.5; done
  else echo "MariaDB is not running on 127.0.0.1:3306"; fi
fi
exit 0
