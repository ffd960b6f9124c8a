// Package natsackunlock reproduces a deadlock fixed in the NATS Go
// client's JetStream messages (https://github.com/nats-io/nats.go/pull/1364,
// commit https://github.com/nats-io/nats.go/commit/b0faafabaf73b257a2ba506423104f094248e82c).
//
// Acknowledging a message took the message's lock to check whether it was
// already acknowledged, and returned the "already acknowledged" error with
// the lock still held. Any later acknowledgement of that message (an Ack,
// Nak or Term, from any goroutine) then waited for the lock forever. The
// fix unlocks before that return.
package natsackunlock

import (
	"errors"
	"sync"
)

// msg is a JetStream message that can be acknowledged once.
type msg struct {
	sync.Mutex
	ackd  bool
	reply func(string) error
}

// ackReply sends an acknowledgement of kind for m.
func (m *msg) ackReply(kind string) error {
	m.Lock()
	if m.ackd {
		return errors.New("message was already acknowledged")
	}
	m.Unlock()
	if err := m.reply(kind); err != nil {
		return err
	}
	m.Lock()
	m.ackd = true
	m.Unlock()
	return nil
}

// Ack acknowledges m.
func (m *msg) Ack() error { return m.ackReply("+ACK") }

// Nak asks for m to be redelivered.
func (m *msg) Nak() error { return m.ackReply("-NAK") }

// Run acknowledges a message twice, then a handler goroutine naks it.
func Run() {
	m := &msg{reply: func(string) error { return nil }}
	_ = m.Ack()
	_ = m.Ack()
	go func() {
		_ = m.Nak()
	}()
}
