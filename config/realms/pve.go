package realms

// PVE realms: /etc/pve/domains.cfg changed as PVE::API2::Domains does,
// under the cfs lock file-domains_cfg (config/pve/pvelock); LDAP and AD
// bind passwords in priv/realm/<realm>.pw (PVE::Auth::LDAP), never in
// domains.cfg.

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/pxacl/pxacl/config/pbs/store"
	"github.com/pxacl/pxacl/config/pve"
	"github.com/pxacl/pxacl/config/pve/pvelock"
	"github.com/pxacl/pxacl/internal/safetext"
)

// PVE manages the realms of a PVE configuration directory.
type PVE struct {
	Dir     string
	Timeout time.Duration // cfs lock timeout; 0 = pvelock.Timeout
}

// NewPVE returns the PVE realm manager of dir.
func NewPVE(dir string) *PVE { return &PVE{Dir: dir} }

var sha1RE = regexp.MustCompile(`^[a-f0-9]{40}$`)

// ErrModified is PVE's assert_if_modified error.
var ErrModified = errors.New("detected modified configuration - file changed by other user? Try again.") // PVE wording (staticcheck.conf)

func (p *PVE) path() string { return filepath.Join(p.Dir, pve.DomainsCfg) }

// PasswordFile is where PVE keeps the bind password of realm.
func PasswordFile(dir, realm string) string {
	return filepath.Join(dir, "priv", "realm", realm+".pw")
}

