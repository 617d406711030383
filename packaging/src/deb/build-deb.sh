#!/usr/bin/env bash
# Builds target/conmon-j_VERSION_ARCH.deb from host's install tree (host/target/conmon), the man
# pages (man/) and the files under src/deb. Usage: build-deb.sh PROJECT_ROOT TARGET_DIR MAVEN_VERSION
#   /usr/lib/conmon-j/                       the install tree, runtime included (no JDK needed)
#   /usr/bin/conmon-logs (every bin/ tool but conmon) -> ../lib/conmon-j/bin/NAME
#   /usr/include/conmon_log_plugin.h         the plugin ABI header
#   /usr/share/pkgconfig/conmon-log-plugin.pc  relocatable: its prefix is ${pcfiledir}/../.. = /usr
#   /usr/share/man/man{1,3,8}/*.gz           conmon-logs(1), conmon_log_plugin(3), conmon-j(8)
#   /etc/containers/containers.conf.d/50-conmon-j.conf, /etc/conmon-j/policy.conf  (conffiles)
set -euo pipefail
project=$1 target=$2 maven_version=$3
tree=$project/host/target/conmon
src=$project/packaging/src/deb
root=$target/deb-root

[ -x "$tree/bin/conmon" ] || { echo "build-deb.sh: no install tree at $tree (build host first)" >&2; exit 1; }
command -v dpkg-deb >/dev/null || { echo "build-deb.sh: dpkg-deb not found (package dpkg)" >&2; exit 1; }

umask 022
rm -rf "$root" "$target"/conmon-j_*.deb
mkdir -p "$root/usr/lib" "$root/usr/bin" "$root/usr/include" "$root/usr/share/pkgconfig" \
    "$root/usr/share/man/man1" "$root/usr/share/man/man3" "$root/usr/share/man/man8" \
    "$root/usr/share/doc/conmon-j" "$root/DEBIAN"
cp -a "$tree" "$root/usr/lib/conmon-j"
chmod -R u+rwX,go+rX,go-w "$root/usr/lib/conmon-j"
# the user-facing tools of bin/ on the PATH (conmon-logs, and any later one); never bin/conmon itself, which
# Podman finds through conmon_path and which would clash with the conmon package's /usr/bin/conmon
for tool in "$tree"/bin/*; do
    name=$(basename "$tool")
    [ "$name" = conmon ] || [ ! -x "$tool" ] || ln -s "../lib/conmon-j/bin/$name" "$root/usr/bin/$name"
done
install -m 0644 "$tree/include/conmon_log_plugin.h" "$root/usr/include/"
install -m 0644 "$tree/lib/pkgconfig/conmon-log-plugin.pc" "$root/usr/share/pkgconfig/"
for page in "$project"/man/*.[138]; do
    section=${page##*.}
    gzip -9n < "$page" > "$root/usr/share/man/man$section/$(basename "$page").gz"
    chmod 0644 "$root/usr/share/man/man$section/$(basename "$page").gz"
done
cp -r "$src/etc" "$root/etc"
find "$root/etc" -type f -exec chmod 0644 {} + 
find "$root/etc" -type d -exec chmod 0755 {} +
cat > "$root/usr/share/doc/conmon-j/copyright" <<COPYRIGHT
conmon-j: a Java container monitor, drop-in for conmon.
See conmon-j(8) and the project's README.md.
COPYRIGHT
chmod 0644 "$root/usr/share/doc/conmon-j/copyright"

# Debian versions: 0.1.0-SNAPSHOT sorts before 0.1.0 as 0.1.0~SNAPSHOT
version=${maven_version//-/\~}
arch=$(dpkg --print-architecture)
size=$(du -sk --apparent-size "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" "$src/DEBIAN/control.in" > "$root/DEBIAN/control"
install -m 0644 "$src/DEBIAN/conffiles" "$root/DEBIAN/conffiles"
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) \
    > "$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"

# gzip -6: xz would save a few MB of a 60 MB tree (the runtime is already compressed) at 20-30 s
dpkg-deb --root-owner-group -Zgzip -z6 --build "$root" "$target/conmon-j_${version}_${arch}.deb" >/dev/null
rm -rf "$root"
echo "built $target/conmon-j_${version}_${arch}.deb"
