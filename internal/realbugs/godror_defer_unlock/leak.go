// Package godrordeferunlock reproduces a deadlock fixed in godror, the
// Oracle driver (https://github.com/godror/godror/issues/94).
//
// Beginning a transaction took the connection's lock and deferred the
// Unlock only after a check that could return early, so that return kept
// the lock and the next transaction started on the connection waited
// forever. The fix moved the deferred Unlock right after the Lock.
package godrordeferunlock

import (
	"errors"
	"sync"
)

// conn is a driver connection.
type conn struct {
	mu       sync.RWMutex
	inTx     bool
	readOnly bool
}

// begin starts a transaction.
func (c *conn) begin(readOnly bool) error {
	c.mu.Lock()
	if c.inTx && c.readOnly != readOnly {
		return errors.New("cannot change the access mode of a running transaction")
	}
	defer c.mu.Unlock()
	c.inTx, c.readOnly = true, readOnly
	return nil
}

// Run begins a transaction, then begins one with another mode twice, as
// concurrent callers sharing the connection would.
func Run() {
	c := &conn{}
	_ = c.begin(false)
	_ = c.begin(true)
	go func() {
		_ = c.begin(false)
	}()
}
