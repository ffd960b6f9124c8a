package selectloop

import "context"

// Run is the batching loop with a way out: when ctx is cancelled it hands
// the pending events to the sink and returns that last error. Its owner
// ties the loop's life to its own by cancelling ctx on shutdown — in a test,
// by passing t.Context().
func (b *Batcher) Run(ctx context.Context) error {
	var pending []Event
	for {
		var reply chan error
		select {
		case e := <-b.in:
			pending = append(pending, e)
			if len(pending) < b.Size {
				continue
			}
		case reply = <-b.flushes:
		case <-ctx.Done():
			return b.send(pending)
		}
		err := b.send(pending)
		pending = nil
		if reply != nil {
			reply <- err
		}
		if err != nil {
			return err
		}
	}
}
