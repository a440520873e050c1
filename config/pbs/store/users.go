package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/pxacl/pxacl/authid"
	"github.com/pxacl/pxacl/config/pbs"
	"github.com/pxacl/pxacl/internal/shacrypt"
	"github.com/pxacl/pxacl/internal/uuid"
)

// Secret files (§5.2, §5.3).
const (
	TokenShadow = "token.shadow"
	ShadowJSON  = "shadow.json"
)

// ParseBool parses a PBS boolean (1/0/on/off/yes/no/true/false).
func ParseBool(name, v string) (bool, error) {
	switch strings.ToLower(v) {
	case "1", "on", "yes", "true":
		return true, nil
	case "0", "off", "no", "false":
		return false, nil
	}
	return false, fmt.Errorf("parameter '%s' - invalid boolean '%s'", name, v)
}

// UserFields are the optional properties of user create/update; nil means
// "not given".
type UserFields struct {
	Comment, Email, Firstname, Lastname *string
	Enable                              *bool
	Expire                              *int64
}

// TokenFields are the optional properties of generate-token.
type TokenFields struct {
	Comment *string
	Enable  *bool
	Expire  *int64
}

func checkText(name string, v *string, minLen, maxLen int, allowEmpty bool) error {
	if v == nil {
		return nil
	}
	for _, r := range *v {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("parameter '%s' - value contains control characters", name)
		}
	}
	n := utf8.RuneCountInString(*v)
	if n == 0 && allowEmpty {
		return nil
	}
	if n < minLen || n > maxLen {
		return fmt.Errorf("parameter '%s' - value must be %d..%d characters long", name, minLen, maxLen)
	}
	return nil
}

func (f UserFields) check(update bool) error {
	if err := checkText("comment", f.Comment, 0, 128, true); err != nil {
		return err
	}
	for _, p := range []struct {
		name string
		v    *string
	}{{"email", f.Email}, {"firstname", f.Firstname}, {"lastname", f.Lastname}} {
		if err := checkText(p.name, p.v, 2, 64, update); err != nil {
			return err
		}
	}
	if f.Expire != nil && *f.Expire < 0 {
		return fmt.Errorf("parameter 'expire' - value must be >= 0")
	}
	return nil
}

func checkPassword(pw *string) error {
	if pw == nil {
		return nil
	}
	if err := checkText("password", pw, 8, 64, false); err != nil {
		return fmt.Errorf("parameter 'password' - the password must be 8..64 characters without control characters")
	}
	return nil
}

func parseUserid(s string) (authid.Authid, error) {
	a, err := authid.ValidateSchema(s, false)
	if err != nil {
		return a, fmt.Errorf("parameter 'userid' - %v", err)
	}
	return a, nil
}

// checkRealm is lookup_authenticator: pam and pbs are built in, any other
// realm must be in domains.cfg.
func (s *Store) checkRealm(realm string) error {
	if realm == "pam" || realm == "pbs" {
		return nil
	}
	p := s.path(pbs.DomainsCfg)
	data, err := ReadFile(p)
	if err != nil {
		return err
	}
	d, err := pbs.ParseDomainsCfg(p, data)
	if err != nil {
		return err
	}
	for _, r := range d.Realms {
		if r.Realm == realm {
			return nil
		}
	}
	return fmt.Errorf("unknown realm '%s'", realm)
}

func (s *Store) writeUsers(c *pbs.UserConfig) error {
	return ReplaceFile(s.path(pbs.UserCfg), c.Write(), ConfigMode)
}

// UserItem is one user of `user list` (absent values omitted).
type UserItem struct {
	Userid    string `json:"userid"`
	Comment   string `json:"comment,omitempty"`
	Enable    *bool  `json:"enable,omitempty"`
	Expire    *int64 `json:"expire,omitempty"`
	Firstname string `json:"firstname,omitempty"`
	Lastname  string `json:"lastname,omitempty"`
	Email     string `json:"email,omitempty"`
}

// UserList is `user list` output.
type UserList struct {
	Data   []UserItem `json:"data"`
	Digest string     `json:"digest"`
}

