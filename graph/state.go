package graph

import (
	"context"
	"fmt"

	"github.com/cayleygraph/quad"
)

// prefixState names the nodes that hold per-account state of the stages
// after the graph: what was last emitted, so that a restarted pipeline, or
// another instance, does not announce again what was already announced.
const prefixState = "state/"

var predValue = quad.IRI("gx:value")

func stateIRI(accountID, key string) quad.IRI {
	return quad.IRI(prefixState + accountID + "/" + key)
}

// SetAccountState records value under key for an account, replacing what
// was there. The value is opaque to the graph.
func (s *Store) SetAccountState(ctx context.Context, accountID, key string, value []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := checkID(accountID); err != nil {
		return fmt.Errorf("%w: account %q: %w", ErrInvalid, accountID, err)
	}
	if err := checkID(key); err != nil {
		return fmt.Errorf("%w: state key %q: %w", ErrInvalid, key, err)
	}
	subject := stateIRI(accountID, key)
	unlock, err := s.lockNodes(ctx, true, string(subject))
	if err != nil {
		return fmt.Errorf("graph: set state %q of account %q: %w", key, accountID, err)
	}
	defer unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.usable(); err != nil {
		return err
	}
	cur, err := s.describe(ctx, subject)
	if err != nil {
		return fmt.Errorf("graph: set state %q of account %q: %w", key, accountID, err)
	}
	var d diff
	d.replace(cur, []quad.Quad{quad.Make(subject, predValue, quad.String(value), nil)})
	if err := s.apply(ctx, &d); err != nil {
		return fmt.Errorf("graph: set state %q of account %q: %w", key, accountID, err)
	}
	return nil
}

// AccountState returns the value recorded under key for an account, and
// whether there is one.
func (s *Store) AccountState(ctx context.Context, accountID, key string) ([]byte, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	subject := stateIRI(accountID, key)
	unlock, err := s.lockNodes(ctx, false, string(subject))
	if err != nil {
		return nil, false, fmt.Errorf("graph: read state %q of account %q: %w", key, accountID, err)
	}
	defer unlock()
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err := s.usable(); err != nil {
		return nil, false, err
	}
	cur, err := s.describe(ctx, subject)
	if err != nil {
		return nil, false, fmt.Errorf("graph: read state %q of account %q: %w", key, accountID, err)
	}
	for _, q := range cur {
		if q.Predicate == predValue {
			if v, ok := q.Object.(quad.String); ok {
				return []byte(v), true, nil
			}
		}
	}
	return nil, false, nil
}
