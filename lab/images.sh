#!/usr/bin/env bash
# Builds the lab's systemd images locally: no registry is reachable, so every
# image starts from debootstrap against the Debian archive. The rootfs tarball
# and the podman image are both kept as a cache; a second run takes seconds.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lab/common.sh
. "$here/common.sh"

mirror() {
  if [ -n "${SELFMAIL_LAB_MIRROR:-}" ]; then echo "$SELFMAIL_LAB_MIRROR"; return; fi
  local uri
  uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  case "$uri" in
    *debian) echo "$uri" ;;
    *) echo "http://deb.debian.org/debian" ;;
  esac
}

# What a freshly ordered VPS typically has: systemd, python3 for Ansible, the
# usual network and DNS tools. Everything else the roles must install.
BASE_PACKAGES=systemd,systemd-sysv,python3,iproute2,iputils-ping,ca-certificates,sudo,bind9-dnsutils,procps

build_rootfs() {
  local release=$1 tarball=$2 dir
  dir=$(mktemp -d /var/tmp/selfmail-rootfs.XXXXXX)
  log "debootstrap $release (a few minutes the first time)"
  debootstrap --variant=minbase --include="$BASE_PACKAGES" "$release" "$dir" "$(mirror)" >"$dir.log" 2>&1 \
    || { tail -20 "$dir.log" >&2; die "debootstrap $release failed (log: $dir.log)"; }
  # No udev, consoles or logind in a container: masking them gives a clean boot.
  for unit in systemd-udevd.service systemd-udevd-control.socket systemd-udevd-kernel.socket \
              getty@.service console-getty.service systemd-logind.service systemd-remount-fs.service; do
    ln -sf /dev/null "$dir/etc/systemd/system/$unit"
  done
  : >"$dir/etc/machine-id"
  rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
  tar -C "$dir" -czf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
  rm -rf "$dir" "$dir.log"
}

build_base() {
  local release=$1 image=$2 tarball
  if podman image exists "$image"; then log "image $image cached"; return; fi
  mkdir -p "$LAB_CACHE"
  tarball="$LAB_CACHE/$release-rootfs.tar.gz"
  [ -s "$tarball" ] || build_rootfs "$release" "$tarball"
  podman import --quiet --change 'CMD ["/sbin/init"]' --change 'ENV container=podman' \
    --change 'STOPSIGNAL SIGRTMIN+3' "$tarball" "$image" >/dev/null
  log "image $image built"
}

build_services() {
  if podman image exists "$IMAGE_SERVICES"; then log "image $IMAGE_SERVICES cached"; return; fi
  podman build --quiet --network=host -t "$IMAGE_SERVICES" \
    --build-arg "BASE=$IMAGE_DEBIAN12" -f "$here/services/Containerfile" "$here/services" >"$LAB_CACHE/services-build.log" 2>&1 \
    || { tail -20 "$LAB_CACHE/services-build.log" >&2; die "building $IMAGE_SERVICES failed"; }
  log "image $IMAGE_SERVICES built"
}

build_base bookworm "$IMAGE_DEBIAN12" &
b12=$!
build_base trixie "$IMAGE_DEBIAN13" &
b13=$!
wait "$b12" || die "Debian 12 image failed"
wait "$b13" || die "Debian 13 image failed"
build_services
