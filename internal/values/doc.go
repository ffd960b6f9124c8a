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
// conversions and type assertions, a method promoted from an embedded
// field, and a method's receiver (a named channel type with methods is its
// receiver's value). The union is flow-insensitive: it does not know the
// order of statements, nor which branch ran.
//
// Dynamic calls are bound flow-insensitively too. A call of an interface
// method binds its receiver, arguments and results to that method of every
// named type of the calling package that implements the interface (whether
// a value of the type is ever converted to it is not asked); an interface
// is followed as a value when a followed named type of the package (a
// channel type with methods) implements it. A call through a function
// value (a variable, parameter or field of function type) binds its
// arguments and results to the parameters and results of every function
// literal, and every function of a loaded package, that the value's class
// holds; the union repeats that binding until nothing new joins.
//
// Contexts: each context.With… call records the context it makes, its
// cancel function and its parent, so CancelCalls lists the calls that
// cancel a context (its own cancel's and its ancestors'). A variable
// assigned its own derived context (ctx, cancel := context.WithCancel(ctx))
// is the one place the union is not flow-insensitive: a read of it after
// that statement, in source order, is the derived context; a read before
// is what it was given (a read earlier in a loop body that derives again
// is taken as the parent).
//
// It does not follow: interface calls to types of another package, method
// values (x.M used as a value), instances (every value a field of T holds
// is one value, so a cancel function kept in a field that is overwritten
// is still that field's cancel), reflection, unsafe, values stored in a
// map or slice element by element beyond one level of "an element of", or
// packages it was not given. Where it does not follow a value, the key is
// "" and the caller falls back to the syntax.
package values
