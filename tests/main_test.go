// Package tests holds pxacl's end-to-end tests: every scenario in
// scenarios/*.yaml is checked through three engines (the embedded evaluator,
// the pxacl binary and the real OPA CLI on a bundle built by pxacl), plus
// tests of the bundle, of `opa run --server`, of bad input and of the
// documented outputs.
//
// The real OPA CLI is taken from $PXACL_OPA (the Makefile sets it to
// bin/opa), else from $PATH. It is required: run `make opa` to install it.
package tests

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var (
	// moduleRoot is the directory of go.mod.
	moduleRoot string
	// pxaclBin is the pxacl binary built by TestMain.
	pxaclBin string
)

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	root, err := findModuleRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "tests:", err)
		return 1
	}
	moduleRoot = root
	tmp, err := os.MkdirTemp("", "pxacl-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "tests:", err)
		return 1
	}
	defer os.RemoveAll(tmp)
	pxaclBin = filepath.Join(tmp, "pxacl")
	build := exec.Command("go", "build", "-o", pxaclBin, "./cmd/pxacl")
	build.Dir = moduleRoot
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "tests: building pxacl:", err)
		return 1
	}
	return m.Run()
}

// findModuleRoot asks `go env GOMOD`, falling back to the parent directory.
func findModuleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err == nil {
		if gomod := strings.TrimSpace(string(out)); gomod != "" && gomod != os.DevNull {
			return filepath.Dir(gomod), nil
		}
	}
	abs, err := filepath.Abs("..")
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(filepath.Join(abs, "go.mod")); err != nil {
		return "", fmt.Errorf("cannot find the module root (go.mod): %w", err)
	}
	return abs, nil
}

// opaBin returns the real OPA CLI, or fails the test: it must never be
// skipped silently.
func opaBin(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("PXACL_OPA"); p != "" {
		if !filepath.IsAbs(p) {
			// relative to the module root, like the Makefile's bin/opa
			if _, err := os.Stat(p); err != nil {
				p = filepath.Join(moduleRoot, p)
			}
		}
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("PXACL_OPA=%s: %v; run `make opa` to install the OPA CLI into bin/", os.Getenv("PXACL_OPA"), err)
		}
		return p
	}
	p, err := exec.LookPath("opa")
	if err != nil {
		t.Fatalf("the OPA CLI was not found (PXACL_OPA is unset and no opa in $PATH): run `make opa` and set PXACL_OPA=bin/opa (make test does)")
	}
	return p
}

// cliResult is one run of the pxacl binary.
type cliResult struct {
	code           int
	stdout, stderr string
}

func (r cliResult) String() string {
	return fmt.Sprintf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
}

// runPxacl runs the pxacl binary; a failure to start it fails the test.
func runPxacl(t testing.TB, args ...string) cliResult {
	t.Helper()
	return runCmd(t, pxaclBin, nil, args...)
}

func runCmd(t testing.TB, bin string, stdin []byte, args ...string) cliResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "PXACL_CONFIG_DIR=/nonexistent-pxacl-config-dir")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	err := cmd.Run()
	res := cliResult{stdout: stdout.String(), stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee) && ee.ExitCode() >= 0:
		res.code = ee.ExitCode()
	default:
		t.Fatalf("running %s %q: %v (stderr %q)", filepath.Base(bin), args, err, res.stderr)
	}
	return res
}

// writeFiles writes name -> content into dir.
func writeFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		if name == "" || strings.ContainsAny(name, `/\`) {
			t.Fatalf("bad file name %q", name)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// copyDir copies the regular files of src into a new temp dir.
func copyDir(t testing.TB, src string) string {
	t.Helper()
	dst := t.TempDir()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		in, err := os.Open(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out, err := os.Create(filepath.Join(dst, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(out, in); err != nil {
			t.Fatal(err)
		}
		in.Close()
		if err := out.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// examplesDir is the example PBS configuration.
func examplesDir() string { return filepath.Join(moduleRoot, "examples", "pbs") }
