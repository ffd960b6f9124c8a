package srcfile

import (
	"fmt"
	"os"
)

// OpenRegular opens path for reading when it is a regular file: not a
// symbolic link (in its last element), FIFO, device or directory. It never
// waits for a FIFO's writer. Inputs that may come from anyone (a shard's
// files, a baseline, a dump) are opened this way, so a planted link or
// FIFO is an error rather than a disclosure or a hang.
func OpenRegular(path string) (*os.File, error) {
	f, err := openNoFollow(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%s is not a regular file (%s)", path, st.Mode().Type())
	}
	return f, nil
}
