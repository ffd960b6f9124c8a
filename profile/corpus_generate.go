package profile

// The dump corpus under testdata/dumps, which corpus_test.go parses and
// holds against each dump's truth file, is written by internal/gendump, one
// directory per Go variant the corpus covers:
//
//	go generate ./profile
//
// The toolchains come through GOTOOLCHAIN, fetched by the go command on
// first use. The dumps are real, so a regenerated corpus differs in IDs and
// addresses; read the truth files' diff.

//go:generate env GOTOOLCHAIN=go1.26.8 go run ./internal/gendump -out testdata/dumps/go1.26.8
//go:generate env GOTOOLCHAIN=go1.26.8 GOEXPERIMENT=goroutineleakprofile go run ./internal/gendump -out testdata/dumps/go1.26.8-leakexp
//go:generate env GOTOOLCHAIN=go1.27.3 go run ./internal/gendump -out testdata/dumps/go1.27.3
