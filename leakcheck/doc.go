// Package leakcheck fails tests that leave goroutines behind, and says which
// test started each one and why it is stuck.
package leakcheck
