package explain

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"sync"
)

// Parsed source, shared by the reports of a process.
//
// A process that builds many reports (a test binary with many failing
// checks, a long-running service serving its live page) would otherwise
// parse the same files once per report: in a package whose tests leak in
// a hundred parallel checks, parsing was a fifth of the checks' work. The
// syntax trees are only ever read, so reports share them: a file is
// parsed again only when its text differs from the text parsed before.
//
// The cache holds at most maxParsedFiles files, in one FileSet that is
// never replaced (a report's files must share one for the type checks in
// edit_types.go). A file parsed once the cache is full gets a FileSet of
// its own and is not kept, so memory stays bounded on any input.

// maxParsedFiles bounds the files the process keeps parsed: well above the
// files on the stacks of any real report.
const maxParsedFiles = 4096

// parsed is the process's cache of parsed files.
var parsed = newParseCache(maxParsedFiles)

// parseCache holds parsed files in one FileSet, up to a bound. Tests make
// caches of their own, so that what one fills another does not see.
type parseCache struct {
	mu    sync.Mutex
	fset  *token.FileSet // safe for concurrent use
	files map[string]*parsedFile
	added int // files added to fset, replaced ones included
	max   int // the bound on added
}

// newParseCache returns an empty cache that keeps at most bound files.
func newParseCache(bound int) *parseCache {
	return &parseCache{fset: token.NewFileSet(), files: make(map[string]*parsedFile), max: bound}
}

// parsedFile is one file's text and syntax.
type parsedFile struct {
	src  []byte
	ast  *ast.File
	tok  *token.File
	fset *token.FileSet // the FileSet tok belongs to
}

// parseFile returns the syntax of the file at path whose text is src,
// parsed at most once per text while the process's cache has room.
func parseFile(path string, src []byte) (*parsedFile, error) {
	return parsed.parse(path, src)
}

// parse returns the syntax of the file at path whose text is src, parsed
// at most once per text while c has room.
func (c *parseCache) parse(path string, src []byte) (*parsedFile, error) {
	c.mu.Lock()
	if p, ok := c.files[path]; ok && bytes.Equal(p.src, src) {
		c.mu.Unlock()
		return p, nil
	}
	fset := c.fset
	keep := c.added < c.max
	if keep {
		c.added++
	} else {
		fset = token.NewFileSet()
	}
	c.mu.Unlock()

	// Parsed outside the lock: checks finishing together parse their
	// files in parallel. Two parsing one file at once both keep a copy;
	// the later one's stays in the map.
	af, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	p := &parsedFile{src: src, ast: af, tok: fset.File(af.Pos()), fset: fset}
	if keep {
		c.mu.Lock()
		c.files[path] = p
		c.mu.Unlock()
	}
	return p, nil
}
