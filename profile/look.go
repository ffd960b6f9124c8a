package profile

import (
	"fmt"
	"slices"
)

// Look is one traceback of every goroutine of this process, read only as
// far as its user needs: the IDs from the header lines (cheap), the whole
// Snapshot (parsed) only when the IDs show something worth explaining. A
// check that first asks which goroutines exist and then, when a new one
// does, what they are, so takes one traceback where CaptureIDs followed by
// Capture take two.
//
// A Look holds a buffer the size of the traceback until Snapshot or
// Release is called; call one of them exactly once.
type Look struct {
	text         []byte
	labelsInText bool
}

// TakeLook takes the traceback (see Capture for its cost and labels).
func TakeLook() *Look {
	inText := labelsInText()
	return &Look{text: stackOfAll(), labelsInText: inText}
}

// IDs returns the IDs of the goroutines in the look, sorted, appended to
// dst[:0].
func (l *Look) IDs(dst []int64) []int64 {
	ids := appendHeaderIDs(dst[:0], l.text)
	slices.Sort(ids)
	return ids
}

// Snapshot parses the look as Capture does, and releases it.
func (l *Look) Snapshot() (*Snapshot, error) {
	text := l.text
	l.text = nil
	s, err := parseStack(text)
	releaseStackBuffer(text)
	if err != nil {
		return nil, fmt.Errorf("reading this process's goroutine traceback: %w", err)
	}
	s.Format = FormatCapture
	if len(s.Goroutines) > 0 {
		bytesPerGoroutine.Store(int64(len(text)/len(s.Goroutines)) + 1)
	}
	if !l.labelsInText {
		agg, err := CaptureAggregate()
		if err != nil {
			return nil, fmt.Errorf("reading goroutine labels from the pprof goroutine profile: %w", err)
		}
		joinLabels(s, agg)
	}
	return s, nil
}

// Release gives the look's buffer back without parsing it.
func (l *Look) Release() {
	if l.text != nil {
		releaseStackBuffer(l.text)
		l.text = nil
	}
}