// ListUsers returns the users of user.cfg sorted by userid.
func (s *Store) ListUsers() (*UserList, error) {
	c, err := s.readUsers()
	if err != nil {
		return nil, err
	}
	out := &UserList{Data: []UserItem{}, Digest: c.Digest}
	for _, u := range c.Users {
		out.Data = append(out.Data, UserItem{u.Userid, u.Comment, u.Enable, u.Expire, u.Firstname, u.Lastname, u.Email})
	}
	sortBy(out.Data, func(u UserItem) string { return u.Userid })
	return out, nil
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
		return nil, fmt.Errorf("no such user '%s'", a)
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

// CreateUser is create_user: the values are stored exactly as given; the
// realm must exist; a password (pbs realm only) goes hashed into
// shadow.json.
func (s *Store) CreateUser(userid string, f UserFields, password *string) error {
	a, err := checkUserInput(userid, f, false, password)
	if err != nil {
		return err
	}
	c, unlock, err := s.lockUsers("") // create takes no digest
	if err != nil {
		return err
	}
	defer unlock()
	if c.User(a.String()) != nil || c.Token(a.String()) != nil {
		return fmt.Errorf("user '%s' already exists.", a) // PBS wording (staticcheck.conf)
	}
	if err := s.checkRealm(a.Realm); err != nil {
		return err
	}
	u := &pbs.User{Userid: a.String(), Enable: f.Enable, Expire: f.Expire}
	if f.Comment != nil {
		u.Comment = *f.Comment
		if u.Comment == "" {
			u.KeepEmptyComment()
		}
	}
	u.Email, u.Firstname, u.Lastname = deref(f.Email), deref(f.Firstname), deref(f.Lastname)
	c.Users = append(c.Users, u)
	if err := s.writeUsers(c); err != nil {
		return err
	}
	if password != nil {
		return s.setPassword(a.Name, *password)
	}
	return nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// UpdateUser is update_user with PBS's normalisation: enable=true stores
// absent, enable=false stores false, expire=0 absent, empty strings
// absent, the comment is trimmed; del names properties to delete
// (comment, firstname, lastname, email).
func (s *Store) UpdateUser(userid string, f UserFields, del []string, password *string, digest string) error {
	a, err := checkUserInput(userid, f, true, password)
	if err != nil {
		return err
	}
	for _, d := range del {
		switch d {
		case "comment", "firstname", "lastname", "email":
		default:
			return fmt.Errorf("parameter 'delete' - unknown property '%s'", d)
		}
	}
	c, unlock, err := s.lockUsers(digest)
	if err != nil {
		return err
	}
	defer unlock()
	u := c.User(a.String())
	if u == nil {
		return fmt.Errorf("no such user '%s'", a)
	}
	for _, d := range del {
		switch d {
		case "comment":
			u.Comment = ""
			u.ForgetEmpty()
		case "firstname":
			u.Firstname = ""
		case "lastname":
			u.Lastname = ""
		case "email":
			u.Email = ""
		}
	}
	if f.Comment != nil {
		u.Comment = strings.TrimSpace(*f.Comment)
		u.ForgetEmpty()
	}
	if f.Enable != nil {
		u.Enable = nil
		if !*f.Enable {
			no := false
			u.Enable = &no
		}
	}
	if f.Expire != nil {
		u.Expire = nil
		if *f.Expire > 0 {
			e := *f.Expire
			u.Expire = &e
		}
	}
	if f.Firstname != nil {
		u.Firstname = *f.Firstname
	}
	if f.Lastname != nil {
		u.Lastname = *f.Lastname
	}
	if f.Email != nil {
		u.Email = *f.Email
	}
	if password != nil {
		if err := s.setPassword(a.Name, *password); err != nil {
			return err
		}
	}
	return s.writeUsers(c)
}

// RemoveUser is delete_user (PBS ≥ 3.4): the user section goes, and so do
// its tokens, their ACL entries and secrets, its pbs-realm password, its
// tfa.json entry and its TFA challenge data. The user's own ACL entries
// stay (§4.5). root@pam cannot be removed. Lock order as PBS: user, tfa,
// acl (then token.shadow, shadow.json). tfa.json is read before anything
// is written, so a malformed one stops the removal with nothing changed
// (PBS would remove the user and only log the tfa.json error).
func (s *Store) RemoveUser(userid, digest string) error {
	a, err := parseUserid(userid)
	if err != nil {
		return err
	}
	if a.IsSuperuser() {
		return fmt.Errorf("the superuser root@pam cannot be removed")
	}
	c, unlock, err := s.lockUsers(digest)
	if err != nil {
		return err
	}
	defer unlock()
	if !c.RemoveUser(a.String()) {
		return fmt.Errorf("user '%s' does not exist.", a) // PBS wording (staticcheck.conf)
	}
	tfaFile, unlockTFA, err := s.lockTFA()
	if err != nil {
		return err
	}
	defer unlockTFA()
	var tokens []string
	for _, t := range c.Tokens {
		if ta, err := authid.Parse(t.Tokenid); err == nil && ta.User() == a.String() {
			tokens = append(tokens, t.Tokenid)
		}
	}
	for _, t := range tokens {
		c.RemoveToken(t)
	}
	if err := s.writeUsers(c); err != nil {
		return err
	}
	if err := s.removeUserTFA(tfaFile, a.String()); err != nil {
		return err
	}
	if len(tokens) > 0 {
		if err := s.deleteTokenACLs(tokens, true); err != nil {
			return err
		}
		if err := s.deleteSecrets(tokens); err != nil {
			return err
		}
	}
	if a.Realm == "pbs" {
		return s.removePassword(a.Name)
	}
	return nil
}

// deleteTokenACLs removes every ACL entry of the given auth ids.
func (s *Store) deleteTokenACLs(ids []string, lock bool) error {
	if lock {
		unlock, err := s.lock(ACLLock)
		if err != nil {
			return err
		}
		defer unlock()
	}
	tree, err := s.readACL()
	if err != nil {
		return err
	}
	for _, id := range ids {
		tree.DeleteAuthid(id)
	}
	return ReplaceFile(s.path(pbs.ACLCfg), tree.Write(), ConfigMode)
}

// TokenSecret is generate-token's result, printed once.
type TokenSecret struct {
	Tokenid string `json:"tokenid"`
	Value   string `json:"value"`
}

// GenerateToken is generate_token: the token section stores the values as
// given; the secret is a random UUID whose SHA-256-crypt hash alone goes
// into token.shadow (mode 0640).
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
		return nil, fmt.Errorf("no such user '%s'", a)
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

// DeleteToken is delete_token (PBS ≥ 3.4): lock order acl, user; the
// token section, its secret and its ACL entries are removed.
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
	unlockACL, err := s.lock(ACLLock)
	if err != nil {
		return err
	}
	defer unlockACL()
	c, unlock, err := s.lockUsers(digest)
	if err != nil {
		return err
	}
	defer unlock()
	if !c.RemoveToken(tokenid) {
		return fmt.Errorf("token '%s' of user '%s' does not exist.", name, a) // PBS wording (staticcheck.conf)
	}
	if err := s.deleteSecrets([]string{tokenid}); err != nil {
		return err
	}
	if err := s.writeUsers(c); err != nil {
		return err
	}
	return s.deleteTokenACLs([]string{tokenid}, false)
}

// readSecrets reads a JSON object of name -> hash; errors never show the
// content.
func (s *Store) readSecrets(name string) (map[string]string, error) {
	data, err := ReadFile(s.path(name))
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	if len(bytes.TrimSpace(data)) == 0 {
		return m, nil
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("unable to parse %s (content not shown)", s.path(name))
	}
	return m, nil
}

func marshalSecrets(m map[string]string, pretty bool) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if pretty {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// updateSecrets changes one secret file under its lock.
func (s *Store) updateSecrets(name, lock string, mode uint32, pretty bool, fn func(map[string]string) bool) error {
	unlock, err := s.lock(lock)
	if err != nil {
		return err
	}
	defer unlock()
	m, err := s.readSecrets(name)
	if err != nil {
		return err
	}
	if !fn(m) {
		return nil
	}
	data, err := marshalSecrets(m, pretty)
	if err != nil {
		return err
	}
	return ReplaceFile(s.path(name), data, fileMode(mode))
}

func (s *Store) setSecret(tokenid, secret string) error {
	hash, err := shacrypt.Hash(secret)
	if err != nil {
		return err
	}
	return s.updateSecrets(TokenShadow, TokenShadowLock, TokenShadowMode, false, func(m map[string]string) bool {
		m[tokenid] = hash
		return true
	})
}

func (s *Store) deleteSecrets(tokenids []string) error {
	return s.updateSecrets(TokenShadow, TokenShadowLock, TokenShadowMode, false, func(m map[string]string) bool {
		changed := false
		for _, id := range tokenids {
			if _, ok := m[id]; ok {
				delete(m, id)
				changed = true
			}
		}
		return changed
	})
}

func (s *Store) setPassword(name, password string) error {
	hash, err := shacrypt.Hash(password)
	if err != nil {
		return err
	}
	return s.updateSecrets(ShadowJSON, ShadowLock, ShadowMode, true, func(m map[string]string) bool {
		m[name] = hash
		return true
	})
}

func (s *Store) removePassword(name string) error {
	return s.updateSecrets(ShadowJSON, ShadowLock, ShadowMode, true, func(m map[string]string) bool {
		_, ok := m[name]
		delete(m, name)
		return ok
	})
}

// lockUsers takes the user.cfg lock, reads user.cfg and checks the digest
// (when given) against it. The caller must call unlock.
func (s *Store) lockUsers(digest string) (c *pbs.UserConfig, unlock func(), err error) {
	if err := ValidateDigest(digest); err != nil { // a bad parameter fails before the lock
		return nil, nil, err
	}
	unlock, err = s.lock(UserLock)
	if err != nil {
		return nil, nil, err
	}
	c, err = s.readUsers()
	if err == nil {
		err = CheckDigest(digest, c.Digest)
	}
	if err != nil {
		unlock()
		return nil, nil, err
	}
	return c, unlock, nil
}

// checkUserInput validates the arguments of create and update: the user
// id, the fields (update normalises), and a password, which only the pbs
// realm can store.
func checkUserInput(userid string, f UserFields, update bool, password *string) (authid.Authid, error) {
	a, err := parseUserid(userid)
	if err != nil {
		return a, err
	}
	if err := f.check(update); err != nil {
		return a, err
	}
	if err := checkPassword(password); err != nil {
		return a, err
	}
	if password != nil && a.Realm != "pbs" {
		return a, fmt.Errorf("pxacl can set passwords only for the pbs realm, not '%s'", a.Realm)
	}
	return a, nil
}
