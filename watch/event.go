package watch

import (
	"fmt"
	"time"

	"github.com/leakhound/leakhound/internal/words"
)

// EventKind says what an Event reports.
type EventKind int

// The kinds of events.
const (
	// TargetFailed: a fetch of Target failed (told once per run of
	// failures; Err says why).
	TargetFailed EventKind = iota
	// TargetBack: Target answered again after failing.
	TargetBack
	// TargetRestarted: Target is a new process; its counts start over.
	TargetRestarted
	// GroupSeen: a group appeared already Proven or Growing.
	GroupSeen
	// VerdictChanged: a group's verdict changed from Was to Verdict.
	VerdictChanged
)

// Event is one change a Look saw, worth a line of a live summary.
type Event struct {
	Time time.Time
	Kind EventKind
	// Target is the target of a Target… event.
	Target string
	// Fingerprint, Group (a few words naming it), Count (its goroutines
	// on all targets) and Verdict describe the group of a Group… or
	// VerdictChanged event; Was is the verdict before.
	Fingerprint string
	Group       string
	Count       int
	Verdict     Verdict
	Was         Verdict
	// Err is why a target failed.
	Err error
}

// String is the event as one line of the live summary.
func (e Event) String() string {
	at := e.Time.Format("15:04:05")
	switch e.Kind {
	case TargetFailed:
		return fmt.Sprintf("%s %s: failing, backing off: %v", at, e.Target, e.Err)
	case TargetBack:
		return fmt.Sprintf("%s %s: answering again", at, e.Target)
	case TargetRestarted:
		return fmt.Sprintf("%s %s: restarted (goroutine IDs started over); its counts start again", at, e.Target)
	case GroupSeen:
		return fmt.Sprintf("%s %s: new group %s, %s: %s", at, e.Verdict, e.Fingerprint, words.Plural(e.Count, "goroutine"), e.Group)
	case VerdictChanged:
		return fmt.Sprintf("%s %s → %s: group %s, %s: %s", at, e.Was, e.Verdict, e.Fingerprint, words.Plural(e.Count, "goroutine"), e.Group)
	}
	return fmt.Sprintf("%s event %d", at, int(e.Kind))
}
