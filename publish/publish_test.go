package publish

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"gopkg.in/yaml.v3"
)

// tarball is a gzip stream standing in for a bundle.
func tarball(t *testing.T, content string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(content))
	zw.Close()
	return b.Bytes()
}

// anonymous is a keychain with no credentials, so tests never read the
// docker config of the machine.
var anonymous = authn.NewMultiKeychain()

func TestNewArtifact(t *testing.T) {
	for _, tc := range []struct {
		name, title, revision string
		data                  []byte
		err                   string
	}{
		{name: "bundle", data: tarball(t, "x"), revision: "abc"},
		{name: "title", data: tarball(t, "y"), title: "acl.tar.gz"},
		{name: "empty", data: nil, err: "empty bundle"},
		{name: "not gzip", data: []byte("{}"), err: "not gzip-compressed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := NewArtifact(tc.data, tc.title, tc.revision)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			img, err := a.Image()
			if err != nil {
				t.Fatal(err)
			}
			m, err := img.Manifest()
			if err != nil {
				t.Fatal(err)
			}
			if m.MediaType != ManifestMediaType || m.Config.MediaType != ConfigMediaType || len(m.Layers) != 1 || m.Layers[0].MediaType != BundleMediaType {
				t.Fatalf("manifest %+v: want one %s layer and a %s config", m, BundleMediaType, ConfigMediaType)
			}
			want := tc.title
			if want == "" {
				want = DefaultTitle
			}
			if got := m.Layers[0].Annotations[TitleAnnotation]; got != want {
				t.Errorf("title %q, want %q", got, want)
			}
			if got := m.Annotations[RevisionAnnotation]; got != tc.revision {
				t.Errorf("revision %q, want %q", got, tc.revision)
			}
			if got := layerBytes(t, img); !bytes.Equal(got, tc.data) {
				t.Errorf("the layer is not the bundle byte for byte")
			}
			if cfg, _ := img.RawConfigFile(); string(cfg) != "{}" {
				t.Errorf("config %q, want {}", cfg)
			}
		})
	}
}

func layerBytes(t *testing.T, img v1.Image) []byte {
	t.Helper()
	ls, err := img.Layers()
	if err != nil || len(ls) != 1 {
		t.Fatalf("layers %d, %v", len(ls), err)
	}
	rc, err := ls[0].Compressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// startRegistry runs go-containerregistry's registry on 127.0.0.1,
// wrapped by wrap when not nil, and returns its host:port.
func startRegistry(t *testing.T, wrap func(http.Handler) http.Handler) string {
	t.Helper()
	var h http.Handler = registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	if wrap != nil {
		h = wrap(h)
	}
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	u, _ := url.Parse(s.URL)
	return u.Host
}

func TestPush(t *testing.T) {
	host := startRegistry(t, nil)
	first, second := tarball(t, "first"), tarball(t, "second")
	for _, tc := range []struct {
		name, ref string
		data      []byte
		wantRef   string
		err       string
	}{
		{name: "tag", ref: host + "/acl/pxacl:v1", data: first, wantRef: host + "/acl/pxacl:v1"},
		{name: "default tag", ref: host + "/acl/pxacl", data: first, wantRef: host + "/acl/pxacl:latest"},
		{name: "tag moves", ref: host + "/acl/pxacl:v1", data: second, wantRef: host + "/acl/pxacl:v1"},
		{name: "digest", ref: host + "/acl/pxacl@sha256:" + strings.Repeat("0", 64), data: first, err: "want registry/repository:tag"},
		{name: "bad reference", ref: "Not A Ref", data: first, err: "want registry/repository:tag"},
		{name: "not a bundle", ref: host + "/acl/pxacl:v1", data: []byte("plain"), err: "not gzip-compressed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Push(context.Background(), tc.ref, tc.data, PushOptions{Keychain: anonymous, Revision: "rev"})
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Ref != tc.wantRef || p.Size != int64(len(tc.data)) {
				t.Errorf("pushed %+v, want ref %s, size %d", p, tc.wantRef, len(tc.data))
			}
			ref, _ := name.ParseReference(tc.wantRef)
			img, err := remote.Image(ref, remote.WithAuthFromKeychain(anonymous))
			if err != nil {
				t.Fatal(err)
			}
			if d, _ := img.Digest(); d.String() != p.Digest {
				t.Errorf("tag at %s, pushed %s", d, p.Digest)
			}
			if mt, _ := img.MediaType(); mt != ManifestMediaType {
				t.Errorf("media type %s", mt)
			}
			if !bytes.Equal(layerBytes(t, img), tc.data) {
				t.Errorf("the pulled layer differs from the pushed bundle")
			}
			ls, _ := img.Layers()
			if d, _ := ls[0].Digest(); d.String() != p.BundleDigest {
				t.Errorf("bundle digest %s, layer %s", p.BundleDigest, d)
			}
		})
	}
}

