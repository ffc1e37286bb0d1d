#!/bin/sh
#  test_install.sh - tf as a library, from the installed tree only
#
#  Usage: test_install.sh library|examples|python|deb
#  Each part runs `cmake --install` of this build into a temporary prefix, then
#    library   every public header compiles alone (C11 and C++, -Wall -Wextra
#              -Werror -pedantic), no private header is installed, libtf.so exports
#              only tf_ symbols, tf.pc's link interface is ZeroMQ, CZMQ and msgpack
#              (libtf.a's adds libyaml and jansson), and a program links libtf.a;
#    examples  examples/c-actor built from the installed copy with CMake
#              (find_package(tf)) and with pkg-config, run by the installed tf on
#              local nodes: passes (verdict and details in report.json and junit.xml)
#              and fails (min_blocks out of reach, exit 1); examples/embed built both
#              ways: passes its smoke plan (exit 0) and fails an unreachable liveness
#              minimum (exit 1);
#    python    the tfactor client's example actors (a workload restarting a node,
#              an expectation counting blocks) pass on local nodes, and the
#              expectation fails a dry run without blocks. Skipped (77) when no
#              python3 here has pyzmq and msgpack;
#    deb       cpack -G DEB makes a package holding the same tree (under /usr).
#  Examples are built with TF_EXAMPLE_FLAGS (this build's sanitizer, as libtf.so).
set -eu
: "${TF_SOURCE_DIR:?}" "${TF_BUILD_DIR:?}"
part=${1:?usage: test_install.sh library|examples|python|deb}
cmake_command=${TF_CMAKE:-cmake}
flags=${TF_EXAMPLE_FLAGS:-}

fail () {
    echo "FAIL: $*"
    exit 1
}

python=""
if [ "$part" = python ]; then
    for candidate in /usr/bin/python3 python3; do
        if "$candidate" -c 'import zmq, msgpack' 2> /dev/null; then
            python=$(command -v "$candidate")
            break
        fi
    done
    if [ -z "$python" ]; then
        echo "SKIP: no python3 with pyzmq and msgpack (Debian: python3-zmq python3-msgpack)"
        exit 77
    fi
fi

work=$(mktemp -d /tmp/tf-install-XXXXXX)
trap 'rm -rf "$work"' EXIT
prefix="$work/p"
"$cmake_command" --install "$TF_BUILD_DIR" --prefix "$prefix" > "$work/install.log" ||
    { cat "$work/install.log"; fail "cmake --install"; }
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
#  Programs built here find libtf.so in the prefix
export LD_LIBRARY_PATH="$prefix/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
tf="$prefix/bin/tf"
[ -x "$tf" ] && [ -x "$prefix/libexec/tf/tf-coordinator" ] || fail "tf or libexec/tf missing"

#  Value of a dotted key in a report.json (python3 or any python for the JSON)
json_python=$(command -v python3 || command -v /usr/bin/python3)
report_check () {
    "$json_python" - "$@" << 'PY'
import json, sys
report = json.load(open(sys.argv[1]))
name, passed, keys = sys.argv[2], sys.argv[3] == "true", sys.argv[4].split(",")
results = [r for r in report["expectations"] if r["name"] == name]
assert len(results) == 1, report["expectations"]
assert results[0]["passed"] is passed, results[0]
assert sorted(results[0]["details"]) == sorted(keys), results[0]
assert report["verdict"] == ("passed" if passed else "failed"), report["verdict"]
PY
}

