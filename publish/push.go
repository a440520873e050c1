// Pushing the artifact to a registry with go-containerregistry, with
// credentials from the docker config and credential helpers.

package publish

import (
	"context"
	"fmt"
	"net/http"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/pxacl/pxacl/internal/safetext"
)

// PushOptions refine Push.
type PushOptions struct {
	// Insecure allows plain HTTP to a registry that is not on this host
	// (loopback registries get plain HTTP anyway).
	Insecure bool
	// Keychain finds the registry credentials; nil means
	// authn.DefaultKeychain: $DOCKER_CONFIG or ~/.docker/config.json,
	// their credential helpers, and podman's auth.json.
	Keychain authn.Keychain
	// Transport is the base HTTP transport; nil means remote.DefaultTransport.
	Transport http.RoundTripper
	// Title names the bundle file on its layer (DefaultTitle when empty).
	Title string
	// Revision is recorded as RevisionAnnotation when not empty.
	Revision string
}

// Pushed describes a pushed bundle.
type Pushed struct {
	Ref          string // the tag, fully qualified (registry/repository:tag)
	Digest       string // the manifest's digest: Ref's repository@Digest pins this push
	BundleDigest string // the bundle layer's digest, which OPA reports as the bundle's etag
	Size         int64  // the bundle's size in bytes
}

// ParseTag parses a reference that must name a tag
// (registry/repository:tag; the tag defaults to latest).
func ParseTag(ref string, insecure bool) (name.Tag, error) {
	opts := []name.Option{}
	if insecure {
		opts = append(opts, name.Insecure)
	}
	tag, err := name.NewTag(ref, opts...)
	if err != nil {
		return name.Tag{}, fmt.Errorf("reference %s: %w (want registry/repository:tag)", safetext.Quote(ref), err)
	}
	return tag, nil
}

// Push uploads tarball, a bundle file written by pxacl (signed or not),
// as the OCI artifact OPA's `oci` service downloads, and points the tag
// ref at it. The tarball is uploaded unchanged, so its signatures stay
// valid.
func Push(ctx context.Context, ref string, tarball []byte, o PushOptions) (*Pushed, error) {
	tag, err := ParseTag(ref, o.Insecure)
	if err != nil {
		return nil, err
	}
	a, err := NewArtifact(tarball, o.Title, o.Revision)
	if err != nil {
		return nil, err
	}
	img, err := a.Image()
	if err != nil {
		return nil, err
	}
	keychain := o.Keychain
	if keychain == nil {
		keychain = authn.DefaultKeychain
	}
	base := o.Transport
	if base == nil {
		base = remote.DefaultTransport
	}
	err = remote.Write(tag, img,
		remote.WithContext(ctx),
		remote.WithAuthFromKeychain(keychain),
		remote.WithTransport(httpsOnly{base: base, insecure: o.Insecure}),
		remote.WithUserAgent("pxacl"),
	)
	if err != nil {
		return nil, fmt.Errorf("push %s: %w", safetext.Quote(tag.Name()), err)
	}
	digest, err := img.Digest()
	if err != nil {
		return nil, err
	}
	bd, err := a.BundleDigest()
	if err != nil {
		return nil, err
	}
	return &Pushed{Ref: tag.Name(), Digest: digest.String(), BundleDigest: bd.String(), Size: int64(len(tarball))}, nil
}
