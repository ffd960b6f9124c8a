// Package alertmanagerimportclose reproduces a goroutine leak fixed in
// Prometheus Alertmanager's amtool silence import
// (https://github.com/prometheus/alertmanager/pull/4556, reported as
// https://github.com/prometheus/prometheus/issues/17179).
//
// Bulk import starts a pool of workers that range over a channel of
// silences while the command decodes the input file into it. When an entry
// failed to decode, the command returned the error without closing the
// channel, so every worker waited for more silences forever. The fix
// closes the channel on the error path too (a later change, #4733, folded
// both paths into one cleanup).
package alertmanagerimportclose

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
)

// silence is one silence to import.
type silence struct {
	ID      string
	Comment string
	EndsAt  string
}

// addSilenceWorker adds every silence it receives.
func addSilenceWorker(silencec <-chan *silence, errc chan<- error, add func(*silence) error) {
	for s := range silencec {
		if err := add(s); err != nil {
			errc <- err
		}
	}
}

// bulkImport decodes a JSON array of silences and adds them with workers.
func bulkImport(input string, workers int, add func(*silence) error) error {
	dec := json.NewDecoder(strings.NewReader(input))
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("couldn't unmarshal input data, is it JSON? %w", err)
	}
	silencec := make(chan *silence, 100)
	errc := make(chan error, 100)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			addSilenceWorker(silencec, errc, add)
			wg.Done()
		}()
	}
	for dec.More() {
		var s silence
		if err := dec.Decode(&s); err != nil {
			return fmt.Errorf("couldn't unmarshal input data, is it JSON? %w", err)
		}
		silencec <- &s
	}
	close(silencec)
	wg.Wait()
	close(errc)
	if err, ok := <-errc; ok {
		return err
	}
	return nil
}

// Run imports a file whose first silence has an end time that is not a
// string.
func Run() {
	input := `[{"ID": "123", "Comment": "first", "EndsAt": 1}, {"ID": "456", "Comment": "second"}]`
	_ = bulkImport(input, 2, func(*silence) error { return nil })
}
