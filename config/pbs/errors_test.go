package pbs

import "testing"

func TestParseErrorFormat(t *testing.T) {
	tests := []struct {
		err  ParseError
		want string
	}{
		{ParseError{File: "acl.cfg", Line: 3, Value: "Foo", Msg: "unknown role 'Foo'"}, "acl.cfg:3: unknown role 'Foo'"},
		{ParseError{File: "user.cfg", Msg: "invalid UTF-8"}, "user.cfg: invalid UTF-8"},
	}
	for _, tc := range tests {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
}
