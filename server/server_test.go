package server

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	opabundle "github.com/open-policy-agent/opa/v1/bundle"

	"github.com/pxacl/pxacl/bundle"
)

// fakeBuilder returns bundles whose data is set by the test, or an error.
type fakeBuilder struct {
	mu   sync.Mutex
	data string
	err  error
}

func (f *fakeBuilder) set(data string, err error) {
	f.mu.Lock()
	f.data, f.err = data, err
	f.mu.Unlock()
}

func (f *fakeBuilder) build() (*bundle.Bundle, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	return bundle.Build([]byte(f.data), bundle.Metadata{Flavor: "pbs"})
}

func newTest(t *testing.T, opts Options) (*Server, *fakeBuilder, *httptest.Server) {
	t.Helper()
	fb := &fakeBuilder{data: `{"v":1}`}
	opts.Build = fb.build
	s := New(opts)
	if err := s.Rebuild(); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() { s.Close(); ts.Close() })
	return s, fb, ts
}

func get(t *testing.T, url string, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

func TestETagMatch(t *testing.T) {
	const e = `"abc"`
	for _, c := range []struct {
		in   []string
		want bool
	}{
		{[]string{`"abc"`}, true},
		{[]string{`W/"abc"`}, true},
		{[]string{`"x", "abc"`}, true},
		{[]string{`"x",W/"abc" , "y"`}, true},
		{[]string{`"x"`, `"abc"`}, true},
		{[]string{`*`}, true},
		{[]string{`abc`}, true},
		{[]string{`"x", "y"`}, false},
		{[]string{``}, false},
		{[]string{`"ab"`}, false},
		{nil, false},
	} {
		if got := ETagMatch(c.in, e); got != c.want {
			t.Errorf("ETagMatch(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestPreferWait(t *testing.T) {
	for _, c := range []struct {
		in   []string
		want time.Duration
	}{
		{[]string{"modes=snapshot,delta;wait=3"}, 3 * time.Second},
		{[]string{"wait=10"}, 10 * time.Second},
		{[]string{"respond-async", "wait=2"}, 2 * time.Second},
		{[]string{"modes=snapshot,delta"}, 0},
		{[]string{"wait=abc"}, 0},
		{[]string{"wait=100000"}, MaxWait},
		{nil, 0},
	} {
		if got := PreferWait(c.in); got != c.want {
			t.Errorf("PreferWait(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestBundleETag304(t *testing.T) {
	s, _, ts := newTest(t, Options{})
	url := ts.URL + "/bundles/pxacl.tar.gz"
	resp, body := get(t, url, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	etag := `"` + s.Revision() + `"`
	if got := resp.Header.Get("ETag"); got != etag {
		t.Errorf("ETag %q, want %q", got, etag)
	}
	if ct := resp.Header.Get("Content-Type"); ct != ContentType {
		t.Errorf("Content-Type %q", ct)
	}
	b, err := bundle.Read(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if b.Manifest.Revision != s.Revision() {
		t.Errorf("manifest revision %q, want %q", b.Manifest.Revision, s.Revision())
	}
	for _, inm := range []string{etag, `"old", ` + etag, `W/` + etag, `*`} {
		resp, body := get(t, url, map[string]string{"If-None-Match": inm})
		if resp.StatusCode != http.StatusNotModified || len(body) != 0 {
			t.Errorf("If-None-Match %s: status %d, %d bytes", inm, resp.StatusCode, len(body))
		}
	}
	resp, _ = get(t, url, map[string]string{"If-None-Match": `"old", "older"`})
	if resp.StatusCode != 200 {
		t.Errorf("stale ETags: status %d", resp.StatusCode)
	}
	resp, _ = get(t, ts.URL+"/bundles/other.tar.gz", nil)
	if resp.StatusCode != 404 {
		t.Errorf("other bundle: status %d", resp.StatusCode)
	}
}

func TestLongPollTimeout(t *testing.T) {
	s, _, ts := newTest(t, Options{})
	start := time.Now()
	resp, _ := get(t, ts.URL+"/bundles/pxacl.tar.gz", map[string]string{
		"If-None-Match": `"` + s.Revision() + `"`, "Prefer": "modes=snapshot,delta;wait=1"})
	// the wait is honoured (a lower bound holds on any machine; no upper
	// bound: a busy machine may answer late)
	if d := time.Since(start); resp.StatusCode != 304 || d < 900*time.Millisecond {
		t.Errorf("status %d after %v; want 304 after at least ~1s", resp.StatusCode, d)
	}
}

func TestLongPollWakeUp(t *testing.T) {
	s, fb, ts := newTest(t, Options{})
	old := s.Revision()
	const n = 20
	type result struct {
		code int
		etag string
		d    time.Duration
	}
	res := make(chan result, n)
	start := time.Now()
	for range n {
		go func() {
			resp, _ := get(t, ts.URL+"/bundles/pxacl.tar.gz", map[string]string{
				"If-None-Match": `"` + old + `"`, "Prefer": "modes=snapshot,delta;wait=300"})
			res <- result{resp.StatusCode, resp.Header.Get("ETag"), time.Since(start)}
		}()
	}
	deadline := time.Now().Add(60 * time.Second)
	for s.waiters.Load() < n && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if w := s.waiters.Load(); w != n {
		t.Fatalf("%d waiters, want %d", w, n)
	}
	fb.set(`{"v":2}`, nil)
	if err := s.Rebuild(); err != nil {
		t.Fatal(err)
	}
	for range n {
		r := <-res
		// 200 proves the wake-up: a poll that timed out (300 s) answers 304
		if r.code != 200 || r.etag != `"`+s.Revision()+`"` {
			t.Errorf("woken poll: status %d etag %s after %v", r.code, r.etag, r.d)
		}
	}
	if s.Revision() == old {
		t.Error("revision did not change")
	}
}

func TestLongPollReleasedOnClose(t *testing.T) {
	s, _, ts := newTest(t, Options{})
	done := make(chan int)
	go func() {
		resp, _ := get(t, ts.URL+"/bundles/pxacl.tar.gz", map[string]string{
			"If-None-Match": `"` + s.Revision() + `"`, "Prefer": "wait=300"})
		done <- resp.StatusCode
	}()
	waitUntil(t, "a held long poll", func() bool { return s.waiters.Load() == 1 })
	s.Close()
	select {
	case code := <-done:
		if code != 304 {
			t.Errorf("status %d", code)
		}
	case <-time.After(120 * time.Second): // the poll itself would wait 300 s
		t.Fatal("long poll not released by Close")
	}
}

func TestBadConfigKeepsLastGood(t *testing.T) {
	s, fb, ts := newTest(t, Options{})
	good := s.Revision()
	fb.set("", errors.New("acl.cfg:3: unknown role 'Bogus'"))
	if err := s.Rebuild(); err == nil {
		t.Fatal("no error")
	}
	if s.Revision() != good {
		t.Fatal("bad config replaced the bundle")
	}
	resp, body := get(t, ts.URL+"/health", nil)
	var h Health
	if err := json.Unmarshal(body, &h); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || h.Status != "degraded" || h.Revision != good || !strings.Contains(h.LastError, "acl.cfg:3") {
		t.Errorf("health %d %+v", resp.StatusCode, h)
	}
	_, m := get(t, ts.URL+"/metrics", nil)
	for _, want := range []string{
		`pxacl_bundle_revision_info{revision="` + good + `"} 1`,
		"pxacl_bundle_builds_total 2", "pxacl_bundle_build_failures_total 1",
		`pxacl_bundle_build_error{error="acl.cfg:3: unknown role 'Bogus'"} 1`,
		`pxacl_http_requests_total{code="200"} 1`, "pxacl_longpoll_waiters 0",
	} {
		if !strings.Contains(string(m), want+"\n") {
			t.Errorf("metrics lack %q:\n%s", want, m)
		}
	}
	// fixed again
	fb.set(`{"v":3}`, nil)
	if err := s.Rebuild(); err != nil {
		t.Fatal(err)
	}
	_, body = get(t, ts.URL+"/health", nil)
	_ = json.Unmarshal(body, &h)
	if h.Status != "ok" || h.LastError != "" || h.Revision == good {
		t.Errorf("after the fix: %+v", h)
	}
}

func TestNoBundleYet(t *testing.T) {
	s := New(Options{Build: func() (*bundle.Bundle, error) { return nil, errors.New("user.cfg:1: bad") }})
	_ = s.Rebuild()
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	if resp, _ := get(t, ts.URL+"/bundles/pxacl.tar.gz", nil); resp.StatusCode != 503 {
		t.Errorf("bundle: status %d", resp.StatusCode)
	}
	if resp, body := get(t, ts.URL+"/health", nil); resp.StatusCode != 503 || !bytes.Contains(body, []byte("user.cfg:1")) {
		t.Errorf("health: %d %s", resp.StatusCode, body)
	}
}

// TestAtomicSwap hammers downloads during rebuilds: every body must be a
// complete bundle whose revision equals its ETag.
func TestAtomicSwap(t *testing.T) {
	s, fb, ts := newTest(t, Options{})
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var checked atomic.Int64
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				resp, body := get(t, ts.URL+"/bundles/pxacl.tar.gz", nil)
				b, err := bundle.Read(bytes.NewReader(body))
				if err != nil {
					t.Errorf("half-built bundle: %v", err)
					return
				}
				if `"`+b.Manifest.Revision+`"` != resp.Header.Get("ETag") {
					t.Errorf("ETag %s for revision %s", resp.Header.Get("ETag"), b.Manifest.Revision)
					return
				}
				checked.Add(1)
			}
		}()
	}
	for i := range 50 {
		fb.set(fmt.Sprintf(`{"v":%d}`, i+10), nil)
		if err := s.Rebuild(); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	if checked.Load() == 0 {
		t.Error("no download checked")
	}
}

func TestToken(t *testing.T) {
	_, _, ts := newTest(t, Options{Token: "s3cret"})
	url := ts.URL + "/bundles/pxacl.tar.gz"
	for hdr, want := range map[string]int{"": 401, "Bearer nope": 401, "Bearer s3cret": 200, "Basic s3cret": 401} {
		h := map[string]string{}
		if hdr != "" {
			h["Authorization"] = hdr
		}
		if resp, _ := get(t, url, h); resp.StatusCode != want {
			t.Errorf("Authorization %q: %d, want %d", hdr, resp.StatusCode, want)
		}
	}
	if resp, _ := get(t, ts.URL+"/health", nil); resp.StatusCode != 200 {
		t.Errorf("health needs no token: %d", resp.StatusCode)
	}
}

func TestWatchDir(t *testing.T) {
	dir := t.TempDir()
	acl := filepath.Join(dir, "acl.cfg")
	if err := os.WriteFile(acl, []byte(`{"v":1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	s := New(Options{Dir: dir, PollInterval: 20 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(os.Stderr, nil)), Build: func() (*bundle.Bundle, error) {
		raw, err := os.ReadFile(acl)
		if err != nil {
			return nil, err
		}
		return bundle.Build(raw, bundle.Metadata{})
	}})
	ctx, cancel := contextWithCancel()
	defer cancel()
	go s.Run(ctx)
	if err := s.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	first := s.Revision()
	if err := os.WriteFile(filepath.Join(dir, "noise.log"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(acl, []byte(`{"v":22}`), 0o644); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for s.Revision() == first && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if s.Revision() == first {
		t.Fatal("change not picked up")
	}
	second := s.Revision()
	if err := os.WriteFile(acl, []byte(`not json`), 0o644); err != nil {
		t.Fatal(err)
	}
	for s.LastError() == "" && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if s.LastError() == "" || s.Revision() != second {
		t.Errorf("bad config: error %q, revision changed %v", s.LastError(), s.Revision() != second)
	}
}

func writeECKey(t *testing.T) string {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalECPrivateKey(k)
	p := filepath.Join(t.TempDir(), "ec.pem")
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSignedBundleVerifies checks the signed bundle with OPA's reader and
// verifier, for ES256 and HS256, and that a wrong key is rejected.
func TestSignedBundleVerifies(t *testing.T) {
	hs := filepath.Join(t.TempDir(), "hs.key")
	if err := os.WriteFile(hs, []byte("a-long-shared-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ key, alg string }{{writeECKey(t), "ES256"}, {hs, "HS256"}} {
		signer, err := NewSigner(c.key, c.alg, "")
		if err != nil {
			t.Fatal(err)
		}
		s, _, ts := newTest(t, Options{Signer: signer})
		_, body := get(t, ts.URL+"/bundles/pxacl.tar.gz", nil)
		pub, err := signer.VerificationKey()
		if err != nil {
			t.Fatal(err)
		}
		verify := func(pub string) error {
			vc := opabundle.NewVerificationConfig(map[string]*opabundle.KeyConfig{
				"pxacl": {Key: pub, Algorithm: c.alg}}, "pxacl", "", nil)
			b, err := opabundle.NewReader(bytes.NewReader(body)).WithBundleVerificationConfig(vc).Read()
			if err == nil && b.Manifest.Revision != s.Revision() {
				err = fmt.Errorf("revision %s", b.Manifest.Revision)
			}
			return err
		}
		if err := verify(pub); err != nil {
			t.Errorf("%s: OPA does not verify the signed bundle: %v", c.alg, err)
		}
		wrong := "another-secret"
		if c.alg == "ES256" {
			other, _ := NewSigner(writeECKey(t), "ES256", "")
			wrong, _ = other.VerificationKey()
		}
		if err := verify(wrong); err == nil {
			t.Errorf("%s: a wrong key verifies", c.alg)
		}
		cfg, err := OPAConfig(OPAConfigOptions{URL: ts.URL, Signer: signer, LongPollTimeout: 5})
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"keyid: pxacl", "algorithm: " + c.alg, "long_polling_timeout_seconds: 5", "resource: bundles/pxacl.tar.gz"} {
			if !strings.Contains(string(cfg), want) {
				t.Errorf("OPA config lacks %q:\n%s", want, cfg)
			}
		}
	}
}

// TestDirStateTFA: a change of tfa.json (a new factor, a lock) triggers a
// rebuild; its lock file and the challenge data do not.
func TestDirStateTFA(t *testing.T) {
	dir := t.TempDir()
	before := dirState(dir)
	for _, name := range []string{"tfa.json.lock", "noise.log"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, ".tfa-challenges"), 0o700); err != nil {
		t.Fatal(err)
	}
	if dirState(dir) != before {
		t.Error("a lock file or the challenge data changed the state")
	}
	if err := os.WriteFile(filepath.Join(dir, "tfa.json"), []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	if dirState(dir) == before {
		t.Error("tfa.json is not watched")
	}
}
