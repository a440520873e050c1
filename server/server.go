// Package server serves pxacl's bundle to OPA sidecars over OPA's bundle
// protocol (OPA bundle service protocol: https://www.openpolicyagent.org/docs/management-bundles): ETag, multi-value If-None-Match, 304, long
// polling (Prefer: wait=N with the application/vnd.openpolicyagent.bundles
// content type). It watches the configuration directory, rebuilds on
// change and swaps the served bundle atomically; an invalid configuration
// never replaces the last good bundle. /health and /metrics report the
// state.
package server

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/pxacl/pxacl/bundle"
	"github.com/pxacl/pxacl/internal/safetext"
	"github.com/pxacl/pxacl/tfa"
)

// ContentType turns on OPA's long polling for the following requests.
const ContentType = "application/vnd.openpolicyagent.bundles"

// MaxWait caps the wait a client may ask for with Prefer: wait=N.
const MaxWait = 300 * time.Second

// DefaultMaxLongPolls is the default cap on concurrent long polls. A held
// poll costs a goroutine and a connection (a file descriptor), a few
// kilobytes; the cap keeps a flood of pollers from exhausting descriptors.
const DefaultMaxLongPolls = 512

// maxErrorBytes bounds the build error kept for /health, /metrics and the
// log (the messages quote values already cut by internal/safetext; this
// is the last guard).
const maxErrorBytes = 1024

// Options configure a Server.
type Options struct {
	// Build compiles the configuration into a bundle (required).
	Build func() (*bundle.Bundle, error)
	// Dir is watched for changes ("" = no watching).
	Dir string
	// BundleName is served at /bundles/<BundleName> (default pxacl.tar.gz).
	BundleName string
	// BuildBytes, when set, replaces Build and the signing: it returns the
	// finished bundle (signed if it should be) and its revision. serve
	// sets it to a build in a child process under a memory budget
	// (ChildBuild).
	BuildBytes func() (body []byte, revision string, err error)
	// Token, when set, is required as "Authorization: Bearer <Token>" on
	// bundle downloads, /metrics and the details of /health.
	Token string
	// ClientCertRequired: a request is authenticated only with a client
	// certificate the TLS server verified (tls.Config.ClientCAs with
	// VerifyClientCertIfGiven), in addition to Token when that is set.
	ClientCertRequired bool
	// MaxLongPolls caps the requests held by long polling at once
	// (default DefaultMaxLongPolls); see serveBundle for what the others
	// get.
	MaxLongPolls int
	// Signer, when set, signs every bundle (.signatures.json).
	Signer *Signer
	// DeltaRevisions is how many past revisions a sidecar may hold and
	// still get a delta bundle (0 = never send deltas). A delta is sent
	// only when the sidecar accepts one (Prefer: modes=...delta), the
	// policies did not change since its revision and the delta is smaller
	// than the bundle.
	DeltaRevisions int
	// DeltaUnsigned sends deltas even though Signer signs the bundles:
	// a delta bundle cannot be signed, and OPA accepts one for a signed
	// bundle only with signing.allow_unsigned_delta_bundles: true.
	DeltaUnsigned bool
	// PollInterval is how often Dir is checked (default 250 ms).
	PollInterval time.Duration
	// Logger receives structured logs (default: discard).
	Logger *slog.Logger
}

// snapshot is one built bundle; next is closed when it is replaced.
type snapshot struct {
	revision string
	etag     string
	body     []byte
	builtAt  time.Time
	next     chan struct{}
	// deltas maps the ETag of an older revision to the delta bundle
	// that brings it to this one (delta.go).
	deltas map[string][]byte
}

// buildStatus is the outcome of the last build.
type buildStatus struct {
	err string // "" = success
	at  time.Time
}

// Server is the bundle server. Create it with New.
type Server struct {
	opts     Options
	cur      atomic.Pointer[snapshot]
	status   atomic.Pointer[buildStatus]
	initial  chan struct{} // closed on the first snapshot
	initOnce sync.Once
	done     chan struct{} // closed on shutdown: releases long polls
	doneOnce sync.Once
	buildMu  sync.Mutex
	history  []step // under buildMu: patches between the last revisions

	deltasSent, deltaBytes atomic.Int64

	builds, buildFailures atomic.Int64
	waiters               atomic.Int64
	pollsOverCap          atomic.Int64
	requests              [600]atomic.Int64
}

