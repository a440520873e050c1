// Package bundle builds and reads pxacl's OPA bundles: a gzipped tar with a
// .manifest (revision = content hash, roots ["pxacl"], rego_version 1,
// metadata naming flavor, sources and pxacl version), the Rego policies
// and one data document at /pxacl/data.json. The output is byte-for-byte
// deterministic: the same configuration gives the same file.
//
// Building a bundle from a configuration (BuildDir, BuildDocument) lives
// here rather than in package compiler or evaluator: bundle imports
// compiler, never the reverse, so the compiler and the native engine stay
// free of OPA, and building a tarball does not go through the OPA runtime
// (package evaluator only evaluates).
//
// Files: bundle.go holds the types; build.go assembles a bundle from a
// configuration directory, a compiled document or a data document;
// write.go writes the tarball; read.go reads one with OPA's reader.
package bundle

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
	// TFA is "unavailable: <reason>" when tfa.json could not be used and
	// the bundle holds no second-factor state; absent otherwise.
	TFA string `json:"tfa,omitempty"`
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