// staticKeychain answers every registry with one basic login.
type staticKeychain struct{ user, pass string }

func (k staticKeychain) Resolve(authn.Resource) (authn.Authenticator, error) {
	return &authn.Basic{Username: k.user, Password: k.pass}, nil
}

func TestPushCredentials(t *testing.T) {
	host := startRegistry(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if u, p, ok := r.BasicAuth(); !ok || u != "ci" || p != "s3cret" {
				w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
				http.Error(w, "unauthorized", http.StatusUnauthorized)
				return
			}
			h.ServeHTTP(w, r)
		})
	})
	for _, tc := range []struct {
		name string
		keys authn.Keychain
		ok   bool
	}{
		{"keychain login", staticKeychain{"ci", "s3cret"}, true},
		{"anonymous", anonymous, false},
		{"wrong password", staticKeychain{"ci", "nope"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Push(context.Background(), host+"/acl/pxacl:latest", tarball(t, "b"), PushOptions{Keychain: tc.keys})
			if (err == nil) != tc.ok {
				t.Fatalf("err %v, want ok=%v", err, tc.ok)
			}
			if err != nil && strings.Contains(err.Error(), "nope") {
				t.Errorf("the password is in the error: %v", err)
			}
		})
	}
}

type okTransport struct{}

func (okTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader("")), Request: r}, nil
}

func TestHTTPSOnly(t *testing.T) {
	for _, tc := range []struct {
		url      string
		insecure bool
		ok       bool
	}{
		{"https://registry.example.com/v2/", false, true},
		{"http://127.0.0.1:5000/v2/", false, true},
		{"http://127.9.9.9/v2/", false, true},
		{"http://localhost:5000/v2/", false, true},
		{"http://[::1]:5000/v2/", false, true},
		{"http://10.0.0.5:5000/v2/", false, false},
		{"http://192.168.1.2/v2/", false, false},
		{"http://registry.local/v2/", false, false},
		{"http://registry.example.com/v2/", false, false},
		{"http://10.0.0.5:5000/v2/", true, true},
	} {
		req, _ := http.NewRequest(http.MethodGet, tc.url, nil)
		_, err := httpsOnly{base: okTransport{}, insecure: tc.insecure}.RoundTrip(req)
		if (err == nil) != tc.ok {
			t.Errorf("%s insecure=%v: err %v, want ok=%v", tc.url, tc.insecure, err, tc.ok)
		}
	}
}

// config is the part of an OPA configuration the tests look at.
type config struct {
	Services map[string]struct {
		URL         string         `yaml:"url"`
		Type        string         `yaml:"type"`
		Credentials map[string]any `yaml:"credentials"`
	} `yaml:"services"`
	Bundles map[string]struct {
		Service  string         `yaml:"service"`
		Resource string         `yaml:"resource"`
		Polling  map[string]int `yaml:"polling"`
		Signing  map[string]any `yaml:"signing"`
	} `yaml:"bundles"`
	Keys map[string]map[string]string `yaml:"keys"`
}

func parseConfig(t *testing.T, b []byte) config {
	t.Helper()
	var c config
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatalf("%v:\n%s", err, b)
	}
	return c
}

var key = &VerificationKey{KeyID: "pxacl", Algorithm: "RS256", Key: "-----BEGIN PUBLIC KEY-----\nMFk=\n-----END PUBLIC KEY-----\n"}

