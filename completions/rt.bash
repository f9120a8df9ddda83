# bash completion for rt(8), the OCI container runtime.          -*- shell-script -*-
#
# Completes the commands, the global flags, each command's flags and the values some of them
# take, and container ids (`rt list -q` under the --root given on the line). What rt accepts
# is read from the binary being completed (`rt --help`, `rt COMMAND --help`), so the
# completion follows it; only the signal names of `kill` are listed here.
# SPDX-License-Identifier: GPL-2.0-or-later

# _rt_commands RT: the command names of `RT --help` (its COMMANDS section).
_rt_commands() {
    "$1" --help 2>/dev/null | sed -n '/^COMMANDS:$/,/^$/{s/^   \([a-z]*\).*/\1/p}'
}

# _rt_global_flags RT: "NAME VALUE" for each global flag of `RT --help`; VALUE is empty for a
# flag without one, else the choices quoted in its description ('text', 'json') or "value".
_rt_global_flags() {
    local line names desc name choices
    while IFS= read -r line; do
        [[ $line =~ ^\ +(-[^ ]+(,?\ [^ ]+)*)\ \ +(.*)$ ]] || continue
        names=${BASH_REMATCH[1]} desc=${BASH_REMATCH[3]}
        choices=$(grep -oE "'[a-z]+'" <<<"$desc" | tr -d "'" | tr '\n' '|')
        for name in ${names//,/ }; do
            [[ $name == -* ]] || continue
            if [[ $names == *" value"* ]]; then
                echo "$name ${choices:-value}"
            else
                echo "$name"
            fi
        done
    done < <("$1" --help 2>/dev/null | sed -n '/^GLOBAL OPTIONS:$/,$p')
}

# _rt_usage RT CMD: the USAGE line of `RT CMD --help`.
_rt_usage() {
    "$1" "$2" --help 2>/dev/null | sed -n '/^USAGE:$/{n;p;q}'
}

# _rt_command_flags USAGE: "NAME VALUE" for each flag of a USAGE line such as
# "rt create [--bundle|-b DIR] [--no-pivot] [--format|-f table|json] <container-id>";
# VALUE is empty for a flag without one, else its placeholder (DIR, FILE|-, table|json).
_rt_command_flags() {
    local -a w
    local i tok value name
    read -ra w <<<"$1"
    for ((i = 0; i < ${#w[@]}; i++)); do
        tok=${w[i]}
        [[ $tok == '[-'* ]] || continue
        tok=${tok#[}
        value=""
        if [[ $tok == *']'* ]]; then
            tok=${tok%%]*}
        else
            ((i++))
            value=${w[i]%]*}
            value=${value%]}
        fi
        for name in ${tok//|/ }; do
            echo "$name${value:+ $value}"
        done
    done
    echo "--help"
    echo "-h"
}

# _rt_value_of FLAGS NAME: the VALUE of NAME in FLAGS ("NAME VALUE" lines); 1 if NAME takes
# none or is not there.
_rt_value_of() {
    local name value
    while read -r name value; do
        if [[ $name == "$2" ]]; then
            [[ -n $value ]] && echo "$value"
            [[ -n $value ]]
            return
        fi
    done <<<"$1"
    return 1
}

# _rt_complete_value PLACEHOLDER CUR: COMPREPLY for a flag's value.
_rt_complete_value() {
    case $1 in
    DIR) mapfile -t COMPREPLY < <(compgen -d -- "$2") ;;
    FILE | FILE\|- | PATH | value)
        mapfile -t COMPREPLY < <(compgen -f -- "$2")
        compopt -o filenames 2>/dev/null
        ;;
    *\|*)
        [[ $1 =~ ^[a-z]+(\|[a-z]+)+\|?$ ]] &&
            mapfile -t COMPREPLY < <(compgen -W "${1//|/ }" -- "$2")
        ;;
    esac
}

_rt() {
    local rt=${COMP_WORDS[0]} i w
    local -a words=() root=()
    COMPREPLY=()
    # bash splits "--flag=value" (and "a:b") into three words: join them again.
    for ((i = 0; i <= COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        if ((i > 1)) && [[ $w == [=:] || ${words[-1]} == *[=:] ]]; then
            words[-1]+=$w
        else
            words+=("$w")
        fi
    done
    local cword=$((${#words[@]} - 1))
    local cur=${words[cword]} prev=${words[cword - 1]}

    # The command: the first word after the global flags and their values.
    local globals cmd="" at=0
    globals=$(_rt_global_flags "$rt")
    for ((i = 1; i < cword; i++)); do
        w=${words[i]}
        case $w in
        --root=* | -root=*) root=("$w") ;;
        -*=*) ;;
        -*)
            if _rt_value_of "$globals" "$w" >/dev/null; then
                [[ $w == --root || $w == -root ]] && root=(--root "${words[i + 1]}")
                ((i++))
            fi
            ;;
        *)
            cmd=$w at=$i
            break
            ;;
        esac
    done

    local flags value
    if [[ -z $cmd ]]; then
        flags=$globals
    else
        flags=$(_rt_command_flags "$(_rt_usage "$rt" "$cmd")")
    fi
    # A flag's value: "--flag VALUE" or "--flag=VALUE".
    if [[ $cur == -*=* ]] && value=$(_rt_value_of "$flags" "${cur%%=*}"); then
        _rt_complete_value "$value" "${cur#*=}"
        return
    fi
    if ((cword - 1 > at)) && [[ $prev == -* ]] && value=$(_rt_value_of "$flags" "$prev"); then
        _rt_complete_value "$value" "$cur"
        return
    fi

    if [[ -z $cmd || $cmd == help || $cmd == h ]]; then
        if [[ -z $cmd && $cur == -* ]]; then
            mapfile -t COMPREPLY < <(compgen -W "$(cut -d' ' -f1 <<<"$flags")" -- "$cur")
        else
            mapfile -t COMPREPLY < <(compgen -W "$(_rt_commands "$rt")" -- "$cur")
        fi
        return
    fi

    # The arguments given so far (exec and ps take no flags after the container id).
    local npos=0
    for ((i = at + 1; i < cword; i++)); do
        w=${words[i]}
        if [[ $w == -* ]] && ! { [[ $cmd == exec || $cmd == ps ]] && ((npos)); }; then
            [[ $w != *=* ]] && _rt_value_of "$flags" "$w" >/dev/null && ((i++))
        else
            ((npos++))
        fi
    done
    if [[ $cur == -* ]] && ! { [[ $cmd == exec || $cmd == ps ]] && ((npos)); }; then
        mapfile -t COMPREPLY < <(compgen -W "$(cut -d' ' -f1 <<<"$flags")" -- "$cur")
        return
    fi
    case $cmd in
    create | run | spec | features | list) return ;;
    esac
    if ((npos == 0)); then
        mapfile -t COMPREPLY < <(compgen -W "$("$rt" "${root[@]}" list -q 2>/dev/null)" -- "$cur")
    elif [[ $cmd == kill && $npos == 1 ]]; then
        mapfile -t COMPREPLY < <(compgen -W "TERM KILL HUP INT QUIT USR1 USR2 STOP CONT WINCH" \
            -- "$cur")
    fi
}

complete -F _rt rt
