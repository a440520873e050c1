package server

import (
	"gopkg.in/yaml.v3"
)

// OPAConfigOptions describe the sidecar config OPAConfig writes.
type OPAConfigOptions struct {
	URL             string // e.g. http://127.0.0.1:8282
	BundleName      string // file name under /bundles/
	Token           string // bearer token, if downloads need one
	CACert          string // CA certificate file for an https URL
	MinDelay        int    // polling.min_delay_seconds
	MaxDelay        int    // polling.max_delay_seconds
	LongPollTimeout int    // polling.long_polling_timeout_seconds
	Signer          *Signer
}

// OPAConfig returns a ready OPA configuration (YAML) for a sidecar that
// pulls the bundle as "pxacl" from this server.
func OPAConfig(o OPAConfigOptions) ([]byte, error) {
	if o.BundleName == "" {
		o.BundleName = "pxacl.tar.gz"
	}
	svc := map[string]any{"url": o.URL}
	if o.Token != "" {
		svc["credentials"] = map[string]any{"bearer": map[string]any{"token": o.Token}}
	}
	if o.CACert != "" {
		svc["tls"] = map[string]any{"ca_cert": o.CACert}
	}
	polling := map[string]any{"min_delay_seconds": o.MinDelay, "max_delay_seconds": o.MaxDelay}
	if o.LongPollTimeout > 0 {
		polling["long_polling_timeout_seconds"] = o.LongPollTimeout
	}
	b := map[string]any{
		"service":  "pxacl",
		"resource": "bundles/" + o.BundleName,
		"polling":  polling,
	}
	cfg := map[string]any{
		"services": map[string]any{"pxacl": svc},
		"bundles":  map[string]any{"pxacl": b},
	}
	if o.Signer != nil {
		key, err := o.Signer.VerificationKey()
		if err != nil {
			return nil, err
		}
		b["signing"] = map[string]any{"keyid": o.Signer.KeyID}
		cfg["keys"] = map[string]any{o.Signer.KeyID: map[string]any{"algorithm": o.Signer.Alg, "key": key}}
	}
	return yaml.Marshal(cfg)
}
