package graph

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAccountState(t *testing.T) {
	for _, backend := range persistentBackends {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			s := openTest(t, backend, dir)

			_, ok, err := s.AccountState(ctx, "acct-1", "emitted")
			require.NoError(t, err)
			assert.False(t, ok)

			require.NoError(t, s.SetAccountState(ctx, "acct-1", "emitted", []byte(`{"警告":["承诺逾期"]}`)))
			require.NoError(t, s.SetAccountState(ctx, "acct-1", "emitted", []byte(`{"警告":[]}`)))
			require.NoError(t, s.SetAccountState(ctx, "acct-2", "emitted", []byte(`{"other":1}`)))
			require.NoError(t, s.Close())

			// The latest value survives a reopen, one per account and key.
			s = openTest(t, backend, dir)
			defer s.Close()
			v, ok, err := s.AccountState(ctx, "acct-1", "emitted")
			require.NoError(t, err)
			require.True(t, ok)
			assert.JSONEq(t, `{"警告":[]}`, string(v))
			v, ok, err = s.AccountState(ctx, "acct-2", "emitted")
			require.NoError(t, err)
			require.True(t, ok)
			assert.JSONEq(t, `{"other":1}`, string(v))

			require.ErrorIs(t, s.SetAccountState(ctx, "", "emitted", []byte("x")), ErrInvalid)
		})
	}
}
