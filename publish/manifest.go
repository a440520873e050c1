// Reading a bundle file's .manifest without loading the bundle, to name
// what is pushed.

package publish

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
)

// Manifest is the part of a bundle's .manifest publish reads.
type Manifest struct {
	Revision string   `json:"revision"`
	Roots    []string `json:"roots"`
}

// maxManifest bounds the .manifest read.
const maxManifest = 1 << 20

// ReadManifest reads the .manifest of a bundle tarball. Only the tar
// headers are walked; no policy or data is parsed.
func ReadManifest(tarball []byte) (Manifest, error) {
	zr, err := gzip.NewReader(bytes.NewReader(tarball))
	if err != nil {
		return Manifest{}, fmt.Errorf("not a bundle (gzipped tar): %w", err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return Manifest{}, errors.New("not a bundle: no .manifest")
		}
		if err != nil {
			return Manifest{}, fmt.Errorf("not a bundle (gzipped tar): %w", err)
		}
		if path.Clean("/"+h.Name) != "/.manifest" {
			continue
		}
		raw, err := io.ReadAll(io.LimitReader(tr, maxManifest))
		if err != nil {
			return Manifest{}, err
		}
		var m Manifest
		if err := json.Unmarshal(raw, &m); err != nil {
			return Manifest{}, fmt.Errorf(".manifest: %w", err)
		}
		return m, nil
	}
}
