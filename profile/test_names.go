package profile

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// testPrefixes start the names of the functions go test runs.
var testPrefixes = []string{"Test", "Benchmark", "Fuzz", "Example"}

// IsTestFunc reports whether name (without package) names a function go
// test runs: Test, Benchmark, Fuzz or Example, then nothing or a character
// that is not a lower-case letter, the go tool's rule ("TestX", "Test_x",
// "Test"; not "Testify").
func IsTestFunc(name string) bool {
	for _, prefix := range testPrefixes {
		if !strings.HasPrefix(name, prefix) {
			continue
		}
		if len(name) == len(prefix) {
			return true
		}
		r, _ := utf8.DecodeRuneInString(name[len(prefix):])
		return !unicode.IsLower(r)
	}
	return false
}

// TestFunc returns the name of the test, benchmark, fuzz target or example
// function that fn is, or is a closure inside: "TestServe" for
// "example.com/srv.TestServe.func1.2"; false when fn is in none.
func TestFunc(fn string) (string, bool) {
	rest := fn
	if slash := strings.LastIndexByte(rest, '/'); slash >= 0 {
		rest = rest[slash+1:]
	}
	dot := strings.IndexByte(rest, '.')
	if dot < 0 {
		return "", false
	}
	name := rest[dot+1:]
	if end := strings.IndexByte(name, '.'); end >= 0 {
		name = name[:end]
	}
	if IsTestFunc(name) {
		return name, true
	}
	return "", false
}
