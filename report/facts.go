package report

// Facts are what the diagnosis found in the source, as data rather than
// prose, so that tools can act on it (propose an edit of the user's lines,
// link to a line, check a claim). Every field is optional: a fact the
// source did not show is left empty, never guessed.
type Facts struct {
	// Op is the blocking operation at Group.Block: "send", "receive",
	// "range", "select", "lock", "rlock", "wait" (WaitGroup), "cond"
	// (Cond.Wait), "sleep", "io"; "" when the source was not read.
	Op string
	// Object is the source text of what the goroutine waits on at the
	// blocking line: the channel ("bsp.stopCh"), the mutex ("s.mu"), the
	// WaitGroup or the Cond.
	Object string
	// Make is where the channel waited on is made, when found.
	Make *SourceRef
	// Buffer is the buffer size expression of that make ("" for an
	// unbuffered channel or when Make is nil).
	Buffer string
	// Select describes the select the goroutine blocks in.
	Select *SelectFacts
	// Held lists the locks the goroutine holds where it blocks: a Lock
	// earlier in one of its frames with no Unlock between it and the
	// frame's current line.
	Held []LockFact
	// Partners are the statements that would release the goroutine: the
	// sends, receives or closes of its channel, the Unlock of its mutex, the
	// Done of its WaitGroup, the Signal or Broadcast of its Cond, found in
	// the packages on its stack.
	Partners []SourceRef
	// Closer is the method whose call would release the goroutine, when the
	// partner statements all sit in a Close/Stop/Shutdown-like method.
	Closer *Closer
	// Context is the name of a context.Context in scope at the blocking
	// line (a parameter or a local of the blocking function), "" if none.
	Context string
	// ContextFrom says where Context comes from when the source shows it
	// ("context.Background()", "a parameter").
	ContextFrom string
	// Cycle is the number of the cycle of goroutines the group is part of,
	// 1-based in Report.Cycles; 0 when it is in none.
	Cycle int
}

// SourceRef names a statement in the source.
type SourceRef struct {
	// File is the file's path as read; Line is 1-based.
	File string
	Line int
	// Func is the function the statement is in, as
	// "(*batchSpanProcessor).Shutdown" or "worker" or "worker.func1".
	Func string
	// Text is the statement, trimmed, without a trailing comment.
	Text string
	// Kind says what the statement does to the object: "send", "receive",
	// "close", "unlock", "done", "signal", "broadcast", "cancel".
	Kind string
}

// SelectFacts is the select statement a goroutine blocks in.
type SelectFacts struct {
	// Line is the line of the select keyword.
	Line int
	// Cases are the communication cases, in source order.
	Cases []SelectCase
	// Default reports whether the select has a default case.
	Default bool
	// InLoop reports whether the select is inside a for loop of its
	// function.
	InLoop bool
}

// SelectCase is one communication case of a select.
type SelectCase struct {
	// Line is the line of the case.
	Line int
	// Send is true for a send case, false for a receive.
	Send bool
	// Channel is the channel expression's text ("bsp.stopCh",
	// "ctx.Done()", "timer.C").
	Channel string
	// Stop reports whether the case can end the wait for good: a receive
	// from ctx.Done() or from a channel that the source closes.
	Stop bool
	// Partners are the statements that would make the case ready.
	Partners []SourceRef
}

// LockFact is a lock a goroutine holds.
type LockFact struct {
	// Mutex is the mutex expression's text as written at the Lock call.
	Mutex string
	// Read is true for an RLock.
	Read bool
	// Lock is the Lock call that took it.
	Lock SourceRef
	// Deferred reports whether the matching Unlock is deferred in that
	// function (it runs only when the function returns).
	Deferred bool
}

// Closer is a method that releases a goroutine when called.
type Closer struct {
	// Type is the receiver type's name without the package
	// ("batchSpanProcessor"); Pointer says whether the receiver is a
	// pointer.
	Type    string
	Pointer bool
	// Method is the method's name ("Shutdown").
	Method string
	// Recv is the receiver's name in the method's declaration ("bsp").
	Recv string
	// TakesContext reports whether the method's first parameter is a
	// context.Context.
	TakesContext bool
	// At is the method's declaration.
	At SourceRef
	// Owners are methods of the same name on other types that call it:
	// what a user more likely holds ("(*TracerProvider).Shutdown").
	Owners []SourceRef
}

// Cycle is a set of leaked groups that wait on each other: each one is
// released only by another member, so none can move first. It is shown
// once, as one group of groups.
type Cycle struct {
	// Kind names the cycle: "lock order" (each holds a lock the next
	// wants), "channels" (each waits on a channel the next serves only
	// later), "read lock and writer" (a recursive RLock behind a waiting
	// writer), or "lock and channel" for a mix.
	Kind string
	// Groups are the indexes in Report.Groups of the members, in cycle
	// order.
	Groups []int
	// Edges says, for each member in order, what it waits for from the
	// next one (the last waits for the first).
	Edges []CycleEdge
}

// CycleEdge is one "waits for" step of a cycle.
type CycleEdge struct {
	// Wait is the statement the waiting group blocks at.
	Wait SourceRef
	// Release is the statement of the next group that would release it
	// (an Unlock, a receive, a send) or, for a lock, the Lock that took it.
	Release SourceRef
	// Why says it in words: "holds s.mu since store.go:42".
	Why string
}
