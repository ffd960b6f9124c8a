package fixrun

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"slices"
	"strings"

	"github.com/leakhound/leakhound/report"
)

// apiChanges lists the exported declarations whose signature the edits
// change, add or remove ("func (*Batcher).Run: func() → func(ctx context.Context)"),
// file by file. Test files have no API and are not compared.
func apiChanges(edits []report.Edit) []string {
	byFile := map[string][]report.Edit{}
	for _, e := range edits {
		byFile[e.File] = append(byFile[e.File], e)
	}
	var changes []string
	for file, fe := range byFile {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		src, err := os.ReadFile(file)
		if err != nil {
			continue
		}
		out, err := report.ApplyEdits(src, fe)
		if err != nil {
			continue
		}
		before, after := exportedAPI(src), exportedAPI(out)
		for name, sig := range before {
			switch now, ok := after[name]; {
			case !ok:
				changes = append(changes, name+": removed")
			case now != sig:
				changes = append(changes, fmt.Sprintf("%s: %s → %s", name, sig, now))
			}
		}
		for name := range after {
			if _, ok := before[name]; !ok {
				changes = append(changes, name+": added")
			}
		}
	}
	slices.Sort(changes)
	return changes
}

// exportedAPI maps each exported declaration of a file to its signature:
// functions and methods by their type, types by their definition, and
// constants and variables by their declared type.
func exportedAPI(src []byte) map[string]string {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, parser.SkipObjectResolution)
	if err != nil {
		return nil
	}
	text := func(n any) string {
		var b bytes.Buffer
		printer.Fprint(&b, fset, n)
		return strings.Join(strings.Fields(b.String()), " ")
	}
	api := map[string]string{}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if !d.Name.IsExported() {
				continue
			}
			name := "func " + d.Name.Name
			if d.Recv != nil && len(d.Recv.List) > 0 {
				recv := text(d.Recv.List[0].Type)
				if !ast.IsExported(strings.TrimLeft(strings.SplitN(recv, "[", 2)[0], "*")) {
					continue
				}
				name = "func (" + recv + ")." + d.Name.Name
			}
			api[name] = text(d.Type)
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				switch sp := spec.(type) {
				case *ast.TypeSpec:
					if sp.Name.IsExported() {
						api["type "+sp.Name.Name] = typeAPI(sp.Type, text)
					}
				case *ast.ValueSpec:
					for _, n := range sp.Names {
						if n.IsExported() && sp.Type != nil {
							api[d.Tok.String()+" "+n.Name] = text(sp.Type)
						} else if n.IsExported() {
							api[d.Tok.String()+" "+n.Name] = ""
						}
					}
				}
			}
		}
	}
	return api
}

// typeAPI is the API text of a type definition: for a struct, only its
// exported fields, since an unexported field (a stop channel an edit
// adds) changes no caller.
func typeAPI(t ast.Expr, text func(any) string) string {
	st, ok := t.(*ast.StructType)
	if !ok {
		return text(t)
	}
	var fields []string
	for _, f := range st.Fields.List {
		for _, n := range f.Names {
			if n.IsExported() {
				fields = append(fields, n.Name+" "+text(f.Type))
			}
		}
		if len(f.Names) == 0 { // embedded: promoted methods are API
			fields = append(fields, text(f.Type))
		}
	}
	return "struct{" + strings.Join(fields, "; ") + "}"
}
