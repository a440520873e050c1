// Delta bundles: the server keeps the patches between its last revisions
// and answers a sidecar that holds one of them with an OPA delta bundle
// (package bundle/delta) instead of the whole bundle.

package server

import (
	"bytes"
	"errors"
	"strings"

	"github.com/pxacl/pxacl/bundle/delta"
)

// DefaultDeltaRevisions is how many past revisions serve keeps deltas
// for by default: none. Deltas are opt-in (serve --delta-revisions N):
// OPA 1.22 activates a delta far more slowly than a whole bundle of the
// same data (about 6 s against under 1 s at 10k entries, see
// docs/benchmarks.md), so by default a revoked grant reaches sidecars
// sooner without them.
const DefaultDeltaRevisions = 0

// step is the patch from one served revision to the next.
type step struct {
	etag string // the older revision's ETag
	ops  []byte // delta.EncodeOps from it to the following revision
}

// deltasEnabled: deltas are on (DeltaRevisions > 0) and, with signing,
// the operator accepted unsigned deltas (DeltaUnsigned).
func (s *Server) deltasEnabled() bool {
	return s.opts.DeltaRevisions > 0 && (s.opts.Signer == nil || s.opts.DeltaUnsigned)
}

// prepareDeltas is called under buildMu with the snapshot being replaced
// (nil on the first build) and the new one, before the swap. It extends
// the history with the patch old -> next and gives next its delta bundles,
// one per kept revision, from the newest back while the patch stays
// smaller than next's bundle. Memory: the history holds at most about
// len(next.body) bytes of patches, and the delta bodies together at most
// about len(next.body) more.
func (s *Server) prepareDeltas(old, next *snapshot) {
	if !s.deltasEnabled() || old == nil {
		return
	}
	oldParts, err1 := delta.ReadSnapshot(bytes.NewReader(old.body))
	newParts, err2 := delta.ReadSnapshot(bytes.NewReader(next.body))
	if err := errors.Join(err1, err2); err != nil {
		s.history = nil
		s.opts.Logger.Warn("no delta bundles for this revision", "error", shortError(err.Error()))
		return
	}
	ops, err := delta.Between(oldParts, newParts)
	if err != nil {
		// the policies changed (a new pxacl): sidecars need the snapshot
		s.history = nil
		s.opts.Logger.Info("no delta bundles for this revision", "reason", shortError(err.Error()))
		return
	}
	s.history = append(s.history, step{etag: old.etag, ops: ops})
	if n := len(s.history) - s.opts.DeltaRevisions; n > 0 {
		s.history = append([]step(nil), s.history[n:]...)
	}
	next.deltas = map[string][]byte{}
	var cum []byte
	total := 0
	keep := len(s.history)
	for i := len(s.history) - 1; i >= 0; i-- {
		h := s.history[i]
		if len(cum) == 0 {
			cum = h.ops
		} else {
			cum = append(append(append(make([]byte, 0, len(h.ops)+1+len(cum)), h.ops...), ','), cum...)
		}
		if len(cum) >= len(next.body) {
			break // older revisions get the snapshot
		}
		body, err := delta.Bytes(newParts.Manifest, cum)
		if err != nil || len(body) >= len(next.body) || total+len(body) > len(next.body) {
			break
		}
		keep = len(s.history) - i
		total += len(body)
		if h.etag != next.etag { // A -> B -> A: a sidecar at A is current
			next.deltas[h.etag] = body
		}
	}
	s.history = s.history[len(s.history)-keep:]
	if len(next.deltas) > 0 {
		s.opts.Logger.Info("delta bundles ready", "revisions", len(next.deltas), "newest_bytes", len(next.deltas[old.etag]))
	}
}

// PreferDelta reports whether the Prefer headers accept delta bundles
// (OPA sends "modes=snapshot,delta", with ";wait=N" when long polling).
func PreferDelta(values []string) bool {
	for _, v := range values {
		for {
			i := strings.Index(strings.ToLower(v), "modes=")
			if i < 0 {
				break
			}
			v = v[i+len("modes="):]
			modes, _, _ := strings.Cut(v, ";")
			for _, m := range strings.Split(modes, ",") {
				if strings.EqualFold(strings.Trim(strings.TrimSpace(m), `"`), "delta") {
					return true
				}
			}
		}
	}
	return false
}

// firstETag is the first entity tag of If-None-Match: OPA sends the
// ETag of its active bundle first, then superseded ones.
func firstETag(values []string) string {
	if len(values) == 0 {
		return ""
	}
	t, _, _ := strings.Cut(values[0], ",")
	t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
	if t != "" && !strings.HasPrefix(t, `"`) {
		t = `"` + t + `"`
	}
	return t
}
