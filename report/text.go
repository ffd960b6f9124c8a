package report

import (
	"fmt"
	"io"
)

// WriteText writes the report as text for a terminal. (Stub.)
func (r *Report) WriteText(w io.Writer) error {
	_, err := fmt.Fprintf(w, "%s: %d leaked goroutine(s) in %d group(s)\n", r.Title, r.Total, len(r.Groups))
	for _, g := range r.Groups {
		fmt.Fprintf(w, "  %d × %s at %s:%d in %s\n", g.Count, g.State, g.Block.File, g.Block.Line, g.Block.Func)
	}
	return err
}
