#!/usr/bin/env bash
# Rewrites the code's citations of the external conmon write-up the project started from into
# citations of the project's own reference, docs/conmon-behaviour.md, which keeps that
# write-up's section numbers:
#
#   contract §7.1.2 · §7.1.2 · contract 7.1.2 · contract section 7   -> conmon-behaviour.md §7.1.2 (§7)
#   contract pitfall 8 · pitfall 8 · Pitfall 8                         -> conmon-behaviour.md §16.8
#   contract §2, §14 · §10.1-§10.4 · contract 7.1.3, 7.1.4             -> conmon-behaviour.md §2, §14 ...
#                                                                         (the rest of a list keeps a bare §)
#
# Idempotent: a citation that already names conmon-behaviour.md is left alone, and so is
# "RFC 6587 §3.4.2". Bare "§N" is rewritten only in code (*.java, *.c, *.h, *.sh, *.xml,
# *.options); in Markdown only the explicit "contract ..." and "pitfall N" forms are, because
# docs may number their own sections. docs/conmon-behaviour.md, this script and its test
# (host RewriteBehaviourRefsTest, whose samples are the old forms) are skipped.
#
#   scripts/rewrite-behaviour-refs.sh          # every tracked file (git ls-files)
#   scripts/rewrite-behaviour-refs.sh FILE...  # only these files
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -gt 0 ]; then
    files=("$@")
else
    mapfile -t files < <(git ls-files '*.java' '*.c' '*.h' '*.sh' '*.xml' '*.options' '*.md')
fi

# \x01 stands for "conmon-behaviour.md §" while the expressions run, \x02 for a bare "§" that must
# stay bare (RFC sections, the rest of a list).
common=(
    -e 's/conmon-behaviour\.md §/\x01/g'
    -e 's/(RFC ?[0-9]+ )§/\1\x02/g'
    -e 's/\b[Cc]ontract [Pp]itfall ([0-9]+)/\x0116.\1/g'
    -e 's/\b[Pp]itfall ([0-9]+)/\x0116.\1/g'
    -e 's/\b[Cc]ontract (section )?§ ?/\x01/g'
    -e 's/\b[Cc]ontract (section )?([0-9]+(\.[0-9]+)*[a-z]?)\b/\x01\2/g'
    # the rest of a list: "§2, §14", "§10.1-§10.4", "7.1.3, 7.1.4" keep a bare §
    -e ':list'
    -e 's/([\x01\x02]|§)([0-9][0-9a-z.]*( steps? [0-9][0-9\/–-]*)?)(, | \/ |–|-| and | or )§/\1\2\4\x02/'
    -e 's/([\x01\x02]|§)([0-9][0-9a-z.]*( steps? [0-9][0-9\/–-]*)?)(, | \/ | and | or )\x01/\1\2\4\x02/'
    -e 's/([\x01\x02]|§)([0-9][0-9a-z.]*( steps? [0-9][0-9\/–-]*)?)(, | \/ | and | or )([0-9]+\.[0-9])/\1\2\4\x02\5/'
    -e 't list'
)
code_only=(-e 's/§/\x01/g')
restore=(-e 's/\x01/conmon-behaviour.md §/g' -e 's/\x02/§/g')

changed=0
for f in "${files[@]}"; do
    case "$f" in
        # the reference itself, this script, and the test that feeds this script the old forms
        docs/conmon-behaviour.md|scripts/rewrite-behaviour-refs.sh|*/RewriteBehaviourRefsTest.java) continue ;;
    esac
    [ -f "$f" ] || continue
    grep -q -E '§|[Cc]ontract|[Pp]itfall [0-9]' "$f" || continue
    case "$f" in
        *.md) sed -E "${common[@]}" "${restore[@]}" "$f" > "$f.rewrite.tmp" ;;
        *)    sed -E "${common[@]}" "${code_only[@]}" "${restore[@]}" "$f" > "$f.rewrite.tmp" ;;
    esac
    if cmp -s "$f" "$f.rewrite.tmp"; then
        rm -f "$f.rewrite.tmp"
    else
        cat "$f.rewrite.tmp" > "$f" # keeps the file's mode
        rm -f "$f.rewrite.tmp"
        changed=$((changed + 1))
        echo "rewrote $f"
    fi
done
echo "$changed file(s) changed" >&2
