# Sourced by scripts/demo.sh and bench/run.sh: a private Podman store and
# configuration, so nothing touches the host's containers (see
# docs/test-environment.md for why each setting is needed here).
#   sandbox_init DIR   -> sets PODMAN (array) and IMAGE, imports a busybox image
#   sandbox_conmon_env [VAR=VALUE...] -> the monitors' extra environment from now on
#   sandbox_cleanup    -> removes containers, unmounts, deletes DIR
sandbox_init() {
    SANDBOX=$1
    mkdir -p "$SANDBOX"/{root,runroot,tmp,rootfs/bin}
    cat > "$SANDBOX/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]
[engine]
cgroup_manager = "cgroupfs"
runtime = "runc"
events_logger = "file"
CONF
    # conmon-j's policy (docs/security.md), as on a machine where only root runs containers: annotations
    # are trusted, the example C plugins are registered by name (never chosen by path)
    local repo_root
    repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
    mkdir -p "$SANDBOX/policy"
    chmod 755 "$SANDBOX/policy"
    cat > "$SANDBOX/policy/policy.conf" <<POLICY
[annotations]
unrestricted = true
[plugin.file-plugin]
path = "$repo_root/examples/target/plugins/file-plugin.so"
POLICY
    chmod 644 "$SANDBOX/policy/policy.conf"
    sandbox_conmon_env
    export CONTAINERS_CONF=$SANDBOX/containers.conf
    PODMAN=(podman --root "$SANDBOX/root" --runroot "$SANDBOX/runroot" --tmpdir "$SANDBOX/tmp"
            --cgroup-manager cgroupfs --events-backend file)
    IMAGE=localhost/conmonj-busybox:latest
    cp /bin/busybox "$SANDBOX/rootfs/bin/busybox"
    for applet in $(/bin/busybox --list); do
        [ "$applet" = busybox ] || ln -sf busybox "$SANDBOX/rootfs/bin/$applet"
    done
    tar -C "$SANDBOX/rootfs" -c . | "${PODMAN[@]}" import -q - "$IMAGE" >/dev/null
}

# containers.conf's conmon_env_vars (the last line of the file): PATH, the policy, then "$@"
sandbox_conmon_env() {
    local vars=("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
                "CONMONJ_POLICY=$SANDBOX/policy/policy.conf" "$@") v line="conmon_env_vars = [" sep=""
    for v in "${vars[@]}"; do line+="$sep\"$v\""; sep=", "; done
    sed -i '/^conmon_env_vars = /d' "$SANDBOX/containers.conf"
    echo "$line]" >> "$SANDBOX/containers.conf"
}

sandbox_cleanup() {
    [ -n "${SANDBOX:-}" ] || return 0
    "${PODMAN[@]}" rm -af -t 0 >/dev/null 2>&1 || true
    "${PODMAN[@]}" rmi -af >/dev/null 2>&1 || true
    { grep -o " $SANDBOX[^ ]*" /proc/mounts || true; } | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
    rm -rf "$SANDBOX"
}
