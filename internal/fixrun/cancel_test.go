package fixrun

import (
	"context"
	"errors"
	"maps"
	"strings"
	"sync"
	"testing"

	"github.com/leakhound/leakhound/internal/fixrun/fixture"
	"github.com/leakhound/leakhound/internal/testenv"
)

// cancelOn is a progress writer that cancels the session when a line
// holds its text: Ctrl-C in the middle of trying a candidate.
type cancelOn struct {
	mu     sync.Mutex
	text   string
	cancel context.CancelFunc
	seen   bool
}

func (c *cancelOn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if strings.Contains(string(p), c.text) {
		c.seen = true
		c.cancel()
	}
	return len(p), nil
}

// TestRunCancelled cancels a session while its candidate's test runs and
// checks that Run returns the cancellation, writes nothing and leaves the
// module's files as they were.
func TestRunCancelled(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs test binaries")
	}
	goCmd := testenv.GoCommand(t)
	files := fixture.PkgFiles("buffered", map[string]string{"leak.go": fixture.LeakySource, "leak_test.go": fixture.LeakyTest})
	dir := fixture.WriteModule(t, goCmd, fixture.Root(t, goCmd), files)
	before := snapshot(t, dir)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	progress := &cancelOn{text: "go test -count", cancel: cancel}
	res, err := Run(ctx, Options{Dir: dir, Packages: []string{"./buffered"}, Progress: progress})
	if !progress.seen {
		t.Fatal("the session never reached a candidate's test run")
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run returned %v, want context.Canceled", err)
	}
	if res != nil && len(res.VerifiedEdits()) > 0 {
		t.Errorf("a cancelled session verified edits")
	}
	if after := snapshot(t, dir); !maps.Equal(before, after) {
		t.Errorf("the module's files changed")
	}
}
