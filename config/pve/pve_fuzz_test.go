package pve

import (
	"bytes"
	"testing"
)

// FuzzParsePVEUserCfg: parsing never panics, and parse -> write -> parse
// -> write is stable. PVE's split_list splits on NUL when a list holds one,
// which lets ids containing ',' or ';' into member lists that the writer
// (joining with ',') cannot reproduce, exactly as in PVE. Likewise a text
// field whose decoded value starts or ends with a space ("%20x"): PVE's
// encode_text leaves spaces unescaped and its parser trims every field
// (docs/semantics.md pve §1.1), so PVE itself drops that space on the next read.
// Such inputs must be stable from the second write on.
func FuzzParsePVEUserCfg(f *testing.F) {
	f.Add([]byte(canonical))
	f.Add([]byte("user:a@pve\ntoken:a@pve!t:0:1::\nacl:1:/:a@pve!t:PVEAuditor:\n"))
	f.Add([]byte("pool:a/b/c::100:x1:\ngroup:g:a@pve,b@pve::\nacl:0://x//:@g:NoAccess:\n"))
	f.Add([]byte("role:R:VM.Audit;Sys.Audit:\nacl:1:/vms:u@pve:R,PVEVMUser:\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		first := Parse(data, UserCfg, cat).Write()
		second := Parse(first, UserCfg, cat).Write()
		if bytes.IndexByte(data, 0) >= 0 || bytes.Contains(data, []byte("%20")) {
			first, second = second, Parse(second, UserCfg, cat).Write()
		}
		if !bytes.Equal(first, second) {
			t.Fatalf("not stable:\nfirst:\n%s\nsecond:\n%s", first, second)
		}
	})
}
