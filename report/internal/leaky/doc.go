// Package leaky holds small programs that leak goroutines on purpose, one
// shape per pattern of the report catalog, so report's tests can capture
// real leaks and check the diagnosis against them.
//
// Every function starts its leak and returns a release function that
// unblocks the leaked goroutines (where Go allows it), so tests end clean.
// The line where a goroutine blocks carries a "leak:here <pattern ID>"
// comment, with "/<variant>" appended when one pattern has several shapes;
// tests find it by scanning the source rather than hard-coding line
// numbers.
package leaky