func TestOCIConfig(t *testing.T) {
	for _, tc := range []struct {
		name, ref               string
		insecure                bool
		opts                    ConfigOptions
		url, typ, resource, err string
	}{
		{name: "registry", ref: "registry.example.com/acl/pxacl:latest", url: "https://registry.example.com", resource: "registry.example.com/acl/pxacl:latest"},
		{name: "default tag", ref: "ghcr.io/org/acl", url: "https://ghcr.io", resource: "ghcr.io/org/acl:latest"},
		{name: "loopback", ref: "127.0.0.1:5000/acl/pxacl:v2", url: "http://127.0.0.1:5000", resource: "127.0.0.1:5000/acl/pxacl:v2"},
		{name: "private network", ref: "10.1.2.3:5000/acl/pxacl:v2", url: "https://10.1.2.3:5000", resource: "10.1.2.3:5000/acl/pxacl:v2"},
		{name: "insecure", ref: "10.1.2.3:5000/acl/pxacl:v2", insecure: true, url: "http://10.1.2.3:5000", resource: "10.1.2.3:5000/acl/pxacl:v2"},
		{name: "signed, polling, token", ref: "r.example.com/a/b:c", opts: ConfigOptions{MinDelay: 10, MaxDelay: 20, Signing: key, TokenEnv: "REGISTRY_TOKEN"}, url: "https://r.example.com", resource: "r.example.com/a/b:c"},
		{name: "digest", ref: "r.example.com/a/b@sha256:" + strings.Repeat("a", 64), err: "registry/repository:tag"},
		{name: "bad delays", ref: "r.example.com/a/b:c", opts: ConfigOptions{MinDelay: 20, MaxDelay: 10}, err: "min <= max"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := OCIConfig(tc.ref, tc.insecure, tc.opts)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			c := parseConfig(t, out)
			s, b := c.Services[ServiceName], c.Bundles[BundleName]
			if s.URL != tc.url || s.Type != "oci" || b.Resource != tc.resource || b.Service != ServiceName {
				t.Errorf("got\n%s\nwant url %s, type oci, resource %s", out, tc.url, tc.resource)
			}
			checkOptions(t, c, tc.opts, out)
		})
	}
}

func checkOptions(t *testing.T, c config, o ConfigOptions, out []byte) {
	t.Helper()
	b := c.Bundles[BundleName]
	if o.MinDelay > 0 && (b.Polling["min_delay_seconds"] != o.MinDelay || b.Polling["max_delay_seconds"] != o.MaxDelay) {
		t.Errorf("polling %v, want %d..%d", b.Polling, o.MinDelay, o.MaxDelay)
	}
	if o.Signing != nil {
		if b.Signing["keyid"] != o.Signing.KeyID || c.Keys[o.Signing.KeyID]["key"] != o.Signing.Key || c.Keys[o.Signing.KeyID]["algorithm"] != o.Signing.Algorithm {
			t.Errorf("signing not configured:\n%s", out)
		}
	} else if b.Signing != nil || c.Keys != nil {
		t.Errorf("unexpected signing:\n%s", out)
	}
	if o.TokenEnv != "" && !strings.Contains(string(out), "token: ${"+o.TokenEnv+"}") {
		t.Errorf("no bearer token reference:\n%s", out)
	}
}

func TestStaticConfig(t *testing.T) {
	for _, tc := range []struct {
		name, url          string
		insecure           bool
		opts               ConfigOptions
		svc, resource, err string
	}{
		{name: "s3", url: "https://acl.s3.eu-west-1.amazonaws.com/bundles/pxacl.tar.gz", opts: ConfigOptions{Signing: key}, svc: "https://acl.s3.eu-west-1.amazonaws.com", resource: "bundles/pxacl.tar.gz"},
		{name: "gcs, polling", url: "https://storage.googleapis.com/acl-bucket/pxacl.tar.gz", opts: ConfigOptions{Signing: key, MinDelay: 30, MaxDelay: 60}, svc: "https://storage.googleapis.com", resource: "acl-bucket/pxacl.tar.gz"},
		{name: "query kept", url: "https://cdn.example.com/pxacl.tar.gz?v=1", opts: ConfigOptions{Signing: key}, svc: "https://cdn.example.com", resource: "pxacl.tar.gz?v=1"},
		{name: "loopback http", url: "http://127.0.0.1:8080/pxacl.tar.gz", opts: ConfigOptions{Signing: key}, svc: "http://127.0.0.1:8080", resource: "pxacl.tar.gz"},
		{name: "insecure http", url: "http://files.lan/pxacl.tar.gz", insecure: true, opts: ConfigOptions{Signing: key}, svc: "http://files.lan", resource: "pxacl.tar.gz"},
		{name: "http refused", url: "http://files.lan/pxacl.tar.gz", opts: ConfigOptions{Signing: key}, err: "use https"},
		{name: "unsigned", url: "https://cdn.example.com/pxacl.tar.gz", err: "must be signed"},
		{name: "no file", url: "https://cdn.example.com/", opts: ConfigOptions{Signing: key}, err: "name the bundle file"},
		{name: "not a URL", url: "cdn.example.com/pxacl.tar.gz", opts: ConfigOptions{Signing: key}, err: "want https://"},
		{name: "user info", url: "https://u:p@cdn.example.com/pxacl.tar.gz", opts: ConfigOptions{Signing: key}, err: "credentials do not go in the URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := StaticConfig(tc.url, tc.insecure, tc.opts)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
				if strings.Contains(err.Error(), ":p@") {
					t.Errorf("the password is in the error: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			c := parseConfig(t, out)
			s, b := c.Services[ServiceName], c.Bundles[BundleName]
			if s.URL != tc.svc || s.Type != "" || b.Resource != tc.resource {
				t.Errorf("got\n%s\nwant url %s, resource %s", out, tc.svc, tc.resource)
			}
			checkOptions(t, c, tc.opts, out)
		})
	}
}

func TestIsLoopback(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "LOCALHOST.": true, "reg.localhost": true, "127.0.0.1": true, "::1": true, "[::1]": true,
		"10.0.0.1": false, "example.com": false, "localhost.example.com": false, "": false,
	} {
		if got := IsLoopback(host); got != want {
			t.Errorf("IsLoopback(%q) = %v", host, got)
		}
	}
}

