package realbugs

import (
	"fmt"
	"slices"
	"time"
)

// Capture is what a case's Run left behind.
type Capture struct {
	// Dump is runtime.Stack of every goroutine, taken once a goroutine
	// Run started blocked at the truth's line.
	Dump []byte
	// Started are the goroutines Run started (directly or not) that were
	// alive in Dump.
	Started []int64
	// Blocked are those of Started waiting at the truth's Block.
	Blocked []int64
}

// Leak runs c and waits, at most limit, until a goroutine it started is
// parked at c.Truth.Block. Goroutines alive before Run are told apart by
// ID, so no other test of the process may start goroutines meanwhile (do
// not call it from parallel tests).
func (c Case) Leak(limit time.Duration) (Capture, error) {
	before := make(map[int64]bool)
	for _, g := range ParseStacks(Stacks()) {
		before[g.ID] = true
	}
	c.Run()
	file := c.Abs(c.Truth.Block)
	deadline := time.Now().Add(limit)
	for {
		dump := Stacks()
		var capt Capture
		for _, g := range ParseStacks(dump) {
			if before[g.ID] {
				continue
			}
			capt.Started = append(capt.Started, g.ID)
			if f, ok := g.At(file); ok && f.Line == c.Truth.Block.Line && g.Waiting() {
				capt.Blocked = append(capt.Blocked, g.ID)
			}
		}
		if len(capt.Blocked) > 0 {
			capt.Dump = dump
			slices.Sort(capt.Started)
			return capt, nil
		}
		if time.Now().After(deadline) {
			return capt, fmt.Errorf("%s: no goroutine started by Run blocked at %s within %v; goroutines:\n%s", c.Name, c.Truth.Block, limit, dump)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// Settle runs c and waits, at most limit, until every goroutine it
// started has ended; it returns those still alive then and their dump.
// It is how the runcase program judges a fixed case.
func (c Case) Settle(limit time.Duration) ([]Goroutine, []byte) {
	before := make(map[int64]bool)
	for _, g := range ParseStacks(Stacks()) {
		before[g.ID] = true
	}
	c.Run()
	deadline := time.Now().Add(limit)
	for {
		dump := Stacks()
		var alive []Goroutine
		for _, g := range ParseStacks(dump) {
			if !before[g.ID] {
				alive = append(alive, g)
			}
		}
		if len(alive) == 0 || time.Now().After(deadline) {
			return alive, dump
		}
		time.Sleep(2 * time.Millisecond)
	}
}
