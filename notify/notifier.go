package notify

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// Notifier fans events out to several webhooks at once, each applying its
// own filter. A Notifier is safe for concurrent use.
type Notifier struct {
	hooks []*Webhook
}

// NewNotifier returns a Notifier with a Webhook for each config; opts
// apply to all of them.
func NewNotifier(cfgs []Config, opts ...Option) (*Notifier, error) {
	n := &Notifier{}
	for i, c := range cfgs {
		w, err := New(c, opts...)
		if err != nil {
			return nil, fmt.Errorf("notify webhook #%d: %w", i+1, err)
		}
		n.hooks = append(n.hooks, w)
	}
	return n, nil
}

// Webhooks returns the notifier's webhooks.
func (n *Notifier) Webhooks() []*Webhook { return n.hooks }

// Notify delivers events to every webhook concurrently and waits for all.
// A webhook that fails does not hold back the others; the error joins the
// failures of all of them.
func (n *Notifier) Notify(ctx context.Context, events []Event) error {
	if len(events) == 0 || len(n.hooks) == 0 {
		return nil
	}
	errs := make([]error, len(n.hooks))
	var wg sync.WaitGroup
	for i, w := range n.hooks {
		wg.Go(func() { errs[i] = w.Notify(ctx, events) })
	}
	wg.Wait()
	return errors.Join(errs...)
}
