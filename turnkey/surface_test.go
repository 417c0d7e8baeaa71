package turnkey_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Package turnkey exports only what a client uses: every exported name
// (and method of an exported type) is used by non-test code outside
// turnkey/, or named in the package doc as the client's surface.
func TestExportsAreTheClientsSurface(t *testing.T) {
	fset := token.NewFileSet()
	own, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	exported := map[string]string{} // name or Type.Method -> the name a caller writes
	doc := ""
	for _, f := range own {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		if af.Doc != nil {
			doc += af.Doc.Text()
		}
		for _, d := range af.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if !d.Name.IsExported() {
					continue
				}
				if d.Recv == nil {
					exported[d.Name.Name] = d.Name.Name
					continue
				}
				recv := d.Recv.List[0].Type
				if s, ok := recv.(*ast.StarExpr); ok {
					recv = s.X
				}
				if id, ok := recv.(*ast.Ident); ok && id.IsExported() {
					exported[id.Name+"."+d.Name.Name] = d.Name.Name
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						if s.Name.IsExported() {
							exported[s.Name.Name] = s.Name.Name
						}
					case *ast.ValueSpec:
						for _, n := range s.Names {
							if n.IsExported() {
								exported[n.Name] = n.Name
							}
						}
					}
				}
			}
		}
	}
	// What non-test code outside turnkey/ names: turnkey.X, and .M for a
	// method (by name only: close enough for a rule of thumb).
	qualified, selected := map[string]bool{}, map[string]bool{}
	err = filepath.WalkDir("..", func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			if base := e.Name(); path != ".." && (strings.HasPrefix(base, ".") || base == "testdata" || filepath.Clean(path) == filepath.Clean("../turnkey")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		af, err := parser.ParseFile(fset, path, src, 0)
		if err != nil {
			return nil // not Go this test judges
		}
		ast.Inspect(af, func(n ast.Node) bool {
			if s, ok := n.(*ast.SelectorExpr); ok {
				if x, ok := s.X.(*ast.Ident); ok && x.Name == "turnkey" {
					qualified[s.Sel.Name] = true
				}
				selected[s.Sel.Name] = true
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for full, name := range exported {
		used := qualified[name]
		if strings.Contains(full, ".") {
			used = selected[name]
		}
		if !used && !strings.Contains(doc, name) {
			t.Errorf("turnkey.%s is used by no non-test code outside turnkey/ and is not in the package doc: unexport it, or document it as the client's", full)
		}
	}
}
