package train

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBackwardMatchesFiniteDifferences checks every analytic gradient of the
// network against central differences of the loss.
func TestBackwardMatchesFiniteDifferences(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	net := newNetwork(r, 8, 5, 6, 3)
	// Larger embeddings and biases than at initialisation, so every hidden
	// unit sits well away from the ReLU kink.
	net.emb.initUniform(r, 1)
	net.b1.initUniform(r, 0.5)
	net.b2.initUniform(r, 0.5)
	ids := []int64{2, 5, 5, 7, 3}
	const label = 1
	const weight = 0.75

	act := net.newActivations()
	loss := func() float64 {
		p := net.forward(ids, act)
		return weight * crossEntropy(p[label])
	}
	loss()
	net.backward(ids, label, weight, act)

	const eps = 1e-2
	for pi, p := range net.params() {
		for i := range p.w {
			orig := p.w[i]
			p.w[i] = orig + eps
			up := loss()
			p.w[i] = orig - eps
			down := loss()
			p.w[i] = orig
			numeric := (up - down) / (2 * eps)
			assert.InDelta(t, numeric, float64(p.g[i]), 2e-3+2e-2*math.Abs(numeric),
				"param %d element %d", pi, i)
		}
	}

	// The embedding gradient is sparse: only rows of the sentence's tokens.
	assert.ElementsMatch(t, []int32{2, 5, 7, 3}, net.emb.touched)
}

func TestAdamStepsOnlyTouchedEmbeddingRows(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	net := newNetwork(r, 6, 4, 4, 2)
	before := append([]float32(nil), net.emb.w...)
	act := net.newActivations()
	ids := []int64{2, 4, 3}
	net.forward(ids, act)
	net.backward(ids, 0, 1, act)
	newAdam(0.1).update(net.params(), 1)

	for row := range 6 {
		moved := false
		for d := range 4 {
			if net.emb.w[row*4+d] != before[row*4+d] {
				moved = true
			}
		}
		assert.Equal(t, row == 2 || row == 3 || row == 4, moved, "row %d", row)
	}
	assert.Empty(t, net.emb.touched, "cleared after the step")
	for _, p := range net.params() {
		for _, g := range p.g {
			require.Zero(t, g, "gradients cleared after the step")
		}
	}
}

func TestSoftmax(t *testing.T) {
	x := []float32{1000, 1000, 999}
	softmax(x)
	assert.InDelta(t, 1.0, float64(x[0]+x[1]+x[2]), 1e-6)
	assert.Equal(t, x[0], x[1])
	assert.InDelta(t, math.Exp(-1)/(2+math.Exp(-1)), float64(x[2]), 1e-6)
}

func TestForwardEmptySentencePoolsToZero(t *testing.T) {
	net := newNetwork(rand.New(rand.NewPCG(3, 4)), 5, 3, 4, 2)
	act := net.newActivations()
	p := net.forward(nil, act)
	assert.Equal(t, []float32{0, 0, 0}, act.pooled)
	assert.InDelta(t, 1.0, float64(p[0]+p[1]), 1e-6)
}
