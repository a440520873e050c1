package list

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/pxacl/pxacl/pkg/cmdutil/cmdtest"

	"github.com/pxacl/pxacl/config/pbs/store"
	"github.com/pxacl/pxacl/pkg/cmdutil"
)

const examples = "../../../../../examples"

func TestNewCmdList(t *testing.T) {
	for _, tc := range []struct {
		args, user, wantErr string
	}{
		{args: ""},
		{args: "john@pbs", user: "john@pbs"},
		{args: "john@pbs audit@pbs", wantErr: "accepts at most 1 arg(s)"},
	} {
		t.Run(tc.args, func(t *testing.T) {
			got, err := cmdtest.Parse(NewCmdList, tc.args)
			if cmdtest.ExpectErr(t, err, tc.wantErr) {
				return
			}
			if err != nil || got.UserID != tc.user {
				t.Fatalf("options %+v: %v", got, err)
			}
		})
	}
}

// list shows PBS's entries and shapes, never a secret (docs/semantics.md §9).
func TestListRun(t *testing.T) {
	local := time.Local
	time.Local = time.UTC // created is rendered in local time
	t.Cleanup(func() { time.Local = local })
	dir := cmdtest.CopyExample(t, "pbs")
	id := cmdtest.AddTOTP(t, dir, "john@pbs")
	s := store.New(dir)
	s.Now = func() time.Time { return cmdtest.Enrolled }
	keys, err := s.AddRecovery("john@pbs")
	if err != nil {
		t.Fatal(err)
	}
	list := func(format, user string) string {
		t.Helper()
		f, bufs := cmdutil.NewTestFactory(dir)
		f.Config.OutputFormat = format
		if err := listRun(&ListOptions{IO: f.IOStreams, Config: f.Config, UserID: user}); err != nil {
			t.Fatal(err)
		}
		out := bufs.Out.String()
		if strings.Contains(out, "GEZDGNBV") || strings.Contains(out, "otpauth") || strings.Contains(out, keys[0]) {
			t.Errorf("list shows a secret: %s", out)
		}
		return out
	}
	want := `┌──────────────────────────────────────┬──────────┬─────────────┬──────────────────────────┬────────┐
│ id                                   │ type     │ description │ created                  │ enable │
╞══════════════════════════════════════╪══════════╪═════════════╪══════════════════════════╪════════╡
│ recovery                             │ recovery │             │ Sun Jun 15 15:06:40 2025 │      1 │
├──────────────────────────────────────┼──────────┼─────────────┼──────────────────────────┼────────┤
│ ` + id + ` │ totp     │ phone       │ Sun Jun 15 15:06:40 2025 │      1 │
└──────────────────────────────────────┴──────────┴─────────────┴──────────────────────────┴────────┘
`
	if got := list("text", "john@pbs"); got != want {
		t.Errorf("list john@pbs:\n%s\nwant:\n%s", got, want)
	}
	if got := list("text", ""); !strings.Contains(got, "│ userid   │ id ") || !strings.Contains(got, "│ john@pbs │ "+id+" │ totp ") {
		t.Errorf("list:\n%s", got)
	}
	var entries []map[string]any
	if err := json.Unmarshal([]byte(list("json", "john@pbs")), &entries); err != nil || len(entries) != 2 || entries[0]["type"] != "recovery" ||
		entries[1]["id"] != id || entries[1]["description"] != "phone" || entries[1]["enable"] != nil {
		t.Errorf("list json: %v %v", entries, err)
	}
	var users []struct {
		Userid  string           `json:"userid"`
		Entries []map[string]any `json:"entries"`
	}
	if err := json.Unmarshal([]byte(list("json", "")), &users); err != nil || len(users) != 1 || users[0].Userid != "john@pbs" || len(users[0].Entries) != 2 {
		t.Errorf("list all json: %v %v", users, err)
	}
	if got := list("json", "audit@pbs"); got != "[]\n" {
		t.Errorf("a user without factors: %q", got)
	}

	// 8 TOTP failures: the lock is reported under the table
	s.Now = func() time.Time { return cmdtest.Enrolled.Add(time.Hour) }
	for range 8 {
		if _, err := s.VerifyTFA("john@pbs", "totp:"+cmdtest.TOTPCode(t, cmdtest.Enrolled)); err != nil {
			t.Fatal(err)
		}
	}
	if got := list("text", "john@pbs"); !strings.HasSuffix(got, "john@pbs: TOTP locked after 8 consecutive failures: use a recovery key, or 'pxacl user tfa unlock john@pbs'\n") {
		t.Errorf("locked:\n%s", got)
	}
}

// As PBS's GET /access/tfa/{userid}, an unknown user has no entries; a
// malformed user id is bad input.
func TestListRunRejected(t *testing.T) {
	f, bufs := cmdutil.NewTestFactory(examples + "/pbs")
	f.Config.OutputFormat = "json"
	if err := listRun(&ListOptions{IO: f.IOStreams, Config: f.Config, UserID: "nobody@pbs"}); err != nil || bufs.Out.String() != "[]\n" {
		t.Errorf("nobody@pbs: %v, output %q", err, bufs.Out)
	}
	for _, id := range []string{"john", "a b@pbs"} {
		f, bufs := cmdutil.NewTestFactory(examples + "/pbs")
		err := listRun(&ListOptions{IO: f.IOStreams, Config: f.Config, UserID: id})
		if cmdutil.ExitCode(err) != 2 || bufs.Out.Len() != 0 {
			t.Errorf("%s: %v, output %q", id, err, bufs.Out)
		}
	}
}
