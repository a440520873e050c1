package tests

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pxacl/pxacl/evaluator"
)

// writeSelfSignedCert writes a self-signed ECDSA certificate for 127.0.0.1
// (its own CA) and its key; it returns the files and a pool trusting it.
func writeSelfSignedCert(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "pxacl test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	d := t.TempDir()
	certFile, keyFile = filepath.Join(d, "cert.pem"), filepath.Join(d, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

func writeECKey(t *testing.T) string {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "es256.pem")
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// waitFor polls cond until it holds or the timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool, logs ...*syncBuffer) {
	t.Helper()
	for deadline := time.Now().Add(timeout); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			var b strings.Builder
			for _, l := range logs {
				b.WriteString(l.String())
				b.WriteString("\n")
			}
			t.Fatalf("%s: not after %v:\n%s", what, timeout, b.String())
		}
	}
}

// opaHealth answers OPA's /health?bundles status code, waiting until OPA
// listens: it may log a bundle failure before its HTTP server is up.
func opaHealth(t *testing.T, base string) int {
	t.Helper()
	var err error
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		var resp *http.Response
		if resp, err = http.Get(base + "/health?bundles"); err == nil {
			resp.Body.Close()
			return resp.StatusCode
		}
	}
	t.Fatalf("OPA at %s does not answer: %v", base, err)
	return 0
}

