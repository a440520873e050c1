// Package tfatest helps tests prove that no second-factor secret leaks: it
// lists the secret strings of a tfa.json.
package tfatest

import (
	"encoding/json"
	"strings"
)

// Secrets lists the secret strings of a tfa.json (docs/semantics.md §9): the
// values under each entry's "entry" (otpauth URIs, key material), the
// base32 secrets inside the URIs, and the recovery secret and hashes.
// Strings shorter than 8 characters are left out: they would match by
// chance.
func Secrets(data []byte) ([]string, error) {
	var doc struct {
		Users map[string]map[string]json.RawMessage `json:"users"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			if len(v) >= 8 {
				out = append(out, v)
			}
			if _, s, ok := strings.Cut(v, "secret="); ok {
				out = append(out, strings.SplitN(s, "&", 2)[0])
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		case map[string]any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	for _, u := range doc.Users {
		for key, raw := range u {
			var v any
			if err := json.Unmarshal(raw, &v); err != nil {
				return nil, err
			}
			if key == "recovery" {
				walk(v)
				continue
			}
			list, _ := v.([]any) // totp, webauthn, u2f, yubico
			for _, e := range list {
				if m, ok := e.(map[string]any); ok {
					walk(m["entry"])
				}
			}
		}
	}
	return out, nil
}
