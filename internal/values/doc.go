// Package values follows channels, sync primitives, contexts and cancel
// functions through a package as values, not names: the explanation of a
// leak asks it whether the close at one line and the receive at another act
// on the same channel.
//
// Load type-checks a package directory from its source, test files
// included and build tags honoured, with its imports read from the export
// data `go list -export` leaves in the build cache (the standard library
// only: go/types and go/importer). Each directory is loaded once per
// process and loaded again only when a file changed.
//
// Identity is the go/types object: a variable is that variable, a field is
// that field of the struct type that declares it (every instance of T.f is
// one value). Union joins keys through assignments, var declarations,
// struct, slice and map literals, the arguments and parameters of static
// calls (go and defer statements included), returns and the results they
// feed, closures (which share the variables they capture), sends of a
// value on a channel and receives of it, range over a container, append,
// conversions and type assertions, and a method promoted from an embedded
// field. The union is flow-insensitive: it does not know the order of
// statements, nor which branch ran.
//
// It does not follow: calls through interfaces or function values (their
// arguments are not joined to any parameter), reflection, unsafe, values
// stored in a map or slice element by element beyond one level of "an
// element of", or packages it was not given. Where it does not follow a
// value, the key is "" and the caller falls back to the syntax.
package values
