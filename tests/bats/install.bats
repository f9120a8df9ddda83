#!/usr/bin/env bats
# meson install: the binary, the man pages rt(8) and rt-COMMAND(8), and the bash completion.
# Each page's OPTIONS must be exactly the flags its command's --help lists (both ways), and
# the completion must offer what rt accepts.
#
# The install is made once, from the build directory the binary under test was built in
# (`meson install --no-rebuild --destdir`: nothing is rebuilt under the other tests), into
# this file's temporary directory.

load helpers

# The meson build directory of $RT (build/ for build/src/rt), or nothing.
rt_build_dir() {
    local d
    d="$(dirname "$RT")"
    for d in "$d" "$(dirname "$d")"; do
        [[ -f "$d/meson-info/intro-buildoptions.json" ]] && echo "$d" && return
    done
}

# buildopt NAME: the value of a meson option of the build directory.
buildopt() {
    jq -r --arg n "$1" '.[] | select(.name == $n) | .value' \
        "$BUILD/meson-info/intro-buildoptions.json"
}

setup_file() {
    is_rt || return 0
    BUILD="$(rt_build_dir)"
    [[ -n "$BUILD" ]] || return 0
    DEST="$BATS_FILE_TMPDIR/dest"
    meson install -C "$BUILD" --no-rebuild --destdir "$DEST" >"$BATS_FILE_TMPDIR/install.log" 2>&1
    echo $? >"$BATS_FILE_TMPDIR/install.status"
}

setup() {
    common_setup
    rt_only "the install of rt's build"
    BUILD="$(rt_build_dir)"
    [[ -n "$BUILD" ]] || skip "$RT is not in a meson build directory"
    DEST="$BATS_FILE_TMPDIR/dest"
    PREFIX="$DEST$(buildopt prefix)"
    MAN8="$PREFIX/$(buildopt mandir)/man8"
    [[ "$(cat "$BATS_FILE_TMPDIR/install.status")" == 0 ]] ||
        fail "meson install -C $BUILD --destdir failed: $(cat "$BATS_FILE_TMPDIR/install.log")"
}

# need_man_pages: skip when the man generator is absent (the pages are then not built).
need_man_pages() {
    command -v go-md2man >/dev/null ||
        skip "go-md2man is not installed, so the man pages are not built (apt-get install go-md2man)"
    command -v man >/dev/null || fail "man (man-db) is needed to render the pages"
}

# The commands of `rt --help`, and those it marks "(not implemented yet)".
rt_commands() {
    "$RT" --help | sed -n '/^COMMANDS:$/,/^$/{s/^   \([a-z]*\).*/\1/p}' | grep -vx help
}
not_implemented() {
    "$RT" --help | awk '/not implemented yet/ {print $1}'
}

# render PAGE: the page as man shows it, one option per line.
render() {
    LC_ALL=C MANWIDTH=200 man -l -P cat "$1" 2>/dev/null
}

# page_flags PAGE SECTION: the flags named in the entries of a section of PAGE (the entry
# lines, indented 7, not the descriptions under them).
page_flags() {
    render "$1" | sed -n "/^$2\$/,/^[A-Z]/p" | grep -E '^ {7}-' |
        grep -oE '(^|[ ,|])--?[a-zA-Z][a-zA-Z0-9-]*' | tr -d ' ,|' | sort -u
}

# help_flags CMD: the flags of `rt CMD --help`'s USAGE line, and --help/-h when both print
# that usage.
help_flags() {
    local out
    out="$("$RT" "$1" --help)" || return
    {
        sed -n '/^USAGE:$/{n;p}' <<<"$out" | grep -oE '[[|]--?[a-zA-Z][a-zA-Z0-9-]*' | tr -d '[|'
        [[ "$out" == *USAGE:* && "$("$RT" "$1" -h)" == "$out" ]] && printf '%s\n' --help -h
    } | sort -u
}

# global_help_flags: the flags of `rt --help`'s GLOBAL OPTIONS (the first column).
global_help_flags() {
    "$RT" --help | sed -n '/^GLOBAL OPTIONS:$/,$p' | grep -E '^ +-' |
        sed -E 's/^ +(.*[^ ])  +.*/\1/' | grep -oE -- '--?[a-zA-Z][a-zA-Z0-9-]*' | sort -u
}

# diff_sets WHAT A B: fail naming what is only in A and only in B.
diff_sets() {
    local only_a only_b
    only_a="$(comm -23 <(echo "$2") <(echo "$3") | tr '\n' ' ')"
    only_b="$(comm -13 <(echo "$2") <(echo "$3") | tr '\n' ' ')"
    [[ -z "$only_a$only_b" ]] && return 0
    echo "$1: only on the page: [${only_a% }]; only in --help: [${only_b% }]"
}

