package report

import (
	"path"
	"path/filepath"
	"strings"

	"github.com/leakhound/leakhound/profile"
)

// FuncShort returns the function name with the package's directory removed:
// "http.(*persistConn).readLoop". A module's major-version suffix ends its
// import path but is not its package's name, so "example.com/lib/v3.New"
// shows as "lib.New", not "v3.New".
func FuncShort(fn string) string {
	slash := strings.LastIndexByte(fn, '/')
	if slash < 0 || slash == len(fn)-1 {
		return shownName(fn)
	}
	short := fn[slash+1:]
	elem, _, _ := strings.Cut(short, ".")
	if parent := path.Base(fn[:slash]); majorVersion(elem) && parent != "." && !strings.Contains(parent, ".") {
		short = parent + short[len(elem):]
	}
	return shownName(short)
}

// majorVersion reports whether elem is a module path's major-version
// suffix: "v2", "v3", ….
func majorVersion(elem string) bool {
	if len(elem) < 2 || elem[0] != 'v' || elem[1] == '0' || elem == "v1" {
		return false
	}
	for _, c := range elem[1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// isStdFunc reports whether fn belongs to the standard library.
func isStdFunc(fn string) bool {
	return profile.Frame{Func: fn}.Standard()
}

// BlockIndex returns the index of the frame where the goroutine blocks in
// the user's code: the innermost frame outside the standard library. A
// goroutine that never enters user code (an HTTP transport's readLoop, a
// server's connection) is explained by its own entry function, the
// outermost frame, so that is returned instead. It returns -1 for an empty
// stack.
func BlockIndex(frames []profile.Frame) int {
	for i, f := range frames {
		if !isStdFunc(f.Func) {
			return i
		}
	}
	return len(frames) - 1
}

// userFrames returns the frames worth showing a person: the user's own
// frames from the blocking one outwards, with the runtime, the standard
// library plumbing around them and the testing harness left out. A goroutine
// with no user frame shows its blocking frame alone.
func userFrames(frames []profile.Frame) []profile.Frame {
	bi := BlockIndex(frames)
	if bi < 0 {
		return nil
	}
	var out []profile.Frame
	for _, f := range frames[bi:] {
		// The test binary's generated main is harness, not the user's code.
		if !isStdFunc(f.Func) && path.Base(filepath.ToSlash(f.File)) != "_testmain.go" {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		out = append(out, frames[bi])
	}
	return out
}

// UserFrames returns the frames of the group's representative stack that
// belong to the user's code, innermost first, with runtime, standard
// library and testing frames trimmed; renderers use it to show a short
// stack. A group whose goroutines never enter user code returns its
// blocking frame alone.
func (g *Group) UserFrames() []profile.Frame {
	if g == nil || g.Stack == nil {
		return nil
	}
	return userFrames(g.Stack.Frames)
}

// RelPath returns file as a person should read it: relative to the module
// root for the user's files, relative to the standard library's source
// directory ("net/http/transport.go") for Go's own files, as
// module@version/file for dependencies in the module cache, unchanged
// otherwise. Source reading keeps using the absolute path.
func (r *Report) RelPath(file string) string {
	return shownName(relPath(r.ModuleRoot, file))
}

func relPath(root, file string) string {
	if file == "" {
		return file
	}
	if root != "" {
		if rel, err := filepath.Rel(root, file); err == nil && !filepath.IsAbs(rel) {
			if rel = filepath.ToSlash(rel); rel != ".." && !strings.HasPrefix(rel, "../") {
				return rel
			}
		}
	}
	slashed := filepath.ToSlash(file)
	// Go's own sources live under GOROOT/src; the part after it is stable
	// across machines, the GOROOT is not.
	if i := strings.LastIndex(slashed, "/src/"); i >= 0 && strings.Contains(slashed[:i], "go") {
		if rest := slashed[i+len("/src/"):]; profile.StandardPackage(path.Dir(rest)) {
			return rest
		}
	}
	// Dependencies live in the module cache; module@version/file reads
	// the same on every machine.
	if i := strings.LastIndex(slashed, "/pkg/mod/"); i >= 0 {
		return slashed[i+len("/pkg/mod/"):]
	}
	return file
}
