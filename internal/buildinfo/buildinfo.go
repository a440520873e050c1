// Package buildinfo says which pxacl this is: its version, the Go and OPA
// versions it was built with and the commit it was built from, for
// `pxacl --version` and `pxacl version`.
package buildinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"

	opaversion "github.com/open-policy-agent/opa/v1/version"

	"github.com/pxacl/pxacl/bundle"
)

// Info is what a build knows about itself.
type Info struct {
	Version string `json:"version"`
	Go      string `json:"go"`
	OPA     string `json:"opa"`
	Commit  string `json:"commit"` // "unknown" outside a git checkout; "+dirty" when modified
}

// Read returns this binary's build information.
func Read() Info {
	info := Info{Version: bundle.Version, Go: runtime.Version(), OPA: opaversion.Version, Commit: "unknown"}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return info
	}
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if rev != "" {
		info.Commit = rev
		if modified == "true" {
			info.Commit += "+dirty"
		}
	}
	return info
}

// String is the text `pxacl --version` prints.
func (i Info) String() string {
	return fmt.Sprintf("pxacl %s\ngo %s\nopa %s\ncommit %s\n", i.Version, i.Go, i.OPA, i.Commit)
}
