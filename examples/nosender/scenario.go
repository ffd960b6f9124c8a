package nosender

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing/iotest"

	"github.com/leakhound/leakhound/examples/internal/harness"
	"github.com/leakhound/leakhound/report"
)

// Scenario describes this example for the tests and the demo: a download
// that fails half-way while LeakyFollow tracks it.
func Scenario() harness.Scenario {
	return harness.Scenario{
		Name:      "nosender",
		Title:     "receive that no sender will ever complete",
		Reason:    report.ReasonChanReceive,
		PatternID: report.PatternRecvNoSender,
		Leak:      leak,
		Fixed:     fixed,
	}
}

// total is the size the scenario's download claims to have.
const total = 3 * chunk

// brokenSource returns a reader that delivers one chunk of a total-byte
// download and then fails, like a connection reset half-way.
func brokenSource() io.Reader {
	return io.MultiReader(strings.NewReader(strings.Repeat("x", chunk)), iotest.ErrReader(errors.New("connection reset by peer")))
}

// fixed follows the same failing download with Follow and Download.
func fixed() (release func(), err error) {
	updates := make(chan Progress)
	tr := NewTracker()
	ctx := context.Background() // the fix here is the close; no cancellation needed
	tr.Follow(ctx, "backup.tar", updates)
	if err := Download(ctx, io.Discard, brokenSource(), total, updates); err == nil {
		return nil, fmt.Errorf("the broken download succeeded")
	}
	return func() {}, nil
}

// leak follows a download that fails after its first chunk. Release sends
// the final update the follower waits for.
func leak() (release func(), err error) {
	updates := make(chan Progress)
	NewTracker().LeakyFollow("backup.tar", updates)
	release = func() { updates <- Progress{Done: total, Total: total} }
	err = LeakyDownload(io.Discard, brokenSource(), total, updates)
	if err == nil {
		release()
		return nil, fmt.Errorf("the broken download succeeded")
	}
	return release, nil
}
