package explain

import (
	"go/ast"
	"strings"
)

// The owner-never-closed edits look for every statement of the package
// under test that creates the owner. In a real package most of those
// statements belong to other tests, which did not leak (or leak in their
// own report): an edit there changes code the failing test never ran. So
// when the group names the tests that started its goroutines, only the
// sites those tests can reach count: the test functions themselves and
// the functions of the package they call, followed through calls by name.

// inTests returns the sites the group's tests can reach through the
// functions of files (the package's, test files included), or sites
// unchanged when the group names no test, or none of its tests is a
// function of files (a test of another package, a name the dump made up):
// then nothing says which site ran.
func inTests(tests []string, files []*srcFile, sites []closerSite) []closerSite {
	if len(tests) == 0 || len(sites) == 0 {
		return sites
	}
	reach := reachableFrom(files, tests)
	if reach == nil {
		return sites
	}
	var kept []closerSite
	for _, s := range sites {
		if reach[topFuncAt(s.file, s.line)] {
			kept = append(kept, s)
		}
	}
	return kept
}

// reachableFrom returns the names of the top-level functions and methods
// of files that the tests' functions use, directly or through each other,
// the tests included; nil when no test is a function of files. A use is
// any identifier naming one: a call, a method selected by its name
// (whatever its receiver), a function passed as a value (t.Run(name,
// helper)). That may keep a site a same-named method reaches; it never
// drops one the test runs through a name it spells.
func reachableFrom(files []*srcFile, tests []string) map[string]bool {
	decls := map[string][]*ast.FuncDecl{}
	for _, f := range files {
		for _, d := range f.ast.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
				decls[fd.Name.Name] = append(decls[fd.Name.Name], fd)
			}
		}
	}
	var queue []string
	reach := map[string]bool{}
	for _, t := range tests {
		name, _, _ := strings.Cut(t, "/") // a subtest runs inside its top-level test
		if _, ok := decls[name]; ok && !reach[name] {
			reach[name] = true
			queue = append(queue, name)
		}
	}
	if len(reach) == 0 {
		return nil
	}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		for _, fd := range decls[name] {
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				id, ok := n.(*ast.Ident)
				if !ok {
					return true
				}
				if _, ok := decls[id.Name]; ok && !reach[id.Name] {
					reach[id.Name] = true
					queue = append(queue, id.Name)
				}
				return true
			})
		}
	}
	return reach
}

// topFuncAt returns the name of the top-level function or method of f
// holding line, "" when none does.
func topFuncAt(f *srcFile, line int) string {
	for _, d := range f.ast.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && f.lineOf(fd.Pos()) <= line && line <= f.lineOf(fd.End()) {
			return fd.Name.Name
		}
	}
	return ""
}
