# Sourced: sets ENGINE to podman (with this project's containers.conf) or to a docker that has a daemon.
if command -v podman >/dev/null; then
  ENGINE=podman
  export CONTAINERS_CONF="${CONTAINERS_CONF:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/containers.conf}"
elif command -v docker >/dev/null && docker info >/dev/null 2>&1; then
  ENGINE=docker
  export DOCKER_BUILDKIT=1
else
  echo "error: building the images needs podman (apt-get install podman runc) or docker with its daemon running" >&2
  exit 1
fi
