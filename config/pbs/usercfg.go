package pbs

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"slices"
	"strconv"

	"github.com/pxacl/pxacl/authid"
	"github.com/pxacl/pxacl/internal/safetext"
)

// Section types of user.cfg (§5.1).
const (
	TypeUser  = "user"
	TypeToken = "token"
)

// emptyProps records string properties that were present with an empty
// value ("\tcomment \n"), so Write can reproduce them byte for byte.
type emptyProps uint8

const (
	emptyComment emptyProps = 1 << iota // comment is the only string that may be empty
)

// ParseUserCfg parses user.cfg (§5.1): "user:" sections (id checked with
// the Userid schema) and "token:" sections (id checked with the token id
// schema); unknown section types and keys are errors, values are checked
// against their schemas. root@pam (comment "Superuser") is appended when
// missing, as PBS's config() does. Errors are *ParseError.
func ParseUserCfg(file string, data []byte) (*UserConfig, error) {
	sections, err := ParseSections(file, data)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	c := &UserConfig{Digest: hex.EncodeToString(sum[:]), order: make([]string, 0, len(sections)+1)}
	for _, s := range sections {
		switch s.Type {
		case TypeUser:
			u, err := parseUserSection(file, s)
			if err != nil {
				return nil, err
			}
			c.Users = append(c.Users, u)
		case TypeToken:
			t, err := parseTokenSection(file, s)
			if err != nil {
				return nil, err
			}
			c.Tokens = append(c.Tokens, t)
		default:
			return nil, errorf(file, s.Line, s.Type, "unknown section type %s", safetext.Quote(s.Type))
		}
		c.order = append(c.order, s.ID)
	}
	if c.User("root@pam") == nil {
		c.Users = append(c.Users, &User{Userid: "root@pam", Comment: "Superuser"})
		c.order = append(c.order, "root@pam")
		c.Reindex()
	}
	return c, nil
}

func parseUserSection(file string, s *Section) (*User, error) {
	if _, err := authid.ValidateSchema(s.ID, false); err != nil {
		return nil, errorf(file, s.Line, s.ID, "invalid user id %s: %v", safetext.Quote(s.ID), err)
	}
	u := &User{Userid: s.ID, Line: s.Line}
	for _, p := range s.Props {
		known, err := accountProp(p, "userid", &u.Comment, &u.empty, &u.Enable, &u.Expire)
		switch {
		case known:
		case p.Key == "firstname":
			u.Firstname, err = p.Value, checkLen(p.Key, p.Value, 2, 64)
		case p.Key == "lastname":
			u.Lastname, err = p.Value, checkLen(p.Key, p.Value, 2, 64)
		case p.Key == "email":
			u.Email, err = p.Value, checkLen(p.Key, p.Value, 2, 64)
		default:
			return nil, errorf(file, p.Line, p.Key, "unknown property %s in user section %s", safetext.Quote(p.Key), safetext.Quote(s.ID))
		}
		if err != nil {
			return nil, errorf(file, p.Line, p.Value, "%v", err)
		}
	}
	return u, nil
}

func parseTokenSection(file string, s *Section) (*Token, error) {
	if _, err := authid.ValidateSchema(s.ID, true); err != nil {
		return nil, errorf(file, s.Line, s.ID, "invalid token id %s: %v", safetext.Quote(s.ID), err)
	}
	t := &Token{Tokenid: s.ID, Line: s.Line}
	for _, p := range s.Props {
		known, err := accountProp(p, "tokenid", &t.Comment, &t.empty, &t.Enable, &t.Expire)
		if !known {
			return nil, errorf(file, p.Line, p.Key, "unknown property %s in token section %s", safetext.Quote(p.Key), safetext.Quote(s.ID))
		}
		if err != nil {
			return nil, errorf(file, p.Line, p.Value, "%v", err)
		}
	}
	return t, nil
}

// accountProp parses a property users and tokens share (§5.1): the id
// property idKey (checked, then replaced by the header id), comment, enable
// and expire. known is false for any other key.
func accountProp(p Prop, idKey string, comment *string, empty *emptyProps, enable **bool, expire **int64) (known bool, err error) {
	switch p.Key {
	case idKey:
		_, err = authid.ValidateSchema(p.Value, idKey == "tokenid")
	case "comment":
		*comment, err = p.Value, checkLen(p.Key, p.Value, 0, 128)
		*empty = setEmpty(*empty, emptyComment, p.Value)
	case "enable":
		*enable, err = boolPtr(p.Key, p.Value)
	case "expire":
		*expire, err = expirePtr(p.Key, p.Value)
	default:
		return false, nil
	}
	return true, err
}

func setEmpty(e, bit emptyProps, v string) emptyProps {
	if v == "" {
		return e | bit
	}
	return e
}

func boolPtr(key, v string) (*bool, error) {
	b, err := parseBool(key, v)
	if err != nil {
		return nil, err
	}
	return &b, nil
}

func expirePtr(key, v string) (*int64, error) {
	n, err := parseInt(key, v, 0, math.MaxInt64)
	if err != nil {
		return nil, err
	}
	return &n, nil
}

