#!/usr/bin/env bash
# The project's test command: formatting, vet, staticcheck, then the whole
# suite under -race on every Go version leakhound supports, each at its
# latest patch release, fetched by the go command through GOTOOLCHAIN:
#   Go 1.26.11, Go 1.26.11 with GOEXPERIMENT=goroutineleakprofile, and
#   Go 1.27.4.
#
# The repository holds three modules: leakhound itself (the root, whose
# go.mod requires only what the library imports), examples/ (the leak
# patterns, which use x/sync, testify and goleak) and interop/ (the tests
# that need chromedp, goleak or panicparse). Every step covers all three.
# Each step prints its name when it starts and its time when it ends; a
# table of the times closes the run.
#
# The three runtimes' suites run side by side, each in its own go command:
# much of a suite's time is spent waiting (settle budgets, child processes,
# builds of other packages), so on a small machine the three together take
# little more than the slowest alone. Each suite's output is kept apart and
# printed whole, in the order above, once all have ended; the run fails if
# any of them failed. SERIAL=1 runs them one after another instead, their
# output shown as it comes.
#
# Which packages rerun every time: the tests of packages that watch the live
# runtime (leakcheck, profile, examples: their verdicts depend on scheduling,
# and a pass the cache replays would hide a flaky one) always run
# (-count=1). The packages listed in CACHED (report, the CLI, internal)
# compute their results from their inputs alone (sources, dumps, files,
# environment, all of which the go command's test cache keys on), so a
# result is replayed until one of those changes. A package not listed is
# always run; reportdir among them, as its tests run go test on modules
# that build leakcheck from this tree, which its own test binary does not
# include, so the cache would not see leakcheck change.
#
# Tests whose verdict cannot depend on the runtime run in the first suite
# only (Go 1.26.11); the other two skip them (-skip "$PRIMARY_ONLY"). They
# render pages and drive them in a browser, parse the dump corpus cut
# everywhere, write report directories from many writers, build and test
# generated modules or edited examples with the go command: the same work,
# with the same outcome, on every runtime, and much of the suites' time on
# a machine of two cores. Every test that watches the live
# runtime (leak verdicts, the leak profile, scheduling) runs in all three.
# A test added to PRIMARY_ONLY must have a name no test elsewhere has:
# go test's -skip matches names, not packages.
#
# Extra arguments go to every `go test` run: scripts/test.sh -count=1 reruns
# everything, scripts/test.sh -count=3 runs everything three times. A -skip
# among them replaces the secondary suites' own (go test keeps the last).
set -euo pipefail
cd "$(dirname "$0")/.."

STATICCHECK=honnef.co/go/tools/cmd/staticcheck@v0.8.2
GO126=go1.26.11
GO127=go1.27.4
CACHED=(./report/... ./cmd/... ./internal/...)
# The tests the second and third suites skip (see above), one a line, its
# package and what makes it slow beside it.
PRIMARY_ONLY_TESTS=(
  TestCorpusCutAnywhere            # profile: the dump corpus, parsed cut at every point
  TestGoTestAdoption               # reportdir: three go test runs of a generated module
  TestGoTestReportDir              # reportdir: go test of a generated module
  TestWriteDirProcesses            # reportdir: eight writer processes rendering pages
  TestWriteDirConcurrentGoroutines # reportdir: six writers rendering pages
  TestSuggestedEditsRemoveLeaks    # examples/demo: go vet and go test of each edited example
  TestBrowserReport                # interop/report: the report's pages in Chromium
  TestBrowserLongNames             # interop/report: the same, long names
  TestBrowserPage                  # interop/livepage: the live page in Chromium
)
PRIMARY_ONLY="^($(IFS='|'; echo "${PRIMARY_ONLY_TESTS[*]}"))\$"
# The nested modules, each tested whole and always run: the examples and
# the goleak comparisons watch the live runtime, and the browser test runs
# go test on the root module, which the cache would not see change.
NESTED=(examples interop)

# The packages that always run: every package not matched by CACHED.
# (Import paths hold no spaces, so plain word splitting lists them; the
# script sticks to what bash 3.2, macOS's, understands.)
# The slowest of them are named first, so go test starts them first: a
# suite lasts at least as long as its slowest package, and one started last
# would run alone on a machine the others have left idle.
SLOWEST=(./leakcheck ./reportdir ./profile)
cached_pkgs=$(GOTOOLCHAIN=local go list "${CACHED[@]}")
slowest_pkgs=$(GOTOOLCHAIN=local go list "${SLOWEST[@]}")
LIVE="$slowest_pkgs
$(GOTOOLCHAIN=local go list ./... | grep -vxF "$cached_pkgs" | grep -vxF "$slowest_pkgs" || true)"

summary=""

# note NAME SECS records a step's time for the closing table.
note() {
  summary="$summary$(printf '%6ss  %s' "$2" "$1")
"
}

# step NAME COMMAND... runs one step and prints how long it took.
step() {
  local name=$1
  shift
  printf '\n== %s\n' "$name"
  local start=$SECONDS rc=0
  "$@" || rc=$?
  local secs=$((SECONDS - start))
  printf -- '-- %s: %ss\n' "$name" "$secs"
  note "$name" "$secs"
  return $rc
}

gofmt_check() {
  local unformatted
  unformatted=$(gofmt -l $(find . -name '*.go' -not -path './.git/*'))
  if [ -n "$unformatted" ]; then
    echo "gofmt would change:"; echo "$unformatted"; return 1
  fi
}

