// Reading the parts of a pxacl bundle a delta needs, and writing delta
// bundles.

package delta

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/pxacl/pxacl/bundle"
)

// Prefix is where the data document sits in OPA's data tree, as a patch
// path.
const Prefix = "/" + bundle.Root

// Snapshot is what a delta needs of a full pxacl bundle.
type Snapshot struct {
	Manifest []byte // the .manifest file as written
	Revision string
	Data     []byte // /pxacl/data.json
	// Policies is a digest of every file but the manifest, the
	// signatures and the data: two snapshots with the same Policies
	// differ in data only, which a delta can carry.
	Policies string
	Signed   bool // has /.signatures.json
}

// MaxFileBytes bounds one file read from a bundle (OPA's default
// size_limit_bytes, 1 GiB).
const MaxFileBytes = 1 << 30

// ReadSnapshot reads the parts of a pxacl bundle (tar.gz) a delta needs.
// It refuses delta bundles and bundles whose roots are not ["pxacl"].
func ReadSnapshot(r io.Reader) (*Snapshot, error) {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("delta: not a gzipped bundle: %w", err)
	}
	tr := tar.NewReader(gz)
	s := &Snapshot{}
	type file struct {
		name string
		sum  [32]byte
	}
	var others []file
	hasData := false
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("delta: reading the bundle: %w", err)
		}
		if hdr.Typeflag != tar.TypeReg {
			continue
		}
		if hdr.Size > MaxFileBytes {
			return nil, fmt.Errorf("delta: %s is larger than %d bytes", hdr.Name, MaxFileBytes)
		}
		data, err := io.ReadAll(io.LimitReader(tr, MaxFileBytes))
		if err != nil {
			return nil, fmt.Errorf("delta: reading %s: %w", hdr.Name, err)
		}
		switch name := "/" + trimSlash(hdr.Name); name {
		case "/.manifest":
			s.Manifest = data
		case "/.signatures.json":
			s.Signed = true
		case bundle.DataPath:
			s.Data, hasData = data, true
		case "/data.json":
			// OPA's writer (a bundle signed by OPA's code) puts all data
			// at the root: {"pxacl": <document>}
			doc, err := rootMember(data, bundle.Root)
			if err != nil {
				return nil, err
			}
			s.Data, hasData = doc, true
		case "/patch.json":
			return nil, errors.New("delta: this is a delta bundle, not a snapshot")
		default:
			others = append(others, file{name, sha256.Sum256(data)})
		}
	}
	if s.Manifest == nil {
		return nil, errors.New("delta: the bundle has no .manifest")
	}
	var m struct {
		Revision string    `json:"revision"`
		Roots    *[]string `json:"roots"`
	}
	if err := json.Unmarshal(s.Manifest, &m); err != nil {
		return nil, fmt.Errorf("delta: .manifest: %w", err)
	}
	if m.Roots == nil || len(*m.Roots) != 1 || (*m.Roots)[0] != bundle.Root {
		return nil, fmt.Errorf("delta: not a pxacl bundle (roots must be [%q])", bundle.Root)
	}
	if !hasData {
		return nil, fmt.Errorf("delta: the bundle has no %s", bundle.DataPath)
	}
	s.Revision = m.Revision
	sort.Slice(others, func(i, j int) bool { return others[i].name < others[j].name })
	h := sha256.New()
	for _, f := range others {
		fmt.Fprintf(h, "%s\x00", f.name)
		h.Write(f.sum[:])
	}
	s.Policies = hex.EncodeToString(h.Sum(nil))
	return s, nil
}

// rootMember is the member key of the root data document raw, which
// must have no other member.
func rootMember(raw []byte, key string) ([]byte, error) {
	raw = bytes.TrimSpace(raw)
	if !json.Valid(raw) || !isObject(raw) {
		return nil, errors.New("delta: /data.json is not a JSON object")
	}
	o, err := members(raw)
	if err != nil {
		return nil, err
	}
	if len(o.list) != 1 || o.list[0].key != key {
		return nil, fmt.Errorf("delta: /data.json holds data outside %q", key)
	}
	return o.list[0].value, nil
}

func trimSlash(s string) string {
	for len(s) > 0 && s[0] == '/' {
		s = s[1:]
	}
	return s
}

// ErrPolicies is returned when two snapshots differ in more than data: a
// delta bundle cannot carry policies.
var ErrPolicies = errors.New("delta: the policies differ; only a full bundle can carry them")

// ErrSame is returned when two snapshots have the same data: there is no
// delta to send (an empty patch would wipe data.pxacl).
var ErrSame = errors.New("delta: the data documents are the same")

// Between returns the patch operations from old to new, encoded for
// patch.json (EncodeOps).
func Between(old, new *Snapshot) ([]byte, error) {
	if old.Policies != new.Policies {
		return nil, ErrPolicies
	}
	ops, err := Diff(old.Data, new.Data, Prefix)
	if err != nil {
		return nil, err
	}
	if len(ops) == 0 {
		return nil, ErrSame
	}
	return EncodeOps(ops)
}

// Write writes a delta bundle: manifest (the new snapshot's .manifest:
// its revision, roots and metadata) and /patch.json with the operations
// ops (EncodeOps output, or several joined with commas, applied in
// order). The bytes depend only on the input.
func Write(w io.Writer, manifest, ops []byte) error {
	if len(bytes.TrimSpace(ops)) == 0 {
		return ErrSame
	}
	patch := make([]byte, 0, len(ops)+12)
	patch = append(append(append(patch, `{"data":[`...), ops...), "]}"...)
	gz, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(gz)
	for _, f := range []bundle.File{{Path: "/.manifest", Data: manifest}, {Path: "/patch.json", Data: patch}} {
		hdr := &tar.Header{Name: f.Path, Mode: 0o644, Size: int64(len(f.Data)), Typeflag: tar.TypeReg, Format: tar.FormatPAX}
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
	return gz.Close()
}

// Bytes is Write into memory.
func Bytes(manifest, ops []byte) ([]byte, error) {
	var b bytes.Buffer
	if err := Write(&b, manifest, ops); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
