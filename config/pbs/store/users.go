// User operations: listing, creating, updating and removing users of
// user.cfg, with the checks of their ids and properties.

package store

import (
	"fmt"
	"strings"

	"github.com/pxacl/pxacl/authid"
	"github.com/pxacl/pxacl/config"
	"github.com/pxacl/pxacl/config/pbs"
)

// UserFields are the optional properties of user create/update; nil means
// "not given".
type UserFields struct {
	Comment, Email, Firstname, Lastname *string
	Enable                              *bool
	Expire                              *int64
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

// readUsers reads and parses user.cfg (missing = only root@pam).
func (s *Store) readUsers() (*pbs.UserConfig, error) {
	if err := s.checkDir(); err != nil {
		return nil, err
	}
	p := s.path(pbs.UserCfg)
	data, err := ReadFile(p)
	if err != nil {
		return nil, err
	}
	return pbs.ParseUserCfg(p, data)
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
		return config.NoSuchUser(a.String())
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
		return config.NoSuchUser(a.String())
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
