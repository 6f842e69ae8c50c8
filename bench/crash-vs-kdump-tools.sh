#!/usr/bin/env bash
# The bench's old name: it is bench/run.sh now (same guests, more runs,
# the same collector settings on both sides, checked dumps). See
# bench/README.md.
exec "$(dirname "$0")/run.sh" "$@"
