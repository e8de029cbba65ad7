# shared.sh - sourced by the evaluation and benchmark scripts (never by the tests): where the
# evaluation data is.
#
# The evaluation sets (synthesized answers with known structure, recorded real speech) and their
# scorers are not part of the repository: they live in a folder beside the checkout, ../shared,
# or wherever REHEARSE_SHARED points. Needs ROOT (the checkout) set before it is sourced.
#
#   SHARED                     that folder
#   need_shared WHO PATH...    exit with one line naming the first PATH under $SHARED that is
#                              missing, WHO being the script's name

SHARED=${REHEARSE_SHARED:-$ROOT/../shared}

need_shared() {
    local who=$1 p
    shift
    for p in "$@"; do
        if [ ! -e "$SHARED/$p" ]; then
            echo "$who: $(realpath -m "$SHARED/$p") not found: the evaluation data lives beside the checkout (../shared, or set REHEARSE_SHARED), see docs/measurements.md" >&2
            exit 1
        fi
    done
}
