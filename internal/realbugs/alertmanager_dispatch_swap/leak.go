// Package alertmanagerdispatchswap reproduces a goroutine leak fixed in
// Prometheus Alertmanager's dispatcher
// (https://github.com/prometheus/alertmanager/pull/5241, commit
// https://github.com/prometheus/alertmanager/commit/54b1aecdad9e65615b25999e6187d99155bce7dd).
//
// Each aggregation group runs a loop that flushes on a timer until the
// group's context is cancelled; the dispatcher's maintenance cancels the
// destroyed groups it finds in its map. When an alert arrived for a
// destroyed group, the dispatcher swapped a new group into the map, and
// the old one, no longer in the map, was never cancelled: its loop ran
// for the life of the process. The fix cancels the old group on a
// successful swap.
package alertmanagerdispatchswap

import (
	"context"
	"sync"
	"time"
)

// aggrGroup aggregates the alerts of one group and notifies about them.
type aggrGroup struct {
	ctx    context.Context
	cancel func()
	next   *time.Timer
	done   chan struct{}

	mu        sync.Mutex
	alerts    []string
	isDeleted bool
}

func newAggrGroup(ctx context.Context, interval time.Duration) *aggrGroup {
	ag := &aggrGroup{next: time.NewTimer(interval), done: make(chan struct{})}
	ag.ctx, ag.cancel = context.WithCancel(ctx)
	return ag
}

// run flushes the group's alerts on its timer until it is stopped.
func (ag *aggrGroup) run(flush func([]string), interval time.Duration) {
	defer close(ag.done)
	defer ag.next.Stop()
	for {
		select {
		case <-ag.next.C:
			ag.mu.Lock()
			alerts := append([]string(nil), ag.alerts...)
			ag.mu.Unlock()
			flush(alerts)
			ag.next.Reset(interval)
		case <-ag.ctx.Done():
			return
		}
	}
}

// stop ends the group's loop and waits for it.
func (ag *aggrGroup) stop() {
	ag.cancel()
	<-ag.done
}

func (ag *aggrGroup) insert(alert string) {
	ag.mu.Lock()
	ag.alerts = append(ag.alerts, alert)
	ag.mu.Unlock()
}

// resolveAll marks the group destroyed: every alert of it was resolved.
func (ag *aggrGroup) resolveAll() {
	ag.mu.Lock()
	ag.alerts, ag.isDeleted = nil, true
	ag.mu.Unlock()
}

func (ag *aggrGroup) destroyed() bool {
	ag.mu.Lock()
	defer ag.mu.Unlock()
	return ag.isDeleted
}

// Dispatcher routes alerts into aggregation groups.
type Dispatcher struct {
	ctx    context.Context
	groups sync.Map // fingerprint → *aggrGroup
}

// groupAlert puts alert into the group of fingerprint fp, starting a new
// group when there is none or it was destroyed.
func (d *Dispatcher) groupAlert(fp, alert string) {
	el, loaded := d.groups.Load(fp)
	if loaded && !el.(*aggrGroup).destroyed() {
		el.(*aggrGroup).insert(alert)
		return
	}
	ag := newAggrGroup(d.ctx, time.Hour)
	ag.insert(alert)
	if loaded {
		if !d.groups.CompareAndSwap(fp, el, ag) {
			return
		}
	} else if _, raced := d.groups.LoadOrStore(fp, ag); raced {
		return
	}
	go ag.run(func([]string) {}, time.Hour)
}

// doMaintenance stops and removes the destroyed groups.
func (d *Dispatcher) doMaintenance() {
	d.groups.Range(func(fp, el any) bool {
		if ag := el.(*aggrGroup); ag.destroyed() {
			ag.stop()
			d.groups.CompareAndDelete(fp, ag)
		}
		return true
	})
}

// Run routes an alert, resolves its group, routes another alert of the
// same group (the destroyed group is swapped for a new one), resolves
// that one too and runs the maintenance.
func Run() {
	d := &Dispatcher{ctx: context.Background()}
	d.groupAlert("fp1", "HighLatency")
	el, _ := d.groups.Load("fp1")
	el.(*aggrGroup).resolveAll()
	d.groupAlert("fp1", "HighLatency")
	el, _ = d.groups.Load("fp1")
	el.(*aggrGroup).resolveAll()
	d.doMaintenance()
}
