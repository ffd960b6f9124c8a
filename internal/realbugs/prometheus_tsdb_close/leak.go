// Package prometheustsdbclose reproduces a goroutine leak fixed in
// Prometheus's web tests (https://github.com/prometheus/prometheus/pull/10035).
//
// Opening a TSDB starts its background loop, which runs compactions until
// the database is closed. Tests opened a database for the web handler and
// never called Close, so the loop (and the WAL's) outlived every test. The
// fix added the missing db.Close calls.
package prometheustsdbclose

import "time"

// DB is a time series database with a background compaction loop.
type DB struct {
	compactc chan struct{}
	stopc    chan struct{}
	donec    chan struct{}
}

// Open opens a database and starts its loop.
func Open() *DB {
	db := &DB{
		compactc: make(chan struct{}, 1),
		stopc:    make(chan struct{}),
		donec:    make(chan struct{}),
	}
	go db.run()
	return db
}

func (db *DB) run() {
	defer close(db.donec)
	for {
		select {
		case <-time.After(time.Minute):
			db.compact()
		case <-db.compactc:
			db.compact()
		case <-db.stopc:
			return
		}
	}
}

func (db *DB) compact() {}

// Close stops the loop and waits for it.
func (db *DB) Close() error {
	close(db.stopc)
	<-db.donec
	return nil
}

// handler serves the web API from a database.
type handler struct {
	db *DB
}

// Run is a web test: it opens a database for the handler and checks the
// handler was made.
func Run() {
	db := Open()
	h := &handler{db: db}
	_ = h
}
