// Token operations: listing, generating and deleting API tokens.

package store

import (
	"fmt"

	"github.com/pxacl/pxacl/authid"
	"github.com/pxacl/pxacl/config"
	"github.com/pxacl/pxacl/config/pbs"
	"github.com/pxacl/pxacl/internal/uuid"
)

// TokenFields are the optional properties of generate-token.
type TokenFields struct {
	Comment *string
	Enable  *bool
	Expire  *int64
}

// TokenItem is one token of `user list-tokens`.
type TokenItem struct {
	Tokenid string `json:"tokenid"`
	Comment string `json:"comment,omitempty"`
	Enable  *bool  `json:"enable,omitempty"`
	Expire  *int64 `json:"expire,omitempty"`
}

// TokenList is `user list-tokens` output.
type TokenList struct {
	Data   []TokenItem `json:"data"`
	Digest string      `json:"digest"`
}

// ListTokens returns the tokens of userid sorted by tokenid.
func (s *Store) ListTokens(userid string) (*TokenList, error) {
	a, err := parseUserid(userid)
	if err != nil {
		return nil, err
	}
	c, err := s.readUsers()
	if err != nil {
		return nil, err
	}
	if c.User(a.String()) == nil {
		return nil, config.NoSuchUser(a.String())
	}
	out := &TokenList{Data: []TokenItem{}, Digest: c.Digest}
	for _, t := range c.Tokens {
		if ta, err := authid.Parse(t.Tokenid); err == nil && ta.User() == a.String() {
			out.Data = append(out.Data, TokenItem{t.Tokenid, t.Comment, t.Enable, t.Expire})
		}
	}
	sortBy(out.Data, func(t TokenItem) string { return t.Tokenid })
	return out, nil
}

// TokenSecret is generate-token's result, printed once.
type TokenSecret struct {
	Tokenid string `json:"tokenid"`
	Value   string `json:"value"`
}

// GenerateToken is generate_token: the token section stores the values as
// given; the secret is a random UUID whose SHA-256-crypt hash alone goes
// into token.shadow (mode 0640). Write order: token.shadow, then user.cfg;
// a failure between them leaves a secret for a token that does not exist,
// which authenticates nothing and is overwritten when the token is
// generated again.
func (s *Store) GenerateToken(userid, name string, f TokenFields, digest string) (*TokenSecret, error) {
	a, err := parseUserid(userid)
	if err != nil {
		return nil, err
	}
	if !authid.IsSafeID(name) {
		return nil, fmt.Errorf("parameter 'token-name' - invalid token name '%s'", name)
	}
	tokenid := a.String() + "!" + name
	if _, err := authid.ValidateSchema(tokenid, true); err != nil {
		return nil, fmt.Errorf("parameter 'token-name' - %v", err)
	}
	if err := checkText("comment", f.Comment, 0, 128, true); err != nil {
		return nil, err
	}
	if f.Expire != nil && *f.Expire < 0 {
		return nil, fmt.Errorf("parameter 'expire' - value must be >= 0")
	}
	c, unlock, err := s.lockUsers(digest)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if c.User(a.String()) == nil {
		return nil, config.NoSuchUser(a.String())
	}
	if c.Token(tokenid) != nil {
		return nil, fmt.Errorf("token '%s' for user '%s' already exists.", name, a) // PBS wording (staticcheck.conf)
	}
	secret, err := uuid.New()
	if err != nil {
		return nil, err
	}
	if err := s.setSecret(tokenid, secret); err != nil {
		return nil, err
	}
	t := &pbs.Token{Tokenid: tokenid, Enable: f.Enable, Expire: f.Expire}
	if f.Comment != nil {
		t.Comment = *f.Comment
		if t.Comment == "" {
			t.KeepEmptyComment()
		}
	}
	c.Tokens = append(c.Tokens, t)
	if err := s.writeUsers(c); err != nil {
		return nil, err
	}
	return &TokenSecret{Tokenid: tokenid, Value: secret}, nil
}

// DeleteToken is delete_token (PBS ≥ 3.4): lock order acl, user (then
// token.shadow); the token section, its secret and its ACL entries are
// removed. Every file is read before the first write, and the writes are
// ordered so that any prefix is safe (see RemoveUser): acl.cfg (the
// grants), token.shadow (the secret), and user.cfg (the identity) last,
// so a token of the same name can only be generated again once nothing of
// the old one is left.
func (s *Store) DeleteToken(userid, name, digest string) error {
	a, err := parseUserid(userid)
	if err != nil {
		return err
	}
	if !authid.IsSafeID(name) {
		return fmt.Errorf("parameter 'token-name' - invalid token name '%s'", name)
	}
	if err := ValidateDigest(digest); err != nil {
		return err
	}
	tokenid := a.String() + "!" + name
	acl, unlockACL, err := s.lockACL()
	if err != nil {
		return err
	}
	defer unlockACL()
	c, unlock, err := s.lockUsers(digest)
	if err != nil {
		return err
	}
	defer unlock()
	if c.Token(tokenid) == nil {
		return config.NoSuchToken(tokenid)
	}
	secrets, unlockSecrets, err := s.lockSecrets(TokenShadow)
	if err != nil {
		return err
	}
	defer unlockSecrets()
	acl.DeleteAuthid(tokenid)
	if err := s.writeACL(acl); err != nil {
		return err
	}
	if deleteKeys(secrets, []string{tokenid}) {
		if err := s.writeSecrets(TokenShadow, secrets); err != nil {
			return err
		}
	}
	c.RemoveToken(tokenid)
	return s.writeUsers(c)
}
