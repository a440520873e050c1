//go:build !linux

package batchgc

// totalMemory is unknown outside Linux.
func totalMemory() uint64 { return 0 }
