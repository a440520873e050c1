// Pools: pveum pool add, modify, delete and list (pve-manager's
// API2/Pool.pm). pxacl sees neither the cluster's VM list nor
// storage.cfg, so it cannot refuse a VM or storage that does not exist.

package store

import (
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/pxacl/pxacl/config/pve"
	"github.com/pxacl/pxacl/pveid"
)

var (
	vmidRE    = regexp.MustCompile(`^[1-9][0-9]{2,8}$`) // pve-vmid: 100..999999999
	storeIDRE = regexp.MustCompile(`(?i)^[a-z][a-z0-9\-_.]*[a-z0-9]$`)
	leafRE    = regexp.MustCompile(`(?:^|/)[A-Za-z][^/]*$`)
)

func checkPoolID(id string) error {
	if !pveid.ValidPool(id) {
		return errf("value %s does not look like a valid pool ID", q(id))
	}
	return nil
}

// PoolFields are the properties of a pool change; nil is "not given".
type PoolFields struct {
	Comment *string
	VMs     *string // list of VM ids
	Storage *string // list of storage ids
	// Delete removes the listed VMs and storages instead of adding them.
	Delete bool
	// AllowMove moves a VM that is in another pool (pveum --allow-move).
	AllowMove bool
}

func checkMembers(f PoolFields) error {
	if f.VMs != nil {
		for _, v := range pve.SplitList(*f.VMs) {
			if !vmidRE.MatchString(v) {
				return errf("parameter 'vms' - invalid VM ID %s", q(v))
			}
		}
	}
	if f.Storage != nil {
		for _, st := range pve.SplitList(*f.Storage) {
			if !storeIDRE.MatchString(st) {
				return errf("parameter 'storage' - invalid storage ID %s", q(st))
			}
		}
	}
	return nil
}

// AddPool is create_pool: the leaf name starts with a letter and the
// parent of a nested pool must exist.
func (s *Store) AddPool(id string, comment *string, digest string) error {
	if err := checkPoolID(id); err != nil {
		return err
	}
	if !leafRE.MatchString(id) {
		return errf("parameter 'poolid' - pool ID %s must start with a letter", q(id))
	}
	return s.change("create pool failed", digest, func(c *pve.Config, _ func() error) error {
		if c.Pools[id] != nil {
			return errf("pool %s already exists", q(id))
		}
		if i := strings.LastIndex(id, "/"); i > 0 && c.Pools[id[:i]] == nil {
			return errf("parent %s does not exist", q(id[:i]))
		}
		p := &pve.Pool{ID: id, VMs: map[string]bool{}, Storages: map[string]bool{}}
		setText(&p.Comment, comment)
		c.Pools[id] = p
		return nil
	})
}

// ModifyPool is update_pool: a VM belongs to at most one pool (moved only
// with AllowMove); a storage may be in several.
func (s *Store) ModifyPool(id string, f PoolFields, digest string) error {
	if err := checkPoolID(id); err != nil {
		return err
	}
	if err := checkMembers(f); err != nil {
		return err
	}
	return s.change("update pools failed", digest, func(c *pve.Config, _ func() error) error {
		p := c.Pools[id]
		if p == nil {
			return errf("pool %s does not exist", q(id))
		}
		setText(&p.Comment, f.Comment)
		if f.VMs != nil {
			for _, v := range pve.SplitList(*f.VMs) {
				v = canonVMID(v)
				if f.Delete {
					if !p.VMs[v] {
						return errf("VM %s is not a pool member", v)
					}
					delete(p.VMs, v)
					delete(c.VMPool, v)
					continue
				}
				if p.VMs[v] {
					return errf("VM %s is already a pool member", v)
				}
				if other, ok := c.VMPool[v]; ok {
					if !f.AllowMove {
						return errf("VM %s belongs already to pool %s and 'allow-move' is not set", v, q(other))
					}
					if op := c.Pools[other]; op != nil {
						delete(op.VMs, v)
					}
				}
				p.VMs[v] = true
				c.VMPool[v] = id
			}
		}
		if f.Storage != nil {
			for _, st := range pve.SplitList(*f.Storage) {
				if f.Delete {
					if !p.Storages[st] {
						return errf("Storage %s is not a pool member", q(st))
					}
					delete(p.Storages, st)
					continue
				}
				if p.Storages[st] {
					return errf("Storage %s is already a pool member", q(st))
				}
				p.Storages[st] = true
			}
		}
		return nil
	})
}

func canonVMID(v string) string {
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return v
	}
	return strconv.FormatUint(n, 10)
}

// DeletePool is delete_pool: the pool must have no sub-pools, VMs or
// storages (pxacl counts every listed member: it cannot tell which
// exist). Its ACL node /pool/<id> goes with it (delete_pool_acl); as in
// PVE, the ACL entries of a nested pool ("a/b") stay, since that lookup
// only finds top-level pools.
func (s *Store) DeletePool(id, digest string) error {
	if err := checkPoolID(id); err != nil {
		return err
	}
	return s.change("delete pool failed", digest, func(c *pve.Config, _ func() error) error {
		p := c.Pools[id]
		if p == nil {
			return errf("pool %s does not exist", q(id))
		}
		for other := range c.Pools {
			if strings.HasPrefix(other, id+"/") {
				return errf("pool %s is not empty (contains sub-pools)", q(id))
			}
		}
		if len(p.VMs) > 0 {
			return errf("pool %s is not empty (contains VM %s)", q(id), slices.Sorted(maps.Keys(p.VMs))[0])
		}
		if len(p.Storages) > 0 {
			return errf("pool %s is not empty (contains storage %s)", q(id), q(slices.Sorted(maps.Keys(p.Storages))[0]))
		}
		delete(c.Pools, id)
		if pools := c.ACL.Children["pool"]; pools != nil {
			delete(pools.Children, id)
		}
		return nil
	})
}

// PoolItem is one pool of ListPools.
type PoolItem struct {
	Poolid  string `json:"poolid"`
	Comment string `json:"comment,omitempty"`
	VMs     string `json:"vms"`
	Storage string `json:"storage"`
}

// PoolList is ListPools's answer with the digest of user.cfg.
type PoolList struct {
	Data   []PoolItem `json:"data"`
	Digest string     `json:"digest"`
}

// ListPools lists the pools sorted by id, members sorted as PVE writes
// them.
func ListPools(c *pve.Config) *PoolList {
	out := &PoolList{Data: []PoolItem{}, Digest: c.Digest}
	for _, id := range slices.Sorted(maps.Keys(c.Pools)) {
		p := c.Pools[id]
		out.Data = append(out.Data, PoolItem{Poolid: id, Comment: p.Comment,
			VMs: strings.Join(slices.Sorted(maps.Keys(p.VMs)), ","), Storage: strings.Join(slices.Sorted(maps.Keys(p.Storages)), ",")})
	}
	return out
}
