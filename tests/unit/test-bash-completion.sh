#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# shell-completion/bash/kdumpctl: sourced as bash-completion would, asked
# with COMP_WORDS as bash sets them, it must offer every command that
# "kdumpctl --help" lists (and no other), and each command's options.
# usage: test-bash-completion.sh COMPLETION-FILE KDUMPCTL-BINARY
set -u

completion=$1 kdumpctl=$2
failed=0

# shellcheck source=/dev/null
source "$completion" || { echo "not ok: cannot source $completion"; exit 1; }

# complete WORD...: the offers for the last word (COMP_CWORD at it).
complete_words() {
    COMP_WORDS=("$@")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMPREPLY=()
    _kdumpctl
    printf '%s\n' "${COMPREPLY[@]}" | sort
}

check() {
    local what=$1 got=$2 want=$3
    if [ "$got" = "$want" ]; then
        echo "ok: $what"
    else
        echo "not ok: $what"
        echo "  got:  $(echo "$got" | tr '\n' ' ')"
        echo "  want: $(echo "$want" | tr '\n' ' ')"
        failed=1
    fi
}

# The commands as the help lists them: "  VERB   what it does", or a long
# VERB alone on its line (options are indented further).
help_verbs=$("$kdumpctl" --help | sed -n 's/^  \([a-z][a-z-]*\)\( .*\)\{0,1\}$/\1/p' | sort -u)
[ -n "$help_verbs" ] || { echo "not ok: no commands found in \"kdumpctl --help\""; exit 1; }

check "every command of kdumpctl --help, and only those" "$(complete_words kdumpctl "")" "$help_verbs"
check "commands by prefix" "$(complete_words kdumpctl re)" "$(echo "$help_verbs" | grep '^re')"
check "global option" "$(complete_words kdumpctl --)" "--help"
check "status options" "$(complete_words kdumpctl status --)" "--json"
check "showmem options" "$(complete_words kdumpctl showmem "")" "--json"
check "check options" "$(complete_words kdumpctl check --)" "$(printf '%s\n' --config --offline --settings)"
check "test options" "$(complete_words kdumpctl test -)" "--yes"
check "estimate options" "$(complete_words kdumpctl estimate --)" "--json"
check "reset-crashkernel options" "$(complete_words kdumpctl reset-crashkernel --)" "$(printf '%s\n' --root --value)"
check "no options for start" "$(complete_words kdumpctl start "")" ""

# File names after --config and --settings.
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
touch "$dir/kdump.conf" "$dir/kdumpd.conf" "$dir/other"
check "files after --config" "$(complete_words kdumpctl check --config "$dir/kd")" \
    "$(printf '%s\n' "$dir/kdump.conf" "$dir/kdumpd.conf")"
check "files after --settings" "$(complete_words kdumpctl check --offline --settings "$dir/o")" "$dir/other"
mkdir "$dir/rootdir"
check "directories after --root" "$(complete_words kdumpctl reset-crashkernel --root "$dir/r")" "$dir/rootdir"

exit $failed