// Reindex rebuilds the id lookup maps used by User and Token. Lookups
// rebuild them on their own when the slice lengths change or an entry was
// renamed; call Reindex after replacing entries in place.
func (c *UserConfig) Reindex() {
	c.userIdx = make(map[string]*User, len(c.Users))
	for _, u := range c.Users {
		c.userIdx[u.Userid] = u
	}
	c.tokenIdx = make(map[string]*Token, len(c.Tokens))
	for _, t := range c.Tokens {
		c.tokenIdx[t.Tokenid] = t
	}
}

// User returns the user section with the given id, or nil. O(1) after the
// first call.
func (c *UserConfig) User(id string) *User {
	if c.userIdx == nil || len(c.userIdx) != len(c.Users) {
		c.Reindex()
	}
	u := c.userIdx[id]
	if u != nil && u.Userid != id {
		c.Reindex()
		u = c.userIdx[id]
	}
	return u
}

// Token returns the token section with the given id, or nil. O(1) after
// the first call.
func (c *UserConfig) Token(id string) *Token {
	if c.tokenIdx == nil || len(c.tokenIdx) != len(c.Tokens) {
		c.Reindex()
	}
	t := c.tokenIdx[id]
	if t != nil && t.Tokenid != id {
		c.Reindex()
		t = c.tokenIdx[id]
	}
	return t
}

// Write renders c in PBS's format (§5.1): sections in parse order, then
// sections added since (users, then tokens, in slice order); keys
// alphabetical; booleans "true"/"false"; expire in decimal; absent values
// omitted. For a file written by PBS, parse then Write is byte-identical.
func (c *UserConfig) Write() []byte {
	var secs []*Section
	done := make(map[string]bool, len(c.order))
	for _, id := range c.order {
		if done[id] {
			continue
		}
		if u := c.User(id); u != nil {
			secs = append(secs, u.section())
			done[id] = true
		} else if t := c.Token(id); t != nil {
			secs = append(secs, t.section())
			done[id] = true
		}
	}
	for _, u := range c.Users {
		if !done[u.Userid] {
			secs = append(secs, u.section())
			done[u.Userid] = true
		}
	}
	for _, t := range c.Tokens {
		if !done[t.Tokenid] {
			secs = append(secs, t.section())
			done[t.Tokenid] = true
		}
	}
	return WriteSections(secs)
}

// section converts u to its section, keys in alphabetical order.
func (u *User) section() *Section {
	s := &Section{Type: TypeUser, ID: u.Userid}
	s.Props = appendStr(s.Props, "comment", u.Comment, u.empty&emptyComment != 0)
	s.Props = appendStr(s.Props, "email", u.Email, false)
	s.Props = appendBool(s.Props, "enable", u.Enable)
	s.Props = appendInt(s.Props, "expire", u.Expire)
	s.Props = appendStr(s.Props, "firstname", u.Firstname, false)
	s.Props = appendStr(s.Props, "lastname", u.Lastname, false)
	return s
}

// section converts t to its section, keys in alphabetical order.
func (t *Token) section() *Section {
	s := &Section{Type: TypeToken, ID: t.Tokenid}
	s.Props = appendStr(s.Props, "comment", t.Comment, t.empty&emptyComment != 0)
	s.Props = appendBool(s.Props, "enable", t.Enable)
	s.Props = appendInt(s.Props, "expire", t.Expire)
	return s
}

func appendStr(ps []Prop, key, v string, keepEmpty bool) []Prop {
	if v == "" && !keepEmpty {
		return ps
	}
	return append(ps, Prop{Key: key, Value: v})
}

func appendBool(ps []Prop, key string, v *bool) []Prop {
	if v == nil {
		return ps
	}
	return append(ps, Prop{Key: key, Value: strconv.FormatBool(*v)})
}

func appendInt(ps []Prop, key string, v *int64) []Prop {
	if v == nil {
		return ps
	}
	return append(ps, Prop{Key: key, Value: strconv.FormatInt(*v, 10)})
}

// RemoveUser deletes the user section id; it reports whether it existed.
// Its tokens are not touched.
func (c *UserConfig) RemoveUser(id string) bool {
	n := len(c.Users)
	c.Users = slices.DeleteFunc(c.Users, func(u *User) bool { return u.Userid == id })
	c.Reindex()
	return len(c.Users) != n
}

// RemoveToken deletes the token section id; it reports whether it existed.
func (c *UserConfig) RemoveToken(id string) bool {
	n := len(c.Tokens)
	c.Tokens = slices.DeleteFunc(c.Tokens, func(t *Token) bool { return t.Tokenid == id })
	c.Reindex()
	return len(c.Tokens) != n
}

// ForgetEmpty drops the memory of a comment that was present but empty in
// the file, so Write omits an empty Comment (API normalisation, §5.1).
func (u *User) ForgetEmpty() { u.empty = 0 }

// ForgetEmpty is User.ForgetEmpty for tokens.
func (t *Token) ForgetEmpty() { t.empty = 0 }

// KeepEmptyComment makes Write emit "comment " when Comment is empty, as
// PBS does for a comment created with an empty value.
func (u *User) KeepEmptyComment() { u.empty |= emptyComment }

// KeepEmptyComment is User.KeepEmptyComment for tokens.
func (t *Token) KeepEmptyComment() { t.empty |= emptyComment }
