#!/usr/bin/env bash
#  test.sh - install what is missing, build with sanitizers, run the whole suite through ctest.
#
#  Usage: scripts/test.sh [ctest options...]     e.g. scripts/test.sh -L unit
#  Without options it also runs the fuzz smoke: every libFuzzer target for
#  TF_FUZZ_SMOKE_SECONDS (default 20) in a clang build (tests/fuzz/README.md).
#  The compose runner's tests need a Docker engine: when none answers (docker info)
#  and this is root with dockerd installed, a private one is started for the suite
#  (its own socket, data and exec roots in a temporary directory) and stopped after.
#  Otherwise those tests skip, saying why.
#  Environment: TF_SANITIZER (default address,undefined), TF_TEST_BUILD_DIR (default build-test),
#               TF_FUZZ_BUILD_DIR (default build-fuzz), TF_TEST_FUZZ=0 skips the fuzz smoke,
#               TF_TEST_DOCKER=0 never starts a dockerd.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
case "${1:-}" in
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,2\}//'; exit 0 ;;
esac
build_dir="${TF_TEST_BUILD_DIR:-$here/build-test}"

TF_SANITIZER="${TF_SANITIZER:-address,undefined}" TF_WERROR=ON \
    "$here/scripts/setup.sh" --test-deps "$build_dir"

#  Sanitizer runtime settings: leaks are failures; CZMQ's global context is torn
#  down at exit, so only real leaks remain.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$here/tests/lsan.supp}"

#  A private dockerd for the compose tests, when none answers and one can be started
docker_dir=""
docker_pid=""
docker_bridge=""
stop_docker () {
    if [ -n "$docker_pid" ]; then
        kill "$docker_pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$docker_pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$docker_pid" 2>/dev/null || true
        docker_pid=""
    fi
    if [ -n "$docker_bridge" ]; then
        ip link del "$docker_bridge" 2>/dev/null || true
        docker_bridge=""
    fi
    if [ -n "$docker_dir" ]; then
        rm -rf "$docker_dir" 2>/dev/null || true
        docker_dir=""
    fi
}
start_docker () {
    if timeout 20 docker info > /dev/null 2>&1; then
        echo "test.sh: compose tests use the engine that answers (DOCKER_HOST=${DOCKER_HOST:-unset})"
        return
    fi
    if [ "${TF_TEST_DOCKER:-1}" = 0 ] || [ "$(id -u)" -ne 0 ] || ! command -v dockerd > /dev/null \
        || ! command -v docker > /dev/null || ! command -v ip > /dev/null; then
        echo "test.sh: no Docker engine answers and none can be started here (needs root," \
             "dockerd, docker and ip): the compose tests skip"
        return
    fi
    docker_dir=$(mktemp -d "${TMPDIR:-/tmp}/tf-test-docker-XXXXXX")
    trap stop_docker EXIT
    #  A default bridge of its own: with none (or docker0) a second daemon would
    #  take or remove the default bridge of an engine that exists already
    docker_bridge="tftest$$"
    docker_bridge=${docker_bridge:0:15}
    if ! { ip link add "$docker_bridge" type bridge \
            && ip addr add "10.214.$((RANDOM % 256)).1/24" dev "$docker_bridge" \
            && ip link set "$docker_bridge" up; }; then
        echo "test.sh: cannot make a bridge for a private dockerd: the compose tests skip"
        stop_docker
        return
    fi
    dockerd --host "unix://$docker_dir/docker.sock" --data-root "$docker_dir/data" \
        --exec-root "$docker_dir/exec" --pidfile "$docker_dir/docker.pid" \
        --bridge="$docker_bridge" > "$docker_dir/dockerd.log" 2>&1 &
    docker_pid=$!
    given_host=${DOCKER_HOST-}
    export DOCKER_HOST="unix://$docker_dir/docker.sock"
    for _ in $(seq 1 300); do
        if docker info > /dev/null 2>&1; then
            echo "test.sh: started dockerd (pid $docker_pid) for the compose tests: $DOCKER_HOST"
            return
        fi
        kill -0 "$docker_pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "test.sh: dockerd did not answer within 30 s (log: $docker_dir/dockerd.log):" \
         "the compose tests skip"
    tail -5 "$docker_dir/dockerd.log" || true
    stop_docker
    if [ -n "$given_host" ]; then export DOCKER_HOST=$given_host; else unset DOCKER_HOST; fi
}
start_docker

status=0
(cd "$build_dir" && ctest --output-on-failure -j "$(nproc)" "$@") || status=$?

#  The fuzz smoke, for the whole suite only: its own build, since libFuzzer needs clang
if [ $# -eq 0 ] && [ "${TF_TEST_FUZZ:-1}" != 0 ]; then
    if command -v clang > /dev/null; then
        fuzz_dir="${TF_FUZZ_BUILD_DIR:-$here/build-fuzz}"
        echo "test.sh: fuzz smoke: building the fuzz targets with clang in $fuzz_dir"
        CC=clang cmake -S "$here" -B "$fuzz_dir" -DTF_FUZZ=ON -DTF_WERROR=ON \
            -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
        cmake --build "$fuzz_dir" -j "$(nproc)" --target tf_fuzz > /dev/null
        (cd "$fuzz_dir" && TF_FUZZ_SMOKE_SECONDS="${TF_FUZZ_SMOKE_SECONDS:-20}" \
            ctest -L fuzz --output-on-failure -j "$(nproc)") || status=$?
    else
        echo "test.sh: fuzz smoke skipped: clang is not installed (scripts/setup.sh installs it)"
    fi
fi
exit $status
