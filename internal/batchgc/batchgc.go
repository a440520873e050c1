// Package batchgc tunes the Go garbage collector for one-shot batch jobs
// such as `pxacl bundle build`, which allocate a lot, keep most of it and
// exit: collecting early is wasted work.
package batchgc

import "runtime/debug"

// fallbackGCPercent is used where the machine's memory is unknown.
const fallbackGCPercent = 400

// Tune switches the collector off until the heap nears half of the
// machine's memory (a soft limit: the GC runs again when it is reached),
// or, where the memory size is unknown, collects at 4× the live heap.
func Tune() {
	total := totalMemory()
	if total == 0 {
		debug.SetGCPercent(fallbackGCPercent)
		return
	}
	debug.SetMemoryLimit(int64(total / 2))
	debug.SetGCPercent(-1)
}
