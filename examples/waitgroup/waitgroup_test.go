package waitgroup

import (
	"errors"
	"testing"
	"time"

	"github.com/leakhound/leakhound/examples/internal/leaktest"
	"github.com/leakhound/leakhound/leakcheck"
)

func TestLeakyUploadAllLeaks(t *testing.T) {
	t.Parallel()
	leaktest.Leak(t, Scenario(), leaktest.Marked(t, "leaky.go", 1))
}

func TestLeakyUploadAllFailsCheck(t *testing.T) {
	t.Parallel()
	leaktest.CheckFails(t, Scenario(), leaktest.Marked(t, "leaky.go", 1))
}

func TestUploadAll(t *testing.T) {
	t.Parallel()
	files, refusing := sampleFiles()
	tests := []struct {
		name    string
		send    func(string, []byte) error
		wantErr error
	}{
		{"all stored", func(string, []byte) error { return nil }, nil},
		{"one refused", refusing, errQuota},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			leakcheck.Check(t)
			u := &Uploader{Send: tt.send}
			// A failure must end the wait at once, not at the deadline.
			err := u.UploadAll(files, time.Minute)
			if tt.wantErr == nil && err != nil || tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("UploadAll = %v, want %v", err, tt.wantErr)
			}
			if errors.Is(err, ErrTimeout) {
				t.Errorf("UploadAll waited for its deadline: %v", err)
			}
		})
	}
}

// TestFixedVersionPassesCheck runs the fixed version through the leaky
// scenario's steps under leakcheck.Check.
func TestFixedVersionPassesCheck(t *testing.T) {
	t.Parallel()
	leaktest.FixedPasses(t, Scenario())
}
