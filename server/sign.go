package server

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"strings"

	opabundle "github.com/open-policy-agent/opa/v1/bundle"

	"github.com/pxacl/pxacl/bundle"
)

// Signer signs bundles with OPA's own signing code, so .signatures.json
// lists exactly the files OPA hashes when it verifies (https://www.openpolicyagent.org/docs/management-bundles#signing).
type Signer struct {
	Alg   string // RS256, ES256, HS256 (any alg OPA supports)
	KeyID string
	key   string // PEM private key, or the HMAC secret
}

// NewSigner reads the key file. keyID names the key in OPA's keys config
// (default "pxacl").
func NewSigner(keyFile, alg, keyID string) (*Signer, error) {
	raw, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	if alg == "" {
		alg = "RS256"
	}
	if keyID == "" {
		keyID = "pxacl"
	}
	s := &Signer{Alg: strings.ToUpper(alg), KeyID: keyID, key: string(raw)}
	if strings.HasPrefix(s.Alg, "HS") {
		s.key = strings.TrimRight(s.key, "\r\n")
		if s.key == "" {
			return nil, fmt.Errorf("signing key %s: empty secret", keyFile)
		}
	}
	// fail early on a bad key or algorithm
	if _, err := opabundle.NewSigningConfig(s.key, s.Alg, "").GetPrivateKey(); err != nil {
		return nil, fmt.Errorf("signing key %s (%s): %w", keyFile, s.Alg, err)
	}
	return s, nil
}

// SignedBytes writes b with a /.signatures.json.
func (s *Signer) SignedBytes(b *bundle.Bundle) ([]byte, error) {
	raw, err := b.Bytes()
	if err != nil {
		return nil, err
	}
	ob, err := opabundle.NewReader(bytes.NewReader(raw)).Read()
	if err != nil {
		return nil, fmt.Errorf("signing: %w", err)
	}
	if err := ob.GenerateSignature(opabundle.NewSigningConfig(s.key, s.Alg, ""), s.KeyID, false); err != nil {
		return nil, fmt.Errorf("signing: %w", err)
	}
	var out bytes.Buffer
	if err := opabundle.NewWriter(&out).DisableFormat(true).Write(ob); err != nil {
		return nil, fmt.Errorf("signing: %w", err)
	}
	return out.Bytes(), nil
}

// VerificationKey is the key OPA needs in its keys config: the PEM public
// key, or the HMAC secret itself.
func (s *Signer) VerificationKey() (string, error) {
	if strings.HasPrefix(s.Alg, "HS") {
		return s.key, nil
	}
	k, err := opabundle.NewSigningConfig(s.key, s.Alg, "").GetPrivateKey()
	if err != nil {
		return "", err
	}
	signer, ok := k.(crypto.Signer)
	if !ok {
		return "", fmt.Errorf("signing key: %T has no public key", k)
	}
	der, err := x509.MarshalPKIXPublicKey(signer.Public())
	if err != nil {
		return "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})), nil
}
