//go:build !unix

package srcfile

import (
	"fmt"
	"os"
)

// openNoFollow opens path for reading after checking it is a regular file
// and not a link; the caller checks the opened file again.
func openNoFollow(path string) (*os.File, error) {
	st, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file: %w", ErrNotAllowed)
	}
	return os.Open(path)
}
