// Package cozymailunlock reproduces a deadlock fixed in Cozy's stack
// (https://github.com/linagora/cozy-stack/pull/1457).
//
// Rendering a mail took a lock around the template lookup and released it
// at the end, but a missing translation made the function return between
// the Lock and the Unlock. Every later mail then waited for the lock
// forever. The fix releases the lock on those returns too.
package cozymailunlock

import (
	"fmt"
	"sync"
)

// mailer renders mails from templates per locale.
type mailer struct {
	mu        sync.Mutex
	templates map[string]string
}

// render returns the mail name in locale.
func (m *mailer) render(name, locale string) (string, error) {
	m.mu.Lock()
	tpl, ok := m.templates[locale+"/"+name]
	if !ok {
		return "", fmt.Errorf("no %s translation for mail %s", locale, name)
	}
	out := "Subject: " + tpl
	m.mu.Unlock()
	return out, nil
}

// Run sends a mail in a locale without a translation, then another mail
// from a worker.
func Run() {
	m := &mailer{templates: map[string]string{"en/welcome": "Welcome"}}
	_, _ = m.render("welcome", "eo")
	go func() {
		_, _ = m.render("welcome", "en")
	}()
}
