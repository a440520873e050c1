// Tests of building, writing and reading bundles.

package bundle

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/policies"
)

var testMeta = Metadata{
	Flavor:         "pbs",
	CatalogVersion: "4.2",
	Sources:        map[string]string{"acl.cfg": strings.Repeat("a", 64), "user.cfg": strings.Repeat("b", 64)},
}

const testData = `{"acl":{"/datastore":{"john@pbs":{"leaf":"s0"}}},"users":{"john@pbs":{"enable":true}}}` + "\n"

func mustBuild(t *testing.T, data string) *Bundle {
	t.Helper()
	b, err := Build([]byte(data), testMeta)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return b
}

func mustBytes(t *testing.T, b *Bundle) []byte {
	t.Helper()
	raw, err := b.Bytes()
	if err != nil {
		t.Fatalf("Bytes: %v", err)
	}
	return raw
}

// TestBuildRejectsNonObject: the data document must be a JSON object.
func TestBuildRejectsNonObject(t *testing.T) {
	tests := []struct {
		name string
		data string
		ok   bool
	}{
		{"empty", "", false},
		{"whitespace", " \n\t", false},
		{"array", `[{"a":1}]`, false},
		{"null", "null", false},
		{"number", "1", false},
		{"string", `"{}"`, false},
		{"open brace only", "{", false},
		{"close brace only", "}", false},
		{"true", "true", false},
		{"empty object", "{}", true},
		{"object with whitespace", " \n{\"a\": 1}\n\n", true},
		{"compiler document", testData, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Build([]byte(tt.data), testMeta)
			if tt.ok {
				if err != nil || b == nil {
					t.Fatalf("Build(%q) = %v, %v; want a bundle", tt.data, b, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Build(%q) succeeded, want an error", tt.data)
			}
			if !strings.Contains(err.Error(), "JSON object") {
				t.Errorf("error %q does not say a JSON object is needed", err)
			}
		})
	}
}

// TestBuildContents: policies (without tests) and data, sorted by path;
// manifest roots ["pxacl"], rego_version 1, revision = content hash,
// pxacl_version defaulted.
func TestBuildContents(t *testing.T) {
	b := mustBuild(t, testData)
	var paths []string
	for _, f := range b.Files {
		paths = append(paths, f.Path)
		if strings.HasSuffix(f.Path, "_test.rego") {
			t.Errorf("test module %s in bundle", f.Path)
		}
	}
	// the modules of the bundle's flavor: its fast rules, not the other's
	want := []string{DataPath}
	for _, m := range policies.ForFlavor(testMeta.Flavor) {
		want = append(want, "/pxacl/"+m.Name)
	}
	if len(paths) != len(want) || len(paths) < 2 {
		t.Errorf("files = %v, want %v", paths, want)
	}
	for i := 1; i < len(paths); i++ {
		if paths[i-1] >= paths[i] {
			t.Errorf("files not sorted: %v", paths)
		}
	}
	m := b.Manifest
	if !reflect.DeepEqual(m.Roots, []string{"pxacl"}) || m.RegoVersion != 1 {
		t.Errorf("manifest = %+v", m)
	}
	if len(m.Revision) != 64 {
		t.Errorf("revision %q is not a sha256 hex digest", m.Revision)
	}
	if m.Metadata.PxaclVersion != Version || m.Metadata.Flavor != "pbs" || m.Metadata.CatalogVersion != "4.2" {
		t.Errorf("metadata = %+v", m.Metadata)
	}
	meta := testMeta
	meta.PxaclVersion = "9.9.9"
	b2, err := Build([]byte(testData), meta)
	if err != nil {
		t.Fatal(err)
	}
	if b2.Manifest.Metadata.PxaclVersion != "9.9.9" {
		t.Errorf("explicit pxacl_version overwritten: %q", b2.Manifest.Metadata.PxaclVersion)
	}
	// The revision depends on the content only.
	if b2.Manifest.Revision != m.Revision {
		t.Errorf("revision depends on metadata")
	}
	if other := mustBuild(t, `{"x":1}`); other.Manifest.Revision == m.Revision {
		t.Errorf("different data, same revision %s", m.Revision)
	}
}

// TestWriteDeterministic: the same input gives the same bytes.
func TestWriteDeterministic(t *testing.T) {
	first := mustBytes(t, mustBuild(t, testData))
	for i := 0; i < 3; i++ {
		b := mustBuild(t, testData)
		if got := mustBytes(t, b); !bytes.Equal(got, first) {
			t.Fatalf("build %d: bytes differ", i)
		}
		if got := mustBytes(t, b); !bytes.Equal(got, first) {
			t.Fatalf("build %d: second Write differs", i)
		}
	}
	if other := mustBytes(t, mustBuild(t, `{"x":1}`)); bytes.Equal(other, first) {
		t.Errorf("different data gives the same bytes")
	}
	// Fixed headers: no timestamps, owners, or modes other than 0644.
	tr := tarReader(t, first)
	n := 0
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
		if !hdr.ModTime.IsZero() && hdr.ModTime.Unix() != 0 {
			t.Errorf("%s: mtime %v", hdr.Name, hdr.ModTime)
		}
		if hdr.Uid != 0 || hdr.Gid != 0 || hdr.Uname != "" || hdr.Gname != "" || hdr.Mode != 0o644 {
			t.Errorf("%s: header %+v", hdr.Name, hdr)
		}
		if n == 1 && hdr.Name != "/.manifest" {
			t.Errorf("first entry %s, want /.manifest", hdr.Name)
		}
	}
}