// httpsDown fails every https request at once, as an unreachable
// registry would, and counts the plain-HTTP requests that get through.
type httpsDown struct{ plain *int }

func (d httpsDown) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Scheme == "https" {
		return nil, errors.New("connection refused")
	}
	*d.plain++
	return okTransport{}.RoundTrip(r)
}

// go-containerregistry falls back to plain HTTP for private-network
// registries; Push refuses that fallback unless Insecure.
func TestPushPlainHTTP(t *testing.T) {
	for _, ref := range []string{"10.0.0.5:5000/acl/pxacl:latest", "192.168.1.2/acl/pxacl:latest", "172.16.0.1:443/acl/pxacl:latest"} {
		var plain int
		_, err := Push(context.Background(), ref, tarball(t, "b"), PushOptions{Keychain: anonymous, Transport: httpsDown{&plain}})
		if err == nil || !strings.Contains(err.Error(), "refusing plain HTTP") || plain != 0 {
			t.Errorf("%s: err %v, %d plain-HTTP requests sent; want a refusal and none", ref, err, plain)
		}
	}
	var plain int
	_, err := Push(context.Background(), "10.0.0.5:5000/acl/pxacl:latest", tarball(t, "b"), PushOptions{Keychain: anonymous, Transport: httpsDown{&plain}, Insecure: true})
	if plain == 0 {
		t.Errorf("Insecure: no plain-HTTP request sent (%v)", err)
	}
}

// TestPushTiming pushes the bundle file named by $PXACL_PUSH_BUNDLE to
// an in-process registry on 127.0.0.1 and logs the time, for
// docs/benchmarks.md:
//
//	PXACL_PUSH_BUNDLE=/tmp/b1m.tar.gz go test -count=1 -run TestPushTiming -v ./publish
func TestPushTiming(t *testing.T) {
	file := os.Getenv("PXACL_PUSH_BUNDLE")
	if file == "" {
		t.Skip("PXACL_PUSH_BUNDLE is not set")
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	host := startRegistry(t, nil)
	for i, what := range []string{"first push (bundle uploaded)", "same bundle again (blobs exist, manifest only)"} {
		start := time.Now()
		p, err := Push(context.Background(), host+"/acl/pxacl:latest", raw, PushOptions{Keychain: anonymous})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%d. %s: %d bytes in %v (%s)", i+1, what, p.Size, time.Since(start).Round(time.Millisecond), p.BundleDigest[:19])
	}
	ref, _ := name.ParseReference(host + "/acl/pxacl:latest")
	start := time.Now()
	img, err := remote.Image(ref, remote.WithAuthFromKeychain(anonymous))
	if err != nil {
		t.Fatal(err)
	}
	if got := layerBytes(t, img); !bytes.Equal(got, raw) {
		t.Fatal("the pulled bundle differs")
	}
	t.Logf("pull (manifest + bundle layer): %v", time.Since(start).Round(time.Millisecond))
}
