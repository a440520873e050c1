package server

import (
	"errors"

	"gopkg.in/yaml.v3"
)

// OPAConfigOptions describe the sidecar config OPAConfig writes.
type OPAConfigOptions struct {
	URL        string // e.g. http://127.0.0.1:8282
	BundleName string // file name under /bundles/
	// The bearer token, if downloads need one, in one of three ways:
	Token     string // the token itself (only when it was given literally)
	TokenFile string // a file OPA reads the token from (token_path)
	TokenEnv  string // an environment variable OPA substitutes (${VAR})
	// ClientCert and ClientKey are the client certificate OPA presents
	// (credentials.client_tls), when the server requires one.
	ClientCert, ClientKey string
	CACert                string // CA certificate file for an https URL
	MinDelay              int    // polling.min_delay_seconds
	MaxDelay              int    // polling.max_delay_seconds
	LongPollTimeout       int    // polling.long_polling_timeout_seconds
	Signer                *Signer
	// DeltaUnsigned: the server sends unsigned delta bundles for the
	// signed bundle (signing.allow_unsigned_delta_bundles).
	DeltaUnsigned bool
}

// OPAConfig returns a ready OPA configuration (YAML) for a sidecar that
// pulls the bundle as "pxacl" from this server. The bearer token is
// written only when it was given literally (Token); a token file becomes
// token_path and an environment variable ${VAR}, which OPA substitutes in
// its configuration.
func OPAConfig(o OPAConfigOptions) ([]byte, error) {
	if o.BundleName == "" {
		o.BundleName = "pxacl.tar.gz"
	}
	svc := map[string]any{"url": o.URL}
	bearer := map[string]any{}
	switch {
	case o.TokenFile != "":
		bearer["token_path"] = o.TokenFile
	case o.TokenEnv != "":
		bearer["token"] = "${" + o.TokenEnv + "}"
	case o.Token != "":
		bearer["token"] = o.Token
	}
	clientTLS := o.ClientCert != "" || o.ClientKey != ""
	if clientTLS && (o.ClientCert == "" || o.ClientKey == "") {
		return nil, errors.New("the client certificate and its key go together")
	}
	switch {
	case len(bearer) > 0 && clientTLS:
		// OPA takes one credentials method per service
		return nil, errors.New("OPA sends one kind of credentials per service: a bearer token or a client certificate, not both")
	case len(bearer) > 0:
		svc["credentials"] = map[string]any{"bearer": bearer}
	case clientTLS:
		svc["credentials"] = map[string]any{"client_tls": map[string]any{"cert": o.ClientCert, "private_key": o.ClientKey}}
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
		sig := map[string]any{"keyid": o.Signer.KeyID}
		if o.DeltaUnsigned {
			sig["allow_unsigned_delta_bundles"] = true
		}
		b["signing"] = sig
		cfg["keys"] = map[string]any{o.Signer.KeyID: map[string]any{"algorithm": o.Signer.Alg, "key": key}}
	}
	return yaml.Marshal(cfg)
}
