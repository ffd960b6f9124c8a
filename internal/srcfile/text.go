package srcfile

import (
	"bytes"
	"go/scanner"
	"go/token"
)

// StripComment returns a line of Go without its trailing comment, found
// with the scanner so "//" inside a string literal stays.
func StripComment(line []byte) string {
	var sc scanner.Scanner
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(line))
	sc.Init(file, line, nil, scanner.ScanComments)
	for {
		pos, tok, _ := sc.Scan()
		if tok == token.EOF {
			return string(line)
		}
		if tok == token.COMMENT {
			return string(line[:file.Offset(pos)])
		}
	}
}

// LineStart returns the offset of the start of the line holding off.
func LineStart(src []byte, off int) int {
	return bytes.LastIndexByte(src[:min(off, len(src))], '\n') + 1
}

// LineEnd returns the offset just after the newline ending off's line
// (or the end of src).
func LineEnd(src []byte, off int) int {
	if off >= len(src) {
		return len(src)
	}
	if i := bytes.IndexByte(src[off:], '\n'); i >= 0 {
		return off + i + 1
	}
	return len(src)
}
