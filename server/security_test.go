package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:8282": true, "127.1.2.3:1": true, "[::1]:8282": true, "localhost:8282": true, "LOCALHOST:1": true,
		":8282": false, "0.0.0.0:8282": false, "[::]:8282": false, "192.168.1.10:8282": false,
		"pbs.example.com:8282": false, "127.0.0.1": false, "[::ffff:127.0.0.1]:1": true,
	} {
		if got := IsLoopback(addr); got != want {
			t.Errorf("IsLoopback(%q) = %v, want %v", addr, got, want)
		}
	}
}

func TestCheckExposure(t *testing.T) {
	for _, tc := range []struct {
		e       Exposure
		refused bool
		warns   int
	}{
		{Exposure{Addr: "127.0.0.1:8282"}, false, 0},
		{Exposure{Addr: "[::1]:8282", Token: true}, false, 0},
		{Exposure{Addr: "0.0.0.0:8282"}, true, 0},
		{Exposure{Addr: ":8282"}, true, 0},
		{Exposure{Addr: ":8282", TLS: true}, true, 0}, // TLS alone authenticates nobody
		{Exposure{Addr: "0.0.0.0:8282", Insecure: true}, false, 1},
		{Exposure{Addr: "0.0.0.0:8282", Token: true, TLS: true}, false, 0},
		{Exposure{Addr: "0.0.0.0:8282", Token: true}, false, 1}, // token in clear text
		{Exposure{Addr: "0.0.0.0:8282", ClientCert: true, TLS: true}, false, 0},
	} {
		w, err := CheckExposure(tc.e)
		if (err != nil) != tc.refused || len(w) != tc.warns {
			t.Errorf("%+v: warnings %q, error %v", tc.e, w, err)
		}
		if err != nil {
			for _, want := range []string{"without authentication", "--token-file", "--client-ca", "--insecure", "every user, token, ACL"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("%+v: %q lacks %q", tc.e, err, want)
				}
			}
		}
	}
}

func TestReadTokenFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for content, want := range map[string]string{"s3cret\n": "s3cret", "s3cret\r\n": "s3cret", "s3cret": "s3cret"} {
		got, err := ReadTokenFile(write("ok", content, 0o600))
		if err != nil || got != want {
			t.Errorf("%q: %q, %v", content, got, err)
		}
	}
	for name, tc := range map[string]struct {
		content string
		mode    os.FileMode
		want    string
	}{
		"world":  {"hunter2-token\n", 0o644, "readable by every user"},
		"empty":  {"\n", 0o600, "empty"},
		"two":    {"hunter2-token\nmore\n", 0o600, "printable ASCII"},
		"spaces": {"hunter2 token", 0o640, "printable ASCII"},
		"big":    {strings.Repeat("x", 5000), 0o600, "longer than"},
	} {
		_, err := ReadTokenFile(write(name, tc.content, tc.mode))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: the error shows the token: %v", name, err)
		}
	}
	if _, err := ReadTokenFile(dir); err == nil {
		t.Error("a directory was accepted")
	}
}

func TestOPAConfigCredentials(t *testing.T) {
	cred := func(o OPAConfigOptions) (map[string]any, string) {
		t.Helper()
		o.URL = "https://pbs:8282"
		out, err := OPAConfig(o)
		if err != nil {
			t.Fatal(err)
		}
		var cfg struct {
			Services map[string]struct {
				Credentials map[string]any `yaml:"credentials"`
			} `yaml:"services"`
		}
		if err := yaml.Unmarshal(out, &cfg); err != nil {
			t.Fatal(err)
		}
		return cfg.Services["pxacl"].Credentials, string(out)
	}
	c, out := cred(OPAConfigOptions{TokenFile: "/etc/pxacl/token", Token: "s3cret"})
	if b, _ := c["bearer"].(map[string]any); b["token_path"] != "/etc/pxacl/token" || b["token"] != nil || strings.Contains(out, "s3cret") {
		t.Errorf("token file: %s", out)
	}
	c, out = cred(OPAConfigOptions{TokenEnv: TokenEnv, Token: "s3cret"})
	if b, _ := c["bearer"].(map[string]any); b["token"] != "${"+TokenEnv+"}" || strings.Contains(out, "s3cret") {
		t.Errorf("token env: %s", out)
	}
	c, out = cred(OPAConfigOptions{Token: "s3cret"})
	if b, _ := c["bearer"].(map[string]any); b["token"] != "s3cret" {
		t.Errorf("literal token: %s", out)
	}
	c, out = cred(OPAConfigOptions{ClientCert: "/c.pem", ClientKey: "/k.pem"})
	if ct, _ := c["client_tls"].(map[string]any); ct["cert"] != "/c.pem" || ct["private_key"] != "/k.pem" {
		t.Errorf("client tls: %s", out)
	}
	if _, err := OPAConfig(OPAConfigOptions{Token: "x", ClientCert: "/c", ClientKey: "/k"}); err == nil {
		t.Error("bearer and client_tls together were accepted (OPA takes one)")
	}
	if _, err := OPAConfig(OPAConfigOptions{ClientCert: "/c"}); err == nil {
		t.Error("a client certificate without its key was accepted")
	}
}

