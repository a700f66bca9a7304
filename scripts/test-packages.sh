#!/bin/sh
# The interoperability tests (test/e2e/registry) need two Debian packages nobody here wrote: docker-registry (the CNCF
# distribution registry) and skopeo (what Kaito's puller uses). Installs them when missing and running as root;
# otherwise stops, printing the one command that installs them.
set -u
missing=''
[ -x /usr/bin/docker-registry ] || missing="$missing docker-registry"
command -v skopeo >/dev/null 2>&1 || missing="$missing skopeo"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "test-packages: installing$missing" >&2
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y docker-registry skopeo >/dev/null 2>&1; then
    apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y docker-registry skopeo >/dev/null || {
      echo "test-packages: apt-get install failed" >&2
      exit 1
    }
  fi
  exit 0
fi
echo "test-packages: missing$missing; install them with:" >&2
echo "  sudo apt-get update && sudo apt-get install -y docker-registry skopeo" >&2
exit 1
