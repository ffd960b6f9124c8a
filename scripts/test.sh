#!/usr/bin/env bash
# The project's test command: formatting, vet, staticcheck, then the whole
# suite under -race on every Go version leakhound supports.
#   Go 1.26.8 as installed, Go 1.26.8 with GOEXPERIMENT=goroutineleakprofile,
#   and Go 1.27.3 (fetched by the go command through GOTOOLCHAIN).
# Extra arguments go to every `go test` run, e.g. scripts/test.sh -count=3.
set -euo pipefail
cd "$(dirname "$0")/.."

STATICCHECK=honnef.co/go/tools/cmd/staticcheck@v0.8.2
GO127=go1.27.3

step() { printf '\n== %s\n' "$*"; }

step "gofmt"
unformatted=$(gofmt -l $(find . -name '*.go' -not -path './.git/*' -not -path '*/testdata/*'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted"; exit 1
fi

step "go vet"
go vet ./...

step "staticcheck"
go run "$STATICCHECK" ./...

step "go test -race (Go $(GOTOOLCHAIN=local go env GOVERSION))"
GOTOOLCHAIN=local go test -race -count=1 "$@" ./...

step "go test -race (GOEXPERIMENT=goroutineleakprofile)"
GOTOOLCHAIN=local GOEXPERIMENT=goroutineleakprofile go test -race -count=1 "$@" ./...

step "go test -race ($GO127)"
GOTOOLCHAIN=$GO127 go test -race -count=1 "$@" ./...

step "all test runs passed"
