// Package kotspipeclose reproduces a goroutine leak fixed in Replicated's
// kots (https://github.com/replicatedhq/kots/pull/3469).
//
// An archive is streamed to an uploader through an io.Pipe: a goroutine
// reads the pipe until EOF while the caller writes into it. When preparing
// the archive failed, the caller returned without closing the pipe's
// writer, so the reading goroutine waited for data forever. The fix closes
// the writer with a defer right after the pipe is made.
package kotspipeclose

import (
	"errors"
	"io"
)

// upload reads everything from r, as an HTTP upload of the body would.
func upload(r io.Reader) {
	_, _ = io.Copy(io.Discard, r)
}

// pushArchive prepares an archive and streams it to the uploader.
func pushArchive(prepare func() error, write func(io.Writer) error) error {
	pr, pw := io.Pipe()
	go upload(pr)
	if err := prepare(); err != nil {
		return err
	}
	err := write(pw)
	pw.CloseWithError(err)
	return err
}

// Run pushes an archive whose preparation fails.
func Run() {
	_ = pushArchive(func() error {
		return errors.New("rendering the archive failed")
	}, func(w io.Writer) error {
		_, err := w.Write([]byte("archive"))
		return err
	})
}
