package cli

import (
	"go/ast"
	"go/parser"
	gotoken "go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tkauth/tkauth/internal/testenv"
)

// envReadInCode is every environment variable tkauth's code (not its tests
// or scripts) reads: the names given to os.Getenv, os.LookupEnv and envOr,
// as literals or as constants.
func envReadInCode(t *testing.T) []string {
	t.Helper()
	fset := gotoken.NewFileSet()
	consts := map[string]string{}
	var args []ast.Expr
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "scripts" || d.Name() == "e2e" || d.Name() == "testenv" || strings.HasPrefix(d.Name(), ".") && path != "..") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.ValueSpec:
				for i, name := range n.Names {
					if i < len(n.Values) {
						if lit, ok := n.Values[i].(*ast.BasicLit); ok && lit.Kind == gotoken.STRING {
							consts[name.Name], _ = strconv.Unquote(lit.Value)
						}
					}
				}
			case *ast.CallExpr:
				var fn string
				switch f := n.Fun.(type) {
				case *ast.SelectorExpr:
					if x, ok := f.X.(*ast.Ident); ok && x.Name == "os" {
						fn = f.Sel.Name
					}
				case *ast.Ident:
					fn = f.Name
				}
				if (fn == "Getenv" || fn == "LookupEnv" || fn == "envOr") && len(n.Args) > 0 {
					args = append(args, n.Args[0])
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range args {
		var name string
		switch a := a.(type) {
		case *ast.BasicLit:
			name, _ = strconv.Unquote(a.Value)
		case *ast.Ident:
			name = consts[a.Name]
		case *ast.SelectorExpr:
			name = consts[a.Sel.Name]
		}
		if name == "" {
			if id, ok := a.(*ast.Ident); ok && id.Name == "name" {
				continue // envOr's own parameter
			}
			t.Errorf("%s: an environment variable whose name this test cannot read", fset.Position(a.Pos()))
			continue
		}
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// Every variable tkauth reads is in `help environment`, and tests unset it
// (testenv) unless it belongs to the test machinery.
func TestHelpEnvironmentListsEveryVariable(t *testing.T) {
	help := tkauthOK(t, "help", "environment")
	names := envReadInCode(t)
	if len(names) < 10 {
		t.Fatalf("found only %v: the scan is broken", names)
	}
	machinery := []string{"DBUS_SESSION_BUS_ADDRESS", "TKAUTH_KEYRING_SERVICE", "TKAUTH_TEST_KEYCHAIN"}
	for _, name := range names {
		if !strings.Contains(help, name) {
			t.Errorf("help environment does not list %s", name)
		}
		if !slices.Contains(testenv.Read, name) && !slices.Contains(machinery, name) {
			t.Errorf("testenv.Read lacks %s: a user's %s could change tests' results", name, name)
		}
	}
	for _, name := range []string{"TURNKEY_AUTH_PROXY_CONFIG_ID", "TURNKEY_AUTH_PROXY_URL", "TKAUTH_DANGEROUSLY_OVERRIDE_SIGNER"} {
		if !slices.Contains(names, name) {
			t.Errorf("the scan missed %s", name)
		}
	}
}

func tkauthOK(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errOut := tkauth(t, args...)
	if code != 0 {
		t.Fatalf("tkauth %s: exit %d %s", strings.Join(args, " "), code, errOut)
	}
	return out
}
