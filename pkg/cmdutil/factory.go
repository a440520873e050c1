package cmdutil

// Factory gives every command its dependencies: the I/O streams and the
// configuration of the global flags (filled when the flags are parsed).
type Factory struct {
	IOStreams *IOStreams
	Config    *Config
}

// NewFactory is the factory of the pxacl process: the system streams.
func NewFactory() *Factory {
	io := System()
	c := NewConfig()
	c.Warnings = io.ErrOut
	return &Factory{IOStreams: io, Config: c}
}

// NewTestFactory is a factory on buffers whose configuration directory
// is dir; it returns the stdin, stdout and stderr buffers too.
func NewTestFactory(dir string) (*Factory, *IOStreamsBuffers) {
	io, in, out, errOut := Test()
	c := NewConfig()
	c.Dir, c.Warnings = dir, errOut
	return &Factory{IOStreams: io, Config: c}, &IOStreamsBuffers{In: in, Out: out, ErrOut: errOut}
}
