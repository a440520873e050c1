// OPA sidecar configurations for a bundle published to a registry or a
// static host.

package publish

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/pxacl/pxacl/internal/safetext"
)

// ServiceName and BundleName name the service and the bundle in the
// configurations written here, as in `pxacl serve --print-opa-config`.
const (
	ServiceName = "pxacl"
	BundleName  = "pxacl"
)

// VerificationKey is what OPA needs to verify a signed bundle.
type VerificationKey struct {
	KeyID     string // keys.<KeyID> and bundles.pxacl.signing.keyid
	Algorithm string // RS256, ES256, HS256, ...
	Key       string // the PEM public key, or the HMAC secret
}

// ConfigOptions are common to both configurations.
type ConfigOptions struct {
	MinDelay, MaxDelay int              // polling.{min,max}_delay_seconds; 0 leaves OPA's defaults (60, 120)
	Signing            *VerificationKey // verify the bundle's signature; nil for unsigned bundles
	// TokenEnv names an environment variable holding a bearer token OPA
	// sends (credentials.bearer.token: ${TokenEnv}); empty for none.
	TokenEnv string
}

// OCIConfig returns an OPA configuration (YAML) for a sidecar that pulls
// the bundle from the registry tag ref (service type oci). The registry
// is reached over https, or plain http for a loopback registry or when
// insecure.
func OCIConfig(ref string, insecure bool, o ConfigOptions) ([]byte, error) {
	tag, err := ParseTag(ref, insecure)
	if err != nil {
		return nil, err
	}
	reg := tag.Context().Registry
	scheme := "https"
	if insecure || IsLoopback(hostOnly(reg.RegistryStr())) {
		scheme = "http"
	}
	svc := map[string]any{"url": scheme + "://" + reg.RegistryStr(), "type": "oci"}
	return marshalConfig(svc, tag.Name(), o)
}

// StaticConfig returns an OPA configuration (YAML) for a sidecar that
// downloads a signed bundle from a static HTTP host (S3, GCS, a CDN):
// bundleURL is the bundle file's URL. Anyone who can write to the host
// could swap the bundle, so the bundle must be signed (o.Signing), and
// the URL must be https unless it is on this host or insecure.
func StaticConfig(bundleURL string, insecure bool, o ConfigOptions) ([]byte, error) {
	if o.Signing == nil {
		return nil, errors.New("a bundle on a static host must be signed: give the signing key (--signing-key) so OPA gets the key to verify it")
	}
	u, err := url.Parse(bundleURL)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("bundle URL %s: want https://host/path/to/bundle.tar.gz", safetext.Quote(bundleURL))
	}
	if u.User != nil {
		return nil, errors.New("bundle URL: credentials do not go in the URL; configure them in OPA's services.pxacl.credentials")
	}
	if u.Scheme == "http" && !insecure && !IsLoopback(u.Hostname()) {
		return nil, fmt.Errorf("bundle URL %s: plain http would expose every user, token and ACL on the network; use https (--insecure allows it)", safetext.Quote(bundleURL))
	}
	resource := strings.TrimPrefix(u.EscapedPath(), "/")
	if resource == "" || strings.HasSuffix(resource, "/") {
		return nil, fmt.Errorf("bundle URL %s: name the bundle file, e.g. https://host/acl/pxacl.tar.gz", safetext.Quote(bundleURL))
	}
	if u.RawQuery != "" {
		resource += "?" + u.RawQuery
	}
	svc := map[string]any{"url": u.Scheme + "://" + u.Host}
	return marshalConfig(svc, resource, o)
}

func marshalConfig(svc map[string]any, resource string, o ConfigOptions) ([]byte, error) {
	if o.MinDelay < 0 || o.MaxDelay < 0 || (o.MaxDelay > 0 && o.MaxDelay < o.MinDelay) {
		return nil, fmt.Errorf("polling delays %d..%d: want 0 <= min <= max", o.MinDelay, o.MaxDelay)
	}
	if o.TokenEnv != "" {
		svc["credentials"] = map[string]any{"bearer": map[string]any{"scheme": "Bearer", "token": "${" + o.TokenEnv + "}"}}
	}
	b := map[string]any{"service": ServiceName, "resource": resource}
	if o.MinDelay > 0 || o.MaxDelay > 0 {
		b["polling"] = map[string]any{"min_delay_seconds": o.MinDelay, "max_delay_seconds": o.MaxDelay}
	}
	cfg := map[string]any{
		"services": map[string]any{ServiceName: svc},
		"bundles":  map[string]any{BundleName: b},
	}
	if k := o.Signing; k != nil {
		if k.KeyID == "" || k.Algorithm == "" || k.Key == "" {
			return nil, errors.New("verification key: key id, algorithm and key go together")
		}
		b["signing"] = map[string]any{"keyid": k.KeyID}
		cfg["keys"] = map[string]any{k.KeyID: map[string]any{"algorithm": k.Algorithm, "key": k.Key}}
	}
	return yaml.Marshal(cfg)
}

// hostOnly drops the port from host:port.
func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return hostport
}