// New creates a server; call Rebuild (or Run) to build the first bundle.
func New(opts Options) *Server {
	if opts.BundleName == "" {
		opts.BundleName = "pxacl.tar.gz"
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = 250 * time.Millisecond
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewJSONHandler(io.Discard, nil))
	}
	if opts.MaxLongPolls <= 0 {
		opts.MaxLongPolls = DefaultMaxLongPolls
	}
	s := &Server{opts: opts, initial: make(chan struct{}), done: make(chan struct{})}
	s.status.Store(&buildStatus{err: "no bundle built yet"})
	return s
}

// Revision is the revision currently served ("" before the first good
// build).
func (s *Server) Revision() string {
	if c := s.cur.Load(); c != nil {
		return c.revision
	}
	return ""
}

// LastError is the error of the last build ("" when it succeeded).
func (s *Server) LastError() string { return s.status.Load().err }

// Rebuild builds the configuration and, when it is valid and differs,
// swaps it in. An error leaves the current bundle in place.
func (s *Server) Rebuild() error {
	s.buildMu.Lock()
	defer s.buildMu.Unlock()
	start := time.Now()
	s.builds.Add(1)
	body, rev, err := s.build()
	if err != nil {
		s.buildFailures.Add(1)
		msg := shortError(err.Error())
		s.status.Store(&buildStatus{err: msg, at: time.Now()})
		s.opts.Logger.Error("bundle build failed; keeping the last good bundle",
			"error", msg, "serving_revision", s.Revision())
		return err
	}
	s.status.Store(&buildStatus{at: time.Now()})
	old := s.cur.Load()
	if old != nil && old.revision == rev {
		s.opts.Logger.Info("configuration unchanged", "revision", rev)
		return nil
	}
	next := &snapshot{revision: rev, etag: `"` + rev + `"`, body: body, builtAt: time.Now(), next: make(chan struct{})}
	s.prepareDeltas(old, next)
	s.swap(next)
	s.opts.Logger.Info("bundle built", "revision", rev, "bytes", len(body),
		"signed", s.opts.Signer != nil, "duration_ms", time.Since(start).Milliseconds())
	return nil
}

func (s *Server) build() ([]byte, string, error) {
	if s.opts.BuildBytes != nil {
		return s.opts.BuildBytes()
	}
	b, err := s.opts.Build()
	if err != nil {
		return nil, "", err
	}
	if s.opts.Signer != nil {
		body, err := s.opts.Signer.SignedBytes(b)
		return body, b.Manifest.Revision, err
	}
	body, err := b.Bytes()
	return body, b.Manifest.Revision, err
}

// swap publishes snap and wakes the long polls waiting on the old one.
func (s *Server) swap(snap *snapshot) {
	old := s.cur.Swap(snap)
	if old != nil {
		close(old.next)
	}
	s.initOnce.Do(func() { close(s.initial) })
}

// Run builds the first bundle and then watches Dir until ctx ends.
func (s *Server) Run(ctx context.Context) {
	// fingerprint before building, so a change during the build is seen
	var last string
	if s.opts.Dir != "" {
		last = dirState(s.opts.Dir)
	}
	_ = s.Rebuild()
	if s.opts.Dir == "" {
		<-ctx.Done()
		return
	}
	t := time.NewTicker(s.opts.PollInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		st := dirState(s.opts.Dir)
		if st == last {
			continue
		}
		last = st
		s.opts.Logger.Info("configuration changed", "dir", s.opts.Dir)
		_ = s.Rebuild()
	}
}

// dirState fingerprints the configuration files (*.cfg, and tfa.json for
// the second-factor state) of dir: name, size, mtime. Other files (logs,
// lock files, keys) are ignored. tfa.json changes at every TOTP login
// (last-count); the rebuilt bundle then has the same revision unless a
// factor or a lock changed.
func dirState(dir string) string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "error: " + err.Error()
	}
	var b strings.Builder
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".cfg") && e.Name() != tfa.FileName {
			continue
		}
		fi, err := os.Stat(filepath.Join(dir, e.Name()))
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		fmt.Fprintf(&b, "%s\x00%d\x00%d\n", e.Name(), fi.Size(), fi.ModTime().UnixNano())
	}
	return b.String()
}

// Close releases every long poll (they answer 304); use it before
// http.Server.Shutdown.
func (s *Server) Close() { s.doneOnce.Do(func() { close(s.done) }) }

