#!/usr/bin/env bash
# The project's test command: formatting, vet, staticcheck, then the whole
# suite under -race on every Go version leakhound supports:
#   Go 1.26.8 as installed, Go 1.26.8 with GOEXPERIMENT=goroutineleakprofile,
#   and Go 1.27.3 (fetched by the go command through GOTOOLCHAIN).
# Each step prints its name when it starts and its time when it ends; a
# table of the times closes the run.
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
# Extra arguments go to every `go test` run: scripts/test.sh -count=1 reruns
# everything, scripts/test.sh -count=3 runs everything three times.
set -euo pipefail
cd "$(dirname "$0")/.."

STATICCHECK=honnef.co/go/tools/cmd/staticcheck@v0.8.2
GO127=go1.27.3
CACHED=(./report/... ./cmd/... ./internal/...)

# The packages that always run: every package not matched by CACHED.
# (Import paths hold no spaces, so plain word splitting lists them; the
# script sticks to what bash 3.2, macOS's, understands.)
cached_pkgs=$(GOTOOLCHAIN=local go list "${CACHED[@]}")
LIVE=$(GOTOOLCHAIN=local go list ./... | grep -vxF "$cached_pkgs" || true)

summary=""

# step NAME COMMAND... runs one step and prints how long it took.
step() {
  local name=$1
  shift
  printf '\n== %s\n' "$name"
  local start=$SECONDS
  "$@"
  local secs=$((SECONDS - start))
  printf -- '-- %s: %ss\n' "$name" "$secs"
  summary="$summary$(printf '%6ss  %s' "$secs" "$name")
"
}

gofmt_check() {
  local unformatted
  unformatted=$(gofmt -l $(find . -name '*.go' -not -path './.git/*' -not -path '*/testdata/*'))
  if [ -n "$unformatted" ]; then
    echo "gofmt would change:"; echo "$unformatted"; return 1
  fi
}

# suite ENV... runs the tests under -race with the given environment: the
# cached packages first, then the ones that always run.
suite() {
  # -timeout: a package's tests under -race on a busy CI machine may pass
  # go test's default 10 minutes without anything being stuck.
  env "$@" go test -race -timeout 25m ${TEST_ARGS[@]+"${TEST_ARGS[@]}"} "${CACHED[@]}"
  # shellcheck disable=SC2086 # LIVE is a list of import paths
  env "$@" go test -race -timeout 25m -count=1 ${TEST_ARGS[@]+"${TEST_ARGS[@]}"} $LIVE
}
TEST_ARGS=("$@")

step "gofmt" gofmt_check
step "go vet" go vet ./...
# The first run downloads and builds staticcheck; later runs reuse both.
step "staticcheck" go run "$STATICCHECK" ./...
step "go test -race, Go $(GOTOOLCHAIN=local go env GOVERSION)" \
  suite GOTOOLCHAIN=local
step "go test -race, Go $(GOTOOLCHAIN=local go env GOVERSION) GOEXPERIMENT=goroutineleakprofile" \
  suite GOTOOLCHAIN=local GOEXPERIMENT=goroutineleakprofile
# The first run downloads Go 1.27.3 ("go: downloading go1.27.3").
step "fetch $GO127" env GOTOOLCHAIN=$GO127 go version
step "go test -race, $GO127" suite GOTOOLCHAIN=$GO127

printf '\n== all steps passed\n%s%6ss  total\n' "$summary" "$SECONDS"