func (p *PVE) read() (*pve.DomainsConfig, error) {
	st, err := os.Stat(p.Dir)
	if err != nil {
		return nil, fmt.Errorf("pve config directory %q: %w", p.Dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("pve config directory %q: not a directory", p.Dir)
	}
	data, err := store.ReadFile(p.path())
	if err != nil {
		return nil, err
	}
	return pve.ParseDomainsCfg(p.path(), data), nil
}

// List returns the realms sorted by id.
func (p *PVE) List() (*List, error) {
	c, err := p.read()
	if err != nil {
		return nil, err
	}
	out := &List{Data: []Item{}, Digest: c.Digest}
	for _, r := range c.Realms {
		props := map[string]string{}
		for k, v := range r.Props {
			props[k] = v
		}
		out.Data = append(out.Data, Item{Realm: r.ID, Type: r.Type, Comment: r.Props["comment"], Default: r.Props["default"] == "1", Props: props})
	}
	slices.SortFunc(out.Data, func(a, b Item) int { return strings.Compare(a.Realm, b.Realm) })
	return out, nil
}

// locked runs fn under the domains.cfg lock on a fresh read; a file with
// lines PVE would drop is not written (pxacl never loses them silently).
func (p *PVE) locked(errmsg, digest string, fn func(*pve.DomainsConfig) error) error {
	if digest != "" && !sha1RE.MatchString(digest) {
		return fmt.Errorf("400 Parameter verification failed.\ndigest: value does not match the regex pattern")
	}
	if _, err := os.Stat(p.Dir); err != nil {
		return fmt.Errorf("pve config directory %q: %w", p.Dir, err)
	}
	unlock, err := pvelock.Lock(p.Dir, pve.DomainsCfg, p.Timeout)
	if err != nil {
		return fmt.Errorf("%s: %w", errmsg, err)
	}
	defer unlock()
	err = func() error {
		c, err := p.read()
		if err != nil {
			return err
		}
		if digest != "" && digest != c.Digest {
			return ErrModified
		}
		if len(c.Warnings) > 0 {
			return fmt.Errorf("%s has lines PVE ignores and would drop on write; fix them first: %s", p.path(), strings.Join(c.Warnings, "; "))
		}
		return fn(c)
	}()
	if err != nil {
		return fmt.Errorf("%s: %w", errmsg, err)
	}
	return nil
}

// propKey maps a flag name to PVE's option name (base-dn -> base_dn).
func propKey(k string) string {
	switch k {
	case "base-dn", "bind-dn", "user-attr", "sync-attributes", "user-classes", "group-dn", "group-name-attr", "group-filter", "group-classes":
		return strings.ReplaceAll(k, "-", "_")
	}
	return k
}

func paramErr(key string, err error) error {
	return fmt.Errorf("400 Parameter verification failed.\n%s: %v", key, err)
}

// checkSet validates the options to set for type typ (check_config).
func checkSet(typ string, set map[string]string, create bool) (map[string]string, error) {
	out := map[string]string{}
	for _, k := range slices.Sorted(mapKeys(set)) {
		key := propKey(k)
		v, err := pve.CheckRealmValue(typ, key, set[k])
		if err != nil {
			return nil, paramErr(key, err)
		}
		if !create && key == "username-claim" {
			return nil, fmt.Errorf("can't change value of fixed parameter '%s'", key)
		}
		out[key] = v
	}
	if create {
		for _, k := range pve.RealmOptions(typ) {
			if requiredPVE(typ, k) && out[k] == "" {
				return nil, fmt.Errorf("missing value for required option '%s'", k)
			}
		}
	}
	return out, nil
}

func requiredPVE(typ, k string) bool {
	switch typ {
	case "ldap":
		return k == "server1" || k == "base_dn" || k == "user_attr"
	case "ad":
		return k == "server1" || k == "domain"
	case "openid":
		return k == "issuer-url" || k == "client-id"
	}
	return false
}

func mapKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func hasPassword(typ string) bool { return typ == "ldap" || typ == "ad" }

func checkPassword(pw *string) error {
	if pw != nil && (*pw == "" || strings.ContainsAny(*pw, "\x00\n\r")) {
		return paramErr("password", errors.New("the bind password must be non-empty, on one line"))
	}
	return nil
}

// Add is POST /access/domains.
func (p *PVE) Add(id, typ string, ch Change) error {
	if err := pve.CheckRealmID(id); err != nil {
		return fmt.Errorf("400 Parameter verification failed.\n%v", err)
	}
	if !slices.Contains(pve.RealmTypes, typ) {
		return paramErr("type", fmt.Errorf("value '%s' does not have a value in the enumeration '%s'", safetext.Value(typ), strings.Join(pve.RealmTypes, ", ")))
	}
	if len(ch.Delete) > 0 {
		return paramErr("delete", errors.New("property is not defined in schema and the schema does not allow additional properties"))
	}
	if err := checkPassword(ch.Password); err != nil {
		return err
	}
	return p.locked("add auth server failed", "", func(c *pve.DomainsConfig) error {
		if c.Realm(id) != nil {
			return fmt.Errorf("domain '%s' already exists", id)
		}
		if id == "pam" || id == "pve" {
			return fmt.Errorf("unable to use reserved name '%s'", id)
		}
		if typ == "pam" || typ == "pve" {
			return fmt.Errorf("unable to create builtin type '%s'", typ)
		}
		set, err := checkSet(typ, ch.Set, true)
		if err != nil {
			return err
		}
		if ch.Password != nil && !hasPassword(typ) { // PVE warns "ignoring password parameter"; pxacl refuses
			return paramErr("password", fmt.Errorf("a %s realm has no bind password (PVE would ignore it)", typ))
		}
		if set["default"] == "1" {
			for _, r := range c.Realms {
				delete(r.Props, "default")
			}
		}
		c.Realms = append(c.Realms, &pve.RealmSection{Type: typ, ID: id, Props: set})
		if hasPassword(typ) { // on_add_hook: set, or remove a leftover
			if err := p.setPassword(id, ch.Password); err != nil {
				return err
			}
		}
		return p.write(c)
	})
}

// Modify is PUT /access/domains/{realm}.
func (p *PVE) Modify(id string, ch Change) error {
	if err := pve.CheckRealmID(id); err != nil {
		return fmt.Errorf("400 Parameter verification failed.\n%v", err)
	}
	if err := checkPassword(ch.Password); err != nil {
		return err
	}
	return p.locked("update auth server failed", ch.Digest, func(c *pve.DomainsConfig) error {
		r := c.Realm(id)
		if r == nil {
			return fmt.Errorf("domain '%s' does not exist", id)
		}
		if len(ch.Delete) == 0 && len(ch.Set) == 0 && ch.Password == nil {
			return errors.New("no options specified")
		}
		delPW := false
		for _, k := range ch.Delete {
			key := propKey(k)
			if key == "password" {
				delPW = true
				continue
			}
			if _, err := pve.CheckRealmValue(r.Type, key, "x"); err != nil && strings.HasPrefix(err.Error(), "unexpected property") {
				return paramErr("delete", err)
			}
			delete(r.Props, key)
		}
		set, err := checkSet(r.Type, ch.Set, false)
		if err != nil {
			return err
		}
		if set["default"] == "1" {
			for _, o := range c.Realms {
				delete(o.Props, "default")
			}
		}
		for k, v := range set {
			r.Props[k] = v
		}
		if hasPassword(r.Type) && (delPW || ch.Password != nil) { // on_update_hook
			if err := p.setPassword(id, ch.Password); err != nil {
				return err
			}
		} else if ch.Password != nil {
			return paramErr("password", fmt.Errorf("a %s realm has no bind password", r.Type))
		}
		return p.write(c)
	})
}

// Delete is DELETE /access/domains/{realm}. PVE lets pam and pve be
// deleted from the file; they come back, with their default comment, on
// the next read.
func (p *PVE) Delete(id, digest string) error {
	if err := pve.CheckRealmID(id); err != nil {
		return fmt.Errorf("400 Parameter verification failed.\n%v", err)
	}
	return p.locked("delete auth server failed", digest, func(c *pve.DomainsConfig) error {
		r := c.Realm(id)
		if r == nil {
			return fmt.Errorf("authentication domain '%s' does not exist", id)
		}
		if hasPassword(r.Type) { // on_delete_hook
			if err := p.setPassword(id, nil); err != nil {
				return err
			}
		}
		c.Realms = slices.DeleteFunc(c.Realms, func(x *pve.RealmSection) bool { return x == r })
		return p.write(c)
	})
}

func (p *PVE) write(c *pve.DomainsConfig) error {
	return replaceFile(p.path(), c.Write(), 0o640)
}

// setPassword writes (pw != nil) or removes priv/realm/<id>.pw: the
// password alone, no newline (file_set_contents), mode 0600.
func (p *PVE) setPassword(id string, pw *string) error {
	f := PasswordFile(p.Dir, id)
	if pw == nil {
		st, err := os.Lstat(f)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		if !st.Mode().IsRegular() {
			return fmt.Errorf("removing LDAP credentials '%s' failed: not a regular file", f)
		}
		return os.Remove(f)
	}
	for _, d := range []string{filepath.Join(p.Dir, "priv"), filepath.Dir(f)} {
		if err := os.Mkdir(d, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
		if st, err := os.Lstat(d); err != nil || !st.IsDir() {
			return fmt.Errorf("%s is not a directory (symlinks are not followed)", d)
		}
	}
	return replaceFile(f, []byte(*pw), 0o600)
}

// replaceFile is PVE::Tools::file_set_contents: "<path>.tmp.<pid>"
// created exclusively (never through a symlink), given the old file's
// mode and owner, written, synced and renamed over path. A symlink at
// path is refused.
func replaceFile(path string, data []byte, mode os.FileMode) (err error) {
	old, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		old = nil
	case err != nil:
		return err
	case !old.Mode().IsRegular():
		return fmt.Errorf("%s is not a regular file (symlinks are not followed)", path)
	}
	tmp := fmt.Sprintf("%s.tmp.%d", path, os.Getpid())
	if old != nil {
		mode = old.Mode().Perm()
	}
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL|unix.O_NOFOLLOW, mode)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err = f.Chmod(mode); err != nil {
		return err
	}
	if old != nil {
		if st, ok := old.Sys().(*syscall.Stat_t); ok && (int(st.Uid) != os.Getuid() || int(st.Gid) != os.Getgid()) {
			if err = f.Chown(int(st.Uid), int(st.Gid)); err != nil {
				return err
			}
		}
	}
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
