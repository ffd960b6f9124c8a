// Package nottest has no tests.
package nottest

// Answer is the answer.
const Answer = 42
