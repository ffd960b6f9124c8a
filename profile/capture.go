package profile

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"runtime/pprof"
	"strconv"
	"sync"
	"sync/atomic"
)

// Three ways to look at the goroutines of the running process, from cheap to
// thorough:
//
//   - CaptureAggregate asks the runtime for its goroutine profile: one record
//     per distinct stack and label set, with a count. The world stops only
//     for a moment, so it suits the check that runs after every test.
//   - Capture asks for the full traceback of every goroutine: ID, wait state,
//     labels, frames, creator. The world stops for the whole traceback, so it
//     is what to run once a check has found something.
//   - CaptureLeaked asks the runtime's leak detector which goroutines are
//     blocked on something nothing live can reach: proof, not suspicion.

// ErrLeakProfileUnavailable means this runtime has no goroutineleak profile:
// Go 1.26 built without GOEXPERIMENT=goroutineleakprofile, or older. Check
// LeakProfileAvailable before calling CaptureLeaked to avoid it.
var ErrLeakProfileUnavailable = errors.New("the goroutineleak profile is not available in this runtime (it needs Go 1.27, or Go 1.26 with GOEXPERIMENT=goroutineleakprofile)")

// Capture sizing: runtime.Stack stops the world for the whole traceback and
// must be given a buffer big enough up front, or the traceback is cut and has
// to be taken again. The buffer is sized from the number of goroutines times
// the bytes one goroutine took in the previous capture, with headroom.
const (
	// initialBytesPerGoroutine is the guess before the first capture: a
	// goroutine a few frames deep with a creator line takes 300–1000 bytes.
	initialBytesPerGoroutine = 1024
	// minStackBuffer is the smallest buffer Capture passes to runtime.Stack.
	minStackBuffer = 64 << 10
	// maxStackBuffer caps the buffer: beyond it the dump is returned cut,
	// with its last goroutine marked Truncated by the parser.
	maxStackBuffer = 1 << 30
)

// bytesPerGoroutine is the traceback size per goroutine seen in the last
// capture. Captures running in parallel may race to store it; any of their
// values is a fine estimate.
var bytesPerGoroutine atomic.Int64

// Capture takes a full snapshot of every goroutine of this process: ID, wait
// state, pprof labels, frames, creator and parent, in the order the runtime
// lists them. The snapshot's Format is FormatCapture.
//
// It takes one runtime.Stack(buf, true) traceback, which stops the world for
// as long as formatting every goroutine takes (milliseconds per thousand
// goroutines), then parses it. Use CaptureAggregate for frequent checks, and
// Capture when the details are needed.
//
// Labels come from the traceback text where the runtime prints them there
// (GODEBUG=tracebacklabels=1, which EnableTracebackLabels turns on; see the
// note in godebug.go). Where it prints none, they are taken from the pprof goroutine profile for every stack
// that the profile attributes to exactly one label set, and left nil for
// the others.
func Capture() (*Snapshot, error) {
	return TakeLook().Snapshot()
}

// stackOfAll returns runtime.Stack(buf, true) output, in a buffer sized from
// the last capture and grown only when that was still too small. Call
// releaseStackBuffer with it once it has been parsed.
func stackOfAll() []byte {
	per := bytesPerGoroutine.Load()
	if per <= 0 {
		per = initialBytesPerGoroutine
	}
	// A quarter of headroom for goroutines started, or stacks grown, since
	// the estimate was made.
	size := int64(runtime.NumGoroutine()) * per * 5 / 4
	size = min(max(size, minStackBuffer), maxStackBuffer)
	var buf []byte
	if p := stackBuffer.Swap(nil); p != nil && int64(cap(*p)) >= size {
		buf = (*p)[:cap(*p)]
	} else {
		buf = make([]byte, size)
	}
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) || len(buf) >= maxStackBuffer {
			return buf[:n]
		}
		buf = make([]byte, min(2*len(buf), maxStackBuffer))
	}
}

// stackBuffer keeps the last capture's buffer for the next one. Besides
// saving the allocation, a buffer already written once has its memory
// mapped, so the next traceback does not take page faults while the world
// is stopped. The parser copies what it keeps, so reuse is safe; a capture
// running while another holds the buffer allocates its own.
var stackBuffer atomic.Pointer[[]byte]

// releaseStackBuffer offers buf to the next capture once it has been
// parsed.
func releaseStackBuffer(buf []byte) {
	buf = buf[:0]
	stackBuffer.Store(&buf)
}

// aggregateBuffers holds the buffers CaptureAggregate writes the profile
// text into; the parser copies what it keeps, so they can be reused.
var aggregateBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBuffer keeps an unusually large profile's buffer from being held
// by the pool for the rest of the process.
const maxPooledBuffer = 16 << 20

