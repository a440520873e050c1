// Realm operations: listing, adding, modifying and deleting the realms of
// domains.cfg under the .domains.lck lock, and the LDAP/AD bind passwords
// PBS keeps in ldap_passwords.json (§5.4), never in domains.cfg.

package store

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pxacl/pxacl/config/pbs"
	"github.com/pxacl/pxacl/internal/safetext"
)

// LDAPPasswords holds the LDAP and AD bind passwords ({realm: password},
// pretty JSON, 0600 root:root), written under the domains lock.
const LDAPPasswords = "ldap_passwords.json"

// builtinRealms are created by the API daemon when missing
// (update_default_realms, §5.4).
var builtinRealms = []struct{ id, comment, dflt string }{
	{"pam", "Linux PAM standard authentication", "true"},
	{"pbs", "Proxmox Backup authentication server", ""},
}

// RealmItem is one realm of `realm list`; Props holds every property but
// type and realm.
type RealmItem struct {
	Realm   string            `json:"realm"`
	Type    string            `json:"type"`
	Comment string            `json:"comment,omitempty"`
	Default bool              `json:"default,omitempty"`
	Props   map[string]string `json:"-"`
}

// RealmList is `realm list` output.
type RealmList struct {
	Data   []RealmItem `json:"data"`
	Digest string      `json:"digest"`
}

// RealmChange is the input of realm add and modify: properties to set,
// properties to delete, and the bind password (nil: unchanged).
type RealmChange struct {
	Set      map[string]string
	Delete   []string
	Password *string
	Digest   string
}

type realmEntry struct {
	typ, id string
	props   map[string]string
}

type realmFile struct {
	realms []*realmEntry
	digest string
}

func (f *realmFile) find(id string) *realmEntry {
	for _, r := range f.realms {
		if r.id == id {
			return r
		}
	}
	return nil
}

func (s *Store) readRealms() (*realmFile, error) {
	if err := s.checkDir(); err != nil {
		return nil, err
	}
	p := s.path(pbs.DomainsCfg)
	data, err := ReadFile(p)
	if err != nil {
		return nil, err
	}
	d, err := pbs.ParseDomainsCfg(p, data)
	if err != nil {
		return nil, err
	}
	f := &realmFile{digest: d.Digest}
	for _, r := range d.Realms {
		e := &realmEntry{typ: r.Type, id: r.Realm, props: map[string]string{}}
		for _, p := range r.Props {
			e.props[p.Key] = p.Value
		}
		f.realms = append(f.realms, e)
	}
	// the daemon adds the built-in realms at startup; show them as it would
	for _, b := range builtinRealms {
		if f.find(b.id) == nil {
			e := &realmEntry{typ: b.id, id: b.id, props: map[string]string{"comment": b.comment, "type": b.id}}
			if b.dflt != "" {
				e.props["default"] = b.dflt
			}
			f.realms = append(f.realms, e)
		}
	}
	return f, nil
}

// write renders the realms as PBS's section config does: sections in
// order, keys sorted, booleans as true/false.
func (s *Store) writeRealms(f *realmFile) error {
	var secs []*pbs.Section
	for _, r := range f.realms {
		sec := &pbs.Section{Type: r.typ, ID: r.id}
		for _, k := range slices.Sorted(mapKeys(r.props)) {
			v := r.props[k]
			if b, ok := pbs.ParseBool(v); ok && isBoolProp(k) {
				v = fmt.Sprint(b)
			}
			sec.Props = append(sec.Props, pbs.Prop{Key: k, Value: v})
		}
		secs = append(secs, sec)
	}
	return ReplaceFile(s.path(pbs.DomainsCfg), pbs.WriteSections(secs), ConfigMode)
}

func isBoolProp(k string) bool { return k == "default" || k == "verify" || k == "autocreate" }

func mapKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// ListRealms returns the realms sorted by id.
func (s *Store) ListRealms() (*RealmList, error) {
	f, err := s.readRealms()
	if err != nil {
		return nil, err
	}
	out := &RealmList{Data: []RealmItem{}, Digest: f.digest}
	for _, r := range f.realms {
		d, _ := pbs.ParseBool(r.props["default"])
		props := map[string]string{}
		for k, v := range r.props {
			if k != "type" {
				props[k] = v
			}
		}
		out.Data = append(out.Data, RealmItem{Realm: r.id, Type: r.typ, Comment: r.props["comment"], Default: d, Props: props})
	}
	sortBy(out.Data, func(r RealmItem) string { return r.Realm })
	return out, nil
}

func checkRealmProps(typ string, set map[string]string) error {
	for _, k := range slices.Sorted(mapKeys(set)) {
		if err := pbs.CheckRealmProperty(typ, k, set[k]); err != nil {
			return err
		}
	}
	return nil
}

func hasBindPassword(typ string) bool { return typ == "ldap" || typ == "ad" }

// lockRealms takes the domains lock, reads domains.cfg and checks the
// digest; the caller must call unlock.
func (s *Store) lockRealms(digest string) (*realmFile, func(), error) {
	if err := ValidateDigest(digest); err != nil {
		return nil, nil, err
	}
	unlock, err := s.lock(DomainsLock)
	if err != nil {
		return nil, nil, err
	}
	f, err := s.readRealms()
	if err == nil {
		err = CheckDigest(digest, f.digest)
	}
	if err != nil {
		unlock()
		return nil, nil, err
	}
	return f, unlock, nil
}

// AddRealm is create_{openid,ldap,ad}_realm: pam and pbs are built in.
// pxacl does not test the connection to the LDAP server as PBS does.
func (s *Store) AddRealm(id, typ string, ch RealmChange) error {
	if err := pbs.CheckRealmID(id); err != nil {
		return err
	}
	if typ == "pam" || typ == "pbs" {
		return fmt.Errorf("realm type '%s' is built in: the realm '%s' exists and cannot be created", typ, typ)
	}
	if !slices.Contains(pbs.RealmTypes, typ) {
		return fmt.Errorf("parameter 'type' - value %s is not one of %v", safetext.Quote(typ), pbs.RealmTypes)
	}
	if len(ch.Delete) > 0 {
		return fmt.Errorf("--delete is for realm modify")
	}
	if err := checkRealmProps(typ, ch.Set); err != nil {
		return err
	}
	for _, k := range pbs.RealmProperties(typ) {
		if pbs.RealmRequired(typ, k) && ch.Set[k] == "" {
			return fmt.Errorf("parameter '%s' - property is missing and it is not optional", k)
		}
	}
	if ch.Password != nil && !hasBindPassword(typ) {
		return fmt.Errorf("parameter 'password' - schema does not allow additional properties (realm type %s)", typ)
	}
	if err := checkBindPassword(ch.Password); err != nil {
		return err
	}
	f, unlock, err := s.lockRealms("")
	if err != nil {
		return err
	}
	defer unlock()
	if f.find(id) != nil {
		return fmt.Errorf("realm '%s' already exists.", id) // PBS wording (staticcheck.conf)
	}
	e := &realmEntry{typ: typ, id: id, props: map[string]string{}}
	for k, v := range ch.Set {
		e.props[k] = v
	}
	if b, _ := pbs.ParseBool(e.props["default"]); b {
		unsetDefault(f)
		e.props["default"] = "true"
	}
	f.realms = append(f.realms, e)
	if ch.Password != nil {
		if err := s.setBindPassword(id, ch.Password); err != nil {
			return err
		}
	}
	return s.writeRealms(f)
}

func checkBindPassword(pw *string) error {
	if pw != nil && (*pw == "" || strings.ContainsAny(*pw, "\x00\n\r")) {
		return fmt.Errorf("parameter 'password' - the bind password must be non-empty, on one line")
	}
	return nil
}

func unsetDefault(f *realmFile) {
	for _, r := range f.realms {
		delete(r.props, "default")
	}
}

