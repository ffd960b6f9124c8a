package profile

import "strings"

// Frame is one call in a goroutine's stack: the function and the source
// position it is stopped at.
type Frame struct {
	// Func is the fully qualified function name as the runtime prints it,
	// for example "net/http.(*persistConn).readLoop" or "main.main.func1.2".
	Func string
	// File is the absolute path of the source file, as printed.
	File string
	// Line is the 1-based line in File; 0 when unknown.
	Line int
}

// Package returns the import path of the package that defines the frame's
// function: "net/http" for "net/http.(*persistConn).readLoop", "main" for
// "main.main.func1", "gopkg.in/yaml.v3" for "gopkg.in/yaml%2ev3.Unmarshal"
// (the runtime escapes a dot in a path's last element, since the first dot
// after the last slash ends the package path).
func (f Frame) Package() string {
	fn := f.Func
	slash := strings.LastIndexByte(fn, '/')
	dot := strings.IndexByte(fn[slash+1:], '.')
	if dot >= 0 {
		fn = fn[:slash+1+dot]
	}
	return unescapePath(fn)
}

// unescapePath undoes the %xx escapes the toolchain writes into symbol
// names; a malformed escape is left as it is.
func unescapePath(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if hi, lo := unhex(s[i+1]), unhex(s[i+2]); hi >= 0 && lo >= 0 {
				b.WriteByte(byte(hi<<4 | lo))
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// unhex returns the value of a hexadecimal digit, or -1.
func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// Standard reports whether the frame's function belongs to the standard
// library. Use it to find where a stack leaves the standard library for the
// program's own code.
func (f Frame) Standard() bool {
	return StandardPackage(f.Package())
}

// Runtime reports whether the frame's function is the runtime's own: package
// runtime or one of its internal packages (internal/runtime/...), not
// runtime/pprof or runtime/trace. Formats differ in which of these frames
// they show, so code that compares stacks across formats, or looks for
// where a goroutine's own code is, skips them.
func (f Frame) Runtime() bool {
	return strings.HasPrefix(f.Func, "runtime.") || strings.HasPrefix(f.Func, "internal/runtime/")
}

// StandardPackage reports whether the import path names a package of the
// standard library, such as "net/http" or "internal/poll".
func StandardPackage(importPath string) bool {
	top, _, _ := strings.Cut(importPath, "/")
	return stdTop[top]
}

// stdTop lists the first path elements of the standard library's packages.
// Import paths without a dot in their first element are usually standard,
// but "main" and dot-less module paths are not, so the list is explicit.
var stdTop = map[string]bool{
	"archive": true, "bufio": true, "bytes": true, "cmp": true, "compress": true,
	"container": true, "context": true, "crypto": true, "database": true, "debug": true,
	"embed": true, "encoding": true, "errors": true, "expvar": true, "flag": true,
	"fmt": true, "go": true, "hash": true, "html": true, "image": true, "index": true,
	"internal": true, "io": true, "iter": true, "log": true, "maps": true, "math": true,
	"mime": true, "net": true, "os": true, "path": true, "plugin": true, "reflect": true,
	"regexp": true, "runtime": true, "slices": true, "sort": true, "strconv": true,
	"strings": true, "structs": true, "sync": true, "syscall": true, "testing": true,
	"text": true, "time": true, "unicode": true, "unique": true, "unsafe": true,
	"vendor": true, "weak": true,
}
