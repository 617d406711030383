#!/usr/bin/env bash
# Runs a real container through Podman with conmon-j as its monitor and shows
# its logs. Needs root, podman, runc and busybox-static, and the build
# (host/target/conmon). Usage: sudo scripts/demo.sh
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
conmon=$here/host/target/conmon/bin/conmon
[ -x "$conmon" ] || { echo "build first: mvn -B package -DskipTests" >&2; exit 1; }
. "$here/scripts/podman-sandbox.sh"
sandbox_init "$(mktemp -d /tmp/conmonj-demo.XXXXXX)"
trap sandbox_cleanup EXIT

echo "== conmon-j: $("$conmon" --version | head -1)"
# Podman silently falls back to /usr/bin/conmon when it rejects --conmon: make sure it did not.
used=$("${PODMAN[@]}" --conmon "$conmon" info --format '{{.Host.Conmon.Path}}' 2>/dev/null)
[ "$used" = "$conmon" ] || { echo "Podman would not use $conmon (it picked '$used')" >&2; exit 1; }
echo "== podman --conmon $conmon run --name demo ..."
"${PODMAN[@]}" --conmon "$conmon" run --name demo "$IMAGE" \
    sh -c 'echo "hello from a container monitored by conmon-j"; echo "this line went to stderr" >&2; exit 3' \
    || echo "== exit code: $?"
echo "== podman logs demo"
"${PODMAN[@]}" logs demo
echo "== the k8s-file log as written by conmon-j"
cat "$("${PODMAN[@]}" inspect --format '{{.HostConfig.LogConfig.Path}}' demo)"

plugin=$here/examples/target/plugins/file-plugin.so
if [ -f "$plugin" ]; then
    records=$SANDBOX/plugin-records
    echo "== the same, with the example C log plugin selected by annotation (docs/logging.md)"
    "${PODMAN[@]}" --conmon "$conmon" run --rm \
        --annotation io.conmon-j.log-driver=c-plugin:demo \
        --annotation "io.conmon-j.log-opt.demo.plugin=file-plugin" \
        --annotation "io.conmon-j.log-opt.demo.path=$records" \
        "$IMAGE" sh -c 'echo "hello, plugin"; echo "and stderr" >&2'
    echo "== what the plugin wrote ($records)"
    cat "$records"
fi
