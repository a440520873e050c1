package pveexpr

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/catalog"
)

// The expression grammar is docs/semantics.md pve §4 (check_api2_permissions and
// exec_api2_perm_check).
func TestValidate(t *testing.T) {
	cat := catalog.MustLoad("pve")
	for _, tc := range []struct {
		name, expr string
		params     map[string]any
		wantErr    string
	}{
		{"perm", `["perm","/vms/100",["VM.Audit"]]`, nil, ""},
		{"perm with any", `["perm","/vms/100",["VM.Audit","VM.Console"],"any",1]`, nil, ""},
		{"perm with template", `["perm","/vms/{vmid}",["VM.Audit"]]`, map[string]any{"vmid": "100"}, ""},
		{"require_param", `["perm","/pool/{pool}",["VM.Allocate"],"require_param","pool"]`, map[string]any{"pool": "p"}, ""},
		// require_param tests the parameter's absence itself: no error.
		{"require_param absent", `["perm","/pool/{pool}",["VM.Allocate"],"require_param","pool"]`, nil, ""},
		{"or of and", `["or",["perm","/",["Sys.Audit"]],["and",["perm","/access",["User.Modify"]]]]`, nil, ""},
		{"perm-modify", `["perm-modify","/storage/{storage}"]`, map[string]any{"storage": "local"}, ""},
		{"userid-group", `["userid-group",["User.Modify"],"groups_param","create"]`, map[string]any{"userid": "a@pve"}, ""},
		{"userid-param", `["userid-param","self"]`, map[string]any{"userid": "a@pve"}, ""},

		{"not an array", `{"perm":1}`, nil, "want a non-empty JSON array"},
		{"empty", `[]`, nil, "want a non-empty JSON array"},
		{"typo in test", `["prem","/vms/1",["VM.Audit"]]`, nil, `"prem": unknown permission test`},
		{"unknown privilege", `["perm","/vms/1",["VM.Bogus"]]`, nil, "unknown privilege 'VM.Bogus'"},
		{"role is not a privilege", `["perm","/vms/1",["PVEAdmin"]]`, nil, "unknown privilege 'PVEAdmin'"},
		{"unfilled param", `["perm","/vms/{vmid}",["VM.Audit"]]`, nil, "parameter 'vmid' is not given"},
		{"unfilled param in or", `["or",["perm","/",["Sys.Audit"]],["perm-modify","/{path}"]]`, nil, "parameter 'path' is not given"},
		{"relative path", `["perm","vms/1",["VM.Audit"]]`, nil, "must be a string starting with /"},
		{"privileges not a list", `["perm","/","Sys.Audit"]`, nil, "want a non-empty list of privileges"},
		{"odd options", `["perm","/",["Sys.Audit"],"any"]`, nil, "options come in pairs"},
		{"unknown option", `["perm","/",["Sys.Audit"],"all",1]`, nil, "unknown option 'all'"},
		{"too deep", `["and",["or",["and",["or",["perm","/",["Sys.Audit"]]]]]]`, nil, "nested deeper than 3 levels"},
		{"empty and", `["and"]`, nil, "needs at least one sub-test"},
		{"userid-param without userid", `["userid-param","self"]`, nil, "parameter 'userid' is not given"},
		{"userid-param bad", `["userid-param","other"]`, map[string]any{"userid": "a@pve"}, `want "self" or "Realm.AllocateUser"`},
		{"groups_param bad", `["userid-group",["User.Modify"],"groups_param","delete"]`, map[string]any{"userid": "a@pve"}, `must be "create" or "update"`},
		{"control characters shown escaped", "[\"perm\",\"/\",[\"\\u001b[2J\"]]", nil, `unknown privilege '\x1b[2J'`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var e any
			if err := json.Unmarshal([]byte(tc.expr), &e); err != nil {
				t.Fatal(err)
			}
			err := Validate(e, tc.params, cat)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("Validate: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("Validate error = %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

// PVE 8 lacks privileges PVE 9 added: the catalog decides.
func TestValidateUsesTheCatalog(t *testing.T) {
	var e any
	_ = json.Unmarshal([]byte(`["perm","/",["VM.Replicate"]]`), &e)
	err9 := Validate(e, nil, catalog.MustLoad("pve"))
	err8 := Validate(e, nil, catalog.MustLoad("pve8"))
	if err9 != nil || err8 == nil {
		t.Fatalf("VM.Replicate: PVE 9 err %v, PVE 8 err %v; want only PVE 8 to refuse it", err9, err8)
	}
}
