// Package store keeps items; its tests share a fixture set up in TestMain.
package store

// Store holds items by name.
type Store struct{ items map[string]int }

// New returns an empty store.
func New() *Store { return &Store{items: map[string]int{}} }

// Put stores n under name.
func (s *Store) Put(name string, n int) { s.items[name] = n }

// Get returns what name holds.
func (s *Store) Get(name string) int { return s.items[name] }