// Handler serves /bundles/<name>, /health and /metrics.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/bundles/"+s.opts.BundleName, s.serveBundle)
	mux.HandleFunc("/health", s.serveHealth)
	mux.HandleFunc("/metrics", s.serveMetrics)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
		mux.ServeHTTP(rec, r)
		if rec.code >= 100 && rec.code < len(s.requests) {
			s.requests[rec.code].Add(1)
		}
	})
}

type statusRecorder struct {
	http.ResponseWriter
	code    int
	written bool
}

func (r *statusRecorder) WriteHeader(code int) {
	if !r.written {
		r.code, r.written = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(p []byte) (int, error) {
	r.written = true
	return r.ResponseWriter.Write(p)
}

func (r *statusRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection (write
// deadlines).
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// authorized reports whether r carries every credential the server
// requires: a client certificate the TLS layer verified, and the bearer
// token. With neither configured every request is authorized.
func (s *Server) authorized(r *http.Request) bool {
	if s.opts.ClientCertRequired && (r.TLS == nil || len(r.TLS.VerifiedChains) == 0) {
		return false
	}
	if s.opts.Token == "" {
		return true
	}
	h := r.Header.Get("Authorization")
	const p = "Bearer "
	if len(h) < len(p) || !strings.EqualFold(h[:len(p)], p) {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(strings.TrimSpace(h[len(p):])), []byte(s.opts.Token)) == 1
}

func unauthorized(w http.ResponseWriter) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="pxacl"`)
	http.Error(w, "unauthorized", http.StatusUnauthorized)
}

// Write deadlines. http.Server.WriteTimeout (HTTPServer) bounds every
// answer; a bundle answer moves its own deadline: while a long poll
// waits, to the wait plus TransferTime of the current bundle, and when
// the body is written, to TransferTime of that body. A fixed server-wide
// WriteTimeout would have to exceed MaxWait (300 s) plus the transfer of
// the largest bundle for every request, /health included.
const (
	// TransferBase is the time any answer may take to write.
	TransferBase = 60 * time.Second
	// MinTransferRate is the slowest client a bundle is written to (1
	// MiB/s): a 200 MB bundle gets 60 s + 200 s.
	MinTransferRate = 1 << 20
)

// TransferTime is the write deadline for a body of n bytes.
func TransferTime(n int) time.Duration {
	return TransferBase + time.Duration(n/MinTransferRate)*time.Second
}

// serveBundle answers a bundle download (OPA bundle service protocol: https://www.openpolicyagent.org/docs/management-bundles). A request that
// holds the current ETag and asks for a wait (Prefer: wait=N) is held
// until the bundle changes (200), the wait ends (304) or the server
// stops (304). At most MaxLongPolls are held at once; a request over the
// cap is answered at once with the whole bundle and Content-Type
// application/gzip. That is a normal answer of the protocol, and it turns
// OPA's long polling off for that client until the next bundle change
// (OPA then polls every min..max_delay_seconds). A 304 would not: OPA
// re-polls at once after a 304 while long polling is on (delay 0 in
// v1/download), so over the cap every 304 would become a busy loop.
func (s *Server) serveBundle(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if !s.authorized(r) {
		unauthorized(w)
		return
	}
	snap := s.cur.Load()
	if snap == nil {
		http.Error(w, "no valid bundle yet: "+s.LastError(), http.StatusServiceUnavailable)
		return
	}
	inm := r.Header.Values("If-None-Match")
	if len(inm) > 0 && ETagMatch(inm, snap.etag) {
		if wait := PreferWait(r.Header.Values("Prefer")); wait > 0 {
			if s.waiters.Add(1) > int64(s.opts.MaxLongPolls) {
				s.waiters.Add(-1)
				s.pollsOverCap.Add(1)
				s.sendBundle(w, r, snap, "application/gzip")
				return
			}
			_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(wait + TransferTime(len(snap.body))))
			snap = s.longPoll(r.Context(), snap, wait)
			s.waiters.Add(-1)
		}
		if ETagMatch(inm, snap.etag) {
			w.Header().Set("ETag", snap.etag)
			w.Header().Set("Content-Type", ContentType)
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	// a sidecar at a kept revision that accepts deltas gets the patch
	if d := snap.deltas[firstETag(inm)]; d != nil && PreferDelta(r.Header.Values("Prefer")) {
		s.deltasSent.Add(1)
		s.deltaBytes.Add(int64(len(d)))
		s.send(w, r, snap.etag, d, ContentType)
		return
	}
	s.sendBundle(w, r, snap, ContentType)
}

// sendBundle writes snap (200) with its own write deadline.
func (s *Server) sendBundle(w http.ResponseWriter, r *http.Request, snap *snapshot, contentType string) {
	s.send(w, r, snap.etag, snap.body, contentType)
}

// send writes a bundle, whole or delta (200): either brings the sidecar
// to the revision of etag. The answer depends on If-None-Match and
// Prefer (Vary), so a cache must not give it to another sidecar.
func (s *Server) send(w http.ResponseWriter, r *http.Request, etag string, body []byte, contentType string) {
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(TransferTime(len(body))))
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("Cache-Control", "no-cache")
	h.Set("Vary", "If-None-Match, Prefer")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		_, _ = w.Write(body)
	}
}

// longPoll waits until snap is replaced, wait passes, the client goes away
// or the server shuts down, and returns the current snapshot.
// The caller counts it in s.waiters.
func (s *Server) longPoll(ctx context.Context, snap *snapshot, wait time.Duration) *snapshot {
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-snap.next:
	case <-t.C:
	case <-ctx.Done():
	case <-s.done:
	}
	return s.cur.Load()
}

// ETagMatch reports whether any If-None-Match header value matches etag
// (RFC 9110 §13.1.2: comma-separated list, weak comparison, "*").
func ETagMatch(values []string, etag string) bool {
	want := strings.TrimPrefix(etag, "W/")
	for _, v := range values {
		for _, t := range strings.Split(v, ",") {
			t = strings.TrimSpace(t)
			if t == "*" {
				return true
			}
			t = strings.TrimPrefix(t, "W/")
			if t == want {
				return true
			}
			// tolerate unquoted tags
			if !strings.HasPrefix(t, `"`) && t != "" && `"`+t+`"` == want {
				return true
			}
		}
	}
	return false
}

