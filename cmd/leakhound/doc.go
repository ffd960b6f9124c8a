// Command leakhound turns a goroutine dump of any kind into a report that
// says which goroutines are stuck, why, where, and which test started them.
//
// Install it with
//
//	go install github.com/leakhound/leakhound/cmd/leakhound@latest
//
// # leakhound report
//
//	leakhound report [flags] [FILE | - | URL]
//
// reads one dump and prints the text report. The input is a file, standard
// input ("-" or no argument), or the URL of a live process's net/http/pprof
// endpoint; a URL is fetched only when one is given, and -timeout bounds
// the whole request. The format is recognised from the content, so the same
// command reads:
//
//   - runtime.Stack output and /debug/pprof/goroutine?debug=2;
//   - a crash, a SIGQUIT dump, or the output of a test that hit -timeout;
//   - go test -json output wrapping any of those;
//   - goroutine and goroutineleak profiles, as debug=1 text or protobuf.
//
// Typical uses:
//
//	leakhound report crash.txt
//	go test -timeout 1m ./pkg 2>&1 | leakhound report
//	leakhound report -html leaks.html -json leaks.json dump.txt
//	leakhound report -reason chan-receive,select -min 100 -sort minutes dump.txt
//	leakhound report 'http://localhost:6060/debug/pprof/goroutine?debug=2'
//
// -html, -json and -pprof write the report's other forms next to the text
// (or instead of it, given "-"); -github adds GitHub Actions annotations.
//
// For a big dump, -reason keeps goroutines blocked for the named reasons,
// -match and -exclude select by regular expressions over every frame's
// function and file:line (the frame of the go statement included), -min
// drops groups smaller than N, and -sort orders groups by size (count) or
// by the longest time blocked (minutes). Goroutines whose whole stack, and
// the go statement that created them, are runtime or standard library code
// — GC workers, signal handling, idle HTTP connections — are hidden by
// default because every process has them; -all shows them. The report ends
// with a note of everything a filter left out.
//
// When the dump is the output of a test that timed out, the report's first
// line names the tests that were running, and the goroutines they started
// come first: a test's goroutine is found by the test function under
// testing.tRunner, and every goroutine it started, directly or through
// other goroutines, is attributed to it by following "created by … in
// goroutine N".
//
// Goroutines that carry the "leakhound.test" pprof label, which the
// leakcheck package puts on everything a checked test starts, are
// attributed to that test in any dump that prints labels (debug=1 and
// protobuf profiles, and text dumps taken with GODEBUG=tracebacklabels=1).
//
// A dump cut short is reported from what was read, with a warning naming
// the goroutine it stops in. An empty goroutineleak profile means the
// runtime found no leak and is reported as such.
//
// # Exit status
//
//	0  the report was printed (also for help and version)
//	1  -fail was given and blocked goroutines remain after the filters
//	2  usage or input error: a bad flag, a missing, empty or unrecognised
//	   input, a URL that does not answer, an output file that cannot be
//	   written
//
// # Other commands
//
//	leakhound merge [flags] INPUT...       merge the report directories of CI shards or Bazel tests
//	leakhound baseline [-o FILE] INPUT...  write a baseline of known leaks
//	leakhound help [command]   the flags of a command, with examples
//	leakhound version          the leakhound and Go versions of the binary
package main
