package train

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMergeNetworksAveragesLogits checks that the merged network computes
// softmax of the members' mean logits, which is what an exported ensemble
// must do.
func TestMergeNetworksAveragesLogits(t *testing.T) {
	const vocab, dim, hidden, labels = 9, 4, 5, 3
	r := rand.New(rand.NewPCG(3, 4))
	nets := make([]*network, 3)
	for i := range nets {
		nets[i] = newNetwork(r, vocab, dim, hidden, labels)
		nets[i].emb.initUniform(r, 1)
		nets[i].b1.initUniform(r, 0.5)
		nets[i].b2.initUniform(r, 0.5)
	}
	merged := mergeNetworks(nets)
	d, h, l := merged.dims()
	assert.Equal(t, []int{3 * dim, 3 * hidden, labels}, []int{d, h, l})

	for _, ids := range [][]int64{{2, 5, 5, 7, 3}, {1}, {8, 4, 6}} {
		mean := make([]float64, labels)
		for _, n := range nets {
			for i, lg := range logits(n, ids) {
				mean[i] += lg / float64(len(nets))
			}
		}
		var sum float64
		for _, v := range mean {
			sum += math.Exp(v)
		}
		got := merged.forward(ids, merged.newActivations())
		for i := range mean {
			assert.InDelta(t, math.Exp(mean[i])/sum, float64(got[i]), 1e-5, "ids %v label %d", ids, i)
		}
	}
}

// logits recovers a network's logits from its probabilities (up to a
// constant, which softmax ignores).
func logits(n *network, ids []int64) []float64 {
	p := n.forward(ids, n.newActivations())
	out := make([]float64, len(p))
	for i, v := range p {
		out[i] = math.Log(float64(v))
	}
	return out
}

func TestDropTokensKeepsEnds(t *testing.T) {
	tr := &trainer{dropout: 0.5, rng: rand.New(rand.NewPCG(1, 1))}
	ids := []int64{2, 10, 11, 12, 13, 14, 15, 16, 17, 3}
	dropped := 0
	for range 50 {
		got := tr.dropTokens(ids)
		require.GreaterOrEqual(t, len(got), 2)
		assert.Equal(t, int64(2), got[0])
		assert.Equal(t, int64(3), got[len(got)-1])
		dropped += len(ids) - len(got)
	}
	assert.Positive(t, dropped, "some tokens are left out")

	none := &trainer{}
	assert.Equal(t, ids, none.dropTokens(ids), "no dropout leaves examples as they are")
}

func TestClassWeightsByGroup(t *testing.T) {
	labels := []string{"none", "objection:price", "objection:risk", "pain_point:cost"}
	var data []encoded
	add := func(label, n int) {
		for range n {
			data = append(data, encoded{label: label})
		}
	}
	add(0, 6)
	add(1, 2)
	add(2, 1)
	add(3, 3)
	idx := make([]int, len(data))
	for i := range idx {
		idx[i] = i
	}

	w, err := classWeights(data, idx, labels, ":", 0, 0)
	require.NoError(t, err)
	// 12 examples, 3 groups: none 6, objection 3, pain_point 3.
	assert.InDeltaSlice(t, []float32{12.0 / 18, 12.0 / 9, 12.0 / 9, 12.0 / 9}, w, 1e-6)

	// Balanced within groups: price and risk each carry half of the
	// objections' weight (2 of 4), whatever their counts.
	w, err = classWeights(data, idx, labels, ":", 1, 0)
	require.NoError(t, err)
	assert.InDeltaSlice(t, []float32{12.0 / 18, 1, 2, 12.0 / 9}, w, 1e-6)

	// Fully damped: every example weighs 1, the groups as large as they are.
	w, err = classWeights(data, idx, labels, ":", 0, 1)
	require.NoError(t, err)
	assert.InDeltaSlice(t, []float32{1, 1, 1, 1}, w, 1e-6)

	w, err = classWeights(data, idx, labels, "", 0, 0)
	require.NoError(t, err)
	assert.InDeltaSlice(t, []float32{12.0 / 24, 12.0 / 8, 12.0 / 4, 12.0 / 12}, w, 1e-6)
}
