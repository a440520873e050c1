// Package bundle builds and reads pxacl's OPA bundles: a gzipped tar with a
// .manifest (revision = content hash, roots ["pxacl"], rego_version 1,
// metadata naming flavor, sources and pxacl version), the Rego policies
// and one data document at /pxacl/data.json. The output is byte-for-byte
// deterministic: the same configuration gives the same file.
package bundle

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	opabundle "github.com/open-policy-agent/opa/v1/bundle"

	"github.com/pxacl/pxacl/internal/parallel"
	"github.com/pxacl/pxacl/policies"
)

// Root is the bundle root and Rego package.
const Root = "pxacl"

// DataPath is where the data document sits inside the bundle.
const DataPath = "/" + Root + "/data.json"

// Version is the pxacl version recorded in bundle metadata.
var Version = "0.1.0"

// Manifest is the .manifest file.
type Manifest struct {
	Revision    string   `json:"revision"`
	Roots       []string `json:"roots"`
	RegoVersion int      `json:"rego_version"`
	Metadata    Metadata `json:"metadata"`
}

// Metadata is the manifest's metadata object.
type Metadata struct {
	Flavor         string            `json:"flavor"`
	CatalogVersion string            `json:"catalog_version"`
	Sources        map[string]string `json:"sources"` // file -> sha256 hex
	PxaclVersion   string            `json:"pxacl_version"`
}

// File is one file of a bundle.
type File struct {
	Path string // absolute inside the bundle, e.g. "/pxacl/data.json"
	Data []byte
}

// Bundle is a built bundle, ready to write.
type Bundle struct {
	Manifest Manifest
	Files    []File // policies and data, sorted by path; not the manifest
}

// Build assembles a bundle from a data document (the JSON of
// compiler.Document, which must be a JSON object) and the embedded
// policies. The revision is the SHA-256 of every file's path and content.
func Build(data []byte, meta Metadata) (*Bundle, error) {
	if t := bytes.TrimSpace(data); len(t) < 2 || t[0] != '{' || t[len(t)-1] != '}' {
		return nil, fmt.Errorf("bundle: the data document must be a JSON object")
	}
	b := &Bundle{}
	for _, m := range policies.Modules() {
		b.Files = append(b.Files, File{Path: "/" + Root + "/" + m.Name, Data: m.Src})
	}
	b.Files = append(b.Files, File{Path: DataPath, Data: data})
	sort.Slice(b.Files, func(i, j int) bool { return b.Files[i].Path < b.Files[j].Path })
	h := sha256.New()
	for _, f := range b.Files {
		fmt.Fprintf(h, "%s\x00%d\x00", f.Path, len(f.Data))
		h.Write(f.Data)
	}
	if meta.PxaclVersion == "" {
		meta.PxaclVersion = Version
	}
	b.Manifest = Manifest{
		Revision:    hex.EncodeToString(h.Sum(nil)),
		Roots:       []string{Root},
		RegoVersion: 1,
		Metadata:    meta,
	}
	return b, nil
}

// Write writes b as a gzipped tar. Timestamps and owners are fixed, so the
// bytes depend only on the content.
func (b *Bundle) Write(w io.Writer) error {
	manifest, err := json.Marshal(b.Manifest)
	if err != nil {
		return err
	}
	size := 4096 + len(manifest)
	for _, f := range b.Files {
		size += 1024 + len(f.Data)
	}
	var raw bytes.Buffer
	raw.Grow(size)
	tw := tar.NewWriter(&raw)
	files := append([]File{{Path: "/.manifest", Data: manifest}}, b.Files...)
	for _, f := range files {
		hdr := &tar.Header{
			Name:     f.Path,
			Mode:     0o644,
			Size:     int64(len(f.Data)),
			Typeflag: tar.TypeReg,
			Format:   tar.FormatPAX,
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if _, err := tw.Write(f.Data); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return writeGzip(w, raw.Bytes())
}

// gzipChunk is the size of the pieces compressed in parallel. It is fixed,
// so the output does not depend on the number of cores.
const gzipChunk = 4 << 20

// writeGzip compresses data as consecutive gzip members of gzipChunk bytes
// each, compressed in parallel. A multi-member file is one gzip stream to
// every reader (RFC 1952 §2.2; Go's and OPA's readers included).
func writeGzip(w io.Writer, data []byte) error {
	n := max(1, (len(data)+gzipChunk-1)/gzipChunk)
	out := make([]bytes.Buffer, n)
	errs := make([]error, n)
	parallel.For(n, 1, func(i int) {
		errs[i] = compress(&out[i], data[i*gzipChunk:min(len(data), (i+1)*gzipChunk)])
	})
	for i := range out {
		if errs[i] != nil {
			return errs[i]
		}
		if _, err := w.Write(out[i].Bytes()); err != nil {
			return err
		}
	}
	return nil
}

func compress(w io.Writer, data []byte) error {
	gz, err := gzip.NewWriterLevel(w, gzip.BestSpeed)
	if err != nil {
		return err
	}
	if _, err := gz.Write(data); err != nil {
		return err
	}
	return gz.Close()
}

// Bytes returns the written bundle.
func (b *Bundle) Bytes() ([]byte, error) {
	var buf bytes.Buffer
	if err := b.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// WriteFile writes the bundle to path atomically (temp file, fsync,
// rename), so a reader never sees a partial bundle.
func (b *Bundle) WriteFile(path string) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp_*")
	if err != nil {
		return fmt.Errorf("bundle: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if err := b.Write(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("bundle: writing %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("bundle: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("bundle: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("bundle: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("bundle: %w", err)
	}
	return nil
}

// Read parses a bundle file with OPA's own reader, as OPA would load it.
func Read(r io.Reader) (opabundle.Bundle, error) {
	b, err := opabundle.NewReader(r).Read()
	if err != nil {
		return opabundle.Bundle{}, fmt.Errorf("bundle: %w", err)
	}
	if b.Manifest.Roots == nil || len(*b.Manifest.Roots) != 1 || (*b.Manifest.Roots)[0] != Root {
		return opabundle.Bundle{}, fmt.Errorf("bundle: not a pxacl bundle (roots must be [%q])", Root)
	}
	return b, nil
}

// ReadFile reads a bundle file.
func ReadFile(path string) (opabundle.Bundle, error) {
	f, err := os.Open(path)
	if err != nil {
		return opabundle.Bundle{}, fmt.Errorf("bundle: %w", err)
	}
	defer f.Close()
	b, err := Read(f)
	if err != nil {
		return opabundle.Bundle{}, fmt.Errorf("%s: %w", path, err)
	}
	return b, nil
}