// CaptureAggregate takes the cheap view of this process's goroutines: the
// runtime's goroutine profile, one record per distinct stack and label set,
// with Count goroutines each, Labels and Frames, but no IDs, wait states or
// creators. The world stops only briefly (about 0.1 ms; the stacks are
// collected while goroutines run), which makes it the right call for a check
// that runs after every test: count the goroutines carrying a label with
// Snapshot.Count, or compare two aggregates with Diff.
//
// The snapshot's Format is FormatProfileText, the form it was read from.
// Frames follow that form: runtime frames at the top of a stack are left out,
// as in traceback text.
func CaptureAggregate() (*Snapshot, error) {
	buf := aggregateBuffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= maxPooledBuffer {
			buf.Reset()
			aggregateBuffers.Put(buf)
		}
	}()
	buf.Reset()
	if err := pprof.Lookup("goroutine").WriteTo(buf, 1); err != nil {
		return nil, fmt.Errorf("writing the goroutine profile: %w", err)
	}
	s, err := parseDebug1(buf.Bytes())
	if err != nil {
		return nil, fmt.Errorf("reading the goroutine profile the runtime wrote: %w", err)
	}
	return s, nil
}

// LeakProfileAvailable reports whether this runtime has the goroutineleak
// profile, so that CaptureLeaked can work: Go 1.27 and later, and Go 1.26
// built with GOEXPERIMENT=goroutineleakprofile.
func LeakProfileAvailable() bool {
	return pprof.Lookup(leakProfileName) != nil
}

// CaptureLeaked returns the goroutines the runtime proves leaked: blocked on
// a channel, lock or wait group that no running goroutine can reach any more.
// It returns only those goroutines, with full detail as Capture gives it
// (IDs, states, labels, frames, creators) and Leaked set; an empty Goroutines
// list means no leak was proven. The snapshot's Format is FormatCapture.
//
// The proof comes from a garbage collection that marks what goroutines can
// reach, so CaptureLeaked costs a full GC plus a traceback of every
// goroutine. A goroutine blocked on something still reachable (a channel held
// in a global variable or by a live goroutine) is not proven leaked, even if
// it will never run again: use Capture and Diff for those.
//
// The runtime writes this profile's traceback into at most 64 MiB; past that
// (about 150,000 goroutines) the last goroutines are missing and the last one
// read is marked Truncated.
//
// It returns ErrLeakProfileUnavailable where the runtime lacks the profile.
func CaptureLeaked() (*Snapshot, error) {
	all, err := CaptureProof(true)
	if err != nil {
		return nil, err
	}
	s := &Snapshot{Format: FormatCapture, Text: all.Text}
	for _, g := range all.Goroutines {
		if g.Leaked {
			s.Goroutines = append(s.Goroutines, g)
		}
	}
	return s, nil
}

// CaptureProof is CaptureLeaked returning every goroutine, from one
// traceback taken after the proof, with Leaked set on those proven leaked.
// gcFirst is as for ProveLeaks.
func CaptureProof(gcFirst bool) (*Snapshot, error) {
	if _, err := ProveLeaks(gcFirst); err != nil {
		return nil, err
	}
	return Capture()
}

// ProveLeaks runs the runtime's leak detection and returns its findings in
// aggregated form: one record per distinct stack and label set of the
// goroutines proven leaked, with Count, Labels and Frames, no IDs (the
// Format is FormatProfileText). It is the cheap half of CaptureLeaked:
// the collection moves the goroutines it proves leaked to the leaked
// state, where they stay, so every traceback from then on (Capture) marks
// them "(leaked)", with their IDs. The profile's own traceback form
// (debug=2) would take one runtime.Stack per doubling of a buffer starting
// at 1 MiB: six for 50,000 goroutines.
//
// With gcFirst a regular collection runs before the profile's own: in a
// fresh process the profile's first run was seen to miss a goroutine
// blocked on a lock kept in a tiny allocation, which a regular cycle first
// settles. Without it the proof costs one collection; a caller that finds
// survivors unproven can ask again with gcFirst.
func ProveLeaks(gcFirst bool) (*Snapshot, error) {
	p := pprof.Lookup(leakProfileName)
	if p == nil {
		return nil, ErrLeakProfileUnavailable
	}
	if gcFirst {
		runtime.GC()
	}
	var buf bytes.Buffer
	if err := p.WriteTo(&buf, 1); err != nil {
		return nil, fmt.Errorf("writing the goroutineleak profile: %w", err)
	}
	s, err := parseDebug1(buf.Bytes())
	if err != nil {
		return nil, fmt.Errorf("reading the goroutineleak profile the runtime wrote: %w", err)
	}
	return s, nil
}

// CurrentID returns the ID of the calling goroutine, read from the header of
// its own traceback. Use it to recognise the goroutine running a check (for
// example the test's own goroutine) in a Capture. It returns 0 if the header
// cannot be read, which no supported runtime does.
func CurrentID() int64 {
	var buf [64]byte
	n := runtime.Stack(buf[:], false)
	rest, ok := bytes.CutPrefix(buf[:n], []byte("goroutine "))
	if !ok {
		return 0
	}
	end := bytes.IndexByte(rest, ' ')
	if end < 0 {
		return 0
	}
	id, err := strconv.ParseInt(string(rest[:end]), 10, 64)
	if err != nil {
		return 0
	}
	return id
}