// ModifyRealm is update_{pam,pbs,openid,ldap,ad}_realm. As in PBS, the
// default flag is cleared unless --default true is given; a comment is
// trimmed, and an empty one removed.
func (s *Store) ModifyRealm(id string, ch RealmChange) error {
	if err := pbs.CheckRealmID(id); err != nil {
		return err
	}
	if err := checkBindPassword(ch.Password); err != nil {
		return err
	}
	if err := ValidateDigest(ch.Digest); err != nil {
		return err
	}
	f, unlock, err := s.lockRealms(ch.Digest)
	if err != nil {
		return err
	}
	defer unlock()
	e := f.find(id)
	if e == nil {
		return fmt.Errorf("realm '%s' does not exist.", id) // PBS wording (staticcheck.conf)
	}
	if err := checkRealmProps(e.typ, ch.Set); err != nil {
		return err
	}
	if _, ok := ch.Set["username-claim"]; ok {
		return fmt.Errorf("parameter 'username-claim' - can't change value of fixed parameter")
	}
	delPassword := false
	for _, k := range ch.Delete {
		switch {
		case k == "password" && hasBindPassword(e.typ):
			delPassword = true
		case slices.Contains(pbs.RealmProperties(e.typ), k) && !pbs.RealmRequired(e.typ, k) && k != "username-claim":
			delete(e.props, k)
		default:
			return fmt.Errorf("parameter 'delete' - %s is not a deletable property of a %s realm", safetext.Quote(k), e.typ)
		}
	}
	if ch.Password != nil && !hasBindPassword(e.typ) {
		return fmt.Errorf("parameter 'password' - schema does not allow additional properties (realm type %s)", e.typ)
	}
	for k, v := range ch.Set {
		if k == "comment" {
			if v = strings.TrimSpace(v); v == "" {
				delete(e.props, k)
				continue
			}
		}
		if k != "default" {
			e.props[k] = v
		}
	}
	if b, _ := pbs.ParseBool(ch.Set["default"]); b {
		unsetDefault(f)
		e.props["default"] = "true"
	} else {
		delete(e.props, "default")
	}
	switch {
	case delPassword:
		if err := s.setBindPassword(id, nil); err != nil {
			return err
		}
	case ch.Password != nil:
		if err := s.setBindPassword(id, ch.Password); err != nil {
			return err
		}
	}
	return s.writeRealms(f)
}

// DeleteRealm is delete_{openid,ldap,ad}_realm; the bind password goes
// with the realm. pam and pbs cannot be deleted.
func (s *Store) DeleteRealm(id, digest string) error {
	if err := pbs.CheckRealmID(id); err != nil {
		return err
	}
	if id == "pam" || id == "pbs" {
		return fmt.Errorf("realm '%s' is built in and cannot be deleted", id)
	}
	f, unlock, err := s.lockRealms(digest)
	if err != nil {
		return err
	}
	defer unlock()
	e := f.find(id)
	if e == nil {
		return fmt.Errorf("realm '%s' does not exist.", id) // PBS wording (staticcheck.conf)
	}
	f.realms = slices.DeleteFunc(f.realms, func(r *realmEntry) bool { return r == e })
	if hasBindPassword(e.typ) {
		if err := s.setBindPassword(id, nil); err != nil {
			return err
		}
	}
	return s.writeRealms(f)
}

// setBindPassword stores (pw != nil) or removes the bind password of
// realm in ldap_passwords.json; the caller holds the domains lock. The
// file is not created to remove nothing.
func (s *Store) setBindPassword(realm string, pw *string) error {
	m, err := s.readSecrets(LDAPPasswords)
	if err != nil {
		return err
	}
	if pw == nil {
		if _, ok := m[realm]; !ok {
			return nil
		}
		delete(m, realm)
	} else {
		m[realm] = *pw
	}
	data, err := marshalSecrets(m, true)
	if err != nil {
		return err
	}
	return ReplaceFile(s.path(LDAPPasswords), data, ShadowMode)
}
