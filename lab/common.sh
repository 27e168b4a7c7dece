# Shared settings of the lab scripts: names, addresses and paths in one place.
# shellcheck disable=SC2034  # sourced: the variables are used by lab/lab and lab/images.sh
# shellcheck shell=bash
LAB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LAB_STATE=${SELFMAIL_LAB_STATE:-$LAB_ROOT/.lab}
LAB_CACHE=${SELFMAIL_LAB_CACHE:-/var/cache/selfmail-lab}

IMAGE_DEBIAN12=localhost/selfmail-lab/debian12:latest
IMAGE_DEBIAN13=localhost/selfmail-lab/debian13:latest
IMAGE_SERVICES=localhost/selfmail-lab/services:latest

# Neither 192.0.2.0/24 nor fd00::/64: the machine's own eth0 uses them.
LAB_NET=selfmail-lab
LAB_NET4=10.89.53
LAB_NET6=fd42:53:          # host addresses are $LAB_NET6:<n>
LAB_PREFIX4=$LAB_NET4.0/24
LAB_PREFIX6=$LAB_NET6:/64

log() { printf 'lab: %s\n' "$*" >&2; }
die() { printf 'lab: error: %s\n' "$*" >&2; exit 1; }
