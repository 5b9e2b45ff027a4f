#!/bin/sh
# Ceph radosgw as a second S3 implementation for the S3 tests: a one-node cluster on 127.0.0.1
# (one monitor, one OSD keeping objects in memory, one radosgw), cephx off, and one S3 user.
# It checks SigV4, keys, signed lengths, Content-MD5, expiry and refuses unsigned reads the way a
# production store does. Needs Debian's ceph-mon, ceph-osd, radosgw and ceph-common; run as root
# or as a user who may write RADOSGW_DIR.
#
#   scripts/radosgw.sh start   # prints RADOSGW_ENDPOINT=... lines once radosgw answers
#   scripts/radosgw.sh stop    # stops the daemons and deletes RADOSGW_DIR
#
# Settings (environment): RADOSGW_DIR (default /tmp/obscura-radosgw), RADOSGW_PORT (S3, 7480),
# RADOSGW_MON_PORT (6799), RADOSGW_ACCESS_KEY / RADOSGW_SECRET_KEY (obscura / obscura-secret).
set -eu

DIR=${RADOSGW_DIR:-/tmp/obscura-radosgw}
PORT=${RADOSGW_PORT:-7480}
MON_PORT=${RADOSGW_MON_PORT:-6799}
ACCESS_KEY=${RADOSGW_ACCESS_KEY:-obscura}
SECRET_KEY=${RADOSGW_SECRET_KEY:-obscura-secret}
CONF=$DIR/ceph.conf

fail () {
  echo "radosgw.sh: $*" >&2
  # The daemons' own last words, before stop deletes the folder they are in.
  for log in "$DIR"/log/daemons.log "$DIR"/log/*osd*.log "$DIR"/log/*mon*.log; do
    if [ -s "$log" ]; then echo "radosgw.sh: --- last lines of $log" >&2; tail -8 "$log" >&2; fi
  done
  stop; exit 1
}

# Every daemon writes its pid file into $DIR/run (pid_file below).
stop () {
  for file in "$DIR"/run/*.pid; do
    [ -f "$file" ] || continue
    pid=$(cat "$file")
    kill "$pid" 2>/dev/null || true
    i=0
    while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$DIR"
}

wait_for_file () {
  i=0
  until [ -s "$1" ]; do
    i=$((i + 1))
    [ $i -lt 100 ] || fail "$2 did not start (see $DIR/log)"
    sleep 0.1
  done
}

start () {
  for tool in ceph ceph-mon ceph-osd radosgw radosgw-admin monmaptool; do
    command -v $tool >/dev/null 2>&1 || fail "$tool is not installed (apt-get install ceph-mon ceph-osd radosgw ceph-common)"
  done
  [ -e "$DIR" ] && stop
  if curl -s -o /dev/null "http://127.0.0.1:$PORT/"; then
    echo "radosgw.sh: 127.0.0.1:$PORT is in use (another radosgw? set RADOSGW_PORT)" >&2; exit 1
  fi
  mkdir -p "$DIR/mon" "$DIR/osd" "$DIR/run" "$DIR/log"
  fsid=$(cat /proc/sys/kernel/random/uuid)
  cat > "$CONF" <<EOF
[global]
fsid = $fsid
mon_host = v1:127.0.0.1:$MON_PORT
public_addr = 127.0.0.1
auth_cluster_required = none
auth_service_required = none
auth_client_required = none
ms_bind_msgr2 = false
osd_pool_default_size = 1
osd_pool_default_min_size = 1
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
mon_allow_pool_size_one = true
mon_warn_on_pool_no_redundancy = false
osd_crush_chooseleaf_type = 0
osd_objectstore = memstore
memstore_device_bytes = 2147483648
run_dir = $DIR/run
admin_socket = $DIR/run/\$name.asok
log_file = $DIR/log/\$name.log
pid_file = $DIR/run/\$name.pid
keyring = /dev/null
[mon]
mon_data = $DIR/mon
[osd]
osd_data = $DIR/osd
osd_journal = $DIR/osd/journal
[client.rgw]
rgw_frontends = beast endpoint=127.0.0.1:$PORT
rgw_dns_name = 127.0.0.1
EOF
  monmaptool --create --fsid "$fsid" --addv a "[v1:127.0.0.1:$MON_PORT]" "$DIR/monmap" >/dev/null
  ceph-mon -c "$CONF" --mkfs -i a --monmap "$DIR/monmap" >"$DIR/log/mkfs.log" 2>&1 || fail "ceph-mon --mkfs failed: $(tail -1 "$DIR/log/mkfs.log")"
  ceph-mon -c "$CONF" -i a 2>>"$DIR/log/daemons.log" || fail "ceph-mon did not start"
  wait_for_file "$DIR/run/mon.a.pid" ceph-mon
  osd_uuid=$(cat /proc/sys/kernel/random/uuid)
  id=$(timeout 60 ceph -c "$CONF" osd new "$osd_uuid" 2>>"$DIR/log/client.log") || fail "the monitor did not answer (see $DIR/log)"
  ceph-osd -c "$CONF" -i "$id" --mkfs --osd-uuid "$osd_uuid" >>"$DIR/log/mkfs.log" 2>&1 || fail "ceph-osd --mkfs failed: $(tail -1 "$DIR/log/mkfs.log")"
  # ceph-osd 16.2 sometimes sends its first command to the monitor before it has the monitor's
  # map, with a zero fsid ("mon_cmd_maybe_osd_create fail: 'wrong fsid'"), and exits: about one
  # start in four here. Started again, it finds the map and comes up.
  tries=1
  until ceph-osd -c "$CONF" -i "$id" 2>>"$DIR/log/daemons.log"; do
    [ $tries -lt 5 ] || fail "ceph-osd did not start ($tries tries)"
    tries=$((tries + 1))
    rm -f "$DIR/run/osd.$id.pid"
    sleep 1
  done
  wait_for_file "$DIR/run/osd.$id.pid" ceph-osd
  radosgw -c "$CONF" -n client.rgw 2>>"$DIR/log/daemons.log" || fail "radosgw did not start"
  i=0
  until curl -s -o /dev/null "http://127.0.0.1:$PORT/"; do
    i=$((i + 1))
    [ $i -lt 600 ] || fail "radosgw did not answer on 127.0.0.1:$PORT within 60 s (see $DIR/log)"
    sleep 0.1
  done
  timeout 60 radosgw-admin -c "$CONF" -n client.rgw user create --uid=obscura --display-name=Obscura \
    --access-key="$ACCESS_KEY" --secret="$SECRET_KEY" >"$DIR/log/user.log" 2>&1 || fail "radosgw-admin user create failed: $(tail -1 "$DIR/log/user.log")"
  echo "RADOSGW_ENDPOINT=http://127.0.0.1:$PORT"
  echo "RADOSGW_ACCESS_KEY=$ACCESS_KEY"
  echo "RADOSGW_SECRET_KEY=$SECRET_KEY"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
