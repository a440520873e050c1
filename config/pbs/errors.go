package pbs

import "fmt"

// Error formats e as "FILE:LINE: MSG", or "FILE: MSG" when Line is 0.
// Msg already names the offending value (quoted), e.g.
// "acl.cfg:3: unknown role 'Foo'".
func (e *ParseError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// errorf builds a *ParseError; value is the offending text and should also
// appear (quoted) in the formatted message.
func errorf(file string, line int, value, format string, args ...any) *ParseError {
	return &ParseError{File: file, Line: line, Value: value, Msg: fmt.Sprintf(format, args...)}
}