@test "meson install --destdir: the binary and the bash completion" {
    local sbin completion
    sbin="$PREFIX/$(buildopt sbindir)/rt"
    [[ -x "$sbin" ]] || fail "no rt in $PREFIX/$(buildopt sbindir): $(find "$DEST" -type f)"
    assert_equal "$("$sbin" --version)" "$("$RT" --version)"
    completion="$(find "$DEST" -path '*/bash-completion/completions/rt' -type f)"
    [[ -n "$completion" ]] || fail "no bash-completion/completions/rt under $DEST"
    [[ "$completion" == "$PREFIX"/* ]] || fail "the completion is outside the prefix: $completion"
}

@test "meson install --destdir: rt(8) and one page per implemented command, none for the rest" {
    need_man_pages
    local want got c
    want="$( (
        echo rt.8
        comm -23 <(rt_commands | sort) <(not_implemented | sort) | sed 's/.*/rt-&.8/'
    ) | sort)"
    [[ -d "$MAN8" ]] || fail "no man pages installed: $BUILD was configured without them" \
        "(-Dman=$(buildopt man), or go-md2man installed since: meson setup --reconfigure $BUILD)"
    got="$(find "$MAN8" -maxdepth 1 -type f -printf '%f\n' | sort)"
    assert_equal "$got" "$want"
    # What has no page is said to be not implemented on rt(8).
    for c in $(not_implemented); do
        render "$MAN8/rt.8" | grep -A2 -E "^ +(.*[ ,])?$c(,| |$)" | grep -qi 'not implemented' ||
            fail "rt(8) does not say that $c is not implemented"
    done
}

@test "rt(8): its GLOBAL OPTIONS are the flags rt --help lists" {
    need_man_pages
    local page help d
    page="$(page_flags "$MAN8/rt.8" 'GLOBAL OPTIONS')"
    help="$(global_help_flags)"
    [[ -n "$help" ]] || fail "rt --help lists no global flags"
    d="$(diff_sets "rt(8)" "$page" "$help")"
    [[ -z "$d" ]] || fail "$d"
}

@test "rt-COMMAND(8): each page's OPTIONS are the flags of rt COMMAND --help, both ways" {
    need_man_pages
    local c page help d errors=""
    for c in $(comm -23 <(rt_commands | sort) <(not_implemented | sort)); do
        [[ -f "$MAN8/rt-$c.8" ]] || {
            errors+="no page rt-$c.8"$'\n'
            continue
        }
        page="$(page_flags "$MAN8/rt-$c.8" OPTIONS)"
        help="$(help_flags "$c")" || {
            errors+="rt $c --help failed"$'\n'
            continue
        }
        [[ "$help" == *--help* ]] || errors+="rt $c: --help and -h do not both print the usage"$'\n'
        d="$(diff_sets "rt-$c(8)" "$page" "$help")"
        [[ -z "$d" ]] || errors+="$d"$'\n'
    done
    [[ -z "$errors" ]] || fail "$errors"
}

# complete WORDS...: what the installed completion offers for the command line WORDS (the
# last word is the one completed), one a line, sorted.
complete_line() {
    local completion
    completion="$(find "$DEST" -path '*/bash-completion/completions/rt' -type f)"
    bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _rt
             printf "%s\n" "${COMPREPLY[@]}"' _ "$completion" "$@" | sed '/^$/d' | sort
}

@test "bash completion: valid bash, offering every command after rt" {
    local completion
    completion="$(find "$DEST" -path '*/bash-completion/completions/rt' -type f)"
    bash -n "$completion" || fail "$completion is not valid bash"
    bash -c 'source "$1" && complete -p rt' _ "$completion" | grep -q -- '-F _rt' ||
        fail "sourcing $completion does not register a completion for rt"
    assert_equal "$(complete_line "$RT" "")" "$( (
        rt_commands
        echo help
    ) | sort)"
    assert_equal "$(complete_line "$RT" st)" "$(printf '%s\n' start state)"
    assert_equal "$(complete_line "$RT" --log-format=)" "$(printf '%s\n' json text)"
    assert_equal "$(complete_line "$RT" --root /tmp --rootless "")" "$(printf '%s\n' auto false true)"
    assert_equal "$(complete_line "$RT" --root /tmp help ki)" kill
}

@test "bash completion: every flag of each command, flag values and container ids" {
    local c errors="" got want
    assert_equal "$(complete_line "$RT" -)" "$(global_help_flags)"
    for c in $(rt_commands); do
        got="$(complete_line "$RT" --debug "$c" -)"
        want="$(help_flags "$c")"
        [[ "$got" == "$want" ]] ||
            errors+="rt $c -<TAB>: ${got//$'\n'/ } (rt $c --help: ${want//$'\n'/ })"$'\n'
    done
    [[ -z "$errors" ]] || fail "$errors"
    assert_equal "$(complete_line "$RT" list --format "")" "$(printf '%s\n' json table)"
    assert_equal "$(complete_line "$RT" ps -f=j)" json
    mkdir "$TEST_DIR/dir-a"
    assert_equal "$(cd "$TEST_DIR" && complete_line "$RT" create --bundle di)" dir-a
    # ids under the --root given, after the flags, only where an id goes
    set_args sleep 1000
    rtc create -b "$BUNDLE" "$ID"
    assert_success
    assert_equal "$(complete_line "$RT" --root "$ROOT" kill -a "")" "$ID"
    assert_equal "$(complete_line "$RT" --root="$ROOT" exec -e A=1 --cwd / "")" "$ID"
    assert_equal "$(complete_line "$RT" --root "$ROOT" kill "$ID" SIGK)" ""
    assert_equal "$(complete_line "$RT" --root "$ROOT" kill "$ID" KI)" KILL
    assert_equal "$(complete_line "$RT" --root "$ROOT" run "")" ""
    assert_equal "$(complete_line "$RT" --root "$ROOT" exec "$ID" -)" ""
}