// PreferWait returns the wait=N preference (RFC 7240) of the Prefer
// headers, capped at MaxWait; 0 when absent or invalid.
func PreferWait(values []string) time.Duration {
	for _, v := range values {
		for _, part := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' }) {
			k, val, ok := strings.Cut(strings.TrimSpace(part), "=")
			if !ok || !strings.EqualFold(strings.TrimSpace(k), "wait") {
				continue
			}
			n, err := strconv.ParseFloat(strings.Trim(strings.TrimSpace(val), `"`), 64)
			if err != nil || n <= 0 {
				return 0
			}
			d := time.Duration(n * float64(time.Second))
			if d > MaxWait {
				d = MaxWait
			}
			return d
		}
	}
	return 0
}

// Health is the /health document.
type Health struct {
	Status     string `json:"status"` // ok, degraded (serving an old bundle), unavailable
	Revision   string `json:"revision"`
	LastError  string `json:"last_error"`
	LastBuild  string `json:"last_build,omitempty"`
	BundleName string `json:"bundle_name"`
	Signed     bool   `json:"signed"`
}

func (s *Server) health() Health {
	st := s.status.Load()
	h := Health{Revision: s.Revision(), LastError: st.err, BundleName: s.opts.BundleName, Signed: s.opts.Signer != nil}
	if !st.at.IsZero() {
		h.LastBuild = st.at.UTC().Format(time.RFC3339Nano)
	}
	switch {
	case h.Revision == "":
		h.Status = "unavailable"
	case h.LastError != "":
		h.Status = "degraded"
	default:
		h.Status = "ok"
	}
	return h
}

// Liveness is what /health shows a request that does not authenticate
// when the server requires authentication: "ok" while a bundle is served
// (a failed rebuild included), "unavailable" (503) before the first good
// build. The revision, the build error and the configuration stay behind
// the credentials: the error quotes configuration lines.
type Liveness struct {
	Status string `json:"status"`
}

