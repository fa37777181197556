package models_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guanxi-dev/guanxi/models"
	"github.com/guanxi-dev/guanxi/models/wordpiece"
)

func TestEncodeThenClassifyEncodedMatchesClassify(t *testing.T) {
	c := load(t, models.WithBatchSize(7))
	sentences := paritySentences()
	want, err := c.Classify(context.Background(), sentences)
	require.NoError(t, err)

	encs, err := c.Encode(sentences)
	require.NoError(t, err)
	require.Len(t, encs, len(sentences))
	got, err := c.ClassifyEncoded(context.Background(), encs)
	require.NoError(t, err)
	assert.Equal(t, want, got)
}

func TestWordCacheChangesNothing(t *testing.T) {
	cached := load(t)
	uncached := load(t, models.WithWordCache(0))
	sentences := paritySentences()
	for range 2 { // the second round reads the filled cache
		want, err := uncached.Classify(context.Background(), sentences)
		require.NoError(t, err)
		got, err := cached.Classify(context.Background(), sentences)
		require.NoError(t, err)
		require.Equal(t, want, got)
	}
	_, err := models.Load(modelDir, models.WithWordCache(-1))
	require.ErrorContains(t, err, "negative word cache size")
}

func TestClassifyEncodedRejectsForeignEncodings(t *testing.T) {
	c := load(t)
	short := wordpiece.Encoding{IDs: []int64{wordpiece.ClsID, wordpiece.SepID}, Mask: []int64{1, 1}, Len: 2}
	_, err := c.ClassifyEncoded(context.Background(), []wordpiece.Encoding{short})
	require.ErrorContains(t, err, "sentence 0: encoding has 2 ids")

	require.NoError(t, c.Close())
	_, err = c.ClassifyEncoded(context.Background(), nil)
	require.ErrorIs(t, err, models.ErrClosed)
}
