package selectloop

// LeakyRun is the batching loop without a way out: its select waits on the
// event and flush channels only. When the program is done with the Batcher
// it simply stops calling Add and Flush, and this goroutine waits on those
// channels forever. Only a failing sink ends it, and a healthy sink never
// fails.
func (b *Batcher) LeakyRun() {
	var pending []Event
	for {
		var reply chan error
		select { // leak: blocks here
		case e := <-b.in:
			pending = append(pending, e)
			if len(pending) < b.Size {
				continue
			}
		case reply = <-b.flushes:
		}
		err := b.send(pending)
		pending = nil
		if reply != nil {
			reply <- err
		}
		if err != nil {
			return
		}
	}
}

// send hands a non-empty batch to the sink.
func (b *Batcher) send(batch []Event) error {
	if len(batch) == 0 {
		return nil
	}
	return b.Sink(batch)
}
