// API tokens: pveum user token add, modify, remove and list
// (API2/User.pm). Lock order as PVE's: the user.cfg lock, then, inside
// it, the token.cfg lock (generate_token and remove_token).

package store

import (
	"maps"
	"slices"

	"github.com/pxacl/pxacl/config/pve"
	"github.com/pxacl/pxacl/internal/cfgfile"
	"github.com/pxacl/pxacl/internal/uuid"
	"github.com/pxacl/pxacl/pveid"
)

// TokenFields are the token properties of add and modify; nil is "not
// given".
type TokenFields struct {
	Comment *string
	Expire  *int64
	Privsep *bool
}

// NewToken is what AddToken returns: the secret is shown once and kept
// only in priv/token.cfg.
type NewToken struct {
	FullTokenID string    `json:"full-tokenid"`
	Info        TokenInfo `json:"info"`
	Value       string    `json:"value"`
}

// TokenInfo is a token's properties as PVE's API shows them.
type TokenInfo struct {
	Tokenid string `json:"tokenid,omitempty"`
	Comment string `json:"comment,omitempty"`
	Expire  int64  `json:"expire"`
	Privsep int    `json:"privsep"`
}

func checkTokenArgs(userid, sub string, f TokenFields) error {
	if err := checkUserid(userid); err != nil {
		return err
	}
	if !pveid.IsTokenID(userid + "!" + sub) {
		return errf("parameter 'tokenid' - invalid token ID %s", q(sub))
	}
	if f.Expire != nil && *f.Expire < 0 {
		return errf("parameter 'expire' - value must have a minimum value of 0")
	}
	return nil
}

// changeTokenCfg runs fn on the secrets under the token.cfg lock and
// writes them back. The caller holds the user.cfg lock.
func (s *Store) changeTokenCfg(fn func(secrets map[string]string)) error {
	unlock, err := s.lock(TokenLockID)
	if err != nil {
		return err
	}
	defer unlock()
	raw, err := cfgfile.ReadOptional(s.path(TokenCfg))
	if err != nil {
		return err
	}
	secrets, _ := ParseTokenCfg(raw)
	fn(secrets)
	out := WriteTokenCfg(secrets)
	if string(out) == string(raw) {
		return nil
	}
	return s.replace(TokenCfg, out, TokenCfgMode)
}

// AddToken is generate_token: the user must exist and the token not;
// privsep defaults to 1. The secret (a random UUID) is written to
// priv/token.cfg, then the token to user.cfg.
func (s *Store) AddToken(userid, sub string, f TokenFields, digest string) (*NewToken, error) {
	if err := checkTokenArgs(userid, sub, f); err != nil {
		return nil, err
	}
	full := userid + "!" + sub
	var res *NewToken
	err := s.change("generating token failed", digest, func(c *pve.Config, _ func() error) error {
		u := c.Users[userid]
		if u == nil {
			return noSuchUser(userid)
		}
		if u.Tokens[sub] != nil {
			return errf("Token already exists.")
		}
		secret, err := uuid.New()
		if err != nil {
			return err
		}
		if err := s.changeTokenCfg(func(m map[string]string) { m[full] = secret }); err != nil {
			return err
		}
		t := &pve.Token{ID: full, Sub: sub, Privsep: true}
		if f.Privsep != nil {
			t.Privsep = *f.Privsep
		}
		if f.Expire != nil {
			t.Expire = *f.Expire
		}
		setText(&t.Comment, f.Comment)
		u.Tokens[sub] = t
		res = &NewToken{FullTokenID: full, Info: tokenInfo(t), Value: secret}
		res.Info.Tokenid = ""
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func tokenInfo(t *pve.Token) TokenInfo {
	return TokenInfo{Tokenid: t.Sub, Comment: t.Comment, Expire: t.Expire, Privsep: b01(t.Privsep)}
}

// ModifyToken is update_token_info.
func (s *Store) ModifyToken(userid, sub string, f TokenFields, digest string) error {
	if err := checkTokenArgs(userid, sub, f); err != nil {
		return err
	}
	return s.change("updating token info failed", digest, func(c *pve.Config, _ func() error) error {
		u := c.Users[userid]
		if u == nil {
			return noSuchUser(userid)
		}
		t := u.Tokens[sub]
		if t == nil {
			return noSuchToken(userid + "!" + sub)
		}
		if f.Privsep != nil {
			t.Privsep = *f.Privsep
		}
		if f.Expire != nil {
			t.Expire = *f.Expire
		}
		setText(&t.Comment, f.Comment)
		return nil
	})
}

// RemoveToken is remove_token: the secret goes from priv/token.cfg, then
// the token from user.cfg. As in PVE, ACL entries naming the token are
// written on (PVE drops them when it next reads the file).
func (s *Store) RemoveToken(userid, sub, digest string) error {
	if err := checkTokenArgs(userid, sub, TokenFields{}); err != nil {
		return err
	}
	full := userid + "!" + sub
	return s.change("deleting token failed", digest, func(c *pve.Config, _ func() error) error {
		u := c.Users[userid]
		if u == nil {
			return noSuchUser(userid)
		}
		if u.Tokens[sub] == nil {
			return noSuchToken(full)
		}
		if err := s.changeTokenCfg(func(m map[string]string) { delete(m, full) }); err != nil {
			return err
		}
		delete(u.Tokens, sub)
		return nil
	})
}

// TokenList is ListTokens's answer with the digest of user.cfg.
type TokenList struct {
	Data   []TokenInfo `json:"data"`
	Digest string      `json:"digest"`
}

// ListTokens lists a user's tokens sorted by sub-id.
func ListTokens(c *pve.Config, userid string) (*TokenList, error) {
	u := c.Users[userid]
	if u == nil {
		return nil, noSuchUser(userid)
	}
	out := &TokenList{Data: []TokenInfo{}, Digest: c.Digest}
	for _, sub := range slices.Sorted(maps.Keys(u.Tokens)) {
		out.Data = append(out.Data, tokenInfo(u.Tokens[sub]))
	}
	return out, nil
}
