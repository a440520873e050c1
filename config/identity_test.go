package config

import "testing"

func TestNoSuch(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{NoSuchUser("nobody@pbs"), "no such user 'nobody@pbs'"},
		{NoSuchToken("john@pbs!t"), "no such token 'john@pbs!t'"},
		{NoSuchUser("x\x1b[2J@pbs"), `no such user 'x\x1b[2J@pbs'`},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}
