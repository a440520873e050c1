package server

import (
	"bytes"
	"compress/gzip"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/bundle"
	"github.com/pxacl/pxacl/compiler"
	"github.com/pxacl/pxacl/tfa"
)

// leakMarker is the secret-looking marker that the files of
// tfa/testdata/leak put in every place of tfa.json (keys, entry ids,
// otpauth parameter names and values, ...).
const leakMarker = "SECRETMARKERSEEDQ"

// TestTFANeverLeaks: whatever place of tfa.json holds a
// secret, neither /health, /metrics, the log nor the served bundle shows
// it: with the real build (a malformed tfa.json leaves the TFA state out,
// the bundle's data.pxacl.meta.tfa says why) and with a build that fails
// on the parse error itself (its text is shown as the last error).
func TestTFANeverLeaks(t *testing.T) {
	fixtures, err := filepath.Glob("../tfa/testdata/leak/*.json")
	if err != nil || len(fixtures) < 20 {
		t.Fatalf("fixtures: %v %d", err, len(fixtures))
	}
	src := "../examples/pbs"
	for _, fx := range fixtures {
		content, err := os.ReadFile(fx)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		for _, name := range []string{"user.cfg", "acl.cfg"} {
			b, err := os.ReadFile(filepath.Join(src, name))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(filepath.Join(dir, tfa.FileName), content, 0o600); err != nil {
			t.Fatal(err)
		}
		_, parseErr := tfa.ReadFile(filepath.Join(dir, tfa.FileName), 0)
		if parseErr == nil {
			t.Fatalf("%s parses", fx)
		}
		builds := map[string]func() (*bundle.Bundle, error){
			"real build": func() (*bundle.Bundle, error) { return bundle.BuildDir(dir, compiler.Options{}) },
			"failing build": func() (*bundle.Bundle, error) {
				_, err := tfa.ReadFile(filepath.Join(dir, tfa.FileName), 0)
				return nil, err
			},
		}
		for name, build := range builds {
			var logs bytes.Buffer
			s := New(Options{Build: build, Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
			err := s.Rebuild()
			if (err == nil) != (name == "real build") {
				t.Fatalf("%s %s: rebuild: %v", fx, name, err)
			}
			ts := httptest.NewServer(s.Handler())
			var shown strings.Builder
			shown.WriteString(logs.String())
			for _, path := range []string{"/health", "/metrics", "/bundles/pxacl.tar.gz"} {
				resp, err := http.Get(ts.URL + path)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if path == "/bundles/pxacl.tar.gz" && resp.StatusCode == http.StatusOK {
					zr, err := gzip.NewReader(bytes.NewReader(body))
					if err != nil {
						t.Fatal(err)
					}
					if body, err = io.ReadAll(zr); err != nil {
						t.Fatal(err)
					}
					if !bytes.Contains(body, []byte(`"tfa":"unavailable: tfa.json`)) {
						t.Errorf("%s: the bundle does not say that TFA is unavailable", fx)
					}
				}
				shown.Write(body)
			}
			ts.Close()
			for i := 0; i+6 <= len(leakMarker); i++ {
				if strings.Contains(shown.String(), leakMarker[i:i+6]) {
					t.Errorf("%s, %s: the server shows content of tfa.json:\n%s", fx, name, shown.String())
					break
				}
			}
		}
	}
}
