// Package realms manages the realms of domains.cfg for both flavors
// behind one interface: PBS through config/pbs/store (.domains.lck,
// ldap_passwords.json), PVE here (pve.go: the cfs lock file-domains_cfg,
// bind passwords in priv/realm/<realm>.pw).
package realms

import (
	"github.com/pxacl/pxacl/config"
	"github.com/pxacl/pxacl/config/pbs"
	"github.com/pxacl/pxacl/config/pbs/store"
	"github.com/pxacl/pxacl/config/pve"
)

// Item, List and Change are shared with the PBS store.
type (
	Item   = store.RealmItem
	List   = store.RealmList
	Change = store.RealmChange
)

// Manager changes the realms of one configuration directory.
type Manager interface {
	List() (*List, error)
	Add(id, typ string, ch Change) error
	Modify(id string, ch Change) error
	Delete(id, digest string) error
}

// For returns the Manager of dir for flavor (PVE or else PBS).
func For(flavor config.Flavor, dir string) Manager {
	if flavor == config.PVE {
		return NewPVE(dir)
	}
	return pbsManager{store.New(dir)}
}

// Types lists the realm types of flavor.
func Types(flavor config.Flavor) []string {
	if flavor == config.PVE {
		return pve.RealmTypes
	}
	return pbs.RealmTypes
}

type pbsManager struct{ s *store.Store }

func (m pbsManager) List() (*List, error)                { return m.s.ListRealms() }
func (m pbsManager) Add(id, typ string, ch Change) error { return m.s.AddRealm(id, typ, ch) }
func (m pbsManager) Modify(id string, ch Change) error   { return m.s.ModifyRealm(id, ch) }
func (m pbsManager) Delete(id, digest string) error      { return m.s.DeleteRealm(id, digest) }
