package srcfile

import (
	"fmt"
	"io/fs"
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
		return nil, fmt.Errorf("%s is not a regular file but %s", path, Kind(st.Mode()))
	}
	return f, nil
}

// Kind names the type of a file that is not a regular one, for messages.
func Kind(m fs.FileMode) string {
	switch t := m.Type(); {
	case t&fs.ModeSymlink != 0:
		return "a symbolic link"
	case t&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case t&fs.ModeDevice != 0:
		return "a device"
	case t&fs.ModeDir != 0:
		return "a directory"
	case t&fs.ModeSocket != 0:
		return "a socket"
	case t == 0:
		return "a regular file"
	}
	return "a special file"
}
