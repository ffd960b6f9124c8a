// Package otelcolremotetapclose reproduces a goroutine leak fixed in the
// OpenTelemetry Collector contrib's remotetap processor
// (https://github.com/open-telemetry/opentelemetry-collector-contrib/pull/32571).
//
// Every connected client gets a channel and a goroutine that waits on it
// for telemetry to write to the client's socket. Shutdown stopped the
// server but left the channels open, so each writer goroutine blocked on
// its channel forever. The fix closes and deletes every client channel on
// shutdown.
package otelcolremotetapclose

import "sync"

// processor fans telemetry out to connected clients.
type processor struct {
	mu      sync.Mutex
	clients map[int]chan string
}

func newProcessor() *processor {
	return &processor{clients: make(map[int]chan string)}
}

// connect registers a client and starts its writer.
func (p *processor) connect(id int, write func(string)) {
	ch := make(chan string)
	p.mu.Lock()
	p.clients[id] = ch
	p.mu.Unlock()
	go func() {
		for msg := range ch {
			write(msg)
		}
	}()
}

// consume sends telemetry to every client.
func (p *processor) consume(msg string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, ch := range p.clients {
		ch <- msg
	}
}

// shutdown stops the processor.
func (p *processor) shutdown() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clients = make(map[int]chan string)
}

// Run connects a client, sends it one span and shuts down.
func Run() {
	p := newProcessor()
	p.connect(1, func(string) {})
	p.consume("span")
	p.shutdown()
}
