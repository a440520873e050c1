// Tests of the second-factor state in the document.

package compiler

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/tfa/tfatest"
)

// TestCompileTFA: the document carries the non-secret second-factor state
// of tfa.json (§9): factor types with what is usable of them, the locks in
// force; expired locks are dropped; no secret of tfa.json appears in it.
func TestCompileTFA(t *testing.T) {
	d, err := Compile("testdata/tfa", Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]TFAUser{
		"root@pam": {Factors: map[string]int{"totp": 1, "webauthn": 1, "recovery": 9}},
		"john@pbs": {Factors: map[string]int{"totp": 1, "u2f": 1}, TOTPLocked: true, TFALockedUntil: 4102444800},
		"ops@pbs":  {Factors: map[string]int{"webauthn": 1, "yubico": 1, "recovery": 0}},
		"old@pbs":  {Factors: map[string]int{"recovery": 1}}, // its 2023 lock has expired
	}
	if !reflect.DeepEqual(d.TFA, want) {
		t.Errorf("TFA:\n got %+v\nwant %+v", d.TFA, want)
	}
	j := roundTrip(t, d)
	var top map[string]json.RawMessage
	if err := json.Unmarshal(j, &top); err != nil {
		t.Fatal(err)
	}
	if string(top["tfa"]) != `{"john@pbs":{"factors":{"totp":1,"u2f":1},"totp_locked":true,"tfa_locked_until":4102444800},`+
		`"old@pbs":{"factors":{"recovery":1},"totp_locked":false,"tfa_locked_until":0},`+
		`"ops@pbs":{"factors":{"recovery":0,"webauthn":1,"yubico":1},"totp_locked":false,"tfa_locked_until":0},`+
		`"root@pam":{"factors":{"recovery":9,"totp":1,"webauthn":1},"totp_locked":false,"tfa_locked_until":0}}` {
		t.Errorf("tfa JSON: %s", top["tfa"])
	}
	for _, s := range tfaSecrets(t, "testdata/tfa/tfa.json") {
		if strings.Contains(string(j), s) {
			t.Errorf("the document holds a secret of tfa.json: %q", s)
		}
	}
	if _, ok := d.Sources["tfa.json"]; ok {
		t.Error("tfa.json's digest is a source: it changes at every TOTP login")
	}
}

// tfaSecrets lists the secrets of the tfa.json at path (tfatest.Secrets).
func tfaSecrets(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out, err := tfatest.Secrets(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 10 {
		t.Fatalf("only %d secrets found in %s", len(out), path)
	}
	return out
}

// TestCompileTFAErrors: a malformed or unreadable
// tfa.json does not stop the compile (no permission depends on it): the
// document has no TFA state, one warning, TFAError set, and its metadata
// says "unavailable: <reason>", a reason that names tfa.json by name only
// and shows none of its content.
func TestCompileTFAErrors(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "user.cfg"), []byte("user: john@pbs\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "tfa.json")
	tests := []struct{ name, content, reason string }{
		{"unknown URI parameter", `{"users":{"john@pbs":{"totp":[{"id":"a","created":1,"entry":"otpauth://totp/a?secret=GEZDGNBVGY3TQOJQ&GEZDGNBVGY3TQOJQ=1"}]}}}`,
			"unavailable: tfa.json: totp entry 1 of user 'john@pbs': invalid totp entry: parameter 2: unknown otpauth uri parameter (name not shown)"},
		{"syntax", `{"users":{"GEZDGNBVGY3TQOJQ"}}`, "unavailable: tfa.json:1:29: invalid JSON syntax (byte offset 28)"},
		{"empty", ``, "unavailable: tfa.json: empty file, not a JSON object (PBS cannot read it either)"},
	}
	for _, tt := range tests {
		if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
			t.Fatal(err)
		}
		d, err := Compile(dir, Options{})
		if err != nil || d.TFA != nil || d.TFAError == nil || len(d.Warnings) != 1 {
			t.Fatalf("%s: %v %v %v", tt.name, err, d.TFA, d.Warnings)
		}
		if d.Meta.TFA != tt.reason {
			t.Errorf("%s: meta.tfa %q, want %q", tt.name, d.Meta.TFA, tt.reason)
		}
		if !strings.Contains(d.Warnings[0], path) || !strings.Contains(d.Warnings[0], "the second-factor state is left out") {
			t.Errorf("%s: warning %q", tt.name, d.Warnings[0])
		}
		js, err := d.JSON()
		if err != nil {
			t.Fatal(err)
		}
		for _, text := range []string{d.Warnings[0], string(js)} {
			if strings.Contains(text, "GEZDGNBV") {
				t.Errorf("%s: shows content of tfa.json: %s", tt.name, text)
			}
		}
		if !strings.Contains(string(js), `"tfa":"`+tt.reason+`"`) || strings.Contains(string(js), dir) {
			t.Errorf("%s: data.json meta: %.300s", tt.name, js)
		}
	}
	// a good tfa.json: no note in the metadata
	if err := os.WriteFile(path, []byte(`{}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if d, err := Compile(dir, Options{}); err != nil || d.Meta.TFA != "" || d.TFA == nil || d.TFAError != nil || len(d.Warnings) != 0 {
		t.Errorf("good tfa.json: %v %+v %v", err, d.Meta, d.Warnings)
	}
	if os.Geteuid() == 0 {
		return // root reads a 0000 file
	}
	if err := os.Chmod(path, 0); err != nil {
		t.Fatal(err)
	}
	d, err := Compile(dir, Options{})
	if err != nil || d.TFA != nil || len(d.Warnings) != 1 || !strings.Contains(d.Warnings[0], "tfa.json") ||
		d.Meta.TFA != "unavailable: tfa.json: permission denied" {
		t.Errorf("unreadable tfa.json: %v %v %v %q", err, d.TFA, d.Warnings, d.Meta.TFA)
	}
}
