package profile

// Goroutine is one goroutine as a dump or a profile describes it.
//
// Text dumps (runtime.Stack, debug=2 profiles, crash output) describe each
// goroutine on its own, so Count is 1 and ID is set. Aggregated profiles
// (pprof goroutine profiles, debug=1 text) describe a stack shared by Count
// goroutines and carry no ID, wait state or creator.
type Goroutine struct {
	// ID is the goroutine ID the runtime assigned; 0 when the source has none.
	ID int64
	// State is the wait state exactly as the runtime prints it, with the
	// markers below removed: "chan receive", "select (no cases)",
	// "sync.Mutex.Lock", "IO wait", "running", …
	State string
	// WaitMinutes is how long the goroutine has been blocked, as printed
	// (", 5 minutes"); 0 when not printed.
	WaitMinutes int
	// LockedToThread reports ", locked to thread".
	LockedToThread bool
	// Leaked reports the "(leaked)" marker: the runtime's leak detector
	// proved that nothing live can ever unblock this goroutine.
	Leaked bool
	// Durable reports the "(durable)" marker of a goroutine durably blocked
	// inside a synctest bubble.
	Durable bool
	// Bubble is the synctest bubble ID ("synctest bubble N"); 0 when none.
	Bubble int64
	// Labels are the pprof labels of the goroutine; nil when none are known.
	Labels map[string]string
	// Frames is the stack, innermost call first.
	Frames []Frame
	// ElidedFrames is the number of frames the runtime left out
	// ("...N frames elided...").
	ElidedFrames int
	// CreatedBy is the go statement that started the goroutine; nil for the
	// main goroutine and when unknown.
	CreatedBy *Frame
	// ParentID is the ID of the goroutine that executed that go statement
	// ("created by F in goroutine N"); 0 when not printed.
	ParentID int64
	// Ancestors are the creation stacks of the goroutine's ancestors, nearest
	// first, printed when GODEBUG=tracebackancestors=N is set.
	Ancestors []Ancestor
	// StackUnavailable reports that the runtime printed no stack, as for a
	// goroutine running on another thread during a crash.
	StackUnavailable bool
	// Truncated reports that the dump ended in the middle of this goroutine:
	// what was read is kept, the rest is missing.
	Truncated bool
	// Count is how many goroutines this record stands for: 1 for text dumps,
	// the sample value for aggregated profiles.
	Count int
}

// Ancestor is the creation stack of one ancestor goroutine, as printed under
// "[originating from goroutine N]:" when GODEBUG=tracebackancestors is set.
type Ancestor struct {
	// ID is the ancestor's goroutine ID.
	ID int64
	// Frames is the ancestor's stack at the moment it executed the go
	// statement, innermost first.
	Frames []Frame
	// CreatedBy is the go statement that started the ancestor, when printed.
	CreatedBy *Frame
}

// Weight is how many goroutines the record stands for: Count, or one for a
// record that leaves Count at zero (one built by hand, or by an older
// reader). Every sum of goroutines uses it, so a record is never counted
// as none.
func (g *Goroutine) Weight() int {
	if g.Count <= 0 {
		return 1
	}
	return g.Count
}