// TestHealthMetricsAuth: with a token, /health without it says only ok or
// unavailable, /metrics answers 401; with it, both give the details.
func TestHealthMetricsAuth(t *testing.T) {
	s, fb, ts := newTest(t, Options{Token: "s3cret"})
	fb.set("", errors.New("acl.cfg:3: unknown role 'Bogus'"))
	_ = s.Rebuild() // degraded: the error must not leak
	auth := map[string]string{"Authorization": "Bearer s3cret"}

	resp, body := get(t, ts.URL+"/health", nil)
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil || resp.StatusCode != 200 || len(m) != 1 || m["status"] != "ok" {
		t.Errorf("unauthenticated /health: %d %s", resp.StatusCode, body)
	}
	for _, leak := range []string{s.Revision(), "Bogus", "acl.cfg", "pxacl.tar.gz"} {
		if strings.Contains(string(body), leak) {
			t.Errorf("unauthenticated /health shows %q: %s", leak, body)
		}
	}
	resp, body = get(t, ts.URL+"/health", map[string]string{"Authorization": "Bearer nope"})
	if resp.StatusCode != 200 || strings.Contains(string(body), "Bogus") {
		t.Errorf("/health with a wrong token: %d %s", resp.StatusCode, body)
	}
	resp, body = get(t, ts.URL+"/health", auth)
	var h Health
	if err := json.Unmarshal(body, &h); err != nil || h.Status != "degraded" || h.Revision != s.Revision() || !strings.Contains(h.LastError, "Bogus") {
		t.Errorf("authenticated /health: %d %s", resp.StatusCode, body)
	}

	resp, body = get(t, ts.URL+"/metrics", nil)
	if resp.StatusCode != http.StatusUnauthorized || strings.Contains(string(body), "Bogus") {
		t.Errorf("unauthenticated /metrics: %d %s", resp.StatusCode, body)
	}
	resp, body = get(t, ts.URL+"/metrics", auth)
	if resp.StatusCode != 200 || !strings.Contains(string(body), "pxacl_bundle_build_error{error=") {
		t.Errorf("authenticated /metrics: %d %s", resp.StatusCode, body)
	}

	// no bundle yet: 503 and only "unavailable"
	s2 := New(Options{Token: "s3cret", Build: fb.build})
	rec := httptest.NewRecorder()
	s2.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/health", nil))
	if rec.Code != http.StatusServiceUnavailable || strings.TrimSpace(rec.Body.String()) != "{\n  \"status\": \"unavailable\"\n}" {
		t.Errorf("no bundle, unauthenticated: %d %s", rec.Code, rec.Body.String())
	}

	// without a token everything is open, as on loopback
	_, _, open := newTest(t, Options{})
	if resp, body := get(t, open.URL+"/health", nil); !strings.Contains(string(body), "revision") {
		t.Errorf("open /health: %d %s", resp.StatusCode, body)
	}
	if resp, _ := get(t, open.URL+"/metrics", nil); resp.StatusCode != 200 {
		t.Errorf("open /metrics: %d", resp.StatusCode)
	}
}