func tarReader(t *testing.T, raw []byte) *tar.Reader {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	return tar.NewReader(gz)
}

// TestReadRoundTrip: OPA's reader accepts what Write produces.
func TestReadRoundTrip(t *testing.T) {
	b := mustBuild(t, testData)
	ob, err := Read(bytes.NewReader(mustBytes(t, b)))
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if ob.Manifest.Revision != b.Manifest.Revision {
		t.Errorf("revision %q, want %q", ob.Manifest.Revision, b.Manifest.Revision)
	}
	if ob.Manifest.Roots == nil || !reflect.DeepEqual(*ob.Manifest.Roots, []string{"pxacl"}) {
		t.Errorf("roots = %v", ob.Manifest.Roots)
	}
	var want map[string]any
	if err := json.Unmarshal([]byte(testData), &want); err != nil {
		t.Fatal(err)
	}
	if got := ob.Data["pxacl"]; !reflect.DeepEqual(got, want) {
		t.Errorf("data.pxacl = %v, want %v", got, want)
	}
	if len(ob.Modules) != len(policies.ForFlavor(testMeta.Flavor)) {
		t.Errorf("got %d modules, want %d", len(ob.Modules), len(policies.ForFlavor(testMeta.Flavor)))
	}
}

// handBundle writes a gzipped tar with the given files, like a foreign
// bundle would be.
func handBundle(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	names := make([]string, 0, len(files))
	for n := range files {
		if n != "/.manifest" {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	if _, ok := files["/.manifest"]; ok {
		names = append([]string{"/.manifest"}, names...) // manifest first
	}
	for _, n := range names {
		data := files[n]
		if err := tw.WriteHeader(&tar.Header{Name: n, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestReadRejectsForeignRoots: only bundles whose roots are exactly
// ["pxacl"] are pxacl bundles.
func TestReadRejectsForeignRoots(t *testing.T) {
	tests := []struct {
		name     string
		manifest string // "" = no .manifest file
		dataPath string
		wantErr  string
	}{
		{"other root", `{"revision":"r","roots":["other"]}`, "/other/data.json", "not a pxacl bundle"},
		{"two roots", `{"revision":"r","roots":["pxacl","other"]}`, "/pxacl/data.json", "not a pxacl bundle"},
		{"empty roots", `{"revision":"r","roots":[]}`, "/pxacl/data.json", "bundle"},
		{"no manifest (roots default to [\"\"])", "", "/pxacl/data.json", "not a pxacl bundle"},
		{"no roots key", `{"revision":"r"}`, "/pxacl/data.json", "not a pxacl bundle"},
		{"prefix root", `{"revision":"r","roots":["pxacl/sub"]}`, "/pxacl/sub/data.json", "not a pxacl bundle"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{tt.dataPath: `{"a":1}`}
			if tt.manifest != "" {
				files["/.manifest"] = tt.manifest
			}
			_, err := Read(bytes.NewReader(handBundle(t, files)))
			if err == nil {
				t.Fatalf("Read accepted a bundle with manifest %s", tt.manifest)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not contain %q", err, tt.wantErr)
			}
		})
	}
	// The same hand-built shape with roots ["pxacl"] is accepted, so the
	// rejections above are about the roots.
	raw := handBundle(t, map[string]string{"/.manifest": `{"revision":"r","roots":["pxacl"]}`, "/pxacl/data.json": `{"a":1}`})
	if _, err := Read(bytes.NewReader(raw)); err != nil {
		t.Errorf("hand-built pxacl bundle rejected: %v", err)
	}
	if _, err := Read(strings.NewReader("not a gzip stream")); err == nil {
		t.Errorf("garbage accepted")
	}
}

// TestWriteFile: the target is complete after success, the temp file is
// gone, and an overwrite replaces the old bundle whole.
func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "pxacl.tar.gz")
	if err := os.WriteFile(target, []byte("old, partial"), 0o600); err != nil {
		t.Fatal(err)
	}
	for i, data := range []string{testData, `{"x":1}`} {
		b := mustBuild(t, data)
		if err := b.WriteFile(target); err != nil {
			t.Fatalf("WriteFile %d: %v", i, err)
		}
		got, err := os.ReadFile(target)
		if err != nil {
			t.Fatal(err)
		}
		if want := mustBytes(t, b); !bytes.Equal(got, want) {
			t.Errorf("WriteFile %d: file differs from Bytes()", i)
		}
		st, err := os.Stat(target)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o644 {
			t.Errorf("mode %v, want 0644", st.Mode().Perm())
		}
		assertOnly(t, dir, "pxacl.tar.gz")
		ob, err := ReadFile(target)
		if err != nil {
			t.Fatalf("ReadFile: %v", err)
		}
		if ob.Manifest.Revision != b.Manifest.Revision {
			t.Errorf("ReadFile revision %q, want %q", ob.Manifest.Revision, b.Manifest.Revision)
		}
	}
}

// TestWriteFileFailure: when the rename cannot happen the target is left
// as it was (absent or the old content) and no temp file remains.
func TestWriteFileFailure(t *testing.T) {
	b := mustBuild(t, testData)

	t.Run("missing dir", func(t *testing.T) {
		dir := t.TempDir()
		target := filepath.Join(dir, "nope", "pxacl.tar.gz")
		if err := b.WriteFile(target); err == nil {
			t.Fatal("no error")
		}
		if _, err := os.Stat(target); !os.IsNotExist(err) {
			t.Errorf("target exists after a failed write: %v", err)
		}
		assertOnly(t, dir)
	})
	t.Run("target is a non-empty directory", func(t *testing.T) {
		dir := t.TempDir()
		target := filepath.Join(dir, "pxacl.tar.gz")
		if err := os.MkdirAll(filepath.Join(target, "keep"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := b.WriteFile(target); err == nil {
			t.Fatal("no error")
		}
		if st, err := os.Stat(filepath.Join(target, "keep")); err != nil || !st.IsDir() {
			t.Errorf("target directory changed: %v", err)
		}
		assertOnly(t, dir, "pxacl.tar.gz")
	})
}

// assertOnly fails unless dir holds exactly the named entries (no temp
// files such as ".pxacl.tar.gz.tmp_123").
func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if len(got) != len(names) || (len(names) > 0 && !reflect.DeepEqual(got, names)) {
		t.Errorf("dir holds %v, want %v", got, names)
	}
}

func TestReadFileMissing(t *testing.T) {
	if _, err := ReadFile(filepath.Join(t.TempDir(), "absent.tar.gz")); err == nil {
		t.Errorf("ReadFile of a missing file: no error")
	}
}

// A bundle larger than one gzip chunk is written as several gzip members,
// compressed in parallel; OPA's reader (the one `opa run -b` uses) reads it
// whole, and the bytes do not depend on the number of cores.
func TestLargeBundleMultiMember(t *testing.T) {
	var doc strings.Builder
	doc.WriteString(`{"big":[`)
	for i := range 3 * gzipChunk / 20 {
		if i > 0 {
			doc.WriteByte(',')
		}
		fmt.Fprintf(&doc, `"v%015d"`, i)
	}
	doc.WriteString(`]}`)
	b, err := Build([]byte(doc.String()), Metadata{Flavor: "pbs"})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := b.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	if members := bytes.Count(raw, []byte{0x1f, 0x8b, 0x08}); members < 2 {
		t.Fatalf("%d gzip members; want several", members)
	}
	prev := runtime.GOMAXPROCS(1)
	one, err := b.Bytes()
	runtime.GOMAXPROCS(prev)
	if err != nil || !bytes.Equal(one, raw) {
		t.Fatalf("output differs with GOMAXPROCS=1 (err %v)", err)
	}
	ob, err := Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	big, _ := ob.Data[Root].(map[string]any)["big"].([]any)
	if len(big) != 3*gzipChunk/20 || big[len(big)-1] != fmt.Sprintf("v%015d", len(big)-1) {
		t.Fatalf("read back %d values", len(big))
	}
}
