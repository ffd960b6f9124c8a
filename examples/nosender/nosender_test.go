package nosender

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/examples/internal/leaktest"
	"github.com/leakhound/leakhound/leakcheck"
)

func TestLeakyFollowLeaks(t *testing.T) {
	t.Parallel()
	leaktest.Leak(t, Scenario(), leaktest.Marked(t, "leaky.go", 1))
}

func TestLeakyFollowFailsCheck(t *testing.T) {
	t.Parallel()
	leaktest.CheckFails(t, Scenario(), leaktest.Marked(t, "leaky.go", 1))
}

func TestDownloadAndFollow(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		src      func() io.Reader
		wantErr  bool
		wantDone int64
	}{
		{"complete", func() io.Reader { return strings.NewReader(strings.Repeat("x", total)) }, false, total},
		{"fails half-way", brokenSource, true, chunk},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			leakcheck.Check(t)
			tr := NewTracker()
			updates := make(chan Progress)
			followed := tr.Follow(t.Context(), "backup.tar", updates)
			var dst bytes.Buffer
			err := Download(t.Context(), &dst, tt.src(), total, updates)
			<-followed // Download closed updates, so Follow has returned
			if (err != nil) != tt.wantErr {
				t.Fatalf("Download error = %v, want error: %v", err, tt.wantErr)
			}
			p, ok := tr.Last("backup.tar")
			if !ok || p.Done != tt.wantDone || p.Total != total {
				t.Errorf("last progress %+v (recorded: %v), want %d of %d", p, ok, tt.wantDone, total)
			}
			if tt.wantErr && !errors.Is(p.Err, err) {
				t.Errorf("last progress error %v, want the download's %v", p.Err, err)
			}
		})
	}
	t.Run("follower stops on cancel", func(t *testing.T) {
		t.Parallel()
		leakcheck.Check(t)
		ctx, cancel := context.WithCancel(t.Context())
		followed := NewTracker().Follow(ctx, "stalled.iso", make(chan Progress)) // nobody ever sends
		cancel()
		<-followed
	})
}

// TestFixedVersionPassesCheck runs the fixed version through the leaky
// scenario's steps under leakcheck.Check.
func TestFixedVersionPassesCheck(t *testing.T) {
	t.Parallel()
	leaktest.FixedPasses(t, Scenario())
}
