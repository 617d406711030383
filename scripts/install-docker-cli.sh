#!/usr/bin/env bash
# Installs the docker CLI alone, the Docker-API client of it/DockerApiTest, at
# $DOCKER_CLI_ROOT/bin/docker (default /opt/docker-cli). Debian 12 ships the CLI only inside
# docker.io, whose installation would pull in containerd and start dockerd; the tests talk to
# `podman system service` instead. So the .deb is downloaded and only usr/bin/docker is
# unpacked from it: no daemon, no service, no group, nothing else on the system.
set -euo pipefail
root=${DOCKER_CLI_ROOT:-/opt/docker-cli}
if [ ! -x "$root/bin/docker" ]; then
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    chmod 0755 "$tmp" # apt-get download runs as _apt where it can
    (cd "$tmp" && apt-get download -qq docker.io)
    dpkg-deb --fsys-tarfile "$tmp"/docker.io_*.deb | tar -x -C "$tmp" ./usr/bin/docker
    install -D -m 0755 "$tmp/usr/bin/docker" "$root/bin/docker"
fi
"$root/bin/docker" --version
