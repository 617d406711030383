#!/usr/bin/env bash
# Installs the plugin SDK into SDK_DIR:
#   include/conmon_log_plugin.h
#   lib/pkgconfig/conmon-log-plugin.pc   (relocatable: prefix=${pcfiledir}/../..)
# after checking that the header compiles on its own as C11 (-pedantic) and as C++.
# Usage: sdk.sh MODULE_DIR SDK_DIR VERSION
set -euo pipefail
module=$1 sdk=$2 version=${3%-SNAPSHOT}
header=$module/src/main/c/include/conmon_log_plugin.h

rm -rf "$sdk"
mkdir -p "$sdk/include" "$sdk/lib/pkgconfig"
cp "$header" "$sdk/include/"
sed "s/@VERSION@/$version/" "$module/src/main/pkgconfig/conmon-log-plugin.pc.in" \
    > "$sdk/lib/pkgconfig/conmon-log-plugin.pc"

# The header alone, as its users compile it (the layout asserts match the docs and the loader).
check=$(mktemp -d)
trap 'rm -rf "$check"' EXIT
cat > "$check/check.c" <<'C'
#include <conmon_log_plugin.h>
#if defined(__LP64__)
_Static_assert(sizeof(struct conmon_log_record) == 40, "record layout");
_Static_assert(offsetof(struct conmon_log_record, timestamp_ns) == 16, "record layout");
_Static_assert(offsetof(struct conmon_log_record, length) == 32, "record layout");
_Static_assert(sizeof(struct conmon_log_container) == 56, "container layout");
_Static_assert(offsetof(struct conmon_log_container, env) == 48, "container layout");
_Static_assert(sizeof(struct conmon_log_plugin) == 72, "descriptor layout");
_Static_assert(offsetof(struct conmon_log_plugin, container_exited) == 64, "descriptor layout");
_Static_assert(offsetof(struct conmon_log_plugin, abi_version) == 8, "descriptor layout");
_Static_assert(offsetof(struct conmon_log_plugin, close) == 56, "descriptor layout");
#endif
C
gcc -std=c11 -pedantic -Wall -Wextra -Werror -I"$sdk/include" -c -o "$check/check.o" "$check/check.c"
if command -v g++ >/dev/null; then
    echo '#include <conmon_log_plugin.h>' | g++ -x c++ -Wall -Wextra -Werror -I"$sdk/include" -fsyntax-only -
fi
