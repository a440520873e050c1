package policytest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func regoDir(name string) string { return filepath.Join("testdata", "rego", name) }

func runRego(t *testing.T, names ...string) ([]*FileResult, error) {
	t.Helper()
	var files []*RegoFile
	for _, n := range names {
		f, err := ParseRegoFile(regoDir(n))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	return (&Runner{}).RunRego(context.Background(), files)
}

func TestRegoPass(t *testing.T) {
	frs, err := runRego(t, "pass_test.rego")
	if err != nil {
		t.Fatal(err)
	}
	if len(frs) != 1 || frs[0].Config != filepath.Join("..", "examples", "pbs") {
		t.Fatalf("results %+v", frs)
	}
	var names []string
	for _, r := range frs[0].Tests {
		names = append(names, r.Name)
		if !r.Passed {
			t.Errorf("%s failed: %+v", r.Name, r.Failures)
		}
	}
	want := []string{"data.pass_test.test_offsite_token_cannot_back_up", "data.pass_test.test_five_nodes_with_entries"}
	if !slices.Equal(names, want) {
		t.Errorf("tests %v, want %v", names, want)
	}
}

func TestRegoFail(t *testing.T) {
	frs, err := runRego(t, "fail_test.rego", "pass_test.rego")
	if err != nil {
		t.Fatal(err)
	}
	s := Summarize(frs)
	if s.Tests != 5 || s.Passed != 3 || s.Failed != 2 {
		t.Fatalf("summary %d/%d/%d", s.Tests, s.Passed, s.Failed)
	}
	tests := frs[0].Tests
	if tests[1].Passed || tests[1].Line != 10 || tests[1].Failures[0].Check != "rego" ||
		!strings.Contains(tests[1].Failures[0].Message, "test_node_token_can_prune is false or undefined") ||
		!strings.Contains(tests[1].Failures[0].Explain, `node token permissions: {"Datastore.Backup": true}`) {
		t.Errorf("failing test %+v", tests[1])
	}
	if tests[2].Passed || !strings.Contains(tests[2].Failures[0].Message, "test error:") ||
		!strings.Contains(tests[2].Failures[0].Message, "eval_conflict_error") {
		t.Errorf("error test %+v", tests[2])
	}
	var b strings.Builder
	if err := s.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "  FAIL  data.fail_test.test_node_token_can_prune (line 10)\n") {
		t.Errorf("text:\n%s", b.String())
	}
}

func TestRegoSyntaxError(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile(regoDir("syntax.rego.txt"))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "syntax_test.rego")
	if err := os.WriteFile(p, src, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = ParseRegoFile(p)
	var fe *FileError
	if !errors.As(err, &fe) || fe.File != p || fe.Line != 6 || !strings.Contains(fe.Msg, "rego_parse_error") {
		t.Fatalf("want a *FileError at %s:6, got %v", p, err)
	}
}

func TestRegoCompileError(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile(regoDir("undef.rego.txt"))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "undef_test.rego")
	if err := os.WriteFile(p, src, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := ParseRegoFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if f.Config != "" {
		t.Errorf("config %q without a pxacl:config comment", f.Config)
	}
	// no pxacl:config: the runner's DefaultConfig (--config-dir) is used
	_, err = (&Runner{DefaultConfig: filepath.Join("..", "examples", "pbs")}).RunRego(context.Background(), []*RegoFile{f})
	var fe *FileError
	if !errors.As(err, &fe) || fe.File != p || fe.Line != 4 || !strings.Contains(fe.Msg, "undefined function data.pxacl.nope") {
		t.Fatalf("want a *FileError at %s:4, got %v", p, err)
	}
}

func TestRegoBadConfig(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "x_test.rego")
	if err := os.WriteFile(p, []byte("package x_test\n\n# pxacl:config nowhere\ntest_x if true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := ParseRegoFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if f.Config != filepath.Join(dir, "nowhere") || f.ConfigLine != 3 {
		t.Fatalf("config %q line %d", f.Config, f.ConfigLine)
	}
	_, err = (&Runner{}).RunRego(context.Background(), []*RegoFile{f})
	var fe *FileError
	if !errors.As(err, &fe) || fe.Line != 3 {
		t.Fatalf("want a *FileError at line 3, got %v", err)
	}
}

func TestDiscoverRego(t *testing.T) {
	got, err := DiscoverRego([]string{"testdata", regoDir("syntax.rego.txt"), filepath.Join("..", "policies", "pxacl.rego")})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{regoDir("fail_test.rego"), regoDir("pass_test.rego"), filepath.Join("..", "policies", "pxacl.rego")}
	if !slices.Equal(got, want) {
		t.Errorf("DiscoverRego = %v, want %v", got, want)
	}
	yaml, err := Discover([]string{filepath.Join("..", "policies", "pxacl.rego")})
	if err != nil || len(yaml) != 0 {
		t.Errorf("Discover takes a .rego file: %v %v", yaml, err)
	}
}
