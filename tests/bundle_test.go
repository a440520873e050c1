package tests

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/bundle"
	"github.com/pxacl/pxacl/compiler"
	"github.com/pxacl/pxacl/evaluator"
)

// bundleManifest is the part of .manifest the tests look at.
type bundleManifest struct {
	Revision    string   `json:"revision"`
	Roots       []string `json:"roots"`
	RegoVersion *int     `json:"rego_version"`
	Metadata    struct {
		Flavor  string            `json:"flavor"`
		Sources map[string]string `json:"sources"`
	} `json:"metadata"`
}

// untar returns the files of a gzipped tar, by name, and the whole
// decompressed stream.
func untar(t *testing.T, raw []byte) (map[string][]byte, []byte) {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("bundle is not gzip: %v", err)
	}
	plain, err := io.ReadAll(gz)
	if err != nil {
		t.Fatalf("gunzip: %v", err)
	}
	files := map[string][]byte{}
	tr := tar.NewReader(bytes.NewReader(plain))
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("tar: %v", err)
		}
		if hdr.Typeflag != tar.TypeReg {
			t.Errorf("bundle entry %q is not a regular file (type %q)", hdr.Name, hdr.Typeflag)
			continue
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimPrefix(hdr.Name, "/")
		if _, dup := files[name]; dup {
			t.Errorf("duplicate bundle entry %q", name)
		}
		files[name] = data
	}
	return files, plain
}