// TestLongPollCap: over MaxLongPolls, a long poll is answered at once
// with the bundle as application/gzip (OPA then polls periodically), not
// held.
func TestLongPollCap(t *testing.T) {
	s, _, ts := newTest(t, Options{MaxLongPolls: 2})
	etag := `"` + s.Revision() + `"`
	held := make(chan int, 2)
	for range 2 {
		go func() {
			resp, _ := get(t, ts.URL+"/bundles/pxacl.tar.gz", map[string]string{"If-None-Match": etag, "Prefer": "wait=120"})
			held <- resp.StatusCode
		}()
	}
	waitUntil(t, "two held long polls", func() bool { return s.waiters.Load() == 2 })

	// the third: wait=120 would hold it two minutes; it gets the bundle now
	resp, body := get(t, ts.URL+"/bundles/pxacl.tar.gz", map[string]string{"If-None-Match": etag, "Prefer": "wait=120"})
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/gzip" || resp.Header.Get("ETag") != etag || len(body) == 0 {
		t.Errorf("over the cap: %d %q %q, %d bytes", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("ETag"), len(body))
	}
	if w := s.waiters.Load(); w != 2 {
		t.Errorf("%d held, want 2", w)
	}
	// without a wait nothing is held or capped: a plain 304
	if resp, _ := get(t, ts.URL+"/bundles/pxacl.tar.gz", map[string]string{"If-None-Match": etag}); resp.StatusCode != 304 {
		t.Errorf("plain poll: %d", resp.StatusCode)
	}
	_, m := get(t, ts.URL+"/metrics", nil)
	if !strings.Contains(string(m), "pxacl_longpoll_over_cap_total 1\n") || !strings.Contains(string(m), "pxacl_longpoll_waiters 2\n") {
		t.Errorf("metrics:\n%s", m)
	}
	s.Close()
	for range 2 {
		if code := <-held; code != 304 {
			t.Errorf("held poll released with %d", code)
		}
	}
	// the slots are free again: the next poll is held (and released at
	// once, the server is closed), not answered with the bundle
	if resp, _ := get(t, ts.URL+"/bundles/pxacl.tar.gz", map[string]string{"If-None-Match": etag, "Prefer": "wait=120"}); resp.StatusCode != 304 {
		t.Errorf("after release: %d", resp.StatusCode)
	}
}

func TestShortError(t *testing.T) {
	long := "acl.cfg:1: bad value '" + strings.Repeat("x", 5<<20) + "'\x1b[2J\n"
	got := shortError(long)
	if len(got) > maxErrorBytes+40 || !strings.HasSuffix(got, fmt.Sprintf("... (%d bytes)", len(long))) {
		t.Errorf("shortError: %d bytes, ends %q", len(got), got[max(0, len(got)-40):])
	}
	if got := shortError("a\x1b[2Jb\nc 'q'"); got != `a\x1b[2Jb\nc 'q'` {
		t.Errorf("escaping: %q", got)
	}
}

func TestSizes(t *testing.T) {
	for in, want := range map[string]int64{"64MiB": 64 << 20, "64M": 64 << 20, "2GiB": 2 << 30, "1024": 1024, "0": 0, " 3 KiB ": 3 << 10} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "-1", "1.5GiB", "lots", "99999999999TiB"} {
		if _, err := ParseSize(bad); err == nil {
			t.Errorf("ParseSize(%q) accepted", bad)
		}
	}
	for n, want := range map[int64]string{64 << 20: "64 MiB", 2 << 30: "2 GiB", 1536 << 10: "1536 KiB", 1000: "1000 bytes", 3<<20 + 1: "3.0 MiB"} {
		if got := FormatSize(n); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", n, got, want)
		}
	}
	if b := DefaultMemoryBudget(); b <= 0 {
		t.Errorf("DefaultMemoryBudget() = %d on Linux", b)
	}
}

// childEnvVar makes the test binary act as a build child (TestChildHelper).
const childEnvVar = "PXACL_TEST_BUILD_CHILD"

