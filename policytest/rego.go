package policytest

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/tester"

	"github.com/pxacl/pxacl/bundle"
	"github.com/pxacl/pxacl/compiler"
)

// RegoConfigDirective is the comment that names a Rego test file's
// configuration directory, relative to the file:
//
//	# pxacl:config ../../examples/pbs
//
// Files without it use the Runner's DefaultConfig (--config-dir).
const RegoConfigDirective = "# pxacl:config "

// IsRegoTest reports whether path names a Rego test file (*_test.rego).
func IsRegoTest(path string) bool { return strings.HasSuffix(path, "_test.rego") }

// DiscoverRego returns the Rego test files under paths: a *.rego file is
// taken as given; a directory is searched recursively for *_test.rego
// files (dot-directories are skipped).
func DiscoverRego(paths []string) ([]string, error) {
	return discover(paths,
		func(p string) bool { return strings.HasSuffix(p, ".rego") },
		func(path string) (bool, error) { return IsRegoTest(path), nil })
}

// RegoFile is a parsed Rego test file.
type RegoFile struct {
	Path       string
	Config     string // from the pxacl:config comment, resolved; "" = none
	ConfigLine int
	Module     *ast.Module
}

// ParseRegoFile reads and parses a Rego test file (Rego v1, as `opa test`).
// Syntax errors are *FileError with the file:line of the first error.
func ParseRegoFile(path string) (*RegoFile, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, &FileError{File: path, Msg: err.Error()}
	}
	f := &RegoFile{Path: path}
	for i, l := range bytes.Split(src, []byte("\n")) {
		if dir, ok := strings.CutPrefix(strings.TrimSpace(string(l)), RegoConfigDirective); ok {
			dir = strings.TrimSpace(dir)
			if dir == "" {
				return nil, &FileError{File: path, Line: i + 1, Msg: "pxacl:config needs a directory"}
			}
			if !filepath.IsAbs(dir) {
				dir = filepath.Join(filepath.Dir(path), dir)
			}
			f.Config, f.ConfigLine = dir, i+1
			break
		}
	}
	m, err := ast.ParseModuleWithOpts(path, string(src), ast.ParserOptions{RegoVersion: ast.RegoV1, ProcessAnnotation: true})
	if err != nil {
		return nil, regoError(path, err)
	}
	f.Module = m
	return f, nil
}

// regoError turns OPA's parse or compile errors into a *FileError (the
// first error's location; every message).
func regoError(path string, err error) error {
	var errs ast.Errors
	if !errors.As(err, &errs) || len(errs) == 0 {
		return &FileError{File: path, Msg: err.Error()}
	}
	fe := &FileError{File: path}
	var msgs []string
	for i, e := range errs {
		msg := e.Message
		if e.Location != nil {
			if i == 0 {
				fe.File, fe.Line = e.Location.File, e.Location.Row
			} else {
				msg = fmt.Sprintf("%s:%d: %s", e.Location.File, e.Location.Row, msg)
			}
		}
		msgs = append(msgs, fmt.Sprintf("%s: %s", e.Code, msg))
	}
	fe.Msg = strings.Join(msgs, "; ")
	return fe
}

// RunRego runs the Rego tests of files with OPA's test runner, as `opa
// test` would, against pxacl's policies and the compiled data of each
// file's configuration: the files that share a configuration run together
// (they may share helper rules). Compile errors are *FileError. The
// results are a FileResult per file (tests in file order); a test's name
// is its full rule reference, e.g. data.pxacl_test.test_x.
func (r *Runner) RunRego(ctx context.Context, files []*RegoFile) ([]*FileResult, error) {
	groups := map[string][]*RegoFile{}
	var dirs []string
	for _, f := range files {
		dir := f.Config
		if dir == "" {
			dir = r.DefaultConfig
		}
		if groups[dir] == nil {
			dirs = append(dirs, dir)
		}
		groups[dir] = append(groups[dir], f)
	}
	var out []*FileResult
	for _, dir := range dirs {
		frs, err := r.runRegoGroup(ctx, dir, groups[dir])
		if err != nil {
			return nil, err
		}
		out = append(out, frs...)
	}
	return out, nil
}

func (r *Runner) runRegoGroup(ctx context.Context, dir string, files []*RegoFile) ([]*FileResult, error) {
	first := files[0]
	b, err := bundle.BuildDir(dir, compiler.Options{Flavor: r.Flavor})
	if err != nil {
		return nil, &FileError{File: first.Path, Line: first.ConfigLine, Msg: fmt.Sprintf("config %s: %v", dir, err)}
	}
	raw, err := b.Bytes()
	if err != nil {
		return nil, err
	}
	ob, err := bundle.Read(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	mods := map[string]*ast.Module{}
	for _, m := range ob.Modules {
		mods["pxacl:"+m.Path] = m.Parsed
	}
	byPath := map[string]*FileResult{}
	for _, f := range files {
		mods[f.Path] = f.Module
		byPath[f.Path] = &FileResult{File: f.Path, Config: dir, Tests: []*Result{}}
	}
	store := inmem.NewFromObjectWithOpts(ob.Data, inmem.OptRoundTripOnWrite(false))
	txn, err := store.NewTransaction(ctx)
	if err != nil {
		return nil, err
	}
	defer store.Abort(ctx, txn)
	ch, err := tester.NewRunner().
		SetStore(store).
		SetModules(mods).
		CapturePrintOutput(true).
		RunTests(ctx, txn)
	if err != nil {
		return nil, regoError(first.Path, err)
	}
	for tr := range ch {
		if tr.Skip || tr.Location == nil {
			continue
		}
		fr := byPath[tr.Location.File]
		if fr == nil {
			continue // a test in pxacl's own modules (there are none)
		}
		res := &Result{Name: tr.Package + "." + tr.Name, Line: tr.Location.Row, Cases: 1, Passed: tr.Pass()}
		if !res.Passed {
			fl := Failure{Check: "rego", Message: fmt.Sprintf("test failed: %s is false or undefined", res.Name)}
			if tr.Error != nil {
				fl.Message = "test error: " + tr.Error.Error()
			} else if tr.FailedAt != nil && tr.FailedAt.Location != nil {
				fl.Message = fmt.Sprintf("test failed at line %d: %s", tr.FailedAt.Location.Row, tr.FailedAt.Location.Text)
			}
			fl.Explain = string(tr.Output) // print() output
			res.Failures = append(res.Failures, fl)
		}
		fr.Tests = append(fr.Tests, res)
	}
	var out []*FileResult
	for _, f := range files {
		fr := byPath[f.Path]
		slices.SortStableFunc(fr.Tests, func(a, b *Result) int { return cmp.Compare(a.Line, b.Line) })
		out = append(out, fr)
	}
	return out, nil
}
