package tests

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/pxacl/pxacl/evaluator"
)

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startOPAServer runs `opa run --server` on the bundle and waits for
// /health; the server is killed when the test ends.
func startOPAServer(t *testing.T, bundleFile string) string {
	t.Helper()
	opa := opaBin(t)
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	var logs bytes.Buffer
	cmd := exec.Command(opa, "run", "--server", "--addr", addr, "--skip-version-check",
		"--log-level", "error", "-b", bundleFile)
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting opa run: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	base := "http://" + addr
	client := &http.Client{Timeout: 10 * time.Second} // one attempt; the loop retries
	deadline := time.Now().Add(60 * time.Second)      // generous: a busy machine loads the bundle slowly
	for {
		select {
		case err := <-exited:
			exited <- err // for the cleanup
			t.Fatalf("opa run exited early (%v):\n%s", err, logs.String())
		default:
		}
		resp, err := client.Get(base + "/health?bundles=true")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("opa run did not become healthy on %s (last error %v):\n%s", addr, err, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// postData POSTs {"input": input} to /v1/data/<path> and returns "result".
func postData(t *testing.T, base, path string, input any) (json.RawMessage, bool) {
	t.Helper()
	body, err := json.Marshal(map[string]any{"input": input})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(base+"/v1/data/"+path, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST %s: %s: %s", path, resp.Status, raw)
	}
	var out struct {
		Result json.RawMessage `json:"result"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("POST %s: %v: %s", path, err, raw)
	}
	return out.Result, out.Result != nil
}

func TestOpaRunServer(t *testing.T) {
	opaBin(t)
	bundleFile := filepath.Join(t.TempDir(), "pxacl.tar.gz")
	if r := runPxacl(t, "--config-dir", examplesDir(), "bundle", "build", "-o", bundleFile); r.code != 0 {
		t.Fatalf("pxacl bundle build: %s", r)
	}
	base := startOPAServer(t, bundleFile)

	raw, err := os.ReadFile(filepath.Join(examplesDir(), "input.json"))
	if err != nil {
		t.Fatal(err)
	}
	var in struct {
		AuthID     string   `json:"auth_id"`
		Path       string   `json:"path"`
		Privileges []string `json:"privileges"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		t.Fatalf("examples/pbs/input.json: %v", err)
	}
	var input map[string]any
	if err := json.Unmarshal(raw, &input); err != nil {
		t.Fatal(err)
	}

	ctx := context.Background()
	ev, err := evaluator.FromConfigDir(ctx, examplesDir())
	if err != nil {
		t.Fatal(err)
	}
	want, err := ev.Allowed(ctx, evaluator.Query{AuthID: in.AuthID, Path: in.Path, Privileges: in.Privileges})
	if err != nil {
		t.Fatal(err)
	}
	if !want {
		// README: client1 may back up in ns1 (own ACL ∩ John's DatastoreAdmin)
		t.Errorf("evaluator denies examples/pbs/input.json; the example README says it is allowed")
	}

	check := func(input map[string]any, want bool) {
		t.Helper()
		res, ok := postData(t, base, "pxacl/allow", input)
		if !ok {
			t.Fatalf("opa server: data.pxacl.allow undefined for %v", input)
		}
		var got bool
		if err := json.Unmarshal(res, &got); err != nil {
			t.Fatalf("opa server allow result %s: %v", res, err)
		}
		if got != want {
			t.Errorf("opa server allow(%v) = %v, evaluator says %v", input, got, want)
		}
	}
	check(input, want)

	// a denied variant: the token may not prune
	denied := map[string]any{"auth_id": in.AuthID, "path": in.Path, "privileges": []string{"Datastore.Prune"}}
	wantDenied, err := ev.Allowed(ctx, evaluator.Query{AuthID: in.AuthID, Path: in.Path, Privileges: []string{"Datastore.Prune"}})
	if err != nil {
		t.Fatal(err)
	}
	if wantDenied {
		t.Errorf("evaluator allows Datastore.Prune to %s on %s", in.AuthID, in.Path)
	}
	check(denied, wantDenied)

	// permissions through the server agree too
	res, ok := postData(t, base, "pxacl/permissions", map[string]any{"auth_id": in.AuthID, "path": in.Path})
	if !ok {
		t.Fatal("opa server: data.pxacl.permissions undefined")
	}
	var gotPerms map[string]bool
	if err := json.Unmarshal(res, &gotPerms); err != nil {
		t.Fatal(err)
	}
	wantPerms, err := ev.Permissions(ctx, in.AuthID, in.Path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gotPerms, wantPerms) {
		t.Errorf("opa server permissions = %v, evaluator says %v", gotPerms, wantPerms)
	}
}
