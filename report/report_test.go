package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

const header = "Privileges with (*) have the propagate flag set\n\n"

// TestWriteText checks the exact layout of `proxmox-backup-manager user
// permissions` (docs/semantics.md §11): header, blank line, "Path: X" per
// path sorted byte-wise, "- Priv" / "- Priv (*)" sorted byte-wise, no blank
// line between paths.
func TestWriteText(t *testing.T) {
	tests := []struct {
		name string
		in   Permissions
		want string
	}{
		{"nil map", nil, header},
		{"empty map", Permissions{}, header},
		{
			"one path",
			Permissions{"/datastore/store1": {"Datastore.Audit": true, "Datastore.Backup": false}},
			header + "Path: /datastore/store1\n- Datastore.Audit (*)\n- Datastore.Backup\n",
		},
		{
			// §11 docs example: DatastoreAdmin with propagate=1.
			"docs example",
			Permissions{"/datastore/store1": {
				"Datastore.Verify": true, "Datastore.Read": true, "Datastore.Prune": true,
				"Datastore.Modify": true, "Datastore.Backup": true, "Datastore.Audit": true,
			}},
			header + "Path: /datastore/store1\n" +
				"- Datastore.Audit (*)\n- Datastore.Backup (*)\n- Datastore.Modify (*)\n" +
				"- Datastore.Prune (*)\n- Datastore.Read (*)\n- Datastore.Verify (*)\n",
		},
		{
			// Byte-wise sort, not canonical privilege order: Tape.Read < Tape.Write,
			// Remote.* < Sys.*; uppercase before lowercase, '/' (0x2f) before
			// letters and digits.
			"byte-wise sorting",
			Permissions{
				"/system":         {"Sys.Console": false, "Sys.Audit": true},
				"/":               {"Tape.Write": true, "Tape.Read": true, "Realm.Allocate": false},
				"/datastore/b":    {"x.lower": true, "X.Upper": true},
				"/datastore/a/ns": {"Datastore.Read": false},
				"/datastore/a":    {"Datastore.Read": true},
				"/datastore/A":    {"Datastore.Read": true},
				"/datastore":      {"Remote.Read": true, "Datastore.Read": true},
			},
			header +
				"Path: /\n- Realm.Allocate\n- Tape.Read (*)\n- Tape.Write (*)\n" +
				"Path: /datastore\n- Datastore.Read (*)\n- Remote.Read (*)\n" +
				"Path: /datastore/A\n- Datastore.Read (*)\n" +
				"Path: /datastore/a\n- Datastore.Read (*)\n" +
				"Path: /datastore/a/ns\n- Datastore.Read\n" +
				"Path: /datastore/b\n- X.Upper (*)\n- x.lower (*)\n" +
				"Path: /system\n- Sys.Audit (*)\n- Sys.Console\n",
		},
		{
			// A path with an empty privilege map prints "- NoAccess" (§11;
			// cannot happen in practice, such paths are omitted).
			"empty privilege map",
			Permissions{"/x": {}},
			header + "Path: /x\n- NoAccess\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tt.in.WriteText(&b); err != nil {
				t.Fatal(err)
			}
			if got := b.String(); got != tt.want {
				t.Errorf("WriteText:\n got\n%q\n want\n%q", got, tt.want)
			}
		})
	}
}

