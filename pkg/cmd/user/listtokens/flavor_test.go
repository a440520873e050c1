package listtokens

import (
	"strings"
	"testing"

	"github.com/pxacl/pxacl/pkg/cmdutil"
)

// On a PVE configuration the proxmox-backup-manager token commands point
// to pveum's form instead of reading PBS's files.
func TestListTokensOnPVE(t *testing.T) {
	f, _ := cmdutil.NewTestFactory("../../../../examples/pve")
	err := listTokensRun(&ListTokensOptions{IO: f.IOStreams, Config: f.Config, UserID: "druva@pam"})
	if err == nil || !strings.Contains(err.Error(), "use 'pxacl user token list'") {
		t.Fatalf("error %v", err)
	}
}
