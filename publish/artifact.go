// The OCI artifact OPA's `oci` downloader accepts: an image manifest
// whose single application/vnd.oci.image.layer.v1.tar+gzip layer is the
// bundle tarball, byte for byte, and whose config is the empty JSON object
// (application/vnd.oci.image.config.v1+json), as OPA's documentation
// publishes bundles with `oras push`.

package publish

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Media types of the artifact. OPA picks the bundle by BundleMediaType
// alone (v1/download/oci_download.go, bundleLayer).
const (
	ManifestMediaType types.MediaType = types.OCIManifestSchema1 // application/vnd.oci.image.manifest.v1+json
	ConfigMediaType   types.MediaType = types.OCIConfigJSON      // application/vnd.oci.image.config.v1+json
	BundleMediaType   types.MediaType = types.OCILayer           // application/vnd.oci.image.layer.v1.tar+gzip
)

// Annotation keys written on the artifact.
const (
	// TitleAnnotation names the bundle file on its layer (as oras does).
	TitleAnnotation = "org.opencontainers.image.title"
	// RevisionAnnotation holds the bundle's manifest revision on the
	// image manifest, so `crane manifest` shows which bundle a tag holds.
	RevisionAnnotation = "dev.pxacl.bundle.revision"
)

// emptyConfig is the artifact's config blob.
var emptyConfig = []byte("{}")

// gzipMagic starts every gzip stream (RFC 1952).
var gzipMagic = []byte{0x1f, 0x8b}

// Artifact is a bundle tarball as an OCI image OPA's `oci` service
// downloads. It implements go-containerregistry's
// partial.CompressedImageCore; Image turns it into a v1.Image.
type Artifact struct {
	bundle   v1.Layer
	config   v1.Layer
	manifest []byte
}

// NewArtifact wraps a bundle tarball (gzipped tar, signed or not) without
// changing a byte of it. title names the file on the layer (DefaultTitle
// when empty); revision, when not empty, is recorded as
// RevisionAnnotation.
func NewArtifact(tarball []byte, title, revision string) (*Artifact, error) {
	if len(tarball) == 0 {
		return nil, errors.New("publish: empty bundle")
	}
	if !bytes.HasPrefix(tarball, gzipMagic) {
		return nil, errors.New("publish: the bundle is not gzip-compressed (want a .tar.gz from pxacl bundle build)")
	}
	if title == "" {
		title = DefaultTitle
	}
	a := &Artifact{
		bundle: static.NewLayer(tarball, BundleMediaType),
		config: static.NewLayer(emptyConfig, ConfigMediaType),
	}
	layer, err := partial.Descriptor(a.bundle)
	if err != nil {
		return nil, err
	}
	layer.Annotations = map[string]string{TitleAnnotation: title}
	config, err := partial.Descriptor(a.config)
	if err != nil {
		return nil, err
	}
	m := v1.Manifest{
		SchemaVersion: 2,
		MediaType:     ManifestMediaType,
		Config:        *config,
		Layers:        []v1.Descriptor{*layer},
	}
	if revision != "" {
		m.Annotations = map[string]string{RevisionAnnotation: revision}
	}
	if a.manifest, err = json.Marshal(m); err != nil {
		return nil, err
	}
	return a, nil
}

// Image is the artifact as a v1.Image, ready for remote.Write.
func (a *Artifact) Image() (v1.Image, error) { return partial.CompressedToImage(a) }

// BundleDigest is the digest of the bundle layer: the ETag OPA's oci
// downloader records, and the sha256 of the tarball.
func (a *Artifact) BundleDigest() (v1.Hash, error) { return a.bundle.Digest() }

// RawConfigFile implements partial.CompressedImageCore.
func (a *Artifact) RawConfigFile() ([]byte, error) { return emptyConfig, nil }

// MediaType implements partial.CompressedImageCore.
func (a *Artifact) MediaType() (types.MediaType, error) { return ManifestMediaType, nil }

// RawManifest implements partial.CompressedImageCore.
func (a *Artifact) RawManifest() ([]byte, error) { return a.manifest, nil }

// LayerByDigest implements partial.CompressedImageCore.
func (a *Artifact) LayerByDigest(h v1.Hash) (partial.CompressedLayer, error) {
	for _, l := range []v1.Layer{a.bundle, a.config} {
		if d, err := l.Digest(); err == nil && d == h {
			return l, nil
		}
	}
	return nil, fmt.Errorf("publish: no blob %s in the artifact", h)
}
