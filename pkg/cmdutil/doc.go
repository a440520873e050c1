// Package cmdutil holds what pxacl's commands share: the Factory with the
// I/O streams and the configuration loader built from the global flags,
// the exit codes, the flags and texts of several commands, and
// completion helpers.
package cmdutil
