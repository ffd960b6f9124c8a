package waitgroup

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/leakhound/leakhound/examples/internal/harness"
	"github.com/leakhound/leakhound/report"
)

// Scenario describes this example for the tests and the demo: three
// uploads, one of which fails.
func Scenario() harness.Scenario {
	return harness.Scenario{
		Name:      "waitgroup",
		Title:     "WaitGroup.Wait that never returns: Done skipped on an error path",
		Reason:    report.ReasonWaitGroup,
		PatternID: report.PatternWaitGroup,
		Leak:      leak,
		Fixed:     fixed,
		Edited:    edited,
	}
}

// leakTimeout is how long the scenario's upload waits. The wait can never
// succeed, so a short one decides nothing.
const leakTimeout = 20 * time.Millisecond

var errQuota = errors.New("quota exceeded")

// sampleFiles returns three files; the store refuses the one named
// "video.mp4".
func sampleFiles() (map[string][]byte, func(string, []byte) error) {
	files := map[string][]byte{
		"notes.txt": []byte("remember the milk"),
		"photo.jpg": []byte("\xff\xd8\xff"),
		"video.mp4": []byte(strings.Repeat("v", 1024)),
	}
	send := func(name string, _ []byte) error {
		if name == "video.mp4" {
			return errQuota
		}
		return nil
	}
	return files, send
}

// fixed runs UploadAll on the same files: the refused one is reported at
// once, without waiting for the deadline.
func fixed() (release func(), err error) {
	files, send := sampleFiles()
	u := &Uploader{Send: send}
	if err := u.UploadAll(files, time.Minute); !errors.Is(err, errQuota) {
		return nil, fmt.Errorf("UploadAll returned %v, want %v", err, errQuota)
	}
	return func() {}, nil
}

func leak() (release func(), err error) {
	files, send := sampleFiles()
	var wg *sync.WaitGroup
	u := &Uploader{Send: send, testAbandon: func(w *sync.WaitGroup) { wg = w }}
	err = u.LeakyUploadAll(files, leakTimeout)
	// Every refused file's upload skipped its Done; doing them now frees
	// the waiter. (Counted from the files, not from u.Failed(), which a
	// slow failing goroutine may not have reached yet.)
	refused := 0
	for name, data := range files {
		if send(name, data) != nil {
			refused++
		}
	}
	release = func() { wg.Add(-refused) }
	if !errors.Is(err, ErrTimeout) {
		release()
		return nil, fmt.Errorf("LeakyUploadAll returned %v, want %v", err, ErrTimeout)
	}
	return release, nil
}

// edited runs LeakyUploadAll on the same files without the test hook.
func edited() (release func(), err error) {
	files, send := sampleFiles()
	u := &Uploader{Send: send}
	u.LeakyUploadAll(files, leakTimeout) // either outcome: only the goroutines matter
	return func() {}, nil
}
