package attest_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// TestAdaptersOpenNoTransactions keeps state changes in the use-case services:
// no package under web/ or cli/ may open a database transaction. A transaction
// is opened with store.DB.Update and a function over *store.Queries, so a file
// that names store.Queries, or calls Update, Begin or BeginTx on a database
// handle, fails the test with its position.
func TestAdaptersOpenNoTransactions(t *testing.T) {
	fset := token.NewFileSet()
	checked := 0
	for _, root := range []string{"web", "cli"} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				return err
			}
			checked++
			for _, v := range transactionUses(f) {
				t.Errorf("%s: %s: open transactions in a service (see CONTRIBUTING.md), not in %s", fset.Position(v.Pos()), v.what, root)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if checked < 10 {
		t.Fatalf("checked only %d files under web/ and cli/; the walk is broken", checked)
	}
}

type use struct {
	ast.Node
	what string
}

// transactionUses finds, in one file, the references that open a transaction.
func transactionUses(f *ast.File) []use {
	storeName := ""
	for _, imp := range f.Imports {
		if strings.Trim(imp.Path.Value, `"`) == "github.com/attest-hq/attest/store" {
			storeName = "store"
			if imp.Name != nil {
				storeName = imp.Name.Name
			}
		}
	}
	var out []use
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if x, ok := sel.X.(*ast.Ident); ok && storeName != "" && x.Name == storeName && sel.Sel.Name == "Queries" {
			out = append(out, use{sel, "store.Queries names a transaction"})
		}
		switch sel.Sel.Name {
		case "Update", "Begin", "BeginTx":
			if strings.Contains(strings.ToLower(exprString(sel.X)), "db") {
				out = append(out, use{sel, exprString(sel) + " opens a transaction"})
			}
		}
		return true
	})
	return out
}

func exprString(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return exprString(e.X) + "." + e.Sel.Name
	case *ast.CallExpr:
		return exprString(e.Fun) + "()"
	}
	return "?"
}

func TestTransactionUsesCatchesHandlers(t *testing.T) {
	src := `package web
import "github.com/attest-hq/attest/store"
func h(s *S) error {
	return s.cfg.DB.Update(ctx, func(tx *store.Queries) error { return nil })
}
func ok(s *S) error { return s.svc.Tasks.Update(ctx, p, t) }
`
	f, err := parser.ParseFile(token.NewFileSet(), "x.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := transactionUses(f)
	if len(got) != 2 {
		t.Fatalf("found %d uses, want 2 (DB.Update and store.Queries): %v", len(got), got)
	}
}
