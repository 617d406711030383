#!/usr/bin/env bash
# Checks that the repository stands alone (issue 14): no file points outside it or at a path of
# one particular machine, every docs/*.md a file cites exists, and every test that
# docs/conmon-behaviour.md and the READMEs cite exists. The check itself is the host unit test
# ReferencesTest (it walks the source tree, so it also works without git); this runs it alone.
#
#   scripts/check-references.sh            # the checks above (part of every `mvn test` anyway)
#   scripts/check-references.sh --strict   # also: no citation of the old external write-up is
#                                          # left (run scripts/rewrite-behaviour-refs.sh first)
set -euo pipefail
cd "$(dirname "$0")/.."
strict=false
case "${1:-}" in
    --strict) strict=true ;;
    "") ;;
    *) echo "usage: $0 [--strict]" >&2; exit 2 ;;
esac
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export MAVEN_OPTS=${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}
exec mvn -B -q -pl host -am test -Dtest=ReferencesTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Dconmonj.references.strict="$strict"
