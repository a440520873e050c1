package server

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	opabundle "github.com/open-policy-agent/opa/v1/bundle"

	"github.com/pxacl/pxacl/bundle"
)

// readOPA reads a served body with OPA's bundle reader.
func readOPA(t *testing.T, body []byte) *opabundle.Bundle {
	t.Helper()
	b, err := opabundle.NewReader(bytes.NewReader(body)).Read()
	if err != nil {
		t.Fatalf("OPA cannot read the answer: %v", err)
	}
	return &b
}

const preferDelta = "modes=snapshot,delta"

func TestPreferDelta(t *testing.T) {
	for _, tc := range []struct {
		v    []string
		want bool
	}{
		{nil, false},
		{[]string{"modes=snapshot,delta"}, true},
		{[]string{"modes=snapshot,delta;wait=30"}, true},
		{[]string{"wait=30; modes=delta"}, true},
		{[]string{"modes=snapshot;wait=30"}, false},
		{[]string{"wait=10", "MODES=Snapshot, Delta"}, true},
		{[]string{"delta"}, false},
	} {
		if got := PreferDelta(tc.v); got != tc.want {
			t.Errorf("PreferDelta(%q) = %v, want %v", tc.v, got, tc.want)
		}
	}
	for _, tc := range []struct {
		v    []string
		want string
	}{
		{nil, ""}, {[]string{`"a", "b"`}, `"a"`}, {[]string{`W/"a"`}, `"a"`}, {[]string{`a`}, `"a"`},
	} {
		if got := firstETag(tc.v); got != tc.want {
			t.Errorf("firstETag(%q) = %q, want %q", tc.v, got, tc.want)
		}
	}
}

// TestDeltaServing: a sidecar at a kept revision that accepts deltas gets
// a delta to the current revision (spanning several), with the current
// ETag; one that does not accept them, or holds an unknown revision,
// gets the whole bundle.
func TestDeltaServing(t *testing.T) {
	s, fb, ts := newTest(t, Options{DeltaRevisions: 3})
	url := ts.URL + "/bundles/pxacl.tar.gz"
	var etags []string
	etags = append(etags, `"`+s.Revision()+`"`)
	for i := 2; i <= 5; i++ {
		fb.set(fmt.Sprintf(`{"v":%d,"acl":{"/a/b~c":{"u":%d}},"keep":{"x":1}}`, i, i), nil)
		if err := s.Rebuild(); err != nil {
			t.Fatal(err)
		}
		etags = append(etags, `"`+s.Revision()+`"`)
	}
	cur := etags[len(etags)-1]
	// etags[0..4]; 3 kept revisions: etags[1], [2], [3] (and [4] is current)
	for i, etag := range etags {
		for _, prefer := range []string{preferDelta + ";wait=1", "modes=snapshot"} {
			resp, body := get(t, url, map[string]string{"If-None-Match": etag, "Prefer": prefer})
			if etag == cur {
				if resp.StatusCode != http.StatusNotModified {
					t.Errorf("current ETag: %s", resp.Status)
				}
				continue
			}
			if resp.StatusCode != http.StatusOK || resp.Header.Get("ETag") != cur || resp.Header.Get("Content-Type") != ContentType {
				t.Fatalf("rev %d: %s %v", i, resp.Status, resp.Header)
			}
			if !strings.Contains(resp.Header.Get("Vary"), "If-None-Match") {
				t.Errorf("Vary = %q", resp.Header.Get("Vary"))
			}
			b := readOPA(t, body)
			wantDelta := i >= 1 && strings.HasPrefix(prefer, preferDelta)
			if got := b.Type() == opabundle.DeltaBundleType; got != wantDelta {
				t.Errorf("rev %d, Prefer %q: delta %v, want %v", i, prefer, got, wantDelta)
			}
			if wantDelta {
				if b.Manifest.Revision != strings.Trim(cur, `"`) || len(b.Data) != 0 || len(b.Modules) != 0 {
					t.Errorf("rev %d: delta manifest %+v", i, b.Manifest)
				}
				// spanning 4-i revisions: one "v" op per revision (or the
				// whole of them)
				if n := len(b.Patch.Data); n < 4-i {
					t.Errorf("rev %d: %d ops for %d revisions", i, n, 4-i)
				}
				for _, p := range b.Patch.Data {
					if p.Path == "/pxacl/acl/~1a~1b~0c/u" || p.Path == "/pxacl/acl" || p.Path == "/pxacl/v" {
						continue
					}
					t.Errorf("rev %d: op %+v", i, p)
				}
			}
		}
	}
	// superseded ETags after the first are not the sidecar's state
	resp, body := get(t, url, map[string]string{"If-None-Match": `"unknown", ` + etags[3], "Prefer": preferDelta})
	if resp.StatusCode != http.StatusOK || readOPA(t, body).Type() != opabundle.SnapshotBundleType {
		t.Errorf("unknown first ETag: %s, want the whole bundle", resp.Status)
	}
	_, body = get(t, ts.URL+"/metrics", nil)
	if !bytes.Contains(body, []byte("pxacl_bundle_deltas_sent_total 3")) || !bytes.Contains(body, []byte("pxacl_bundle_delta_revisions 3")) {
		t.Errorf("metrics: %s", body)
	}
}

