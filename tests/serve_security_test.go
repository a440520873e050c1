package tests

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/pxacl/pxacl/server"
)

// runPxaclEnv runs the pxacl binary with extra environment variables.
func runPxaclEnv(t *testing.T, env []string, args ...string) cliResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, pxaclBin, args...)
	cmd.Env = append(append(os.Environ(), "PXACL_CONFIG_DIR=/nonexistent-pxacl-config-dir"), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := cliResult{stdout: stdout.String(), stderr: stderr.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		res.code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestServeExposure: an address reachable from the network needs a token,
// client certificates or --insecure; the refusal says why (exit 2).
// 192.0.2.1 (TEST-NET-1) is not on this host: an accepted configuration
// fails to listen there, so nothing listens beyond 127.0.0.1.
func TestServeExposure(t *testing.T) {
	dir := copyDir(t, examplesDir())
	for _, addr := range []string{"0.0.0.0:18999", ":18999", "[::]:18999", "192.0.2.1:18999"} {
		r := runPxacl(t, "serve", "--config-dir", dir, "--addr", addr)
		if r.code != 2 || !strings.Contains(r.stderr, "refusing to serve on '"+addr+"' without authentication") ||
			!strings.Contains(r.stderr, "--insecure") || !strings.Contains(r.stderr, "--token-file") {
			t.Errorf("%s without authentication: %s", addr, r)
		}
	}
	tok := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tok, []byte("t0ken-from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, args := range map[string][]string{
		"token file": {"--token-file", tok},
		"insecure":   {"--insecure"},
	} {
		r := runPxacl(t, append([]string{"serve", "--config-dir", dir, "--addr", "192.0.2.1:18999"}, args...)...)
		if r.code != 2 || strings.Contains(r.stderr, "refusing") || !strings.Contains(r.stderr, "assign requested address") {
			t.Errorf("%s: the check should pass and listening fail: %s", name, r)
		}
		if name == "insecure" && !strings.Contains(r.stderr, "without authentication on '192.0.2.1:18999' (--insecure)") {
			t.Errorf("--insecure logs no warning: %s", r)
		}
	}
	r := runPxaclEnv(t, []string{server.TokenEnv + "=t0ken-from-env"}, "serve", "--config-dir", dir, "--addr", "192.0.2.1:18999")
	if r.code != 2 || strings.Contains(r.stderr, "refusing") || strings.Contains(r.stderr, "t0ken-from-env") {
		t.Errorf("token from the environment: %s", r)
	}
	// --client-ca is a TLS feature
	if r := runPxacl(t, "serve", "--config-dir", dir, "--client-ca", tok); r.code != 2 || !strings.Contains(r.stderr, "--client-ca needs --tls-cert") {
		t.Errorf("--client-ca without TLS: %s", r)
	}
}

// TestServeTokenSources: the token from a file or the environment
// protects the bundle and /metrics, /health shows details only with it,
// --print-opa-config references the token instead of copying it, and
// the token is on no command line.
func TestServeTokenSources(t *testing.T) {
	dir := copyDir(t, examplesDir())
	tokDir := t.TempDir()
	tok := filepath.Join(tokDir, "token")
	if err := os.WriteFile(tok, []byte("t0ken-from-file\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	open := filepath.Join(tokDir, "open")
	if err := os.WriteFile(open, []byte("t0ken-from-file\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(open, 0o644); err != nil {
		t.Fatal(err)
	}
	if r := runPxacl(t, "serve", "--config-dir", dir, "--token-file", open); r.code != 2 || !strings.Contains(r.stderr, "readable by every user") {
		t.Errorf("world-readable token file: %s", r)
	}
	if r := runPxacl(t, "serve", "--config-dir", dir, "--token-file", tok, "--token", "x"); r.code != 2 || !strings.Contains(r.stderr, "exclude each other") {
		t.Errorf("--token with --token-file: %s", r)
	}

	// --print-opa-config: token_path, ${VAR}, the literal only for --token
	r := runPxacl(t, "serve", "--config-dir", dir, "--token-file", tok, "--print-opa-config")
	if r.code != 0 || !strings.Contains(r.stdout, "token_path: "+tok) || strings.Contains(r.stdout, "t0ken-from-file") {
		t.Errorf("--print-opa-config --token-file: %s", r)
	}
	r = runPxaclEnv(t, []string{server.TokenEnv + "=t0ken-from-env"}, "serve", "--config-dir", dir, "--print-opa-config")
	if r.code != 0 || !strings.Contains(r.stdout, "${"+server.TokenEnv+"}") || strings.Contains(r.stdout, "t0ken-from-env") {
		t.Errorf("--print-opa-config with $%s: %s", server.TokenEnv, r)
	}
	if r := runPxacl(t, "serve", "--help"); !strings.Contains(r.stdout, "UNSAFE") || !strings.Contains(r.stdout, "--token-file") {
		t.Errorf("serve --help does not say --token is unsafe: %s", r)
	}

	base, _, logs := startServe(t, dir, "--token-file", tok)
	get := func(path, token string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := get("/bundles/pxacl.tar.gz", ""); code != http.StatusUnauthorized {
		t.Errorf("bundle without the token: %d", code)
	}
	if code, _ := get("/bundles/pxacl.tar.gz", "t0ken-from-file"); code != http.StatusOK {
		t.Errorf("bundle with the token: %d", code)
	}
	code, body := get("/health", "")
	var m map[string]any
	if json.Unmarshal([]byte(body), &m) != nil || code != 200 || len(m) != 1 || m["status"] != "ok" {
		t.Errorf("/health without the token: %d %s", code, body)
	}
	if code, body := get("/health", "t0ken-from-file"); code != 200 || !strings.Contains(body, `"revision"`) {
		t.Errorf("/health with the token: %d %s", code, body)
	}
	if code, _ := get("/metrics", ""); code != http.StatusUnauthorized {
		t.Errorf("/metrics without the token: %d", code)
	}
	if code, body := get("/metrics", "t0ken-from-file"); code != 200 || !strings.Contains(body, "pxacl_bundle_revision_info") {
		t.Errorf("/metrics with the token: %d", code)
	}
	// no process of the server (it and its build children) has the token
	// on its command line or in its logs
	if strings.Contains(logs.String(), "t0ken-from-file") {
		t.Errorf("the token is in the log:\n%s", logs)
	}
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		if b, err := os.ReadFile(p); err == nil && bytes.Contains(b, []byte("t0ken-from-file")) {
			t.Errorf("%s holds the token: %q", p, b)
		}
	}
}

// TestServeSidecarTokenFile: a real OPA sidecar authenticates with the
// token_path the printed configuration holds.
func TestServeSidecarTokenFile(t *testing.T) {
	opaBin(t)
	dir := copyDir(t, examplesDir())
	tok := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tok, []byte("t0ken-sidecar\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, cfgFile, _ := startServe(t, dir, "--token-file", tok)
	cfg, _ := os.ReadFile(cfgFile)
	if bytes.Contains(cfg, []byte("t0ken-sidecar")) || !bytes.Contains(cfg, []byte("token_path:")) {
		t.Fatalf("printed config:\n%s", cfg)
	}
	opa, opaLogs, opaExited := startSidecar(t, cfgFile)
	waitHTTP(t, opa+"/health?bundles", 60*time.Second, opaLogs, opaExited)
}

// TestServeMemoryBudget: a configuration that needs more than
// --memory-budget is refused; the last good bundle keeps being served and
// /health says why; the fixed configuration is served again.
func TestServeMemoryBudget(t *testing.T) {
	dir := copyDir(t, examplesDir())
	base, _, logs := startServe(t, dir, "--memory-budget", "64MiB")
	h := serveHealth(t, base)
	good := h.Revision
	if h.Status != "ok" || good == "" {
		t.Fatalf("health %+v", h)
	}
	acl := filepath.Join(dir, "acl.cfg")
	orig, err := os.ReadFile(acl)
	if err != nil {
		t.Fatal(err)
	}
	// 300,000 entries (13 MB): about 700 MB to compile, far over 64 MiB
	var big bytes.Buffer
	big.Write(orig)
	for i := range 300000 {
		fmt.Fprintf(&big, "acl:1:/datastore/s%d:john@pbs:DatastoreAdmin\n", i)
	}
	if err := os.WriteFile(acl+".new", big.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(acl+".new", acl); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 120*time.Second, "the build over the budget is reported", func() bool {
		return serveHealth(t, base).LastError != ""
	}, logs)
	h = serveHealth(t, base)
	if h.Status != "degraded" || h.Revision != good || !strings.Contains(h.LastError, "memory budget of 64 MiB") || len(h.LastError) > 1100 {
		t.Errorf("health after a config over the budget: %+v", h)
	}
	resp, err := http.Get(base + "/bundles/pxacl.tar.gz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("ETag") != `"`+good+`"` {
		t.Errorf("bundle after a config over the budget: %s, ETag %s", resp.Status, resp.Header.Get("ETag"))
	}
	if !strings.Contains(logs.String(), "exceeded its memory budget") {
		t.Errorf("not logged:\n%s", logs)
	}
	// back to the small configuration: built and served again
	if err := os.WriteFile(acl+".new", orig, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(acl+".new", acl); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 120*time.Second, "the fixed configuration is served", func() bool {
		h := serveHealth(t, base)
		return h.Status == "ok" && h.Revision == good
	}, logs)
}

// openPTY opens a pseudo-terminal pair (Linux /dev/ptmx).
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	return m, s
}

func shadowHas(t *testing.T, dir, name string) bool {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, "shadow.json"))
	if err != nil {
		return false
	}
	var m map[string]string
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return strings.HasPrefix(m[name], "$5$")
}

// TestPasswordStdin: --password-stdin reads the first line of stdin, or
// asks twice with no echo on a terminal; the password is never echoed or
// shown in an error.
func TestPasswordStdin(t *testing.T) {
	dir := t.TempDir()
	run := func(stdin string, args ...string) cliResult {
		t.Helper()
		return runCmd(t, pxaclBin, []byte(stdin), append([]string{"--config-dir", dir}, args...)...)
	}
	if r := run("correct-horse-1\n", "user", "create", "alice@pbs", "--password-stdin"); r.code != 0 || !shadowHas(t, dir, "alice") ||
		strings.Contains(r.stdout+r.stderr, "correct-horse") {
		t.Fatalf("create --password-stdin: %s", r)
	}
	if r := run("correct-horse-2\r\n", "user", "update", "alice@pbs", "--password-stdin"); r.code != 0 {
		t.Errorf("update --password-stdin: %s", r)
	}
	if r := run("", "user", "create", "bob@pbs", "--password-stdin"); r.code != 2 || !strings.Contains(r.stderr, "stdin is empty") || shadowHas(t, dir, "bob") {
		t.Errorf("empty stdin: %s", r)
	}
	if r := run("short\n", "user", "create", "bob@pbs", "--password-stdin"); r.code != 2 || strings.Contains(r.stderr, "short") {
		t.Errorf("a short password: %s", r)
	}
	if r := run("x\n", "user", "create", "bob@pbs", "--password-stdin", "--password", "correct-horse-3"); r.code != 2 || !strings.Contains(r.stderr, "exclude each other") {
		t.Errorf("both flags: %s", r)
	}
	if r := run("", "user", "create", "--help"); !strings.Contains(r.stdout, "UNSAFE") || !strings.Contains(r.stdout, "--password-stdin") {
		t.Errorf("user create --help: %s", r)
	}

	// on a terminal: two prompts, no echo
	for _, tc := range []struct {
		user, second string
		ok           bool
	}{{"carol@pbs", "terminal-pass-1", true}, {"dave@pbs", "terminal-pass-2", false}} {
		m, s := openPTY(t)
		cmd := exec.Command(pxaclBin, "--config-dir", dir, "user", "create", tc.user, "--password-stdin")
		cmd.Stdin, cmd.Stdout, cmd.Stderr = s, s, s
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		s.Close()
		out := &syncBuffer{}
		go func() { _, _ = io.Copy(out, m) }()
		waitFor(t, 60*time.Second, "first prompt", func() bool { return strings.Contains(out.String(), "Enter new password: ") })
		io.WriteString(m, "terminal-pass-1\n")
		waitFor(t, 60*time.Second, "second prompt", func() bool { return strings.Contains(out.String(), "Retype new password: ") })
		io.WriteString(m, tc.second+"\n")
		err := cmd.Wait()
		m.Close()
		if got := err == nil; got != tc.ok || shadowHas(t, dir, strings.TrimSuffix(tc.user, "@pbs")) != tc.ok {
			t.Errorf("%s: exit %v, terminal:\n%s", tc.user, err, out)
		}
		if strings.Contains(out.String(), "terminal-pass") {
			t.Errorf("%s: the password was echoed:\n%s", tc.user, out)
		}
		if !tc.ok && !strings.Contains(out.String(), "do not match") {
			t.Errorf("%s: mismatch not reported:\n%s", tc.user, out)
		}
	}
}