func readManifest(t *testing.T, files map[string][]byte) bundleManifest {
	t.Helper()
	raw, ok := files[".manifest"]
	if !ok {
		t.Fatal("bundle has no .manifest")
	}
	var m bundleManifest
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf(".manifest: %v", err)
	}
	return m
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestBundleDeterministic(t *testing.T) {
	dir := copyDir(t, examplesDir())
	// secrets PBS keeps beside the ACL files; none may reach a bundle
	secrets := map[string]string{
		"token.shadow": `{"john@pbs!client1":"$5$SECRET-TOKEN-SHADOW-7f3a9c$Zq0"}` + "\n",
		"shadow.json":  `{"john@pbs":"$5$SECRET-SHADOW-JSON-51e2b8$Pw9"}` + "\n",
		"tfa.json": `{"users":{"john@pbs":{"totp":[{"id":"t1","created":1,"entry":"otpauth://totp/john%40pbs?secret=SECRETTFATOTPCDE"}],` +
			`"recovery":{"secret":"SECRET-TFA-RECOVERY-9b2d","entries":["SECRET-TFA-HASH-1a2b",null],"created":1}}}}`,
	}
	markers := []string{"SECRET-TOKEN-SHADOW-7f3a9c", "SECRET-SHADOW-JSON-51e2b8", "SECRETTFATOTPCDE", "SECRET-TFA-RECOVERY-9b2d", "SECRET-TFA-HASH-1a2b"}
	writeFiles(t, dir, secrets)

	out := t.TempDir()
	build := func(name string) []byte {
		t.Helper()
		f := filepath.Join(out, name)
		if r := runPxacl(t, "--config-dir", dir, "bundle", "build", "-o", f); r.code != 0 {
			t.Fatalf("pxacl bundle build: %s", r)
		}
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	first, second := build("a.tar.gz"), build("b.tar.gz")
	if !bytes.Equal(first, second) {
		t.Fatalf("two builds of the same directory differ (%d vs %d bytes)", len(first), len(second))
	}
	// -o - writes the same bytes to stdout
	if r := runPxacl(t, "--config-dir", dir, "bundle", "build", "-o", "-"); r.code != 0 || r.stdout != string(first) {
		t.Fatalf("pxacl bundle build -o -: exit %d, %d bytes on stdout, want %d", r.code, len(r.stdout), len(first))
	}

	// the library builds the same bytes as the CLI
	b, err := bundle.BuildDir(dir, compiler.Options{})
	if err != nil {
		t.Fatalf("bundle.BuildDir: %v", err)
	}
	lib, err := b.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(lib, first) {
		t.Errorf("bundle.BuildDir(...).Bytes() differs from `pxacl bundle build`")
	}
	libFile := filepath.Join(out, "lib.tar.gz")
	if err := b.WriteFile(libFile); err != nil {
		t.Fatal(err)
	}
	if raw, err := os.ReadFile(libFile); err != nil || !bytes.Equal(raw, first) {
		t.Errorf("Bundle.WriteFile differs from Bundle.Bytes (err %v)", err)
	}

	files, plain := untar(t, first)

	// manifest
	m := readManifest(t, files)
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(m.Revision) {
		t.Errorf("revision %q is not 64 hex characters", m.Revision)
	}
	if b.Manifest.Revision != m.Revision {
		t.Errorf("library revision %q != file revision %q", b.Manifest.Revision, m.Revision)
	}
	if len(m.Roots) != 1 || m.Roots[0] != "pxacl" {
		t.Errorf("roots = %q, want [\"pxacl\"]", m.Roots)
	}
	if m.RegoVersion == nil || *m.RegoVersion != 1 {
		t.Errorf("rego_version = %v, want 1", m.RegoVersion)
	}
	if m.Metadata.Flavor != "pbs" {
		t.Errorf("metadata.flavor = %q, want pbs", m.Metadata.Flavor)
	}
	for _, name := range []string{"user.cfg", "acl.cfg"} {
		raw, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := m.Metadata.Sources[name], sha256Hex(raw); got != want {
			t.Errorf("metadata.sources[%q] = %q, want sha256 %q", name, got, want)
		}
	}
	for name := range m.Metadata.Sources {
		if _, secret := secrets[name]; secret {
			t.Errorf("metadata.sources lists the secret file %q", name)
		}
	}

	// contents: .manifest, pxacl/*.rego (no tests) and pxacl/data.json only
	rego := 0
	for name := range files {
		switch {
		case name == ".manifest", name == "pxacl/data.json":
		case strings.HasPrefix(name, "pxacl/") && strings.HasSuffix(name, ".rego") &&
			!strings.Contains(strings.TrimPrefix(name, "pxacl/"), "/") && !strings.HasSuffix(name, "_test.rego"):
			rego++
		default:
			t.Errorf("unexpected file in bundle: %q", name)
		}
	}
	if _, ok := files["pxacl/data.json"]; !ok {
		t.Error("bundle has no pxacl/data.json")
	} else if !json.Valid(files["pxacl/data.json"]) {
		t.Error("pxacl/data.json is not valid JSON")
	}
	if rego == 0 {
		t.Error("bundle has no Rego module")
	}

	// no secret anywhere in the decompressed bundle
	for _, s := range markers {
		if bytes.Contains(plain, []byte(s)) {
			t.Errorf("bundle contains the secret string %q", s)
		}
	}

	// the bundle file loads and answers like the directory
	fromFile, err := evaluator.FromBundleFile(t.Context(), filepath.Join(out, "a.tar.gz"))
	if err != nil {
		t.Fatalf("evaluator.FromBundleFile: %v", err)
	}
	if fromFile.Revision() != m.Revision {
		t.Errorf("FromBundleFile revision %q, want %q", fromFile.Revision(), m.Revision)
	}

	// changing acl.cfg changes the revision (and the source hash)
	acl := filepath.Join(dir, "acl.cfg")
	raw, err := os.ReadFile(acl)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(acl, append(raw, []byte("acl:1:/remote:audit@pbs:RemoteAudit\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	changed := readManifest(t, mustUntar(t, build("c.tar.gz")))
	if changed.Revision == m.Revision {
		t.Errorf("revision unchanged (%s) after changing acl.cfg", m.Revision)
	}
	if changed.Metadata.Sources["acl.cfg"] == m.Metadata.Sources["acl.cfg"] {
		t.Errorf("metadata.sources[acl.cfg] unchanged after changing acl.cfg")
	}
	if changed.Metadata.Sources["user.cfg"] != m.Metadata.Sources["user.cfg"] {
		t.Errorf("metadata.sources[user.cfg] changed though user.cfg did not")
	}
}

func mustUntar(t *testing.T, raw []byte) map[string][]byte {
	t.Helper()
	files, _ := untar(t, raw)
	return files
}
