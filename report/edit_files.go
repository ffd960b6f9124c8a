package report

import (
	"fmt"
	"os"
)

// EditFiles applies edits to the files they name, read from disk, and
// returns each file's edited content by path. The files on disk are not
// changed: the caller writes the result where it wants it (a go build
// overlay, a patch, the files themselves).
func EditFiles(edits []Edit) (map[string][]byte, error) {
	byFile := make(map[string][]Edit)
	for _, e := range edits {
		byFile[e.File] = append(byFile[e.File], e)
	}
	out := make(map[string][]byte, len(byFile))
	for f, es := range byFile {
		src, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("reading the source to edit: %w", err)
		}
		edited, err := ApplyEdits(src, es)
		if err != nil {
			return nil, fmt.Errorf("applying the suggested edits to %s: %w", f, err)
		}
		out[f] = edited
	}
	return out, nil
}
