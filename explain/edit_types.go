package explain

import (
	"go/ast"
	"go/token"
	"go/types"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// packageTypes type-checks the package of f from the files beside it, so
// the edits can name a channel's element type or tell a range over an int
// from a range over a slice. Imports are not read (that would cost a
// build): everything declared in the package itself gets its type, and
// anything that depends on another package's declarations stays invalid,
// which the edits treat as unknown. The result is cached per directory and
// package name; nil when the source cache is off.
func (d *diagnoser) packageTypes(f *srcFile) *types.Info {
	if d.src == nil || f == nil {
		return nil
	}
	key := filepath.Dir(f.path) + "\x00" + f.ast.Name.Name
	if info, ok := d.typeInfo[key]; ok {
		return info
	}
	files := []*ast.File{f.ast}
	test := strings.HasSuffix(f.path, "_test.go")
	if names, err := os.ReadDir(filepath.Dir(f.path)); err == nil {
		for _, n := range names {
			name := n.Name()
			p := filepath.Join(filepath.Dir(f.path), name)
			if p == f.path || !strings.HasSuffix(name, ".go") || (!test && strings.HasSuffix(name, "_test.go")) {
				continue
			}
			if other := d.src.file(p); other != nil && other.ast.Name.Name == f.ast.Name.Name && other.fset == f.fset {
				files = append(files, other.ast)
			}
		}
	}
	info := &types.Info{
		Types: make(map[ast.Expr]types.TypeAndValue),
		Defs:  make(map[*ast.Ident]types.Object),
		Uses:  make(map[*ast.Ident]types.Object),
	}
	conf := types.Config{
		Importer: emptyImporter{},
		Error:    func(error) {}, // keep going: what depends on imports stays invalid
	}
	conf.Check(f.ast.Name.Name, f.fset, files, info)
	if d.typeInfo == nil {
		d.typeInfo = make(map[string]*types.Info)
	}
	d.typeInfo[key] = info
	return info
}

// emptyImporter gives every import an empty package, named after the last
// element of its path.
type emptyImporter struct{}

func (emptyImporter) Import(p string) (*types.Package, error) {
	name := path.Base(p)
	if i := strings.IndexAny(name, ".-"); i > 0 {
		name = name[:i]
	}
	pkg := types.NewPackage(p, name)
	pkg.MarkComplete()
	return pkg, nil
}

// typeOf returns the type of e, nil when unknown or invalid.
func typeOf(info *types.Info, e ast.Expr) types.Type {
	if info == nil {
		return nil
	}
	t := info.TypeOf(e)
	if t == nil || !validType(t) {
		return nil
	}
	return t
}

// validType reports whether t has no invalid part.
func validType(t types.Type) bool {
	return t != nil && !strings.Contains(types.TypeString(t, nil), "invalid type")
}

// typeText writes t as the file would spell it: types of the file's own
// package unqualified.
func typeText(t types.Type) string {
	return types.TypeString(t, func(p *types.Package) string { return "" })
}

// zeroValue is the Go text of t's zero value, "" when it has no short
// spelling this code knows.
func zeroValue(t types.Type) string {
	switch u := t.Underlying().(type) {
	case *types.Basic:
		switch {
		case u.Info()&types.IsBoolean != 0:
			return "false"
		case u.Info()&types.IsString != 0:
			return `""`
		case u.Info()&types.IsNumeric != 0:
			return "0"
		case u.Kind() == types.UnsafePointer:
			return "nil"
		}
	case *types.Pointer, *types.Slice, *types.Map, *types.Chan, *types.Signature, *types.Interface:
		return "nil"
	case *types.Struct, *types.Array:
		if _, named := t.(*types.Named); named {
			return typeText(t) + "{}"
		}
	}
	return ""
}

// posOffset is the byte offset of p in f.
func (f *srcFile) posOffset(p token.Pos) int { return f.tok.Offset(p) }
