#!/usr/bin/env bash
# Runs the steps of the README's "In CI" recipes on this machine, without
# GitHub or Bazel, to try them end to end:
#
#   scripts/ci-local.sh github [MODULE]  the GitHub Actions workflow: a
#       matrix of shards, each testing its share of the packages with
#       LEAKHOUND_REPORT and a step summary, its report "uploaded" (copied)
#       as an artifact; then the merge job over the "downloaded" artifacts.
#   scripts/ci-local.sh bazel [MODULE]   Bazel's environment: each package
#       tested with TEST_UNDECLARED_OUTPUTS_DIR set to its own
#       bazel-testlogs/<package>/<name>_test/test.outputs and no
#       LEAKHOUND_REPORT, the outputs zipped into outputs.zip as Bazel
#       does by default; then a merge of bazel-testlogs.
#
# MODULE is a Go module using leakcheck; without it a small module with
# leaking and clean packages is generated. Everything is written under
# $WORK (default: a new temporary directory), which the script prints.
set -euo pipefail

mode=${1:?usage: scripts/ci-local.sh github|bazel [MODULE]}
repo=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-$(mktemp -d)}
SHARDS=${SHARDS:-3}
leakhound="$WORK/bin/leakhound"
(cd "$repo" && go build -o "$leakhound" ./cmd/leakhound)

# The variables CI would set; none may leak in from the caller.
unset LEAKHOUND_REPORT LEAKHOUND_BASELINE LEAKHOUND_ARTIFACT TEST_UNDECLARED_OUTPUTS_DIR GITHUB_STEP_SUMMARY GITHUB_ACTIONS

module=${2:-}
if [ -z "$module" ]; then
  module="$WORK/module"
  mkdir -p "$module"
  cat >"$module/go.mod" <<EOF
module example.com/monorepo

go 1.26

require github.com/leakhound/leakhound v0.0.0

replace github.com/leakhound/leakhound => $repo
EOF
  cp "$repo/go.sum" "$module/go.sum"
  for pkg in billing search users inventory; do
    mkdir -p "$module/$pkg"
    cat >"$module/$pkg/$pkg.go" <<EOF
package $pkg

// Notify sends to a receiver that may be gone.
func Notify(ch chan int) { go func() { ch <- 1 }() }
EOF
    cat >"$module/$pkg/${pkg}_test.go" <<EOF
package $pkg

import (
	"testing"
	"time"

	"github.com/leakhound/leakhound/leakcheck"
)

func TestNotify(t *testing.T) {
	leakcheck.Check(t, leakcheck.SettleBudget(200*time.Millisecond))
	Notify(make(chan int))
}
EOF
  done
  mkdir -p "$module/clean"
  printf 'package clean\n\nimport "testing"\n\nfunc TestNothing(t *testing.T) {}\n' >"$module/clean/clean_test.go"
fi
export GOFLAGS=-mod=mod GOWORK=off

case "$mode" in
github)
  # The matrix: shard i tests every SHARDS-th package, as the workflow's
  # awk line does. A failing go test (a leak) does not stop the job's
  # upload step, which runs "if: always()".
  for ((i = 0; i < SHARDS; i++)); do
    job="$WORK/job-$i"
    mkdir -p "$job"
    echo "== job test (shard $i)"
    (
      cd "$module"
      export LEAKHOUND_REPORT="$job/leakhound-report" LEAKHOUND_ARTIFACT="leakhound-shard-$i"
      export GITHUB_STEP_SUMMARY="$job/step-summary.md" GITHUB_ACTIONS=true
      go list ./... | awk -v n="$SHARDS" -v i="$i" 'NR % n == i' | xargs -r go test -count=1 >"$job/go-test.log" 2>&1 || true
    )
    grep -E '^(ok|FAIL|---)' "$job/go-test.log" || true
    # upload-artifact, hidden files included; no report, no artifact.
    if [ -d "$job/leakhound-report" ]; then
      mkdir -p "$WORK/artifacts"
      cp -a "$job/leakhound-report" "$WORK/artifacts/leakhound-shard-$i"
    fi
  done
  echo "== job leaks (merge)"
  # download-artifact with pattern leakhound-shard-* into shards/.
  mkdir -p "$WORK/merge/shards"
  cp -a "$WORK/artifacts/." "$WORK/merge/shards/" 2>/dev/null || true
  cd "$WORK/merge"
  status=0
  GITHUB_STEP_SUMMARY="$WORK/merge/step-summary.md" \
    "$leakhound" merge -allow-empty -o leakhound-report -artifact leakhound-report shards || status=$?
  echo "merge exit status: $status"
  echo "== step summary of the merge job"
  cat "$WORK/merge/step-summary.md"
  echo "== step summary of shard 0"
  cat "$WORK/job-0/step-summary.md" 2>/dev/null || echo "(none: shard 0 leaked nothing)"
  ls "$WORK/merge/leakhound-report"
  ;;
bazel)
  # bazel test //...: one test target per package, each with its own
  # outputs directory, zipped afterwards.
  cd "$module"
  for pkg in $(go list ./...); do
    rel=${pkg#"$(go list -m)"}
    rel=${rel#/}
    name=$(basename "$pkg")
    out="$WORK/bazel-testlogs/$rel/${name}_test/test.outputs"
    mkdir -p "$out"
    status=0
    (cd "$module/$rel" && TEST_UNDECLARED_OUTPUTS_DIR="$out" go test -count=1 . >"$out/../test.log" 2>&1) || status=$?
    echo "//$rel:${name}_test exit $status"
    # --zip_undeclared_test_outputs: the directory becomes outputs.zip.
    if [ -n "$(ls -A "$out")" ]; then
      (cd "$out" && python3 -m zipfile -c outputs.zip leakhound && rm -r leakhound)
    fi
  done
  find "$WORK/bazel-testlogs" -name outputs.zip
  status=0
  "$leakhound" merge -o "$WORK/leakhound-report" "$WORK/bazel-testlogs" || status=$?
  echo "merge exit status: $status"
  ls "$WORK/leakhound-report"
  ;;
*)
  echo "usage: scripts/ci-local.sh github|bazel [MODULE]" >&2
  exit 2
  ;;
esac
echo "work directory: $WORK"
