package harness

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Marker is the comment that marks the line where an example's leaked
// goroutines block. Tests look it up instead of hard-coding line numbers, so
// editing an example never silently breaks its test.
const Marker = "// leak: blocks here"

// MarkerLines returns the 1-based lines of file that carry Marker, in
// order. A file with no marker is an error: the example lost its marker.
func MarkerLines(file string) ([]int, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("looking for the leak marker: %w", err)
	}
	var lines []int
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		if strings.Contains(sc.Text(), Marker) {
			lines = append(lines, n)
		}
	}
	if len(lines) == 0 {
		return nil, fmt.Errorf("%s has no %q comment", file, Marker)
	}
	return lines, nil
}

// hasPathSuffix reports whether path ends with the path elements of suffix.
func hasPathSuffix(path, suffix string) bool {
	path, suffix = filepath.ToSlash(path), filepath.ToSlash(suffix)
	return path == suffix || strings.HasSuffix(path, "/"+strings.TrimPrefix(suffix, "/"))
}
