package tests

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/registry"

	"github.com/pxacl/pxacl/evaluator"
)

// startRegistry runs go-containerregistry's registry in the test process
// on 127.0.0.1 and returns its host:port.
func startRegistry(t *testing.T) string {
	t.Helper()
	s := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(s.Close)
	return strings.TrimPrefix(s.URL, "http://")
}

// pushed is `pxacl bundle push --output-format json`.
type pushed struct {
	Ref, Digest, Revision string
	BundleDigest          string `json:"bundle_digest"`
	Size                  int64
}

func pushBundle(t *testing.T, args ...string) pushed {
	t.Helper()
	r := runPxacl(t, append(args, "--output-format", "json")...)
	if r.code != 0 {
		t.Fatalf("bundle push: %s", r)
	}
	var p pushed
	if err := json.Unmarshal([]byte(r.stdout), &p); err != nil || p.Revision == "" || !strings.HasPrefix(p.Digest, "sha256:") {
		t.Fatalf("bundle push output %q: %v", r.stdout, err)
	}
	return p
}

// A signed bundle pushed to a registry reaches an OPA sidecar configured
// with an oci service (the configuration from --print-opa-config); its
// decisions match pxacl's, and a second push is picked up.
func TestOCIPushSidecar(t *testing.T) {
	opaBin(t)
	t.Setenv("DOCKER_CONFIG", t.TempDir()) // no credentials of this machine reach the test registry
	host := startRegistry(t)
	ref := host + "/acl/pxacl:latest"
	dir := copyDir(t, examplesDir())
	key := writeRSAKey(t)

	p1 := pushBundle(t, "--config-dir", dir, "bundle", "push", ref, "--signing-key", key)
	if p1.Ref != ref {
		t.Errorf("pushed %s, want %s", p1.Ref, ref)
	}
	r := runPxacl(t, "bundle", "push", ref, "--signing-key", key, "--print-opa-config", "--min-delay", "1", "--max-delay", "2")
	if r.code != 0 {
		t.Fatalf("--print-opa-config: %s", r)
	}
	for _, want := range []string{"type: oci", "url: http://" + host, "resource: " + ref, "BEGIN PUBLIC KEY", "keyid: pxacl"} {
		if !strings.Contains(r.stdout, want) {
			t.Fatalf("OPA config lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "PRIVATE KEY") {
		t.Fatalf("the private key is in the OPA config")
	}
	cfg := filepath.Join(t.TempDir(), "opa.yaml")
	if err := os.WriteFile(cfg, []byte(r.stdout+"persistence_directory: "+t.TempDir()+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	opa, opaLogs, opaExited := startSidecar(t, cfg)
	waitHTTP(t, opa+"/health?bundles", 60*time.Second, opaLogs, opaExited)
	if got := opaRevision(t, opa); got != p1.Revision {
		t.Fatalf("sidecar revision %q, pushed %q:\n%s", got, p1.Revision, opaLogs)
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

	// a changed configuration, built and signed to a file, then pushed as is
	f, err := os.OpenFile(filepath.Join(dir, "acl.cfg"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(f, "acl:1:/datastore/store1/ns1:john@pbs!client1:DatastoreAdmin")
	f.Close()
	file := filepath.Join(t.TempDir(), "pxacl.tar.gz")
	if r := runPxacl(t, "--config-dir", dir, "bundle", "build", "--signing-key", key, "-o", file); r.code != 0 {
		t.Fatalf("bundle build --signing-key: %s", r)
	}
	before, _ := os.ReadFile(file)
	pushedAt := time.Now()
	p2 := pushBundle(t, "--bundle", file, "bundle", "push", ref)
	if p2.Revision == p1.Revision || p2.Digest == p1.Digest {
		t.Fatalf("the second push did not change the tag: %+v, %+v", p1, p2)
	}
	if after, _ := os.ReadFile(file); !bytes.Equal(before, after) || p2.Size != int64(len(before)) {
		t.Errorf("the pushed file changed or its size differs (%d, %d bytes)", p2.Size, len(before))
	}
	waitFor(t, 60*time.Second, "the sidecar loads the second push", func() bool {
		return opaRevision(t, opa) == p2.Revision
	}, opaLogs)
	t.Logf("second push → sidecar on the new revision: %v", time.Since(pushedAt).Round(time.Millisecond))
	if res, _ := postData(t, opa, "pxacl/allow", prune); string(res) != "true" {
		t.Errorf("client1 may not prune after the second push: %s", res)
	}
	checkDecisions(t, opa, dir, queries)
}

// A file that is no bundle is not pushed. (Plain HTTP to a registry off
// this host is refused: publish's TestPushPlainHTTP.)
func TestOCIPushRefusals(t *testing.T) {
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	notBundle := filepath.Join(t.TempDir(), "x.tar.gz")
	os.WriteFile(notBundle, []byte("not a bundle"), 0o644)
	r := runPxacl(t, "--bundle", notBundle, "bundle", "push", startRegistry(t)+"/acl/pxacl:latest")
	if r.code != 2 || !strings.Contains(r.stderr, "not a bundle") {
		t.Errorf("push of a file that is no bundle: %s", r)
	}
}
