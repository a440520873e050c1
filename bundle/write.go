// Writing a bundle: a deterministic gzipped tar, compressed in parallel,
// to a writer, to bytes or atomically to a file.

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

	"github.com/pxacl/pxacl/internal/parallel"
)

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