func TestServeTLS(t *testing.T) {
	opaBin(t)
	dir := copyDir(t, examplesDir())
	cert, key, pool := writeSelfSignedCert(t)
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	args := []string{"serve", "--config-dir", dir, "--addr", addr, "--poll-interval", "100ms", "--tls-cert", cert, "--tls-key", key}
	logs, exited := startProcess(t, pxaclBin, args...)
	base := "https://" + addr
	client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}

	var health *http.Response
	waitFor(t, 60*time.Second, "pxacl serve over TLS", func() bool {
		select {
		case err := <-exited:
			t.Fatalf("pxacl serve exited (%v):\n%s", err, logs)
		default:
		}
		resp, err := client.Get(base + "/health")
		if err != nil {
			return false
		}
		resp.Body.Close()
		health = resp
		return resp.StatusCode == http.StatusOK
	}, logs)
	if health.TLS == nil {
		t.Fatal("/health was not served over TLS")
	}

	// plain HTTP to the TLS port is refused, and a client not trusting the CA fails
	if resp, err := http.Get("http://" + addr + "/bundles/pxacl.tar.gz"); err == nil {
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Error("plain HTTP served the bundle on the TLS port")
		}
	}
	if _, err := (&http.Client{Timeout: 60 * time.Second}).Get(base + "/health"); err == nil {
		t.Error("a client without the CA accepted the self-signed certificate")
	}

	// the bundle over HTTPS: 200 with an ETag, then 304 for it
	resp, err := client.Get(base + "/bundles/pxacl.tar.gz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	etag := resp.Header.Get("ETag")
	if resp.StatusCode != http.StatusOK || etag == "" || len(body) == 0 {
		t.Fatalf("GET bundle over TLS: %s, ETag %q, %d bytes", resp.Status, etag, len(body))
	}
	if _, err := gzip.NewReader(bytes.NewReader(body)); err != nil {
		t.Fatalf("the bundle is not gzip: %v", err)
	}
	req, _ := http.NewRequest(http.MethodGet, base+"/bundles/pxacl.tar.gz", nil)
	req.Header.Set("If-None-Match", etag)
	resp, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotModified {
		t.Fatalf("GET with If-None-Match %s over TLS: %s, want 304", etag, resp.Status)
	}

	// a real OPA sidecar pulls over TLS, trusting the CA from the printed config
	r := runPxacl(t, append(args, "--ca-cert", cert, "--print-opa-config", "--long-poll-timeout", "10", "--min-delay", "1", "--max-delay", "2")...)
	if r.code != 0 {
		t.Fatalf("--print-opa-config: %s", r)
	}
	for _, want := range []string{"url: " + base, "ca_cert: " + cert} {
		if !strings.Contains(r.stdout, want) {
			t.Fatalf("printed OPA config lacks %q:\n%s", want, r.stdout)
		}
	}
	cfgFile := filepath.Join(t.TempDir(), "opa.yaml")
	if err := os.WriteFile(cfgFile, []byte(r.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	opa, opaLogs, opaExited := startSidecar(t, cfgFile)
	waitHTTP(t, opa+"/health?bundles", 60*time.Second, opaLogs, opaExited)
	var h struct {
		Revision string `json:"revision"`
	}
	resp, err = client.Get(base + "/health")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := opaRevision(t, opa); got != h.Revision || got == "" {
		t.Fatalf("TLS sidecar revision %q, pxacl serves %q", got, h.Revision)
	}
	checkDecisions(t, opa, dir, []evaluator.Query{
		{AuthID: "john@pbs!client1", Path: "/datastore/store1/ns1", Privileges: []string{"Datastore.Backup"}},
		{AuthID: "john@pbs!client1", Path: "/datastore/store1/ns1", Privileges: []string{"Datastore.Prune"}},
	})
}

// tamperBundle rewrites a bundle (tar.gz): edit gets each file's name and
// bytes and returns the bytes to write; the original .signatures.json is kept.
func tamperBundle(t *testing.T, raw []byte, edit func(name string, b []byte) []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	tw := tar.NewWriter(zw)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		b = edit(hdr.Name, b)
		hdr.Size = int64(len(b))
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func bundleFiles(t *testing.T, raw []byte) []string {
	t.Helper()
	var names []string
	tamperBundle(t, raw, func(name string, b []byte) []byte { names = append(names, name); return b })
	return names
}

func TestServeTamperedBundle(t *testing.T) {
	opaBin(t)
	dir := copyDir(t, examplesDir())
	key := writeECKey(t)
	base, _, _ := startServe(t, dir, "--signing-key", key, "--signing-alg", "ES256")
	rev := serveHealth(t, base).Revision
	resp, err := http.Get(base + "/bundles/pxacl.tar.gz")
	if err != nil {
		t.Fatal(err)
	}
	good, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET signed bundle: %s", resp.Status)
	}
	files := bundleFiles(t, good)
	if !strings.Contains(strings.Join(files, " "), ".signatures.json") {
		t.Fatalf("the signed bundle has no .signatures.json: %v", files)
	}

	// data.json: still valid JSON, one more key (OPA hashes the parsed value)
	tamperedData := tamperBundle(t, good, func(name string, b []byte) []byte {
		if strings.TrimPrefix(name, "/") != "data.json" && !strings.HasSuffix(name, "/data.json") {
			return b
		}
		var v map[string]any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		v["tampered"] = true
		out, _ := json.Marshal(v)
		return out
	})
	// a .rego file: one more rule
	var regoFile string
	tamperedRego := tamperBundle(t, good, func(name string, b []byte) []byte {
		if !strings.HasSuffix(name, ".rego") || regoFile != "" {
			return b
		}
		regoFile = strings.TrimPrefix(name, "/")
		return append(b, []byte("\n\ntampered := true\n")...)
	})
	if regoFile == "" {
		t.Fatalf("the bundle has no .rego file: %v", files)
	}
	for _, tb := range [][]byte{tamperedData, tamperedRego} {
		if bytes.Equal(tb, good) {
			t.Fatal("tampering changed nothing")
		}
	}

	// a small bundle server on 127.0.0.1 serving what the test chooses
	var current atomic.Pointer[[]byte]
	current.Store(&tamperedData)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/bundles/pxacl.tar.gz" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/gzip")
		w.Write(*current.Load())
	}))
	defer ts.Close()

	// the sidecar config pxacl prints for this key, pointed at the test server
	r := runPxacl(t, "serve", "--config-dir", dir, "--addr", strings.TrimPrefix(ts.URL, "http://"),
		"--signing-key", key, "--signing-alg", "ES256", "--print-opa-config",
		"--long-poll-timeout", "0", "--min-delay", "1", "--max-delay", "1")
	if r.code != 0 {
		t.Fatal(r)
	}
	cfgFile := filepath.Join(t.TempDir(), "opa.yaml")
	if err := os.WriteFile(cfgFile, []byte(r.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	opa, opaLogs, opaExited := startSidecar(t, cfgFile)

	rejected := func(what, file string, from int) {
		t.Helper()
		waitFor(t, 60*time.Second, what+": OPA logged a digest mismatch for "+file, func() bool {
			select {
			case err := <-opaExited:
				t.Fatalf("opa exited (%v):\n%s", err, opaLogs)
			default:
			}
			l := opaLogs.String()[from:]
			return strings.Contains(l, "Bundle load failed") && strings.Contains(l, file+": digest mismatch")
		}, opaLogs)
		if opaHealth(t, opa) == http.StatusOK {
			t.Errorf("%s: the sidecar is healthy with the tampered bundle", what)
		}
		if got := opaRevision(t, opa); got != "" {
			t.Errorf("%s: the sidecar activated revision %q", what, got)
		}
		if res, ok := postData(t, opa, "tampered", nil); ok && string(res) != "" && string(res) != "{}" {
			t.Errorf("%s: tampered content is visible: %s", what, res)
		}
	}
	rejected("tampered data.json", "data.json", 0)
	from := len(opaLogs.String())
	current.Store(&tamperedRego)
	rejected("tampered .rego", regoFile, from)

	// the untampered bundle, same key, same server: activated
	current.Store(&good)
	waitHTTP(t, opa+"/health?bundles", 60*time.Second, opaLogs, opaExited)
	if got := opaRevision(t, opa); got != rev {
		t.Fatalf("sidecar revision %q, want %q", got, rev)
	}
	checkDecisions(t, opa, dir, []evaluator.Query{
		{AuthID: "john@pbs!client1", Path: "/datastore/store1/ns1", Privileges: []string{"Datastore.Backup"}},
	})
}
