package version

import (
	"testing"

	"github.com/pxacl/pxacl/internal/buildinfo"
	"github.com/pxacl/pxacl/pkg/cmdutil"
)

func TestVersion(t *testing.T) {
	f, bufs := cmdutil.NewTestFactory(".")
	if err := cmdutil.ExecuteArgs(NewCmdVersion(f, nil), "extra"); err == nil {
		t.Error("an argument accepted")
	}
	if err := cmdutil.ExecuteArgs(NewCmdVersion(f, nil)); err != nil {
		t.Fatal(err)
	}
	if want := buildinfo.Read().String(); bufs.Out.String() != want {
		t.Errorf("output %q, want %q", bufs.Out, want)
	}
}