# Every binary built with -race sleeps for GORACE's atexit_sleep_ms, one
# second by default, before it exits, so that races other threads are still
# reporting get printed. A Go race report is printed by the goroutine that
# hits the race, before the exit, so the sleep adds nothing here but a
# second to every test binary and to every child binary the tests start
# (VerifyTestMain's probe runs, the CLI, the re-executed helpers): over a
# minute per runtime. A GORACE the caller set still applies on top.
export GORACE="atexit_sleep_ms=0${GORACE:+ $GORACE}"

# suite SKIP ENV... runs the tests under -race with the given environment,
# skipping the tests SKIP matches ("" skips none): the root module's cached
# packages first, then the ones that always run, with the nested modules'
# tests beside them (their output follows the root's). All run even when
# one fails; the status is the first failure's.
suite() {
  local rc=0 skip=()
  [ -z "$1" ] || skip=("-skip=$1")
  shift
  # -timeout: a package's tests under -race on a busy CI machine may pass
  # go test's default 10 minutes without anything being stuck.
  env "$@" go test -race -timeout 25m ${skip[@]+"${skip[@]}"} ${TEST_ARGS[@]+"${TEST_ARGS[@]}"} "${CACHED[@]}" || rc=$?
  # shellcheck disable=SC2086 # LIVE is a list of import paths
  local m p nested nested_pids=()
  nested=$(mktemp -d)
  for m in "${NESTED[@]}"; do
    (
      cd "$m" && env "$@" go test -race -timeout 25m -count=1 ${skip[@]+"${skip[@]}"} ${TEST_ARGS[@]+"${TEST_ARGS[@]}"} ./...
    ) >"$nested/$m.log" 2>&1 &
    nested_pids+=($!)
  done
  env "$@" go test -race -timeout 25m -count=1 ${skip[@]+"${skip[@]}"} ${TEST_ARGS[@]+"${TEST_ARGS[@]}"} $LIVE || { [ $rc -ne 0 ] || rc=$?; }
  for p in "${nested_pids[@]}"; do
    wait "$p" || { [ $rc -ne 0 ] || rc=$?; }
  done
  for m in "${NESTED[@]}"; do
    cat "$nested/$m.log"
  done
  rm -rf "$nested"
  return $rc
}
TEST_ARGS=("$@")

# in_modules COMMAND... runs the command in the root module and in each
# nested one; the status is the first failure's.
in_modules() {
  local rc=0 m
  "$@" || rc=$?
  for m in "${NESTED[@]}"; do
    (cd "$m" && "$@") || { [ $rc -ne 0 ] || rc=$?; }
  done
  return $rc
}

step "gofmt" gofmt_check
step "go vet" in_modules go vet ./...
# The first run downloads and builds staticcheck; later runs reuse both.
step "staticcheck" in_modules go run "$STATICCHECK" ./...
# The first run downloads the toolchains ("go: downloading go1.27.4").
fetch_toolchains() { GOTOOLCHAIN=$GO126 go version && GOTOOLCHAIN=$GO127 go version; }
step "fetch $GO126 and $GO127" fetch_toolchains

# The suites: a name and an environment each (words split on spaces).
SUITE_NAMES=(
  "go test -race, $GO126"
  "go test -race, $GO126 GOEXPERIMENT=goroutineleakprofile"
  "go test -race, $GO127"
)
SUITE_ENVS=(
  "GOTOOLCHAIN=$GO126"
  "GOTOOLCHAIN=$GO126 GOEXPERIMENT=goroutineleakprofile"
  "GOTOOLCHAIN=$GO127"
)
# What each suite skips: the first runs everything.
SUITE_SKIPS=("" "$PRIMARY_ONLY" "$PRIMARY_ONLY")

failed=""
if [ "${SERIAL:-}" = 1 ]; then
  for i in 0 1 2; do
    # shellcheck disable=SC2086 # the environment is a list of words
    step "${SUITE_NAMES[$i]}" suite "${SUITE_SKIPS[$i]}" ${SUITE_ENVS[$i]} || failed="$failed
  ${SUITE_NAMES[$i]}"
  done
else
  logs=$(mktemp -d)
  pids=()
  # Each suite runs in its own process group (job control on), so an
  # interrupted run can stop all three with everything they started.
  stop_suites() {
    for p in ${pids[@]+"${pids[@]}"}; do kill -TERM -- "-$p" 2>/dev/null || true; done
    rm -rf "$logs"
    exit 130
  }
  trap stop_suites INT TERM
  set -m
  printf '\n== the three suites side by side (output follows when all have ended)\n'
  start=$SECONDS
  for i in 0 1 2; do
    (
      s=$SECONDS
      rc=0
      # shellcheck disable=SC2086 # the environment is a list of words
      suite "${SUITE_SKIPS[$i]}" ${SUITE_ENVS[$i]} >"$logs/$i.log" 2>&1 || rc=$?
      echo "$((SECONDS - s)) $rc" >"$logs/$i.status"
    ) &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || true; done
  set +m
  trap - INT TERM
  wall=$((SECONDS - start))
  for i in 0 1 2; do
    name=${SUITE_NAMES[$i]}
    printf '\n== %s\n' "$name"
    cat "$logs/$i.log"
    read -r secs rc <"$logs/$i.status" || { secs=?; rc=1; }
    if [ "$rc" = 0 ]; then
      printf -- '-- %s: %ss\n' "$name" "$secs"
    else
      printf -- '-- %s: FAILED (exit status %s) after %ss\n' "$name" "$rc" "$secs"
      failed="$failed
  $name"
    fi
    note "$name" "$secs"
  done
  rm -rf "$logs"
  note "the three suites, side by side" "$wall"
fi

if [ -n "$failed" ]; then
  printf '\n== FAILED:%s\n%s%6ss  total\n' "$failed" "$summary" "$SECONDS"
  exit 1
fi
printf '\n== all steps passed\n%s%6ss  total\n' "$summary" "$SECONDS"