#  ---------------------------------------------------------------------------
if [ "$part" = library ]; then
    include="$prefix/include/tf"
    [ -f "$include/tf.h" ] || fail "no umbrella tf.h in $include"
    if ls "$include" | grep -q '_private\.h$'; then
        fail "a private header is installed: $(ls "$include" | grep '_private\.h$')"
    fi
    headers=$(cd "$include" && ls ./*.h | sed 's#^\./##')
    cflags=$(pkg-config --cflags tf)
    for header in $headers; do
        # shellcheck disable=SC2086
        printf '#include <tf/%s>\ntypedef int header_test_t; /* not empty */\n' "$header" |
            cc -std=c11 -Wall -Wextra -Werror -pedantic $cflags -fsyntax-only -x c - ||
            fail "$header does not compile alone in C11"
        # shellcheck disable=SC2086
        printf '#include <tf/%s>\ntypedef int header_test_t; /* not empty */\n' "$header" |
            c++ -std=c++11 -Wall -Wextra -Werror -pedantic $cflags -fsyntax-only -x c++ - ||
            fail "$header does not compile alone in C++"
    done
    echo "ok: $(echo "$headers" | wc -l) headers compile alone in C11 and C++"

    library="$prefix/lib/libtf.so"
    [ -f "$library" ] && [ -f "$prefix/lib/libtf.a" ] || fail "libtf.so or libtf.a missing"
    #  Every defined dynamic symbol but the version node (type A) starts with tf_
    others=$(nm -D --defined-only "$library" | awk '$2 != "A" && $3 !~ /^tf_/ {print $3}')
    [ -z "$others" ] || fail "libtf.so exports symbols without tf_: $others"
    #  Every function the installed headers declare is exported (the X-macro
    #  enumeration's too), and the rooms' internals are not
    nm -D --defined-only "$library" | awk '{sub(/@.*/, "", $3); print $3}' | sort -u \
        > "$work/exported"
    (cd "$include" && grep -ohE '\btf_[a-z0-9_]+ \(' ./*.h | sed 's/ ($//' |
        grep -vE '_(t|fn)$'; echo tf_control_action_str; echo tf_control_action_parse) |
        sort -u > "$work/declared"
    [ "$(wc -l < "$work/declared")" -gt 80 ] || fail "too few declarations found in $include"
    missing=$(comm -23 "$work/declared" "$work/exported")
    [ -z "$missing" ] || fail "libtf.so does not export: $missing"
    for internal in tf_report_new tf_spawn_new tf_supervisor_new tf_cli_main; do
        ! grep -qx "$internal" "$work/exported" || fail "libtf.so exports the internal $internal"
    done
    echo "ok: libtf.so exports $(nm -D --defined-only "$library" | grep -c ' T ') functions, all tf_"

    libs=$(pkg-config --libs tf)
    for private in -lyaml -ljansson -lcurl -lsodium -lmicrohttpd; do
        case " $libs " in *" $private "*) fail "pkg-config --libs tf has $private: $libs" ;; esac
    done
    for public in -ltf -lczmq -lzmq -lmsgpackc; do
        case " $libs " in *" $public "*) ;; *) fail "pkg-config --libs tf lacks $public" ;; esac
    done
    if readelf -d "$library" | grep -E 'NEEDED.*(curl|sodium|microhttpd)'; then
        fail "libtf.so needs a library it should not"
    fi
    static=$(pkg-config --static --libs tf)
    for needed in -lyaml -ljansson; do
        case " $static " in *" $needed "*) ;; *) fail "pkg-config --static lacks $needed" ;; esac
    done
    #  A program linked against libtf.a alone (no libtf.so next to it at run time)
    cat > "$work/static.c" << 'C'
#include <tf/tf.h>
int
main (void)
{
    tf_plan_t *plan = tf_plan_new ("static");
    tf_plan_add_expectation (plan, "consensus_liveness");
    tf_plan_errors_t *errors = tf_plan_errors_new ();
    int rc = tf_plan_build (plan, errors);
    tf_plan_errors_destroy (&errors);
    tf_plan_destroy (&plan);
    return rc == 0 && strcmp (tf_phase_name (TF_PHASE_EVALUATE), "evaluate") == 0 ? 0 : 1;
}
C
    # shellcheck disable=SC2086
    cc -std=c11 $flags $(pkg-config --cflags tf) "$work/static.c" -o "$work/static" \
        -L"$prefix/lib" -Wl,-Bstatic -ltf -Wl,-Bdynamic $(pkg-config --static --libs-only-l tf |
        sed 's/-ltf//') || fail "linking libtf.a"
    readelf -d "$work/static" | grep -q 'NEEDED.*libtf' && fail "the static program needs libtf.so"
    "$work/static" || fail "the program on libtf.a"
    echo "ok: link interface clean, libtf.a links"
    exit 0
fi

#  ---------------------------------------------------------------------------
if [ "$part" = examples ]; then
    examples="$prefix/share/tf/examples"
    [ -f "$examples/c-actor/my-blocks.c" ] || fail "examples not installed in $examples"
    for example in c-actor embed; do
        "$cmake_command" -S "$examples/$example" -B "$work/$example-cmake" \
            -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_FLAGS="$flags" \
            -DCMAKE_EXE_LINKER_FLAGS="$flags" > "$work/$example-cmake.log" 2>&1 &&
            "$cmake_command" --build "$work/$example-cmake" >> "$work/$example-cmake.log" 2>&1 ||
            { cat "$work/$example-cmake.log"; fail "$example with CMake find_package(tf)"; }
    done
    mkdir "$work/c-actor-pc" "$work/embed-pc"
    # shellcheck disable=SC2086
    cc -std=c11 -Wall -Wextra -Werror $flags "$examples/c-actor/my-blocks.c" \
        $(pkg-config --cflags --libs tf) -o "$work/c-actor-pc/my-blocks" ||
        fail "c-actor with pkg-config"
    # shellcheck disable=SC2086
    cc -std=c11 -Wall -Wextra -Werror $flags "$examples/embed/embed.c" \
        $(pkg-config --cflags --libs tf) -o "$work/embed-pc/embed" || fail "embed with pkg-config"
    echo "ok: both examples built with CMake and with pkg-config"

    #  The custom expectation passes on two local nodes (its command is ./my-blocks:
    #  tf runs it in the directory tf run was started from)
    cp "$examples/c-actor/my-blocks.yaml" "$work/c-actor-cmake/"
    status=0
    (cd "$work/c-actor-cmake" && "$tf" run my-blocks.yaml --run-dir "$work/run-c") ||
        status=$?
    [ "$status" -eq 0 ] || { cat "$work/run-c/logs/my-blocks.log" || true; fail "my-blocks exit $status"; }
    report_check "$work/run-c/report.json" my-blocks true blocks,max_height,nodes
    grep -q '<testcase classname="tf.my_blocks" name="my-blocks"' "$work/run-c/junit.xml" ||
        fail "no my-blocks case in junit.xml"
    grep -q '<property name="blocks" value="[1-9]' "$work/run-c/junit.xml" ||
        fail "my-blocks's details not in junit.xml"
    #  ... and fails when its knob wants more blocks than the run can make
    sed 's/min_blocks: 2/min_blocks: 100000/' "$examples/c-actor/my-blocks.yaml" \
        > "$work/c-actor-pc/my-blocks.yaml"
    status=0
    (cd "$work/c-actor-pc" && "$tf" run my-blocks.yaml --run-dir "$work/run-c-fail") ||
        status=$?
    [ "$status" -eq 1 ] || fail "my-blocks out of reach: exit $status, expected 1"
    report_check "$work/run-c-fail/report.json" my-blocks false blocks,max_height,nodes
    grep -q '<failure message="[0-9]* blocks seen, at least 100000 wanted"' \
        "$work/run-c-fail/junit.xml" || fail "no my-blocks failure in junit.xml"
    echo "ok: c-actor passes and fails, verdict and details in report.json and junit.xml"

    status=0
    "$work/embed-cmake/embed" --run-dir "$work/run-embed" || status=$?
    [ "$status" -eq 0 ] || fail "embed smoke: exit $status, expected 0"
    grep -q '"verdict": *"passed"' "$work/run-embed/report.json" ||
        fail "embed smoke: report.json does not say passed"
    status=0
    "$work/embed-pc/embed" --minimum 1000 --run-dir "$work/run-embed-fail" || status=$?
    [ "$status" -eq 1 ] || fail "embed with minimum 1000: exit $status, expected 1"
    grep -q '"verdict": *"failed"' "$work/run-embed-fail/report.json" ||
        fail "embed with minimum 1000: report.json does not say failed"
    echo "ok: embed passes its smoke plan and fails an unreachable minimum"
    exit 0
fi

#  ---------------------------------------------------------------------------
if [ "$part" = python ]; then
    examples="$prefix/share/tf/examples/python-actor"
    export PYTHONPATH="$prefix/share/tf/python${PYTHONPATH:+:$PYTHONPATH}"
    mkdir "$work/py"
    #  The codec: every golden vector decodes and encodes back to the same bytes, and
    #  what section 5 refuses is refused
    "$python" - "$TF_SOURCE_DIR/tests/data/golden" << 'PY'
import glob, os, sys
import msgpack
import tfactor
count = 0
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.hex"))):
    topic = os.path.basename(path)[:-len(".hex")]
    if topic.startswith("plan."):
        continue                                 # plans, not messages
    body = bytes.fromhex(open(path).read().replace("\n", ""))
    message = tfactor.decode([topic.encode(), body])
    assert message is not None and message[0] == topic, topic
    fields = {key: value for key, value in message[1].items() if key != "v"}
    assert tfactor.encode(topic, fields) == [topic.encode(), body], topic
    count += 1
assert count >= 19, count
for v in (True, 1.0, 2):
    assert tfactor.decode([b"actor.heartbeat", msgpack.packb({"v": v, "name": "a"})]) is None, v
assert tfactor.decode([b"x", b"", msgpack.packb({"v": 1})]) is None
assert tfactor.decode([b"actor.heartbeat", b"\xc1"]) is None
print("ok: tfactor decodes and re-encodes %d golden messages, refuses bad ones" % count)
PY
    sed "s#\"python3 #\"$python $examples/#" "$examples/python-actor.yaml" > "$work/py/py.yaml"
    status=0
    (cd "$work/py" && "$tf" run py.yaml --run-dir "$work/run-py") || status=$?
    if [ "$status" -ne 0 ]; then
        cat "$work/run-py/logs/py-blocks.log" "$work/run-py/logs/py-restart.log" || true
        fail "python actors: exit $status, expected 0"
    fi
    report_check "$work/run-py/report.json" py-blocks true blocks,max_height
    "$python" - "$work/run-py/report.json" << 'PY'
import json, sys
report = json.load(open(sys.argv[1]))
status = report["workloads"]["py-restart"]
assert status["state"] == "stopped" and status["detail"] == "restart validator-1 ok", status
events = [e for e in report["events"] if e["kind"].startswith("node.control")]
kinds = [(e["kind"], e["actor"], e["node"]) for e in events]
assert kinds == [("node.control", "py-restart", "validator-1"),
                 ("node.control.done", "py-restart", "validator-1")], kinds
#  PROTOCOL.md 8.6: node.control.done names the node and says "<action> <target> ok"
assert events[1]["detail"] == "restart validator-1 ok", events[1]
registered = [e for e in report["events"] if e["kind"] == "actor.registered"
              and e["actor"] in ("py-blocks", "py-restart")]
assert len(registered) == 2 and all(e["detail"].startswith("pid ") for e in registered), registered
PY
    #  A replay judges the Python expectation alike: the whole recorded feed
    #  (ended by feed.end) reaches it before evaluate
    status=0
    (cd "$work/py" && "$tf" replay "$work/run-py" --run-dir "$work/replay-py") || status=$?
    [ "$status" -eq 0 ] || fail "replay of the python actors: exit $status, expected 0"
    "$python" - "$work/run-py/report.json" "$work/replay-py/report.json" << 'PY'
import json, sys
live, replay = (json.load(open(path)) for path in sys.argv[1:3])
def blocks(report):
    return [r for r in report["expectations"] if r["name"] == "py-blocks"][0]
assert blocks(replay)["passed"] and blocks(replay)["message"] == blocks(live)["message"], (
    blocks(live), blocks(replay))
PY
    #  The expectation fails a dry run: no nodes, no blocks
    cat > "$work/py/dry.yaml" << YAML
name: python_dry
consensus: {slot: 100ms}
custom:
  - {name: py-blocks, role: expectation, command: "$python $examples/blocks.py"}
run: {runner: none, duration: 1s}
YAML
    status=0
    (cd "$work/py" && "$tf" run dry.yaml --run-dir "$work/run-py-dry") || status=$?
    [ "$status" -eq 1 ] || fail "python expectation without blocks: exit $status, expected 1"
    report_check "$work/run-py-dry/report.json" py-blocks false blocks,max_height
    echo "ok: the Python actors pass on local nodes, and the expectation fails without blocks"
    exit 0
fi
#  ---------------------------------------------------------------------------
if [ "$part" = deb ]; then
    command -v dpkg-deb > /dev/null || { echo "SKIP: no dpkg-deb for cpack -G DEB"; exit 77; }
    cpack_command="$(dirname "$cmake_command")/cpack"
    [ -x "$cpack_command" ] || cpack_command=cpack
    (cd "$work" && "$cpack_command" -G DEB --config "$TF_BUILD_DIR/CPackConfig.cmake" \
        > cpack.log 2>&1) || { cat "$work/cpack.log"; fail "cpack -G DEB"; }
    deb=$(ls "$work"/tf_*.deb)
    dpkg-deb -c "$deb" | awk '{print $6}' > "$work/deb.list"
    #  The same tree as cmake --install, under /usr
    (cd "$prefix" && find . -type f -o -type l) | sed 's#^\./#./usr/#' | sort > "$work/tree.list"
    missing=$(sort "$work/deb.list" | comm -13 - "$work/tree.list")
    [ -z "$missing" ] || fail "the package lacks: $missing"
    dpkg-deb -f "$deb" Package Depends | grep -q '^Package: tf$' || fail "package name"
    echo "ok: $(basename "$deb") holds the installed tree ($(wc -l < "$work/tree.list") files)"
    exit 0
fi
fail "unknown part $part"