// TestWriteJSON: json is compact, json-pretty indented; both
// newline-terminated and holding the {path: {priv: bool}} map (§11).
func TestWriteJSON(t *testing.T) {
	p := Permissions{"/b": {"Sys.Audit": true}, "/a": {"Datastore.Read": false, "Datastore.Audit": true}}
	tests := []struct {
		format string
		want   string
	}{
		{JSON, `{"/a":{"Datastore.Audit":true,"Datastore.Read":false},"/b":{"Sys.Audit":true}}` + "\n"},
		{JSONPretty, "{\n  \"/a\": {\n    \"Datastore.Audit\": true,\n    \"Datastore.Read\": false\n  },\n  \"/b\": {\n    \"Sys.Audit\": true\n  }\n}\n"},
		// Anything but json-pretty is compact.
		{Text, `{"/a":{"Datastore.Audit":true,"Datastore.Read":false},"/b":{"Sys.Audit":true}}` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteJSON(&b, tt.format, p); err != nil {
				t.Fatal(err)
			}
			if got := b.String(); got != tt.want {
				t.Errorf("WriteJSON(%s):\n got  %q\n want %q", tt.format, got, tt.want)
			}
			var back Permissions
			if err := json.Unmarshal(b.Bytes(), &back); err != nil {
				t.Fatal(err)
			}
			if len(back) != 2 || back["/a"]["Datastore.Audit"] != true {
				t.Errorf("round trip: %v", back)
			}
		})
	}
	t.Run("empty", func(t *testing.T) {
		for _, f := range []string{JSON, JSONPretty} {
			var b bytes.Buffer
			if err := WriteJSON(&b, f, Permissions{}); err != nil {
				t.Fatal(err)
			}
			if b.String() != "{}\n" {
				t.Errorf("%s of empty map = %q", f, b.String())
			}
		}
	})
	t.Run("unmarshalable", func(t *testing.T) {
		var b bytes.Buffer
		if err := WriteJSON(&b, JSON, func() {}); err == nil {
			t.Errorf("no error for a func value")
		}
		if b.Len() != 0 {
			t.Errorf("wrote %q on error", b.String())
		}
	})
}

// TestMissingMessage: check_privs wording (§3.4): '&' when every privilege
// is required, '|' when any one suffices; the privilege order is the
// caller's.
func TestMissingMessage(t *testing.T) {
	tests := []struct {
		privs   []string
		path    string
		partial bool
		want    string
	}{
		{[]string{"Datastore.Audit", "Datastore.Backup"}, "/datastore/x", true, "missing permissions 'Datastore.Audit|Datastore.Backup' on '/datastore/x'"},
		{[]string{"Datastore.Audit", "Datastore.Backup"}, "/datastore/x", false, "missing permissions 'Datastore.Audit&Datastore.Backup' on '/datastore/x'"},
		{[]string{"Sys.Audit"}, "/", false, "missing permissions 'Sys.Audit' on '/'"},
		{[]string{"Sys.Audit"}, "/", true, "missing permissions 'Sys.Audit' on '/'"},
		{[]string{"A", "B", "C"}, "/a/b", false, "missing permissions 'A&B&C' on '/a/b'"},
		{nil, "/", false, "missing permissions '' on '/'"},
	}
	for _, tt := range tests {
		if got := MissingMessage(tt.privs, tt.path, tt.partial); got != tt.want {
			t.Errorf("MissingMessage(%v, %q, %v) = %q, want %q", tt.privs, tt.path, tt.partial, got, tt.want)
		}
	}
}

func TestCheckFormat(t *testing.T) {
	tests := []struct {
		format string
		ok     bool
	}{
		{"text", true},
		{"json", true},
		{"json-pretty", true},
		{"", false},
		{"JSON", false},
		{"yaml", true},
		{"json_pretty", false},
		{" text", false},
	}
	for _, tt := range tests {
		err := CheckFormat(tt.format)
		if (err == nil) != tt.ok {
			t.Errorf("CheckFormat(%q) = %v, want ok=%v", tt.format, err, tt.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "'"+tt.format+"'") {
			t.Errorf("CheckFormat(%q) error %q does not name the format", tt.format, err)
		}
	}
}

func TestWritePVEText(t *testing.T) {
	var b strings.Builder
	p := Permissions{"/vms/100": {"VM.Audit": true, "VM.Console": false}, "/": {"Sys.Audit": true}}
	if err := p.WritePVEText(&b); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	if !strings.Contains(got, "│ /vms/100 │ VM.Audit (*)  │\n│          │ VM.Console    │\n") || !strings.HasSuffix(got, "Permissions marked with '(*)' have the 'propagate' flag set.\n") {
		t.Errorf("got:\n%s", got)
	}
}

// pveum's $print_perm_result prints a path without privileges (what the
// PVE API answers for --path, docs/semantics.md pve §3.4) with an empty cell.
func TestWritePVETextEmptyPath(t *testing.T) {
	var b strings.Builder
	if err := (Permissions{"/nodes": {}}).WritePVEText(&b); err != nil {
		t.Fatal(err)
	}
	want := "┌──────────┬─────────────┐\n│ ACL path │ Permissions │\n╞══════════╪═════════════╡\n│ /nodes   │             │\n└──────────┴─────────────┘\n" +
		"Permissions marked with '(*)' have the 'propagate' flag set.\n"
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}
