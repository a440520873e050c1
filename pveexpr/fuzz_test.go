package pveexpr

import (
	"encoding/json"
	"testing"

	"github.com/pxacl/pxacl/catalog"
)

// FuzzValidate: any JSON expression is either accepted or refused with an
// error; it never panics and never shows a control character.
func FuzzValidate(f *testing.F) {
	for _, s := range []string{
		`["perm","/vms/{vmid}",["VM.Audit"],"any",1]`,
		`["or",["and",["perm","/",["Sys.Audit"]]],["perm-modify","/{path}"]]`,
		`["userid-group",["User.Modify"],"groups_param","create"]`,
		`["userid-param","self"]`, `[1,2]`, `[]`, `"x"`,
	} {
		f.Add(s, "vmid")
	}
	cat := catalog.MustLoad("pve")
	f.Fuzz(func(t *testing.T, expr, param string) {
		var e any
		if json.Unmarshal([]byte(expr), &e) != nil {
			return
		}
		if err := Validate(e, map[string]any{param: "1"}, cat); err != nil {
			for _, r := range err.Error() {
				if r < 0x20 {
					t.Fatalf("control character in %q", err)
				}
			}
		}
	})
}