// TestChildHelper is the child of TestChildBuildBudget: it holds the
// number of MiB in $PXACL_TEST_BUILD_CHILD while it "builds".
func TestChildHelper(t *testing.T) {
	mib := os.Getenv(childEnvVar)
	if mib == "" {
		t.Skip("the child of TestChildBuildBudget")
	}
	var n int
	fmt.Sscan(mib, &n)
	err := RunChild(os.Stdout, 64<<20, func() ([]byte, string, error) {
		var keep [][]byte
		for range n {
			b := make([]byte, 1<<20)
			for i := range b {
				b[i] = 1
			}
			keep = append(keep, b)
		}
		return []byte(fmt.Sprintf("bundle of %d", len(keep))), "rev1", nil
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "pxacl:", err)
		os.Exit(2)
	}
	os.Exit(0)
}

// TestChildBuildBudget: a build within its budget returns the bundle; one
// over it fails with ErrBudget, and the server keeps the last good bundle.
func TestChildBuildBudget(t *testing.T) {
	child := func(mib int) *ChildBuild {
		t.Setenv(childEnvVar, fmt.Sprint(mib))
		return &ChildBuild{Exe: os.Args[0], Args: []string{"-test.run=^TestChildHelper$"}, Budget: 64 << 20}
	}
	body, rev, err := child(8).Build()
	if err != nil || rev != "rev1" || string(body) != "bundle of 8" {
		t.Fatalf("within the budget: %q %q %v", body, rev, err)
	}
	okBuild := child(8)
	s := New(Options{BuildBytes: okBuild.Build})
	if err := s.Rebuild(); err != nil {
		t.Fatal(err)
	}
	_, _, err = child(512).Build()
	if !errors.Is(err, ErrBudget) || !strings.Contains(err.Error(), "64 MiB") {
		t.Fatalf("over the budget: %v", err)
	}
	s.opts.BuildBytes = child(512).Build
	if err := s.Rebuild(); !errors.Is(err, ErrBudget) {
		t.Fatalf("Rebuild over the budget: %v", err)
	}
	if s.Revision() != "rev1" || !strings.Contains(s.LastError(), "memory budget of 64 MiB") {
		t.Errorf("after a build over the budget: revision %q, error %q", s.Revision(), s.LastError())
	}
	// a child's own error is passed on, its "pxacl: " prefix removed
	bad := &ChildBuild{Exe: "/bin/sh", Args: []string{"-c", "echo 'warning: x' >&2; echo 'pxacl: acl.cfg:3: unknown role' >&2; exit 2"}, Budget: 1 << 20}
	if _, _, err := bad.Build(); err == nil || err.Error() != "acl.cfg:3: unknown role" {
		t.Errorf("child error: %v", err)
	}
}

// waitUntil polls cond with a deadline generous enough for a busy machine;
// it proves a condition, it measures nothing.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after 60s", what)
		}
	}
}

// A Go runtime crash of the build child (under RLIMIT_DATA the garbage
// collector can die with SIGSEGV instead of "out of memory") counts as
// over the budget, and its stack trace is never shown.
func TestChildErrorRuntimeCrash(t *testing.T) {
	c := &ChildBuild{Budget: 64 << 20}
	for _, tc := range []struct{ stderr, want string }{
		{"SIGSEGV: segmentation violation\nPC=0x4392dd m=4\n\ngoroutine 0 gp=0x1 m=4 [idle]:\nruntime.(*spanQueue).tryDrain(...)\n", "crashed under the limit (SIGSEGV: segmentation violation)"},
		{"fatal error: runtime: out of memory\n\ngoroutine 1 [running]:\n", "the configuration needs more memory"},
		{"fatal error: concurrent map writes\n\ngoroutine 7 [running]:\nmain.f()\n", "crashed under the limit (fatal error: concurrent map writes)"},
	} {
		err := c.childError(errors.New("exit status 2"), tc.stderr)
		if !errors.Is(err, ErrBudget) || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "goroutine") {
			t.Errorf("childError(%q) = %v, want ErrBudget and %q", tc.stderr[:20], err, tc.want)
		}
	}
	if err := c.childError(errors.New("exit status 2"), "pxacl: acl.cfg:3: unknown role 'Foo'\n"); errors.Is(err, ErrBudget) || err.Error() != "acl.cfg:3: unknown role 'Foo'" {
		t.Errorf("a build error: %v", err)
	}
}
