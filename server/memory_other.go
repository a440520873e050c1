//go:build !linux

package server

import "syscall"

// totalMemory is unknown outside Linux.
func totalMemory() int64 { return 0 }

func childSysProcAttr() *syscall.SysProcAttr { return nil }
