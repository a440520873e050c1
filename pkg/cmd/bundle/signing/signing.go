// Package signing holds the --signing-key flags that `pxacl bundle build`
// and `pxacl bundle push` share with `pxacl serve`: bundles signed with
// OPA's own signing code, and the key OPA verifies them with.
package signing

import (
	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/bundle"
	"github.com/pxacl/pxacl/pkg/cmdutil"
	"github.com/pxacl/pxacl/publish"
	"github.com/pxacl/pxacl/server"
)

// Flags are --signing-key, --signing-alg and --signing-key-id.
type Flags struct {
	KeyFile, Alg, KeyID string
}

// Register declares the flags on cmd, with serve's names and defaults.
func (s *Flags) Register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&s.KeyFile, "signing-key", "", "sign the bundle with this key (PEM private key; HMAC secret for HS*)")
	fl.StringVar(&s.Alg, "signing-alg", "RS256", "RS256, ES256 or HS256 (any OPA signing algorithm)")
	fl.StringVar(&s.KeyID, "signing-key-id", "pxacl", "key id in the JWT and in OPA's keys config")
	cmdutil.RegisterValues(cmd, "signing-alg", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "HS256", "HS384", "HS512")
}

// Signer reads the key; nil when no --signing-key was given.
func (s *Flags) Signer() (*server.Signer, error) {
	if s.KeyFile == "" {
		return nil, nil
	}
	return server.NewSigner(s.KeyFile, s.Alg, s.KeyID)
}

// Bytes writes b, signed when signer is not nil.
func Bytes(b *bundle.Bundle, signer *server.Signer) ([]byte, error) {
	if signer == nil {
		return b.Bytes()
	}
	return signer.SignedBytes(b)
}

// VerificationKey is the key OPA needs for bundles signed by signer; nil
// for none.
func VerificationKey(signer *server.Signer) (*publish.VerificationKey, error) {
	if signer == nil {
		return nil, nil
	}
	key, err := signer.VerificationKey()
	if err != nil {
		return nil, err
	}
	return &publish.VerificationKey{KeyID: signer.KeyID, Algorithm: signer.Alg, Key: key}, nil
}
