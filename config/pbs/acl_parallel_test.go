package pbs

import (
	"fmt"
	"math/rand"
	"reflect"
	"strings"
	"testing"
)

// bigACL is an acl.cfg of n lines over few nodes and subjects, so that
// lines for the same node and ugid follow each other in many chunks and
// the insertion order (NoAccess replacing, §3.1) decides the result.
func bigACL(n int) []string {
	r := rand.New(rand.NewSource(7))
	roles := []string{"Admin", "Audit", "NoAccess", "DatastoreAdmin", "DatastoreReader", "DatastoreBackup"}
	var lines []string
	for i := range n {
		path := fmt.Sprintf("/datastore/s%d", r.Intn(50))
		if r.Intn(3) == 0 {
			path += fmt.Sprintf("//ns%d/", r.Intn(5))
		}
		var ugs []string
		for range 1 + r.Intn(3) {
			switch r.Intn(4) {
			case 0:
				ugs = append(ugs, fmt.Sprintf("@g%d", r.Intn(5)))
			case 1:
				ugs = append(ugs, fmt.Sprintf("u%d@pbs!t%d", r.Intn(40), r.Intn(3)))
			default:
				ugs = append(ugs, fmt.Sprintf("u%d@pbs", r.Intn(40)))
			}
		}
		line := fmt.Sprintf("acl:%d:%s:%s:%s,%s", r.Intn(2), path, strings.Join(ugs, ","), roles[r.Intn(len(roles))], roles[r.Intn(len(roles))])
		if i%1000 == 999 {
			line = "  " // empty lines count too
		}
		lines = append(lines, line)
	}
	return lines
}

func parseWithThreshold(t *testing.T, data []byte, threshold int) (*ACLTree, error) {
	t.Helper()
	old := parallelACLBytes
	defer func() { parallelACLBytes = old }()
	parallelACLBytes = threshold
	return ParseACLCfg("acl.cfg", data, nil)
}

// A large acl.cfg is parsed on every core; the tree and the first error
// (in file order) are exactly those of a line-by-line parse (§2.1, §3.1).
func TestParallelParseMatchesSequential(t *testing.T) {
	lines := bigACL(60_000)
	data := []byte(strings.Join(lines, "\n") + "\n")
	par, err := parseWithThreshold(t, data, 0)
	if err != nil {
		t.Fatal(err)
	}
	seq, err := parseWithThreshold(t, data, len(data)+1)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(par, seq) {
		t.Fatal("parallel and sequential parses give different trees")
	}

	// two bad lines in different chunks: the earlier one is reported
	bad := append([]string{}, lines...)
	bad[41_000] = "acl:1:/x:u1@pbs:Bogus"
	bad[20_500] = "acl:1:/x:not an id:Admin"
	data = []byte(strings.Join(bad, "\n"))
	_, perr := parseWithThreshold(t, data, 0)
	_, serr := parseWithThreshold(t, data, len(data)+1)
	if perr == nil || serr == nil || perr.Error() != serr.Error() || !strings.Contains(perr.Error(), "acl.cfg:20501:") {
		t.Fatalf("errors: parallel %v, sequential %v; want both at acl.cfg:20501", perr, serr)
	}
}