// serveHealth answers /health: the whole Health document when no
// authentication is configured or the request authenticates, else only
// Liveness.
func (s *Server) serveHealth(w http.ResponseWriter, r *http.Request) {
	h := s.health()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if h.Status == "unavailable" {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if s.authorized(r) {
		_ = enc.Encode(h)
		return
	}
	l := Liveness{Status: "ok"}
	if h.Status == "unavailable" {
		l.Status = "unavailable"
	}
	_ = enc.Encode(l)
}

// serveMetrics answers /metrics (Prometheus text format). When the server
// requires authentication, so does /metrics (401 otherwise): the metrics
// carry the revision and the build error. Prometheus sends a bearer token
// with authorization.credentials_file in the scrape config.
func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(r) {
		unauthorized(w)
		return
	}
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	h := s.health()
	var b strings.Builder
	b.WriteString("# HELP pxacl_bundle_revision_info The bundle revision being served.\n# TYPE pxacl_bundle_revision_info gauge\n")
	if h.Revision != "" {
		fmt.Fprintf(&b, "pxacl_bundle_revision_info{revision=%q} 1\n", h.Revision)
	}
	b.WriteString("# HELP pxacl_bundle_builds_total Bundle builds attempted.\n# TYPE pxacl_bundle_builds_total counter\n")
	fmt.Fprintf(&b, "pxacl_bundle_builds_total %d\n", s.builds.Load())
	b.WriteString("# HELP pxacl_bundle_build_failures_total Bundle builds that failed (the last good bundle stays).\n# TYPE pxacl_bundle_build_failures_total counter\n")
	fmt.Fprintf(&b, "pxacl_bundle_build_failures_total %d\n", s.buildFailures.Load())
	b.WriteString("# HELP pxacl_bundle_build_error 1 while the last build failed, with its error.\n# TYPE pxacl_bundle_build_error gauge\n")
	if h.LastError != "" && s.buildFailures.Load() > 0 {
		fmt.Fprintf(&b, "pxacl_bundle_build_error{error=%s} 1\n", promQuote(h.LastError))
	} else {
		b.WriteString("pxacl_bundle_build_error 0\n")
	}
	b.WriteString("# HELP pxacl_http_requests_total HTTP requests by status code.\n# TYPE pxacl_http_requests_total counter\n")
	var codes []int
	for c := range s.requests {
		if s.requests[c].Load() > 0 {
			codes = append(codes, c)
		}
	}
	sort.Ints(codes)
	for _, c := range codes {
		fmt.Fprintf(&b, "pxacl_http_requests_total{code=\"%d\"} %d\n", c, s.requests[c].Load())
	}
	b.WriteString("# HELP pxacl_longpoll_waiters Bundle requests currently held by long polling.\n# TYPE pxacl_longpoll_waiters gauge\n")
	fmt.Fprintf(&b, "pxacl_longpoll_waiters %d\n", s.waiters.Load())
	b.WriteString("# HELP pxacl_longpoll_over_cap_total Long polls answered at once because --max-long-polls were held.\n# TYPE pxacl_longpoll_over_cap_total counter\n")
	fmt.Fprintf(&b, "pxacl_longpoll_over_cap_total %d\n", s.pollsOverCap.Load())
	b.WriteString("# HELP pxacl_bundle_deltas_sent_total Delta bundles sent instead of the whole bundle.\n# TYPE pxacl_bundle_deltas_sent_total counter\n")
	fmt.Fprintf(&b, "pxacl_bundle_deltas_sent_total %d\n", s.deltasSent.Load())
	b.WriteString("# HELP pxacl_bundle_delta_bytes_total Bytes of the delta bundles sent.\n# TYPE pxacl_bundle_delta_bytes_total counter\n")
	fmt.Fprintf(&b, "pxacl_bundle_delta_bytes_total %d\n", s.deltaBytes.Load())
	b.WriteString("# HELP pxacl_bundle_delta_revisions Older revisions a delta bundle is ready for.\n# TYPE pxacl_bundle_delta_revisions gauge\n")
	n := 0
	if c := s.cur.Load(); c != nil {
		n = len(c.deltas)
	}
	fmt.Fprintf(&b, "pxacl_bundle_delta_revisions %d\n", n)
	_, _ = io.WriteString(w, b.String())
}

// shortError makes a build error fit for /health, a Prometheus label and
// a log line: cut to maxErrorBytes with its size, control and invisible
// characters escaped.
func shortError(msg string) string {
	var b strings.Builder
	for i, r := range msg {
		if i >= maxErrorBytes {
			fmt.Fprintf(&b, "... (%d bytes)", len(msg))
			break
		}
		if r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			// safetext.Value escapes one character the same way
			b.WriteString(safetext.Value(string(r)))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// promQuote quotes a label value (Prometheus text format escapes \, " and
// newline).
func promQuote(v string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(v) + `"`
}

// WaitReady waits for the first good bundle or ctx.
func (s *Server) WaitReady(ctx context.Context) error {
	select {
	case <-s.initial:
		return nil
	case <-ctx.Done():
		return errors.New("no valid bundle: " + s.LastError())
	}
}
