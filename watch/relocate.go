package watch

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/leakhound/leakhound/profile"
)

// relocated returns a copy of g whose frames point into root where the
// file they name is not on this machine but the same path, or its tail
// (at least a directory and the file), is under root: a service built in
// CI's /build/svc shows its stacks with those paths, and the checkout at
// hand is elsewhere. Standard-library frames are left as they are. A
// frame whose file is found nowhere keeps its path, and the report then
// says the source was not read.
func relocated(g *profile.Goroutine, root string) *profile.Goroutine {
	if g == nil || root == "" {
		return g
	}
	c := *g
	found := map[string]string{}
	move := func(f profile.Frame) profile.Frame {
		if f.File == "" || f.Standard() {
			return f
		}
		p, ok := found[f.File]
		if !ok {
			p = locate(f.File, root)
			found[f.File] = p
		}
		if p != "" {
			f.File = p
		}
		return f
	}
	c.Frames = make([]profile.Frame, len(g.Frames))
	for i, f := range g.Frames {
		c.Frames[i] = move(f)
	}
	if g.CreatedBy != nil {
		f := move(*g.CreatedBy)
		c.CreatedBy = &f
	}
	return &c
}

// locate finds file under root by the longest tail of its path that
// exists there, "" when file is on this machine already or not under root.
func locate(file, root string) string {
	if st, err := os.Stat(file); err == nil && st.Mode().IsRegular() {
		return ""
	}
	parts := strings.Split(filepath.ToSlash(file), "/")
	for i := range parts {
		tail := parts[i:]
		if len(tail) < 2 {
			break
		}
		p := filepath.Join(root, filepath.FromSlash(strings.Join(tail, "/")))
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p
		}
	}
	return ""
}
