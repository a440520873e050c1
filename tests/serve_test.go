package tests

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pxacl/pxacl/evaluator"
	"github.com/pxacl/pxacl/server"
)

// syncBuffer is a bytes.Buffer safe for a process's output and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startProcess runs bin with args until the test ends (SIGTERM, then kill).
func startProcess(t *testing.T, bin string, args ...string) (*syncBuffer, <-chan error) {
	t.Helper()
	logs := &syncBuffer{}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", filepath.Base(bin), err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	})
	return logs, exited
}

// waitHTTP polls url until it answers 200 or the timeout passes.
func waitHTTP(t *testing.T, url string, timeout time.Duration, logs *syncBuffer, exited <-chan error) {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second} // one attempt; the loop retries
	deadline := time.Now().Add(timeout)
	var last string
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			t.Fatalf("process exited early (%v):\n%s", err, logs.String())
		default:
		}
		resp, err := client.Get(url)
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
			last = fmt.Sprintf("%s: %s", resp.Status, body)
		} else {
			last = err.Error()
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s not ready after %v (last: %s):\n%s", url, timeout, last, logs.String())
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

// startServe runs `pxacl serve` and writes the OPA config it prints.
func startServe(t *testing.T, dir string, extra ...string) (base, cfgFile string, logs *syncBuffer) {
	t.Helper()
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	args := append([]string{"serve", "--config-dir", dir, "--addr", addr, "--poll-interval", "100ms"}, extra...)
	logs, exited := startProcess(t, pxaclBin, args...)
	base = "http://" + addr
	waitHTTP(t, base+"/health", 60*time.Second, logs, exited)
	r := runPxacl(t, append(args, "--print-opa-config", "--long-poll-timeout", "10", "--min-delay", "1", "--max-delay", "2")...)
	if r.code != 0 {
		t.Fatalf("--print-opa-config: %s", r)
	}
	cfgFile = filepath.Join(t.TempDir(), "opa.yaml")
	if err := os.WriteFile(cfgFile, []byte(r.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	return base, cfgFile, logs
}

// startSidecar runs `opa run --server --config-file cfg`.
func startSidecar(t *testing.T, cfgFile string) (string, *syncBuffer, <-chan error) {
	t.Helper()
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	logs, exited := startProcess(t, opaBin(t), "run", "--server", "--addr", addr, "--skip-version-check",
		"--log-level", "info", "--config-file", cfgFile)
	return "http://" + addr, logs, exited
}

func opaRevision(t *testing.T, base string) string {
	t.Helper()
	var out struct {
		Result map[string]struct {
			Manifest struct {
				Revision string `json:"revision"`
			} `json:"manifest"`
		} `json:"result"`
	}
	getJSON(t, base+"/v1/data/system/bundles", &out)
	return out.Result["pxacl"].Manifest.Revision
}

func serveHealth(t *testing.T, base string) server.Health {
	t.Helper()
	var h server.Health
	getJSON(t, base+"/health", &h)
	return h
}

// serveHealthAuth is /health with the bearer token (the details).
func serveHealthAuth(t *testing.T, base, token string) server.Health {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/health", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var h server.Health
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		t.Fatal(err)
	}
	return h
}

// checkDecisions compares OPA's answers with the embedded evaluator on dir.
func checkDecisions(t *testing.T, opa, dir string, queries []evaluator.Query) {
	t.Helper()
	ctx := context.Background()
	ev, err := evaluator.FromConfigDir(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range queries {
		want, err := ev.Allowed(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		res, ok := postData(t, opa, "pxacl/allow", map[string]any{"auth_id": q.AuthID, "path": q.Path, "privileges": q.Privileges})
		var got bool
		if !ok || json.Unmarshal(res, &got) != nil || got != want {
			t.Errorf("sidecar allow(%v) = %s, evaluator says %v", q, res, want)
		}
	}
}

func TestServeSidecar(t *testing.T) {
	opaBin(t)
	dir := copyDir(t, examplesDir())
	base, cfgFile, serveLogs := startServe(t, dir)
	opa, opaLogs, opaExited := startSidecar(t, cfgFile)
	waitHTTP(t, opa+"/health?bundles", 60*time.Second, opaLogs, opaExited)

	rev1 := serveHealth(t, base).Revision
	if got := opaRevision(t, opa); got != rev1 || rev1 == "" {
		t.Fatalf("sidecar revision %q, pxacl serves %q", got, rev1)
	}
	queries := []evaluator.Query{
		{AuthID: "john@pbs!client1", Path: "/datastore/store1/ns1", Privileges: []string{"Datastore.Backup"}},
		{AuthID: "john@pbs!client1", Path: "/datastore/store1/ns1", Privileges: []string{"Datastore.Prune"}},
		{AuthID: "john@pbs", Path: "/datastore/store1/secret", Privileges: []string{"Datastore.Audit"}},
		{AuthID: "audit@pbs", Path: "/system", Privileges: []string{"Sys.Audit"}},
	}
	checkDecisions(t, opa, dir, queries)
	prune := map[string]any{"auth_id": "john@pbs!client1", "path": "/datastore/store1/ns1", "privileges": []string{"Datastore.Prune"}}
	if res, _ := postData(t, opa, "pxacl/allow", prune); string(res) != "false" {
		t.Fatalf("client1 may prune before the change: %s", res)
	}

	// a change reaches the sidecar through long polling
	acl := filepath.Join(dir, "acl.cfg")
	f, err := os.OpenFile(acl, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	changed := time.Now()
	fmt.Fprintln(f, "acl:1:/datastore/store1/ns1:john@pbs!client1:DatastoreAdmin")
	f.Close()
	var rev2 string
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if rev2 = opaRevision(t, opa); rev2 != rev1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the sidecar did not pick up the change in 60s:\npxacl:\n%s\nopa:\n%s", serveLogs, opaLogs)
		}
	}
	t.Logf("propagation delay (acl.cfg written → sidecar on the new revision): %v", time.Since(changed).Round(time.Millisecond))
	if h := serveHealth(t, base); h.Revision != rev2 || h.Status != "ok" {
		t.Errorf("pxacl health %+v, sidecar revision %s", h, rev2)
	}
	if res, _ := postData(t, opa, "pxacl/allow", prune); string(res) != "true" {
		t.Errorf("client1 may not prune after the change: %s", res)
	}
	checkDecisions(t, opa, dir, queries)

	// a broken config: pxacl reports it, the sidecar keeps the last good revision
	f, err = os.OpenFile(acl, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(f, "acl:1:/datastore/store1:john@pbs:NoSuchRole")
	f.Close()
	var h server.Health
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if h = serveHealth(t, base); h.LastError != "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("pxacl did not report the broken config:\n%s", serveLogs)
		}
	}
	if h.Status != "degraded" || h.Revision != rev2 || !strings.Contains(h.LastError, "acl.cfg:11:") {
		t.Errorf("health after a broken config: %+v", h)
	}
	if !strings.Contains(serveLogs.String(), `"error":"`+acl+`:11:`) && !strings.Contains(serveLogs.String(), `acl.cfg:11:`) {
		t.Errorf("the error is not logged with file:line:\n%s", serveLogs)
	}
	// the sidecar polls again and is held on rev2 (no fixed sleep: wait
	// for the held poll, however busy the machine)
	metrics := func() string {
		resp, err := http.Get(base + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		m, _ := io.ReadAll(resp.Body)
		return string(m)
	}
	waitFor(t, 60*time.Second, "the sidecar long-polls on the last good revision", func() bool {
		return strings.Contains(metrics(), "pxacl_longpoll_waiters 1\n")
	}, serveLogs, opaLogs)
	if got := opaRevision(t, opa); got != rev2 {
		t.Errorf("sidecar revision %s after a broken config, want %s", got, rev2)
	}
	if res, _ := postData(t, opa, "pxacl/allow", prune); string(res) != "true" {
		t.Errorf("sidecar decision changed after a broken config: %s", res)
	}
	m := []byte(metrics())
	for _, want := range []string{`pxacl_bundle_revision_info{revision="` + rev2 + `"} 1`, "pxacl_bundle_build_failures_total 1",
		`pxacl_http_requests_total{code="200"}`} {
		if !bytes.Contains(m, []byte(want)) {
			t.Errorf("metrics lack %q:\n%s", want, m)
		}
	}
}

func writeRSAKey(t *testing.T) string {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "key.pem")
	der := x509.MarshalPKCS1PrivateKey(k)
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestServeSignedSidecar(t *testing.T) {
	opaBin(t)
	dir := copyDir(t, examplesDir())
	key := writeRSAKey(t)
	tok := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tok, []byte("t0ken\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	base, cfgFile, _ := startServe(t, dir, "--signing-key", key, "--signing-alg", "RS256", "--token-file", tok)
	cfg, _ := os.ReadFile(cfgFile)
	for _, want := range []string{"BEGIN PUBLIC KEY", "keyid: pxacl", "token_path: " + tok} {
		if !bytes.Contains(cfg, []byte(want)) {
			t.Fatalf("printed OPA config lacks %q:\n%s", want, cfg)
		}
	}
	opa, opaLogs, opaExited := startSidecar(t, cfgFile)
	waitHTTP(t, opa+"/health?bundles", 60*time.Second, opaLogs, opaExited)
	if got, want := opaRevision(t, opa), serveHealthAuth(t, base, "t0ken").Revision; got != want || want == "" {
		t.Errorf("signed: sidecar revision %q, want %q", got, want)
	}
	checkDecisions(t, opa, dir, []evaluator.Query{
		{AuthID: "john@pbs!client1", Path: "/datastore/store1/ns1", Privileges: []string{"Datastore.Backup"}},
	})
	if resp, err := http.Get(base + "/bundles/pxacl.tar.gz"); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("download without the token: %v %v", resp, err)
	}

	// a sidecar trusting another key rejects the bundle and activates nothing
	other := writeRSAKey(t)
	r := runPxacl(t, "serve", "--config-dir", dir, "--addr", strings.TrimPrefix(base, "http://"), "--signing-key", other,
		"--token-file", tok, "--print-opa-config", "--min-delay", "1", "--max-delay", "2")
	if r.code != 0 {
		t.Fatal(r)
	}
	wrongCfg := filepath.Join(t.TempDir(), "wrong.yaml")
	if err := os.WriteFile(wrongCfg, []byte(r.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	opa2, opa2Logs, _ := startSidecar(t, wrongCfg)
	for deadline := time.Now().Add(60 * time.Second); !strings.Contains(opa2Logs.String(), "verification"); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the wrong-key sidecar logged no verification error in 60s:\n%s", opa2Logs)
		}
	}
	if opaHealth(t, opa2) == http.StatusOK {
		t.Errorf("the wrong-key sidecar activated the bundle")
	}
	if rev := opaRevision(t, opa2); rev != "" {
		t.Errorf("the wrong-key sidecar holds revision %q", rev)
	}
}
