// Building a bundle: from a configuration directory, a compiled document
// or a data document, with the embedded policies.

package bundle

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"

	"github.com/pxacl/pxacl/compiler"
	"github.com/pxacl/pxacl/policies"
)

// BuildDir compiles the configuration in dir (compiler.Compile with opts)
// into a bundle.
func BuildDir(dir string, opts compiler.Options) (*Bundle, error) {
	doc, err := compiler.Compile(dir, opts)
	if err != nil {
		return nil, err
	}
	return BuildDocument(doc)
}

// BuildDocument writes a compiled document and the policies into a bundle.
func BuildDocument(doc *compiler.Document) (*Bundle, error) {
	data, err := doc.JSON()
	if err != nil {
		return nil, err
	}
	return Build(data, Metadata{
		Flavor:         doc.Meta.Flavor.String(),
		CatalogVersion: doc.Meta.CatalogVersion,
		Sources:        doc.Sources,
		TFA:            doc.Meta.TFA,
	})
}

// Build assembles a bundle from a data document (the JSON of
// compiler.Document, which must be a JSON object) and the embedded
// policies. The revision is the SHA-256 of every file's path and content.
func Build(data []byte, meta Metadata) (*Bundle, error) {
	if t := bytes.TrimSpace(data); len(t) < 2 || t[0] != '{' || t[len(t)-1] != '}' {
		return nil, fmt.Errorf("bundle: the data document must be a JSON object")
	}
	b := &Bundle{}
	for _, m := range policies.ForFlavor(meta.Flavor) {
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
