package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/pxacl/pxacl/authid"
	"github.com/pxacl/pxacl/config/pbs"
	"github.com/pxacl/pxacl/internal/safetext"
	"github.com/pxacl/pxacl/internal/shacrypt"
	"github.com/pxacl/pxacl/internal/uuid"
)

// Secret files (§5.2, §5.3).
const (
	TokenShadow = "token.shadow"
	ShadowJSON  = "shadow.json"
)

// ParseBool parses a command's boolean parameter (pbs.ParseBool).
func ParseBool(name, v string) (bool, error) {
	b, ok := pbs.ParseBool(v)
	if !ok {
		return false, fmt.Errorf("parameter %s - invalid boolean %s", safetext.Quote(name), safetext.Quote(v))
	}
	return b, nil
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
// shadow.json. Write order: user.cfg, then shadow.json; a failure between
// them leaves a user without a password, who cannot log in.
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
// (comment, firstname, lastname, email). Write order as PBS: shadow.json
// (the new password), then user.cfg.
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
// stay (§4.5). root@pam cannot be removed.
//
// Locks are taken in PBS's order (user, tfa, acl, then token.shadow and
// shadow.json) and every file is read and checked before the first write,
// so a malformed file stops the removal with nothing changed (PBS would
// remove the user and only log a tfa.json error).
//
// The writes are ordered so that any prefix of them is safe: a failure or
// a kill between two writes never leaves a grant or a secret behind an
// identity that is gone (a user or token created again under the same
// name would inherit it), and never weakens the login of a user that is
// still there.
//
//  1. user.cfg: the user is disabled (enable false) unless it already is;
//     a disabled user's tokens are inactive too (§4.2), so from here on
//     nothing of the user can authenticate;
//  2. acl.cfg: the ACL entries of its tokens (the grants);
//  3. token.shadow: the secrets of its tokens;
//  4. shadow.json: its password;
//  5. tfa.json and the challenge data: its second factors, only now that
//     the user is disabled;
//  6. user.cfg: the user and token sections, last: until this write
//     succeeds the names stay taken, so create and generate-token refuse
//     them, and a retried removal finishes the job.
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
	u := c.User(a.String())
	if u == nil {
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
	acl, unlockACL, err := s.lockACL()
	if err != nil {
		return err
	}
	defer unlockACL()
	secrets, unlockSecrets, err := s.lockSecrets(TokenShadow)
	if err != nil {
		return err
	}
	defer unlockSecrets()
	var passwords map[string]string
	if a.Realm == "pbs" {
		var unlockPW func()
		if passwords, unlockPW, err = s.lockSecrets(ShadowJSON); err != nil {
			return err
		}
		defer unlockPW()
	}

	if u.Enable == nil || *u.Enable { // 1
		no := false
		u.Enable = &no
		if err := s.writeUsers(c); err != nil {
			return err
		}
	}
	if len(tokens) > 0 { // 2
		for _, t := range tokens {
			acl.DeleteAuthid(t)
		}
		if err := s.writeACL(acl); err != nil {
			return err
		}
	}
	if deleteKeys(secrets, tokens) { // 3
		if err := s.writeSecrets(TokenShadow, secrets); err != nil {
			return err
		}
	}
	if deleteKeys(passwords, []string{a.Name}) { // 4
		if err := s.writeSecrets(ShadowJSON, passwords); err != nil {
			return err
		}
	}
	if err := s.removeUserTFA(tfaFile, a.String()); err != nil { // 5
		return err
	}
	c.RemoveUser(a.String()) // 6
	for _, t := range tokens {
		c.RemoveToken(t)
	}
	return s.writeUsers(c)
}

// deleteKeys deletes keys from m and reports whether any was there.
func deleteKeys(m map[string]string, keys []string) bool {
	changed := false
	for _, k := range keys {
		if _, ok := m[k]; ok {
			delete(m, k)
			changed = true
		}
	}
	return changed
}

// lockACL takes the acl.cfg lock and reads acl.cfg; the caller must call
// unlock.
func (s *Store) lockACL() (*pbs.ACLTree, func(), error) {
	unlock, err := s.lock(ACLLock)
	if err != nil {
		return nil, nil, err
	}
	tree, err := s.readACL()
	if err != nil {
		unlock()
		return nil, nil, err
	}
	return tree, unlock, nil
}

// writeACL replaces acl.cfg (mode 0640).
func (s *Store) writeACL(tree *pbs.ACLTree) error {
	return ReplaceFile(s.path(pbs.ACLCfg), tree.Write(), ConfigMode)
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
		return fmt.Errorf("token '%s' of user '%s' does not exist.", name, a) // PBS wording (staticcheck.conf)
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

// secretFiles are the lock, mode and JSON layout of each secret file
// (§5.2, §5.3).
var secretFiles = map[string]struct {
	lock   string
	mode   os.FileMode
	pretty bool
}{
	TokenShadow: {TokenShadowLock, TokenShadowMode, false},
	ShadowJSON:  {ShadowLock, ShadowMode, true},
}

// lockSecrets takes the lock of a secret file and reads it; the caller
// must call unlock.
func (s *Store) lockSecrets(name string) (map[string]string, func(), error) {
	unlock, err := s.lock(secretFiles[name].lock)
	if err != nil {
		return nil, nil, err
	}
	m, err := s.readSecrets(name)
	if err != nil {
		unlock()
		return nil, nil, err
	}
	return m, unlock, nil
}

// writeSecrets replaces a secret file; the caller holds its lock.
func (s *Store) writeSecrets(name string, m map[string]string) error {
	f := secretFiles[name]
	data, err := marshalSecrets(m, f.pretty)
	if err != nil {
		return err
	}
	return ReplaceFile(s.path(name), data, f.mode)
}

// updateSecrets changes one secret file under its lock; fn reports
// whether it changed m.
func (s *Store) updateSecrets(name string, fn func(map[string]string) bool) error {
	m, unlock, err := s.lockSecrets(name)
	if err != nil {
		return err
	}
	defer unlock()
	if !fn(m) {
		return nil
	}
	return s.writeSecrets(name, m)
}

func (s *Store) setSecret(tokenid, secret string) error {
	hash, err := shacrypt.Hash(secret)
	if err != nil {
		return err
	}
	return s.updateSecrets(TokenShadow, func(m map[string]string) bool {
		m[tokenid] = hash
		return true
	})
}

func (s *Store) setPassword(name, password string) error {
	hash, err := shacrypt.Hash(password)
	if err != nil {
		return err
	}
	return s.updateSecrets(ShadowJSON, func(m map[string]string) bool {
		m[name] = hash
		return true
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
