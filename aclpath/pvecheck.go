// PVE's check_path: the paths an ACL entry may be added on through PVE's
// API (docs/semantics.md pve §6), by PVE version.

package aclpath

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/pxacl/pxacl/internal/safetext"
)

// pveCheckAlternatives are check_path's alternatives of PVE 9.1 (pve §6),
// each a full match; the ones PVE 8 lacks are in pve9Only.
var pveCheckAlternatives = []string{
	`/`,
	`/access`,
	`/access/groups`,
	`/access/groups/[A-Za-z0-9.\-_]+`,
	`/access/realm`,
	`/access/realm/[A-Za-z0-9.\-_]+`,
	`/nodes`,
	`/nodes/[A-Za-z0-9.\-_]+`,
	`/pool`,
	`/pool/[A-Za-z0-9.\-_]+(?:/[A-Za-z0-9.\-_]+){0,2}`,
	`/sdn`,
	`/sdn/controllers`,
	`/sdn/controllers/[A-Za-z0-9_\-]+`,
	`/sdn/dns`,
	`/sdn/dns/[A-Za-z0-9]+`,
	`/sdn/ipams`,
	`/sdn/ipams/[A-Za-z0-9]+`,
	`/sdn/zones`,
	`/sdn/zones/[A-Za-z0-9.\-_]+`,
	`/sdn/zones/[A-Za-z0-9.\-_]+/[A-Za-z0-9.\-_]+`,
	`/sdn/zones/[A-Za-z0-9.\-_]+/[A-Za-z0-9.\-_]+/[1-9][0-9]{0,3}`,
	`/storage`,
	`/storage/[A-Za-z0-9.\-_]+`,
	`/vms`,
	`/vms/[1-9][0-9]{2,}`,
	`/mapping`,
	`/mapping/[A-Za-z0-9.\-_]+`,
	`/mapping/[A-Za-z0-9.\-_]+/[A-Za-z0-9.\-_]+`,
}

// pve9Only are the alternatives added in PVE 9.0 and 9.1 (pve §6).
var pve9Only = []string{
	`/sdn/fabrics`,
	`/sdn/fabrics/[A-Za-z0-9]+`,
	`/sdn/prefix-lists`,
	`/sdn/prefix-lists/[A-Za-z0-9]+`,
	`/sdn/route-maps`,
	`/sdn/route-maps/[A-Za-z0-9]+`,
}

var (
	pveCheck8 = regexp.MustCompile(`^(?:` + strings.Join(pveCheckAlternatives, "|") + `)$`)
	pveCheck9 = regexp.MustCompile(`^(?:` + strings.Join(append(append([]string{}, pveCheckAlternatives...), pve9Only...), "|") + `)$`)
)

// PVECheck is PVE's check_path for PVE version ("8", or "" and "9" for
// the current 9.x): the rule an ACL path must pass when an entry is added
// through PVE's API (pve §4.1, §6). path must be normalised
// (PVENormalize) first; the error is PVE's ("invalid ACL path").
func PVECheck(path, version string) error {
	re := pveCheck9
	if version == "8" {
		re = pveCheck8
	}
	if !re.MatchString(path) {
		return fmt.Errorf("invalid ACL path %s", safetext.Quote(path))
	}
	return nil
}