// TestDeltaLongPoll: a held long poll is answered with the delta when the
// bundle changes.
func TestDeltaLongPoll(t *testing.T) {
	s, fb, ts := newTest(t, Options{DeltaRevisions: 2})
	etag := `"` + s.Revision() + `"`
	done := make(chan *opabundle.Bundle)
	go func() {
		_, body := get(t, ts.URL+"/bundles/pxacl.tar.gz", map[string]string{"If-None-Match": etag, "Prefer": preferDelta + ";wait=20"})
		done <- readOPA(t, body)
	}()
	time.Sleep(100 * time.Millisecond)
	fb.set(`{"v":2}`, nil)
	if err := s.Rebuild(); err != nil {
		t.Fatal(err)
	}
	b := <-done
	if b.Type() != opabundle.DeltaBundleType || len(b.Patch.Data) != 1 || b.Patch.Data[0].Path != "/pxacl/v" {
		t.Fatalf("long poll got %+v", b.Patch)
	}
}

// TestDeltaRefused: no delta across a policy change, with signing unless
// DeltaUnsigned, or with DeltaRevisions 0.
func TestDeltaRefused(t *testing.T) {
	policy := 0
	build := func(data string) func() (*bundle.Bundle, error) {
		return func() (*bundle.Bundle, error) {
			b, err := bundle.Build([]byte(data), bundle.Metadata{Flavor: "pbs"})
			if err == nil && policy > 0 {
				for i, f := range b.Files {
					if strings.HasSuffix(f.Path, ".rego") {
						b.Files[i].Data = append(append([]byte(nil), f.Data...), fmt.Sprintf("\n# %d\n", policy)...)
						break
					}
				}
			}
			return b, err
		}
	}
	signer := testSigner(t)
	for _, tc := range []struct {
		name      string
		opts      Options
		newPolicy bool
		want      string
	}{
		{"delta", Options{DeltaRevisions: 4}, false, opabundle.DeltaBundleType},
		{"policies changed", Options{DeltaRevisions: 4}, true, opabundle.SnapshotBundleType},
		{"off", Options{}, false, opabundle.SnapshotBundleType},
		{"signed", Options{DeltaRevisions: 4, Signer: signer}, false, opabundle.SnapshotBundleType},
		{"signed, unsigned deltas allowed", Options{DeltaRevisions: 4, Signer: signer, DeltaUnsigned: true}, false, opabundle.DeltaBundleType},
	} {
		t.Run(tc.name, func(t *testing.T) {
			policy = 0
			opts := tc.opts
			opts.Build = build(`{"v":1}`)
			s := New(opts)
			if err := s.Rebuild(); err != nil {
				t.Fatal(err)
			}
			old := `"` + s.Revision() + `"`
			if tc.newPolicy {
				policy = 1
			}
			s.opts.Build = build(`{"v":2}`)
			if err := s.Rebuild(); err != nil {
				t.Fatal(err)
			}
			req, _ := http.NewRequest(http.MethodGet, "/bundles/pxacl.tar.gz", nil)
			req.Header.Set("If-None-Match", old)
			req.Header.Set("Prefer", preferDelta)
			rec := newRecorder()
			s.Handler().ServeHTTP(rec, req)
			if rec.code != http.StatusOK {
				t.Fatalf("status %d", rec.code)
			}
			b, err := opabundle.NewReader(bytes.NewReader(rec.body.Bytes())).WithSkipBundleVerification(true).Read()
			if err != nil {
				t.Fatal(err)
			}
			if b.Type() != tc.want {
				t.Errorf("got a %s bundle, want %s", b.Type(), tc.want)
			}
		})
	}
}

type recorder struct {
	h    http.Header
	code int
	body bytes.Buffer
}

func newRecorder() *recorder                    { return &recorder{h: http.Header{}} }
func (r *recorder) Header() http.Header         { return r.h }
func (r *recorder) WriteHeader(c int)           { r.code = c }
func (r *recorder) Write(p []byte) (int, error) { return r.body.Write(p) }

func testSigner(t *testing.T) *Signer {
	t.Helper()
	s, err := NewSigner(writeECKey(t), "ES256", "")
	if err != nil {
		t.Fatal(err)
	}
	return s
}
