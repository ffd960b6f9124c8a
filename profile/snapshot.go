package profile

// Snapshot is a set of goroutines read from one dump, profile or capture.
type Snapshot struct {
	// Goroutines in the order the source listed them.
	Goroutines []*Goroutine
	// Format names where the snapshot came from.
	Format Format
	// Text holds the lines outside any goroutine section (a panic message,
	// "fatal error: …", go test's own output), in order, so nothing a dump
	// said is lost.
	Text []string
	// Context is what Text says about why the dump was printed: a crash,
	// a signal, a test timeout with the tests that were running.
	Context Context
	// LeakProfile reports that the input was the runtime's goroutineleak
	// profile: every goroutine it lists was proven leaked, and when it
	// lists none (ParseBytes then fails with ErrNoGoroutines) the runtime
	// proved that none leaked.
	LeakProfile bool
}

// Format identifies the kind of input a Snapshot was read from.
type Format string

// The formats Parse recognises.
const (
	FormatStack        Format = "stack"        // runtime.Stack, debug=2, crash and SIGQUIT output
	FormatTestJSON     Format = "go-test-json" // go test -json output wrapping a text dump
	FormatProfileText  Format = "pprof-debug1" // aggregated pprof text, debug=1
	FormatProfileProto Format = "pprof-proto"  // pprof protocol buffer, gzipped or not
	FormatCapture      Format = "capture"      // taken from the running process
)
